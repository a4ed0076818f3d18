package ciclo.jna;

import ciclo.ChangeListener;
import ciclo.CicloException;
import com.sun.jna.Pointer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The change callback of one engine: the JNA callbacks registered with
 * {@code ciclo_engine_set_change_callback}, strongly referenced while ciclo may
 * call them (JNA frees a callback's native code once the object is collected),
 * and what a listener threw, for the call that delivered. It holds no
 * reference to its {@link Engine}.
 */
final class Changes {
    /**
     * Serialises registrations, so that ours and ciclo's idea of the callback
     * registered agree; one made from inside a delivery does not take it (the
     * registration holding it may be waiting in ciclo for that delivery).
     */
    final ReentrantLock lock = new ReentrantLock();
    /** The thread delivering this engine's changes, if any (one at a time). */
    volatile Thread delivering;
    /** What a listener threw on this thread, for the call that delivered. */
    private final ThreadLocal<Throwable> failure = new ThreadLocal<>();
    /** The callback registered, or null. */
    private Upcall current;
    /** Callbacks replaced from inside themselves: kept until the engine is released. */
    private final List<Upcall> retired = new ArrayList<>();

    /** The callback behind a listener: an exception must not unwind into C. */
    final class Upcall implements CicloLib.ChangeFn {
        final ChangeListener listener;
        volatile boolean failed;

        Upcall(ChangeListener listener) {
            this.listener = listener;
        }

        @Override
        public void invoke(Pointer user, long firstSeq, long lastSeq, Pointer changesJson) {
            if (failed) {
                return;
            }
            delivering = Thread.currentThread();
            try {
                listener.onChanges(firstSeq, lastSeq, CicloLib.utf8(changesJson));
            } catch (Throwable t) {
                failed = true;
                failure.set(t);
            } finally {
                delivering = null;
            }
        }
    }

    /** Whether this thread is delivering changes of the engine now. */
    boolean inside() {
        return delivering == Thread.currentThread();
    }

    /** Makes {@code next} the registered callback; returns the one before. */
    synchronized Upcall swap(Upcall next) {
        Upcall previous = current;
        current = next;
        return previous;
    }

    /**
     * Lets go of a callback ciclo no longer calls: at once, unless this thread
     * is inside a delivery (perhaps of that very callback, whose native code
     * must stay while it returns through it): then when the engine is released.
     */
    synchronized void retire(Upcall upcall, boolean inside) {
        if (upcall != null && inside) {
            retired.add(upcall);
        }
    }

    /** After the engine was freed: ciclo calls no callback any more. */
    synchronized void release() {
        current = null;
        retired.clear();
    }

    /** Throws what a listener threw on this thread during the call that just succeeded. */
    void rethrowFailure() {
        Throwable t = failure.get();
        if (t == null) {
            return;
        }
        failure.remove();
        if (t instanceof RuntimeException) {
            throw (RuntimeException) t;
        }
        if (t instanceof Error) {
            throw (Error) t;
        }
        throw new IllegalStateException("the change listener threw", t);
    }

    /** The call failed: its error is the one thrown, with a listener's exception suppressed in it. */
    void attachFailure(CicloException e) {
        Throwable t = failure.get();
        if (t != null) {
            failure.remove();
            e.addSuppressed(t);
        }
    }
}
