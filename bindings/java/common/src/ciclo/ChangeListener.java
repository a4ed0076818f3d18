package ciclo;

/**
 * Given the changes of an engine ({@code Engine.setChangeCallback}): the
 * first and last sequence numbers and the changes as JSON,
 * {@code {"changes": [...], "first_seq": 7, "last_seq": 9}}, each change as
 * {@code Engine.changesJson} gives it. Whole engine calls, in sequence order,
 * one delivery at a time.
 *
 * <p>It runs on the thread of the engine call that made the changes (or of
 * another call of that engine already delivering), inside that call, after
 * the engine let go of its locks. It may call the engine (changes it makes
 * are given after it returns) and any other; it must not close the engine,
 * nor wait for another thread that registers a callback on the engine (that
 * registration waits for this delivery to end). An exception it throws is
 * thrown again, once, by the engine call that delivered the changes (on that
 * thread; that call did succeed), and the listener gets nothing more: register
 * it again from the last sequence number it handled, or poll.
 */
@FunctionalInterface
public interface ChangeListener {
    void onChanges(long firstSeq, long lastSeq, String changesJson);
}
