package ciclo;

/**
 * A customer's portable state and the JSON that came with it from the
 * stateless model: an outcome ({@code Model.stepJson}) or a tick report
 * ({@code Model.tickJson}).
 *
 * @param stateJson the state, to store and pass to the next call
 * @param json the outcome or report
 */
public record StateAndJson(String stateJson, String json) {}
