package ciclo;

/**
 * A customer's lead score ({@code ciclo_engine_lead_score}).
 *
 * @param score the points of their events decayed with the model's half-life
 * @param qualified whether it reaches the model's {@code lead_scoring.threshold}
 */
public record LeadScore(double score, boolean qualified) {}
