package ciclo.jna;

import ciclo.CicloException;
import ciclo.StateAndJson;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.PointerByReference;
import java.lang.ref.Cleaner;
import java.lang.ref.Reference;

/**
 * A compiled stage model for the stateless path: the host keeps each customer's
 * state (a JSON text) in its own storage. Thread-safe; close it when no other
 * thread uses it (an unclosed model is released when it is garbage collected).
 */
public final class Model implements AutoCloseable {
    private static final Cleaner CLEANER = Cleaner.create();

    private volatile Pointer handle;
    private final Cleaner.Cleanable cleanable;

    /** A model from a configuration: null for the default preset,
     * {@code {"preset": "five_stage"}}, or a whole stage model. */
    public Model(String configJson) throws CicloException {
        PointerByReference out = new PointerByReference();
        CicloLib.check(CicloLib.ciclo_model_new(CicloLib.arg(configJson), out));
        Pointer h = out.getValue();
        handle = h;
        cleanable = CLEANER.register(this, () -> CicloLib.ciclo_model_free(h));
    }

    private Pointer handle() {
        Pointer h = handle;
        if (h == null) {
            throw new IllegalStateException("the model is closed");
        }
        return h;
    }

    /** The state after one event ({@code stateJson} null for a new customer) and the outcome. */
    public StateAndJson stepJson(String stateJson, String eventJson) throws CicloException {
        PointerByReference state = new PointerByReference();
        PointerByReference outcome = new PointerByReference();
        check(CicloLib.ciclo_model_step_json(handle(), CicloLib.arg(stateJson), CicloLib.arg(eventJson), state, outcome));
        return takeBoth(state, outcome);
    }

    /** The state after the time-driven rules at {@code nowMs}, and the tick report. */
    public StateAndJson tickJson(String stateJson, long nowMs) throws CicloException {
        PointerByReference state = new PointerByReference();
        PointerByReference report = new PointerByReference();
        check(CicloLib.ciclo_model_tick_json(handle(), CicloLib.arg(stateJson), nowMs, state, report));
        return takeBoth(state, report);
    }

    /**
     * Every native call of an instance method is this one's argument: the fence
     * keeps {@code this} reachable until the call returned, so the Cleaner
     * cannot free the model while it runs (handle() alone does not).
     */
    private void check(int status) throws CicloException {
        try {
            CicloLib.check(status);
        } finally {
            Reference.reachabilityFence(this);
        }
    }

    private static StateAndJson takeBoth(PointerByReference first, PointerByReference second) {
        String a;
        try {
            a = CicloLib.takeString(first.getValue());
        } catch (RuntimeException | Error e) {
            CicloLib.takeString(second.getValue());
            throw e;
        }
        return new StateAndJson(a, CicloLib.takeString(second.getValue()));
    }

    /** Releases the model; later calls throw IllegalStateException. */
    @Override
    public void close() {
        handle = null;
        cleanable.clean();
    }
}
