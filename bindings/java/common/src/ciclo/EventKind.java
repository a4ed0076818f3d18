package ciclo;

/** The kinds of {@link Event} ({@code CICLO_EVENT_KIND_*} in {@code ciclo.h}). */
public final class EventKind {
    private EventKind() {}

    public static final int VISIT = 1;
    public static final int CONTACT_CAPTURED = 2;
    public static final int TRIAL_REQUESTED = 3;
    public static final int DEMO_REQUESTED = 4;
    public static final int PURCHASE = 5;
    public static final int DELIVERY = 6;
    public static final int SUPPORT_TICKET = 7;
    public static final int TICKET_RESOLVED = 8;
    public static final int COMPLAINT = 9;
    public static final int SURVEY = 10;
    public static final int USAGE = 11;
    public static final int PAYMENT_FAILED = 12;
    public static final int RENEWAL = 13;
    public static final int CANCELLATION = 14;
    public static final int OUTREACH = 15;
    public static final int OFFER_ACCEPTED = 16;
    public static final int OFFER_DECLINED = 17;
    public static final int UNSUBSCRIBE = 18;
    public static final int CUSTOM = 1000;
}
