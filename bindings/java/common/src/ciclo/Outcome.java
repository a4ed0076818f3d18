package ciclo;

/**
 * What {@code Engine.apply(Event)} did. Stage and rule indexes name through
 * {@code Engine.stageName(int)} and {@code Engine.ruleName(int)}.
 *
 * @param duplicate the event id was seen recently: nothing changed
 * @param created the event created the customer
 * @param transitioned the stage changed
 * @param fromStage the stage left, or -1 without a transition
 * @param stage the stage after the event
 * @param rule the rule that fired, or -1
 * @param atMs when the transition happened, or 0
 */
public record Outcome(boolean duplicate, boolean created, boolean transitioned, int fromStage,
        int stage, int rule, long atMs) {}
