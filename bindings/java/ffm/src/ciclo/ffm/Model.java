package ciclo.ffm;

import ciclo.CicloException;
import ciclo.StateAndJson;

import static ciclo.ffm.Native.fallible;
import static ciclo.ffm.Native.str;
import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.lang.ref.Cleaner;
import java.lang.ref.Reference;

/**
 * A compiled stage model for the stateless path: the host keeps each customer's
 * state (a JSON text) in its own storage. Thread-safe; close it when no other
 * thread uses it (an unclosed model is released when it is garbage collected).
 */
public final class Model implements AutoCloseable {
    private static final MethodHandle NEW = fallible("ciclo_model_new", ADDRESS, ADDRESS);
    static final MethodHandle FREE = Native.downcall("ciclo_model_free", FunctionDescriptor.ofVoid(ADDRESS));
    private static final MethodHandle STEP = fallible("ciclo_model_step_json", ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS);
    private static final MethodHandle TICK = fallible("ciclo_model_tick_json", ADDRESS, ADDRESS, JAVA_LONG, ADDRESS, ADDRESS);
    private static final Cleaner CLEANER = Cleaner.create();

    private volatile MemorySegment handle;
    private final Cleaner.Cleanable cleanable;

    /** A model from a configuration: null for the default preset,
     * {@code {"preset": "five_stage"}}, or a whole stage model. */
    public Model(String configJson) throws CicloException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(ADDRESS);
            Native.call(arena, a -> (int) NEW.invokeExact(str(a, configJson), out));
            MemorySegment h = out.get(ADDRESS, 0);
            handle = h;
            cleanable = CLEANER.register(this, () -> free(h));
        }
    }

    private static void free(MemorySegment h) {
        try {
            FREE.invokeExact(h);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    private MemorySegment handle() {
        MemorySegment h = handle;
        if (h == null) {
            throw new IllegalStateException("the model is closed");
        }
        return h;
    }

    /** The state after one event ({@code stateJson} null for a new customer) and the outcome. */
    public StateAndJson stepJson(String stateJson, String eventJson) throws CicloException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(ADDRESS);
            MemorySegment outcome = arena.allocate(ADDRESS);
            call(arena, a -> (int) STEP.invokeExact(handle(), str(a, stateJson), str(a, eventJson), state, outcome));
            return takeBoth(state, outcome);
        }
    }

    /** The state after the time-driven rules at {@code nowMs}, and the tick report. */
    public StateAndJson tickJson(String stateJson, long nowMs) throws CicloException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(ADDRESS);
            MemorySegment report = arena.allocate(ADDRESS);
            call(arena, a -> (int) TICK.invokeExact(handle(), str(a, stateJson), nowMs, state, report));
            return takeBoth(state, report);
        }
    }

    /**
     * Every native call of an instance method goes through here: the fence keeps
     * {@code this} reachable until the downcall returns, so the Cleaner cannot
     * free the model while it runs (handle() alone does not: after it reads the
     * address, {@code this} may be unreachable).
     */
    private void call(Arena arena, Native.Call call) throws CicloException {
        try {
            Native.call(arena, call);
        } finally {
            Reference.reachabilityFence(this);
        }
    }

    /** Copies and frees both strings of a call that succeeded. */
    static StateAndJson takeBoth(MemorySegment first, MemorySegment second) {
        MemorySegment p1 = first.get(ADDRESS, 0);
        MemorySegment p2 = second.get(ADDRESS, 0);
        String a;
        try {
            a = Native.takeString(p1);
        } catch (RuntimeException | Error e) {
            Native.takeString(p2);
            throw e;
        }
        return new StateAndJson(a, Native.takeString(p2));
    }

    /** Releases the model; later calls throw IllegalStateException. */
    @Override
    public void close() {
        handle = null;
        cleanable.clean();
    }
}
