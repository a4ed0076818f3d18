package ciclo.ffm;

import ciclo.ChangeListener;
import ciclo.CicloException;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The change callback of one engine: the upcall stubs registered with
 * {@code ciclo_engine_set_change_callback}, kept alive while ciclo may call
 * them, and what a listener threw, for the call that delivered. It holds no
 * reference to its {@link Engine}, so the engine's Cleaner can release both.
 */
final class Changes {
    /** {@code ciclo_change_fn}. */
    static final FunctionDescriptor DESCRIPTOR = FunctionDescriptor.ofVoid(ADDRESS, JAVA_LONG, JAVA_LONG, ADDRESS);
    private static final MethodHandle DELIVER;

    static {
        try {
            DELIVER = MethodHandles.lookup().findVirtual(Upcall.class, "deliver", MethodType.methodType(
                    void.class, MemorySegment.class, long.class, long.class, MemorySegment.class));
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

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
    /** The upcall registered, or null. */
    private Upcall current;
    /** Arenas of upcalls replaced from inside themselves: closed with the engine. */
    private final List<Arena> retired = new ArrayList<>();
    private boolean released;

    /** The upcall behind a listener: an exception must not unwind into C. */
    final class Upcall {
        final ChangeListener listener;
        final Arena arena = Arena.ofShared();
        final MemorySegment stub;
        volatile boolean failed;

        Upcall(ChangeListener listener) {
            this.listener = listener;
            this.stub = Native.LINKER.upcallStub(DELIVER.bindTo(this), DESCRIPTOR, arena);
        }

        @SuppressWarnings("unused") // called from C
        void deliver(MemorySegment user, long firstSeq, long lastSeq, MemorySegment changesJson) {
            if (failed) {
                return;
            }
            delivering = Thread.currentThread();
            try {
                listener.onChanges(firstSeq, lastSeq, Native.staticString(changesJson));
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

    /** Makes {@code next} the registered upcall; returns the one before. */
    synchronized Upcall swap(Upcall next) {
        Upcall previous = current;
        current = next;
        return previous;
    }

    /**
     * Releases an upcall ciclo no longer calls: at once, unless this thread is
     * inside a delivery (perhaps of that very upcall, which must not lose its
     * stub while it returns through it): then when the engine is released.
     */
    synchronized void retire(Upcall upcall, boolean inside) {
        if (upcall == null) {
            return;
        }
        if (inside || released) {
            retired.add(upcall.arena);
        } else {
            upcall.arena.close();
        }
    }

    /** After the engine was freed: ciclo calls no upcall any more. */
    synchronized void release() {
        released = true;
        if (current != null) {
            current.arena.close();
            current = null;
        }
        for (Arena arena : retired) {
            arena.close();
        }
        retired.clear();
    }

    /** Throws what a listener threw on this thread during the call that just succeeded. */
    void rethrowFailure() {
        Throwable t = failure.get();
        if (t == null) {
            return;
        }
        failure.remove();
        if (t instanceof RuntimeException e) {
            throw e;
        }
        if (t instanceof Error e) {
            throw e;
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
