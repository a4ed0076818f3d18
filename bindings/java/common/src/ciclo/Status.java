package ciclo;

/** The C ABI's status codes ({@code CICLO_STATUS_*} in {@code ciclo.h}). */
public final class Status {
    private Status() {}

    public static final int OK = 0;
    public static final int NULL_ARGUMENT = 1;
    public static final int INVALID_UTF8 = 2;
    public static final int INVALID_JSON = 3;
    public static final int UNKNOWN_FIELD = 4;
    public static final int INVALID_CONFIG = 5;
    public static final int UNKNOWN_STAGE = 6;
    public static final int UNKNOWN_METRIC = 7;
    public static final int UNKNOWN_EVENT_KIND = 8;
    public static final int INVALID_TIMESTAMP = 9;
    public static final int INVALID_AMOUNT = 10;
    public static final int INVALID_ARGUMENT = 11;
    public static final int NOT_FOUND = 12;
    public static final int OUT_OF_ORDER = 13;
    public static final int CONFLICT = 14;
    public static final int CORRUPT_SNAPSHOT = 15;
    public static final int OUT_OF_RANGE = 16;
    public static final int INVALID_VALUE = 17;
    /** Changes asked for are no longer kept by the change feed (its retention dropped them). */
    public static final int CHANGES_DROPPED = 18;
    public static final int PANIC = 100;
}
