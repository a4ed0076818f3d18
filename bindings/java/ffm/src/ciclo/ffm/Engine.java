package ciclo.ffm;

import ciclo.ChangeListener;
import ciclo.CicloException;
import ciclo.Event;
import ciclo.LeadScore;
import ciclo.Outcome;
import ciclo.StageSince;

import static ciclo.ffm.Native.fallible;
import static ciclo.ffm.Native.str;
import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_DOUBLE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;
import java.lang.ref.Cleaner;
import java.lang.ref.Reference;

/**
 * An engine ({@code ciclo_engine}): customers, their lifecycle states,
 * consolidation and retention. Thread-safe: share one between platform and
 * virtual threads. Close it when no other thread uses it (an unclosed engine
 * is released when it is garbage collected).
 *
 * <p>JSON goes in and comes out as text: parse it with your JSON library. A
 * failed call throws {@link CicloException} with the status and the message of
 * that very call, read inside the method (see {@code Native} for the rule).
 *
 * <p>Adding a function that returns JSON is one handle and one line, as
 * {@link #reviewsJson()}:
 * {@code return callString((a, out) -> (int) REVIEWS.invokeExact(handle(), out));}
 */
public final class Engine implements AutoCloseable {
    // size_t is JAVA_LONG on the 64-bit platforms the binding supports.
    private static final MethodHandle NEW = fallible("ciclo_engine_new", ADDRESS, ADDRESS);
    private static final MethodHandle FREE = Native.downcall("ciclo_engine_free", FunctionDescriptor.ofVoid(ADDRESS));
    private static final MethodHandle RESTORE = fallible("ciclo_engine_restore", ADDRESS, JAVA_LONG, ADDRESS);
    private static final MethodHandle SNAPSHOT = fallible("ciclo_engine_snapshot", ADDRESS, ADDRESS, ADDRESS);
    private static final MethodHandle BYTES_FREE = Native.downcall("ciclo_bytes_free", FunctionDescriptor.ofVoid(ADDRESS, JAVA_LONG));
    private static final MethodHandle APPLY_JSON = fallible("ciclo_engine_apply_json", ADDRESS, ADDRESS, ADDRESS);
    private static final MethodHandle APPLY = fallible("ciclo_engine_apply", ADDRESS, ADDRESS, ADDRESS);
    private static final MethodHandle TICK = fallible("ciclo_engine_tick", ADDRESS, JAVA_LONG, ADDRESS, ADDRESS);
    private static final MethodHandle CUSTOMER = fallible("ciclo_engine_customer_json", ADDRESS, ADDRESS, ADDRESS);
    private static final MethodHandle CUSTOMER_STATE = fallible("ciclo_engine_customer_state_json", ADDRESS, ADDRESS, ADDRESS);
    private static final MethodHandle IMPORT_CUSTOMER = fallible("ciclo_engine_import_customer", ADDRESS, ADDRESS, ADDRESS);
    private static final MethodHandle REMOVE_CUSTOMER = fallible("ciclo_engine_remove_customer", ADDRESS, ADDRESS);
    private static final MethodHandle CUSTOMER_STAGE = fallible("ciclo_engine_customer_stage", ADDRESS, ADDRESS, ADDRESS, ADDRESS);
    private static final MethodHandle LIST_CUSTOMERS = fallible("ciclo_engine_list_customers_json", ADDRESS, ADDRESS, JAVA_INT, ADDRESS);
    private static final MethodHandle LIST_GOLDEN_IDS = fallible("ciclo_engine_list_golden_ids_json", ADDRESS, ADDRESS, JAVA_INT, ADDRESS);
    private static final MethodHandle LIST_SOURCES = fallible("ciclo_engine_list_sources_json", ADDRESS, ADDRESS, ADDRESS, JAVA_INT, ADDRESS);
    private static final MethodHandle LIST_REVIEWS = fallible("ciclo_engine_list_reviews_json", ADDRESS, ADDRESS, JAVA_INT, ADDRESS);
    private static final MethodHandle LEAD_SCORE = fallible("ciclo_engine_lead_score", ADDRESS, ADDRESS, JAVA_LONG, ADDRESS, ADDRESS);
    private static final MethodHandle STAGE_COUNTS = fallible("ciclo_engine_stage_counts_json", ADDRESS, ADDRESS);
    private static final MethodHandle CUSTOMER_COUNT = fallible("ciclo_engine_customer_count", ADDRESS, ADDRESS);
    private static final MethodHandle STAGE_COUNT = fallible("ciclo_engine_stage_count", ADDRESS, ADDRESS);
    private static final MethodHandle STAGE_NAME = fallible("ciclo_engine_stage_name", ADDRESS, JAVA_INT, ADDRESS);
    private static final MethodHandle RULE_NAME = fallible("ciclo_engine_rule_name", ADDRESS, JAVA_INT, ADDRESS);
    private static final MethodHandle MODEL = fallible("ciclo_engine_model_json", ADDRESS, ADDRESS);
    private static final MethodHandle SET_LIMITS = fallible("ciclo_engine_set_limits_json", ADDRESS, ADDRESS);
    private static final MethodHandle LIMITS = fallible("ciclo_engine_limits_json", ADDRESS, ADDRESS);
    private static final MethodHandle CONFIGURE_CONSOLIDATION = fallible("ciclo_engine_configure_consolidation", ADDRESS, ADDRESS);
    private static final MethodHandle INGEST = fallible("ciclo_engine_ingest_json", ADDRESS, ADDRESS, ADDRESS);
    private static final MethodHandle GOLDEN = fallible("ciclo_engine_golden_json", ADDRESS, ADDRESS, ADDRESS);
    private static final MethodHandle GOLDEN_OF = fallible("ciclo_engine_golden_of", ADDRESS, ADDRESS, ADDRESS, ADDRESS);
    private static final MethodHandle MERGE = fallible("ciclo_engine_merge", ADDRESS, ADDRESS, ADDRESS, ADDRESS);
    private static final MethodHandle UNMERGE = fallible("ciclo_engine_unmerge", ADDRESS, ADDRESS, ADDRESS, ADDRESS);
    private static final MethodHandle REMOVE_SOURCE = fallible("ciclo_engine_remove_source", ADDRESS, ADDRESS, ADDRESS, ADDRESS);
    private static final MethodHandle REVIEWS = fallible("ciclo_engine_reviews_json", ADDRESS, ADDRESS);
    private static final MethodHandle DISMISS_REVIEW = fallible("ciclo_engine_dismiss_review", ADDRESS, ADDRESS, ADDRESS);
    private static final MethodHandle LINK = fallible("ciclo_engine_link", ADDRESS, ADDRESS, ADDRESS, ADDRESS);
    private static final MethodHandle UNLINK = fallible("ciclo_engine_unlink", ADDRESS, ADDRESS, ADDRESS, ADDRESS);
    private static final MethodHandle HIERARCHY = fallible("ciclo_engine_hierarchy_json", ADDRESS, ADDRESS, ADDRESS, ADDRESS);
    private static final MethodHandle ROLL_UP = fallible("ciclo_engine_roll_up_json", ADDRESS, ADDRESS, ADDRESS, ADDRESS);
    private static final MethodHandle ESTIMATE_MODEL = fallible("ciclo_engine_estimate_model_json", ADDRESS, ADDRESS, ADDRESS);
    private static final MethodHandle SET_MATCH_MODEL = fallible("ciclo_engine_set_match_model_json", ADDRESS, ADDRESS);
    private static final MethodHandle MATCH_MODEL = fallible("ciclo_engine_match_model_json", ADDRESS, ADDRESS);
    private static final MethodHandle SET_RETENTION = fallible("ciclo_engine_set_retention_json", ADDRESS, ADDRESS);
    private static final MethodHandle RETENTION = fallible("ciclo_engine_retention_json", ADDRESS, ADDRESS);
    private static final MethodHandle EVALUATE = fallible("ciclo_engine_evaluate_json", ADDRESS, ADDRESS, JAVA_LONG, ADDRESS);
    private static final MethodHandle SIGNALS = fallible("ciclo_engine_signals_json", ADDRESS, ADDRESS, JAVA_LONG, ADDRESS);
    private static final MethodHandle CHURN = fallible("ciclo_engine_churn_json", ADDRESS, ADDRESS, JAVA_LONG, ADDRESS);
    private static final MethodHandle FIT_MODELS = fallible("ciclo_engine_fit_models_json", ADDRESS, JAVA_LONG, ADDRESS, ADDRESS);
    private static final MethodHandle WIN_BACK = fallible("ciclo_engine_win_back_json", ADDRESS, JAVA_LONG, JAVA_LONG, ADDRESS);
    private static final MethodHandle RECORD_WIN_BACK = fallible("ciclo_engine_record_win_back", ADDRESS, ADDRESS, JAVA_LONG, JAVA_INT);
    private static final MethodHandle WIN_BACK_STATS = fallible("ciclo_engine_win_back_stats_json", ADDRESS, ADDRESS);
    private static final MethodHandle CHANGES = fallible("ciclo_engine_changes_json", ADDRESS, JAVA_LONG, JAVA_LONG, ADDRESS);
    private static final MethodHandle SET_CHANGE_RETENTION = fallible("ciclo_engine_set_change_retention_json", ADDRESS, ADDRESS);
    private static final MethodHandle CHANGE_RETENTION = fallible("ciclo_engine_change_retention_json", ADDRESS, ADDRESS);
    private static final MethodHandle SET_CHANGE_CALLBACK = fallible("ciclo_engine_set_change_callback", ADDRESS, JAVA_LONG, ADDRESS, ADDRESS);

    /** {@code struct ciclo_event}. */
    static final StructLayout EVENT = MemoryLayout.structLayout(
            ADDRESS.withName("customer_id"),
            ADDRESS.withName("event_id"),
            JAVA_LONG.withName("at_ms"),
            JAVA_INT.withName("kind"),
            MemoryLayout.paddingLayout(4),
            ADDRESS.withName("custom_kind"),
            JAVA_LONG.withName("amount_minor"),
            ADDRESS.withName("currency"),
            ADDRESS.withName("category"),
            ADDRESS.withName("reason"),
            JAVA_DOUBLE.withName("score"),
            JAVA_BYTE.withName("has_score"),
            MemoryLayout.paddingLayout(7),
            JAVA_DOUBLE.withName("quantity"),
            JAVA_BYTE.withName("has_quantity"),
            MemoryLayout.paddingLayout(7),
            ADDRESS.withName("attributes"),
            JAVA_LONG.withName("attribute_count"));

    /** {@code struct ciclo_outcome}. */
    static final StructLayout OUTCOME = MemoryLayout.structLayout(
            JAVA_INT.withName("applied"),
            JAVA_BYTE.withName("created"),
            JAVA_BYTE.withName("transitioned"),
            MemoryLayout.paddingLayout(2),
            JAVA_INT.withName("from_stage"),
            JAVA_INT.withName("stage"),
            JAVA_INT.withName("rule"),
            MemoryLayout.paddingLayout(4),
            JAVA_LONG.withName("at_ms"));

    private static long offset(StructLayout layout, String field) {
        return layout.byteOffset(groupElement(field));
    }

    private static final Cleaner CLEANER = Cleaner.create();

    private volatile MemorySegment handle;
    private final Changes changes = new Changes();
    private final Cleaner.Cleanable cleanable;

    /** An engine on a configuration: null for the six-stage preset,
     * {@code {"preset": "five_stage"}}, or a whole stage model. */
    public Engine(String configJson) throws CicloException {
        this(create(configJson));
    }

    /** An engine on the six-stage preset. */
    public Engine() throws CicloException {
        this((String) null);
    }

    private Engine(MemorySegment h) {
        handle = h;
        Changes c = changes;
        // Freed first: then ciclo calls no change callback any more.
        cleanable = CLEANER.register(this, () -> {
            free(h);
            c.release();
        });
    }

    private static MemorySegment create(String configJson) throws CicloException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(ADDRESS);
            Native.call(arena, a -> (int) NEW.invokeExact(str(a, configJson), out));
            return out.get(ADDRESS, 0);
        }
    }

    /** An engine from the bytes of {@link #snapshot()}. */
    public static Engine restore(byte[] snapshot) throws CicloException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment bytes = arena.allocate(Math.max(1, snapshot.length));
            MemorySegment.copy(snapshot, 0, bytes, JAVA_BYTE, 0, snapshot.length);
            MemorySegment out = arena.allocate(ADDRESS);
            Native.call(arena, a -> (int) RESTORE.invokeExact(bytes, (long) snapshot.length, out));
            return new Engine(out.get(ADDRESS, 0));
        }
    }

    private static void free(MemorySegment h) {
        try {
            FREE.invokeExact(h);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** The C handle, for calls this binding does not wrap. */
    public MemorySegment handle() {
        MemorySegment h = handle;
        if (h == null) {
            throw new IllegalStateException("the engine is closed");
        }
        return h;
    }

    // --- calls that keep the engine alive -------------------------------
    //
    // handle() reads the address and then `this` may be unreachable: without
    // the fence the JIT may let the Cleaner free the engine while the downcall
    // still runs (a use after free). Every native call of an instance method
    // goes through these, whose `finally` keeps `this` reachable until the
    // call and the copy of its result are done (the same for Native.callString
    // and Native.call: they only add the fence).

    //
    // They also throw, once the call succeeded, what a change listener threw
    // while this call delivered changes to it (see setChangeCallback).

    private String callString(Native.StringCall call) throws CicloException {
        try {
            String result = Native.callString(call);
            changes.rethrowFailure();
            return result;
        } catch (CicloException e) {
            changes.attachFailure(e);
            throw e;
        } finally {
            Reference.reachabilityFence(this);
        }
    }

    private void call(Native.Call call) throws CicloException {
        try {
            Native.call(call);
            changes.rethrowFailure();
        } catch (CicloException e) {
            changes.attachFailure(e);
            throw e;
        } finally {
            Reference.reachabilityFence(this);
        }
    }

    private void call(Arena arena, Native.Call call) throws CicloException {
        try {
            Native.call(arena, call);
            changes.rethrowFailure();
        } catch (CicloException e) {
            changes.attachFailure(e);
            throw e;
        } finally {
            Reference.reachabilityFence(this);
        }
    }

    /** Releases the engine, then its change listener; later calls throw
     * IllegalStateException. No other thread may be using it, and not from
     * inside its change listener. Closing twice is fine. */
    @Override
    public void close() {
        if (changes.inside()) {
            throw new IllegalStateException("an engine cannot be closed from inside its change listener");
        }
        handle = null;
        cleanable.clean();
    }

    // --- lifecycle -------------------------------------------------------

    /** Applies an event given as JSON; the outcome as JSON. */
    public String applyJson(String eventJson) throws CicloException {
        return callString((a, out) -> (int) APPLY_JSON.invokeExact(handle(), str(a, eventJson), out));
    }

    /** Applies an event given as a struct (the fast path). */
    public Outcome apply(Event e) throws CicloException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment c = arena.allocate(EVENT);
            c.set(ADDRESS, offset(EVENT, "customer_id"), str(arena, e.customerId()));
            c.set(ADDRESS, offset(EVENT, "event_id"), str(arena, e.eventId()));
            c.set(JAVA_LONG, offset(EVENT, "at_ms"), e.atMs());
            c.set(JAVA_INT, offset(EVENT, "kind"), e.kind());
            c.set(ADDRESS, offset(EVENT, "custom_kind"), str(arena, e.customKind()));
            c.set(JAVA_LONG, offset(EVENT, "amount_minor"), e.amountMinor());
            c.set(ADDRESS, offset(EVENT, "currency"), str(arena, e.currency()));
            c.set(ADDRESS, offset(EVENT, "category"), str(arena, e.category()));
            c.set(ADDRESS, offset(EVENT, "reason"), str(arena, e.reason()));
            c.set(JAVA_DOUBLE, offset(EVENT, "score"), e.score() == null ? 0.0 : e.score());
            c.set(JAVA_BYTE, offset(EVENT, "has_score"), (byte) (e.score() == null ? 0 : 1));
            c.set(JAVA_DOUBLE, offset(EVENT, "quantity"), e.quantity() == null ? 0.0 : e.quantity());
            c.set(JAVA_BYTE, offset(EVENT, "has_quantity"), (byte) (e.quantity() == null ? 0 : 1));
            MemorySegment o = arena.allocate(OUTCOME);
            call(arena, a -> (int) APPLY.invokeExact(handle(), c, o));
            return new Outcome(
                    o.get(JAVA_INT, offset(OUTCOME, "applied")) == 1,
                    o.get(JAVA_BYTE, offset(OUTCOME, "created")) != 0,
                    o.get(JAVA_BYTE, offset(OUTCOME, "transitioned")) != 0,
                    o.get(JAVA_INT, offset(OUTCOME, "from_stage")),
                    o.get(JAVA_INT, offset(OUTCOME, "stage")),
                    o.get(JAVA_INT, offset(OUTCOME, "rule")),
                    o.get(JAVA_LONG, offset(OUTCOME, "at_ms")));
        }
    }

    /** Evaluates the time-driven rules at {@code nowMs}; the number of transitions. */
    public long tick(long nowMs) throws CicloException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment moved = arena.allocate(JAVA_LONG);
            call(arena, a -> (int) TICK.invokeExact(handle(), nowMs, moved, MemorySegment.NULL));
            return moved.get(JAVA_LONG, 0);
        }
    }

    /** As {@link #tick}, returning the report {@code {"now", "evaluated", "transitions"}}. */
    public String tickReportJson(long nowMs) throws CicloException {
        return callString((a, out) -> (int) TICK.invokeExact(handle(), nowMs, MemorySegment.NULL, out));
    }

    /** A customer's state as JSON: stays, history, metrics. */
    public String customerJson(String customerId) throws CicloException {
        return callString((a, out) -> (int) CUSTOMER.invokeExact(handle(), str(a, customerId), out));
    }

    /** A customer's portable state, as {@link Model#stepJson} reads it. */
    public String customerStateJson(String customerId) throws CicloException {
        return callString((a, out) -> (int) CUSTOMER_STATE.invokeExact(handle(), str(a, customerId), out));
    }

    /** Adds a customer with a state the host kept. */
    public void importCustomer(String customerId, String stateJson) throws CicloException {
        call(a -> (int) IMPORT_CUSTOMER.invokeExact(handle(), str(a, customerId), str(a, stateJson)));
    }

    /** Erases a customer completely (the right to be forgotten). */
    public void removeCustomer(String customerId) throws CicloException {
        call(a -> (int) REMOVE_CUSTOMER.invokeExact(handle(), str(a, customerId)));
    }

    /** A customer's current stage index and the moment they entered it. */
    public StageSince customerStage(String customerId) throws CicloException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment stage = arena.allocate(JAVA_INT);
            MemorySegment since = arena.allocate(JAVA_LONG);
            call(arena, a -> (int) CUSTOMER_STAGE.invokeExact(handle(), str(a, customerId), stage, since));
            return new StageSince(stage.get(JAVA_INT, 0), since.get(JAVA_LONG, 0));
        }
    }

    /** A page of the ids of the customers with a lifecycle state, in byte order, as JSON
     * {@code {"items": [...], "next_cursor": ...}}; {@code cursor} null for the first
     * page, else the {@code next_cursor} of the page before; {@code max} 1 to
     * {@code CICLO_LIST_MAX} (an unsigned 32-bit count). */
    public String listCustomersJson(String cursor, int max) throws CicloException {
        return callString((a, out) -> (int) LIST_CUSTOMERS.invokeExact(handle(), str(a, cursor), max, out));
    }

    /** A page of the live golden ids, by number; paged as {@link #listCustomersJson}. */
    public String listGoldenIdsJson(String cursor, int max) throws CicloException {
        return callString((a, out) -> (int) LIST_GOLDEN_IDS.invokeExact(handle(), str(a, cursor), max, out));
    }

    /** A page of the source records of a golden customer; paged as {@link #listCustomersJson}. */
    public String listSourcesJson(String goldenId, String cursor, int max) throws CicloException {
        return callString((a, out) -> (int) LIST_SOURCES.invokeExact(handle(), str(a, goldenId), str(a, cursor), max, out));
    }

    /** A page of the records waiting for a data steward; paged as {@link #listCustomersJson}. */
    public String listReviewsJson(String cursor, int max) throws CicloException {
        return callString((a, out) -> (int) LIST_REVIEWS.invokeExact(handle(), str(a, cursor), max, out));
    }

    /** A customer's lead score at {@code nowMs} and whether it reaches the model's threshold. */
    public LeadScore leadScore(String customerId, long nowMs) throws CicloException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment score = arena.allocate(JAVA_DOUBLE);
            MemorySegment qualified = arena.allocate(JAVA_BYTE);
            call(arena, a -> (int) LEAD_SCORE.invokeExact(handle(), str(a, customerId), nowMs, score, qualified));
            return new LeadScore(score.get(JAVA_DOUBLE, 0), qualified.get(JAVA_BYTE, 0) != 0);
        }
    }

    /** Customers per stage as JSON {@code {"customers": n, "stages": [{"stage", "customers"}]}}. */
    public String stageCountsJson() throws CicloException {
        return callString((a, out) -> (int) STAGE_COUNTS.invokeExact(handle(), out));
    }

    public long customerCount() throws CicloException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment n = arena.allocate(JAVA_LONG);
            call(arena, a -> (int) CUSTOMER_COUNT.invokeExact(handle(), n));
            return n.get(JAVA_LONG, 0);
        }
    }

    public int stageCount() throws CicloException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment n = arena.allocate(JAVA_INT);
            call(arena, a -> (int) STAGE_COUNT.invokeExact(handle(), n));
            return n.get(JAVA_INT, 0);
        }
    }

    public String stageName(int index) throws CicloException {
        return borrowedName(STAGE_NAME, index);
    }

    public String ruleName(int index) throws CicloException {
        return borrowedName(RULE_NAME, index);
    }

    private String borrowedName(MethodHandle h, int index) throws CicloException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(ADDRESS);
            Native.call(arena, a -> (int) h.invokeExact(handle(), index, out));
            // Borrowed from the engine (not freed): read it while the engine is
            // surely alive, before the fence lets the Cleaner free it.
            return Native.staticString(out.get(ADDRESS, 0));
        } finally {
            Reference.reachabilityFence(this);
        }
    }

    /** The engine's stage model as JSON. */
    public String modelJson() throws CicloException {
        return callString((a, out) -> (int) MODEL.invokeExact(handle(), out));
    }

    /** The whole engine as bytes ({@link #restore} reads them). */
    public byte[] snapshot() throws CicloException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment bytes = arena.allocate(ADDRESS);
            MemorySegment len = arena.allocate(JAVA_LONG);
            call(arena, a -> (int) SNAPSHOT.invokeExact(handle(), bytes, len));
            MemorySegment p = bytes.get(ADDRESS, 0);
            long n = len.get(JAVA_LONG, 0);
            try {
                return p.reinterpret(n).toArray(JAVA_BYTE);
            } finally {
                try {
                    BYTES_FREE.invokeExact(p, n);
                } catch (Throwable t) {
                    throw new IllegalStateException(t);
                }
            }
        }
    }

    public void setLimitsJson(String limitsJson) throws CicloException {
        call(a -> (int) SET_LIMITS.invokeExact(handle(), str(a, limitsJson)));
    }

    public String limitsJson() throws CicloException {
        return callString((a, out) -> (int) LIMITS.invokeExact(handle(), out));
    }

    // --- change feed -----------------------------------------------------

    /**
     * The changes after sequence number {@code afterSeq}, oldest first, as JSON
     * {@code {"changes": [{"seq": 1, "type": "customer_created", ...}, ...],
     * "last_seq", "oldest_seq", "head_seq", "more"}}: pass 0 first, then the
     * {@code last_seq} of the page before, while {@code more} is true. A page
     * holds at least {@code max} changes when so many wait, more only to end
     * with a whole call. Throws {@link ciclo.Status#CHANGES_DROPPED} when a
     * change after {@code afterSeq} is no longer kept (the message names the
     * oldest kept), {@link ciclo.Status#INVALID_ARGUMENT} when {@code afterSeq}
     * is past the newest change. Sequence numbers are unsigned 64-bit.
     */
    public String changesJson(long afterSeq, long max) throws CicloException {
        return callString((a, out) -> (int) CHANGES.invokeExact(handle(), afterSeq, max, out));
    }

    /** Sets how long the feed keeps changes for pollers:
     * {@code {"max_changes": 100000, "max_age_ms": 86400000}}, a missing key
     * its default ({@code "{}"} restores both). */
    public void setChangeRetentionJson(String retentionJson) throws CicloException {
        call(a -> (int) SET_CHANGE_RETENTION.invokeExact(handle(), str(a, retentionJson)));
    }

    /** The feed's retention, {@code {"max_age_ms": null, "max_changes": 100000}}. */
    public String changeRetentionJson() throws CicloException {
        return callString((a, out) -> (int) CHANGE_RETENTION.invokeExact(handle(), out));
    }

    /**
     * Has {@code listener} given every change after {@code afterSeq}: first the
     * changes the feed keeps, from inside this call, then each engine call's
     * changes once that call is done (see {@link ChangeListener} for what it
     * may do). It replaces the listener set before; null removes it. Once this
     * returns, the listener replaced is not running and gets nothing more
     * (unless this is called from inside it). The engine keeps the listener
     * (and what it refers to) until it is replaced or the engine is closed:
     * close engines that have one, a listener that refers to its engine keeps
     * the Cleaner from ever releasing it. Throws as {@link #changesJson} for an
     * {@code afterSeq} no longer kept or past the newest change (nothing
     * changes then), and what the listener threw while given the changes kept.
     * Thread-safe.
     */
    public void setChangeCallback(long afterSeq, ChangeListener listener) throws CicloException {
        boolean inside = changes.inside();
        if (!inside) {
            changes.lock.lock();
        }
        try {
            MemorySegment h = handle();
            Changes.Upcall next = listener == null ? null : changes.new Upcall(listener);
            MemorySegment stub = next == null ? MemorySegment.NULL : next.stub;
            // Ours before the call: one registered from inside it (while it is
            // given the changes kept) then replaces it in turn.
            Changes.Upcall previous = changes.swap(next);
            try {
                Native.call(a -> (int) SET_CHANGE_CALLBACK.invokeExact(h, afterSeq, stub, MemorySegment.NULL));
            } catch (CicloException | RuntimeException | Error e) {
                changes.swap(previous); // nothing changed: ciclo never called `next`
                if (next != null) {
                    next.arena.close();
                }
                throw e;
            }
            changes.retire(previous, inside);
        } finally {
            if (!inside) {
                changes.lock.unlock();
            }
            Reference.reachabilityFence(this);
        }
        changes.rethrowFailure();
    }

    // --- consolidation ---------------------------------------------------

    /** How records match and golden records are built, before the first ingest. */
    public void configureConsolidation(String configJson) throws CicloException {
        call(a -> (int) CONFIGURE_CONSOLIDATION.invokeExact(handle(), str(a, configJson)));
    }

    /** Matches a source record at the point of entry and stores it; the decision as JSON. */
    public String ingestJson(String requestJson) throws CicloException {
        return callString((a, out) -> (int) INGEST.invokeExact(handle(), str(a, requestJson), out));
    }

    /** A customer's golden record with lineage and alternates, as JSON. */
    public String goldenJson(String goldenId) throws CicloException {
        return callString((a, out) -> (int) GOLDEN.invokeExact(handle(), str(a, goldenId), out));
    }

    /** The golden id of source record {@code id} of {@code system}. */
    public String goldenOf(String system, String id) throws CicloException {
        return callString((a, out) -> (int) GOLDEN_OF.invokeExact(handle(), str(a, system), str(a, id), out));
    }

    /** Merges two golden customers; the survivor's id. */
    public String merge(String a, String b) throws CicloException {
        return callString((ar, out) -> (int) MERGE.invokeExact(handle(), str(ar, a), str(ar, b), out));
    }

    /** Takes a source record out of its customer; its own golden id. */
    public String unmerge(String system, String id) throws CicloException {
        return callString((a, out) -> (int) UNMERGE.invokeExact(handle(), str(a, system), str(a, id), out));
    }

    /** Removes a source record; {@code {"golden_id", "erased"}} as JSON. */
    public String removeSource(String system, String id) throws CicloException {
        return callString((a, out) -> (int) REMOVE_SOURCE.invokeExact(handle(), str(a, system), str(a, id), out));
    }

    /** The records waiting for a data steward, as JSON. */
    public String reviewsJson() throws CicloException {
        return callString((a, out) -> (int) REVIEWS.invokeExact(handle(), out));
    }

    public void dismissReview(String system, String id) throws CicloException {
        call(a -> (int) DISMISS_REVIEW.invokeExact(handle(), str(a, system), str(a, id)));
    }

    public void link(String kind, String parent, String child) throws CicloException {
        call(a -> (int) LINK.invokeExact(handle(), str(a, kind), str(a, parent), str(a, child)));
    }

    public void unlink(String kind, String parent, String child) throws CicloException {
        call(a -> (int) UNLINK.invokeExact(handle(), str(a, kind), str(a, parent), str(a, child)));
    }

    public String hierarchyJson(String kind, String id) throws CicloException {
        return callString((a, out) -> (int) HIERARCHY.invokeExact(handle(), str(a, kind), str(a, id), out));
    }

    public String rollUpJson(String kind, String id) throws CicloException {
        return callString((a, out) -> (int) ROLL_UP.invokeExact(handle(), str(a, kind), str(a, id), out));
    }

    public String estimateModelJson(String optionsJson) throws CicloException {
        return callString((a, out) -> (int) ESTIMATE_MODEL.invokeExact(handle(), str(a, optionsJson), out));
    }

    public void setMatchModelJson(String modelJson) throws CicloException {
        call(a -> (int) SET_MATCH_MODEL.invokeExact(handle(), str(a, modelJson)));
    }

    public String matchModelJson() throws CicloException {
        return callString((a, out) -> (int) MATCH_MODEL.invokeExact(handle(), out));
    }

    // --- retention -------------------------------------------------------

    /** The trigger rules and retention settings (null for the defaults). */
    public void setRetentionJson(String configJson) throws CicloException {
        call(a -> (int) SET_RETENTION.invokeExact(handle(), str(a, configJson)));
    }

    public String retentionJson() throws CicloException {
        return callString((a, out) -> (int) RETENTION.invokeExact(handle(), out));
    }

    /** Evaluates the triggers for one customer (null: everyone) at {@code nowMs}; the firings as JSON. */
    public String evaluateJson(String customerId, long nowMs) throws CicloException {
        return callString((a, out) -> (int) EVALUATE.invokeExact(handle(), str(a, customerId), nowMs, out));
    }

    public String signalsJson(String customerId, long nowMs) throws CicloException {
        return callString((a, out) -> (int) SIGNALS.invokeExact(handle(), str(a, customerId), nowMs, out));
    }

    public String churnJson(String customerId, long nowMs) throws CicloException {
        return callString((a, out) -> (int) CHURN.invokeExact(handle(), str(a, customerId), nowMs, out));
    }

    public String fitModelsJson(long nowMs, String optionsJson) throws CicloException {
        return callString((a, out) -> (int) FIT_MODELS.invokeExact(handle(), nowMs, str(a, optionsJson), out));
    }

    /** The lapsed customers worth winning back, at most {@code limit}. */
    public String winBackJson(long nowMs, long limit) throws CicloException {
        return callString((a, out) -> (int) WIN_BACK.invokeExact(handle(), nowMs, limit, out));
    }

    /** All the lapsed customers worth winning back. */
    public String winBackJson(long nowMs) throws CicloException {
        return winBackJson(nowMs, -1L); // SIZE_MAX
    }

    public void recordWinBack(String customerId, long nowMs, boolean won) throws CicloException {
        call(a -> (int) RECORD_WIN_BACK.invokeExact(handle(), str(a, customerId), nowMs, won ? 1 : 0));
    }

    public String winBackStatsJson() throws CicloException {
        return callString((a, out) -> (int) WIN_BACK_STATS.invokeExact(handle(), out));
    }
}
