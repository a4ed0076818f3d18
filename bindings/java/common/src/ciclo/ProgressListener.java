package ciclo;

/**
 * Called by {@code Ciclo.dedupJson} on the calling thread as the work goes:
 * the step ({@code "standardize"}, {@code "block"}, {@code "compare"}...), the
 * units of the step done and in all. An exception it throws is thrown again
 * once the call returns.
 */
@FunctionalInterface
public interface ProgressListener {
    void progress(String step, long done, long total);
}
