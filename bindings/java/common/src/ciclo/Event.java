package ciclo;

/**
 * An event for {@code Engine.apply(Event)} (FFM and JNA), the fast path without JSON. Build
 * one with {@link #of} and the {@code with} methods; null strings are absent.
 *
 * @param customerId the customer (required)
 * @param eventId the event's id, for duplicate detection, or null
 * @param atMs when it happened, milliseconds since the Unix epoch (UTC)
 * @param kind one of {@link EventKind}
 * @param customKind the custom kind's name when {@code kind} is {@link EventKind#CUSTOM}
 * @param amountMinor amount in minor units, read only with a currency
 * @param currency ISO 4217 currency of the amount, or null
 * @param category product category or ticket topic, or null
 * @param reason reason (cancellation, complaint...), or null
 * @param score survey score, or null
 * @param quantity usage quantity, or null
 */
public record Event(String customerId, String eventId, long atMs, int kind, String customKind,
        long amountMinor, String currency, String category, String reason, Double score,
        Double quantity) {

    public static Event of(String customerId, long atMs, int kind) {
        return new Event(customerId, null, atMs, kind, null, 0, null, null, null, null, null);
    }

    public Event withEventId(String id) {
        return new Event(customerId, id, atMs, kind, customKind, amountMinor, currency, category, reason, score, quantity);
    }

    public Event withCustomKind(String name) {
        return new Event(customerId, eventId, atMs, kind, name, amountMinor, currency, category, reason, score, quantity);
    }

    public Event withAmount(long minor, String currencyCode) {
        return new Event(customerId, eventId, atMs, kind, customKind, minor, currencyCode, category, reason, score, quantity);
    }

    public Event withCategory(String value) {
        return new Event(customerId, eventId, atMs, kind, customKind, amountMinor, currency, value, reason, score, quantity);
    }

    public Event withReason(String value) {
        return new Event(customerId, eventId, atMs, kind, customKind, amountMinor, currency, category, value, score, quantity);
    }

    public Event withScore(double value) {
        return new Event(customerId, eventId, atMs, kind, customKind, amountMinor, currency, category, reason, value, quantity);
    }

    public Event withQuantity(double value) {
        return new Event(customerId, eventId, atMs, kind, customKind, amountMinor, currency, category, reason, score, value);
    }
}
