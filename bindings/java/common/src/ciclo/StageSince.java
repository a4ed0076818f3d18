package ciclo;

/**
 * A customer's current stage index and when they entered it.
 *
 * @param stage the stage index ({@code Engine.stageName(int)} names it)
 * @param sinceMs when the customer entered it, milliseconds since the Unix epoch (UTC)
 */
public record StageSince(int stage, long sinceMs) {}
