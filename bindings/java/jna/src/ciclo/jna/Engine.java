package ciclo.jna;

import ciclo.ChangeListener;
import ciclo.CicloException;
import ciclo.Event;
import ciclo.LeadScore;
import ciclo.Outcome;
import ciclo.StageSince;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.ByteByReference;
import com.sun.jna.ptr.DoubleByReference;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.LongByReference;
import com.sun.jna.ptr.PointerByReference;
import java.lang.ref.Cleaner;
import java.lang.ref.Reference;

/**
 * An engine ({@code ciclo_engine}): customers, their lifecycle states,
 * consolidation and retention. Thread-safe: share one between threads. Close it
 * when no other thread uses it (an unclosed engine is released when it is
 * garbage collected).
 *
 * <p>JSON goes in and comes out as text: parse it with your JSON library. A
 * failed call throws {@link CicloException} with the status and the message of
 * that very call, read inside the method (see {@code CicloLib} for the rule).
 *
 * <p>Adding a function that returns JSON is one native declaration in
 * {@code CicloLib} and one line here, as {@link #reviewsJson()}:
 * {@code return callString(out -> CicloLib.ciclo_engine_reviews_json(handle(), out));}
 */
public final class Engine implements AutoCloseable {
    private static final Cleaner CLEANER = Cleaner.create();

    private volatile Pointer handle;
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

    private Engine(Pointer h) {
        handle = h;
        Changes c = changes;
        // Freed first: then ciclo calls no change callback any more.
        cleanable = CLEANER.register(this, () -> {
            CicloLib.ciclo_engine_free(h);
            c.release();
        });
    }

    private static Pointer create(String configJson) throws CicloException {
        PointerByReference out = new PointerByReference();
        CicloLib.check(CicloLib.ciclo_engine_new(CicloLib.arg(configJson), out));
        return out.getValue();
    }

    /** An engine from the bytes of {@link #snapshot()}. */
    public static Engine restore(byte[] snapshot) throws CicloException {
        PointerByReference out = new PointerByReference();
        CicloLib.check(CicloLib.ciclo_engine_restore(snapshot, snapshot.length, out));
        return new Engine(out.getValue());
    }

    /** The C handle, for calls this binding does not wrap. */
    public Pointer handle() {
        Pointer h = handle;
        if (h == null) {
            throw new IllegalStateException("the engine is closed");
        }
        return h;
    }

    // --- calls that keep the engine alive -------------------------------
    //
    // After handle() reads the address, `this` may be unreachable: the JIT may
    // let the Cleaner free the engine while the native call still runs (a use
    // after free). Every native call of an instance method goes through these:
    // the native call is their argument (check) or runs inside them
    // (callString), and their fence keeps `this` reachable until it returned.

    //
    // They also throw, once the call succeeded, what a change listener threw
    // while this call delivered changes to it (see setChangeCallback).

    private void check(int status) throws CicloException {
        try {
            CicloLib.check(status);
            changes.rethrowFailure();
        } catch (CicloException e) {
            changes.attachFailure(e);
            throw e;
        } finally {
            Reference.reachabilityFence(this);
        }
    }

    private String callString(CicloLib.StringCall call) throws CicloException {
        try {
            String result = CicloLib.callString(call);
            changes.rethrowFailure();
            return result;
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
        return callString(out -> CicloLib.ciclo_engine_apply_json(handle(), CicloLib.arg(eventJson), out));
    }

    /** Applies an event given as a struct (the fast path). */
    public Outcome apply(Event e) throws CicloException {
        CicloLib.CEvent c = new CicloLib.CEvent();
        c.customer_id = CicloLib.arg(e.customerId());
        c.event_id = CicloLib.arg(e.eventId());
        c.at_ms = e.atMs();
        c.kind = e.kind();
        c.custom_kind = CicloLib.arg(e.customKind());
        c.amount_minor = e.amountMinor();
        c.currency = CicloLib.arg(e.currency());
        c.category = CicloLib.arg(e.category());
        c.reason = CicloLib.arg(e.reason());
        c.score = e.score() == null ? 0.0 : e.score();
        c.has_score = (byte) (e.score() == null ? 0 : 1);
        c.quantity = e.quantity() == null ? 0.0 : e.quantity();
        c.has_quantity = (byte) (e.quantity() == null ? 0 : 1);
        CicloLib.COutcome o = new CicloLib.COutcome();
        check(CicloLib.ciclo_engine_apply(handle(), c, o));
        return new Outcome(o.applied == 1, o.created != 0, o.transitioned != 0, o.from_stage, o.stage, o.rule, o.at_ms);
    }

    /** Evaluates the time-driven rules at {@code nowMs}; the number of transitions. */
    public long tick(long nowMs) throws CicloException {
        LongByReference moved = new LongByReference();
        check(CicloLib.ciclo_engine_tick(handle(), nowMs, moved, null));
        return moved.getValue();
    }

    /** As {@link #tick}, returning the report {@code {"now", "evaluated", "transitions"}}. */
    public String tickReportJson(long nowMs) throws CicloException {
        return callString(out -> CicloLib.ciclo_engine_tick(handle(), nowMs, null, out));
    }

    /** A customer's state as JSON: stays, history, metrics. */
    public String customerJson(String customerId) throws CicloException {
        return callString(out -> CicloLib.ciclo_engine_customer_json(handle(), CicloLib.arg(customerId), out));
    }

    /** A customer's portable state, as {@link Model#stepJson} reads it. */
    public String customerStateJson(String customerId) throws CicloException {
        return callString(out -> CicloLib.ciclo_engine_customer_state_json(handle(), CicloLib.arg(customerId), out));
    }

    /** Adds a customer with a state the host kept. */
    public void importCustomer(String customerId, String stateJson) throws CicloException {
        check(CicloLib.ciclo_engine_import_customer(handle(), CicloLib.arg(customerId), CicloLib.arg(stateJson)));
    }

    /** Erases a customer completely (the right to be forgotten). */
    public void removeCustomer(String customerId) throws CicloException {
        check(CicloLib.ciclo_engine_remove_customer(handle(), CicloLib.arg(customerId)));
    }

    /** A customer's current stage index and the moment they entered it. */
    public StageSince customerStage(String customerId) throws CicloException {
        IntByReference stage = new IntByReference();
        LongByReference since = new LongByReference();
        check(CicloLib.ciclo_engine_customer_stage(handle(), CicloLib.arg(customerId), stage, since));
        return new StageSince(stage.getValue(), since.getValue());
    }

    /** A page of the ids of the customers with a lifecycle state, in byte order, as JSON
     * {@code {"items": [...], "next_cursor": ...}}; {@code cursor} null for the first
     * page, else the {@code next_cursor} of the page before; {@code max} 1 to
     * {@code CICLO_LIST_MAX} (an unsigned 32-bit count). */
    public String listCustomersJson(String cursor, int max) throws CicloException {
        return callString(out -> CicloLib.ciclo_engine_list_customers_json(handle(), CicloLib.arg(cursor), max, out));
    }

    /** A page of the live golden ids, by number; paged as {@link #listCustomersJson}. */
    public String listGoldenIdsJson(String cursor, int max) throws CicloException {
        return callString(out -> CicloLib.ciclo_engine_list_golden_ids_json(handle(), CicloLib.arg(cursor), max, out));
    }

    /** A page of the source records of a golden customer; paged as {@link #listCustomersJson}. */
    public String listSourcesJson(String goldenId, String cursor, int max) throws CicloException {
        return callString(out -> CicloLib.ciclo_engine_list_sources_json(handle(), CicloLib.arg(goldenId), CicloLib.arg(cursor), max, out));
    }

    /** A page of the records waiting for a data steward; paged as {@link #listCustomersJson}. */
    public String listReviewsJson(String cursor, int max) throws CicloException {
        return callString(out -> CicloLib.ciclo_engine_list_reviews_json(handle(), CicloLib.arg(cursor), max, out));
    }

    /** A customer's lead score at {@code nowMs} and whether it reaches the model's threshold. */
    public LeadScore leadScore(String customerId, long nowMs) throws CicloException {
        DoubleByReference score = new DoubleByReference();
        ByteByReference qualified = new ByteByReference();
        check(CicloLib.ciclo_engine_lead_score(handle(), CicloLib.arg(customerId), nowMs, score, qualified));
        return new LeadScore(score.getValue(), qualified.getValue() != 0);
    }

    /** Customers per stage as JSON {@code {"customers": n, "stages": [{"stage", "customers"}]}}. */
    public String stageCountsJson() throws CicloException {
        return callString(out -> CicloLib.ciclo_engine_stage_counts_json(handle(), out));
    }

    public long customerCount() throws CicloException {
        LongByReference n = new LongByReference();
        check(CicloLib.ciclo_engine_customer_count(handle(), n));
        return n.getValue();
    }

    public int stageCount() throws CicloException {
        IntByReference n = new IntByReference();
        check(CicloLib.ciclo_engine_stage_count(handle(), n));
        return n.getValue();
    }

    public String stageName(int index) throws CicloException {
        PointerByReference out = new PointerByReference();
        try {
            CicloLib.check(CicloLib.ciclo_engine_stage_name(handle(), index, out));
            return CicloLib.utf8(out.getValue()); // borrowed from the engine: read before the fence
        } finally {
            Reference.reachabilityFence(this);
        }
    }

    public String ruleName(int index) throws CicloException {
        PointerByReference out = new PointerByReference();
        try {
            CicloLib.check(CicloLib.ciclo_engine_rule_name(handle(), index, out));
            return CicloLib.utf8(out.getValue()); // borrowed from the engine: read before the fence
        } finally {
            Reference.reachabilityFence(this);
        }
    }

    /** The engine's stage model as JSON. */
    public String modelJson() throws CicloException {
        return callString(out -> CicloLib.ciclo_engine_model_json(handle(), out));
    }

    /** The whole engine as bytes ({@link #restore} reads them). */
    public byte[] snapshot() throws CicloException {
        PointerByReference bytes = new PointerByReference();
        LongByReference len = new LongByReference();
        check(CicloLib.ciclo_engine_snapshot(handle(), bytes, len));
        Pointer p = bytes.getValue();
        long n = len.getValue();
        try {
            return p.getByteArray(0, Math.toIntExact(n));
        } finally {
            CicloLib.ciclo_bytes_free(p, n);
        }
    }

    public void setLimitsJson(String limitsJson) throws CicloException {
        check(CicloLib.ciclo_engine_set_limits_json(handle(), CicloLib.arg(limitsJson)));
    }

    public String limitsJson() throws CicloException {
        return callString(out -> CicloLib.ciclo_engine_limits_json(handle(), out));
    }

    // --- consolidation ---------------------------------------------------

    /** How records match and golden records are built, before the first ingest. */
    public void configureConsolidation(String configJson) throws CicloException {
        check(CicloLib.ciclo_engine_configure_consolidation(handle(), CicloLib.arg(configJson)));
    }

    /** Matches a source record at the point of entry and stores it; the decision as JSON. */
    public String ingestJson(String requestJson) throws CicloException {
        return callString(out -> CicloLib.ciclo_engine_ingest_json(handle(), CicloLib.arg(requestJson), out));
    }

    /** A customer's golden record with lineage and alternates, as JSON. */
    public String goldenJson(String goldenId) throws CicloException {
        return callString(out -> CicloLib.ciclo_engine_golden_json(handle(), CicloLib.arg(goldenId), out));
    }

    /** The golden id of source record {@code id} of {@code system}. */
    public String goldenOf(String system, String id) throws CicloException {
        return callString(out -> CicloLib.ciclo_engine_golden_of(handle(), CicloLib.arg(system), CicloLib.arg(id), out));
    }

    /** Merges two golden customers; the survivor's id. */
    public String merge(String a, String b) throws CicloException {
        return callString(out -> CicloLib.ciclo_engine_merge(handle(), CicloLib.arg(a), CicloLib.arg(b), out));
    }

    /** Takes a source record out of its customer; its own golden id. */
    public String unmerge(String system, String id) throws CicloException {
        return callString(out -> CicloLib.ciclo_engine_unmerge(handle(), CicloLib.arg(system), CicloLib.arg(id), out));
    }

    /** Removes a source record; {@code {"golden_id", "erased"}} as JSON. */
    public String removeSource(String system, String id) throws CicloException {
        return callString(out -> CicloLib.ciclo_engine_remove_source(handle(), CicloLib.arg(system), CicloLib.arg(id), out));
    }

    /** The records waiting for a data steward, as JSON. */
    public String reviewsJson() throws CicloException {
        return callString(out -> CicloLib.ciclo_engine_reviews_json(handle(), out));
    }

    public void dismissReview(String system, String id) throws CicloException {
        check(CicloLib.ciclo_engine_dismiss_review(handle(), CicloLib.arg(system), CicloLib.arg(id)));
    }

    public void link(String kind, String parent, String child) throws CicloException {
        check(CicloLib.ciclo_engine_link(handle(), CicloLib.arg(kind), CicloLib.arg(parent), CicloLib.arg(child)));
    }

    public void unlink(String kind, String parent, String child) throws CicloException {
        check(CicloLib.ciclo_engine_unlink(handle(), CicloLib.arg(kind), CicloLib.arg(parent), CicloLib.arg(child)));
    }

    public String hierarchyJson(String kind, String id) throws CicloException {
        return callString(out -> CicloLib.ciclo_engine_hierarchy_json(handle(), CicloLib.arg(kind), CicloLib.arg(id), out));
    }

    public String rollUpJson(String kind, String id) throws CicloException {
        return callString(out -> CicloLib.ciclo_engine_roll_up_json(handle(), CicloLib.arg(kind), CicloLib.arg(id), out));
    }

    public String estimateModelJson(String optionsJson) throws CicloException {
        return callString(out -> CicloLib.ciclo_engine_estimate_model_json(handle(), CicloLib.arg(optionsJson), out));
    }

    public void setMatchModelJson(String modelJson) throws CicloException {
        check(CicloLib.ciclo_engine_set_match_model_json(handle(), CicloLib.arg(modelJson)));
    }

    public String matchModelJson() throws CicloException {
        return callString(out -> CicloLib.ciclo_engine_match_model_json(handle(), out));
    }

    // --- retention -------------------------------------------------------

    /** The trigger rules and retention settings (null for the defaults). */
    public void setRetentionJson(String configJson) throws CicloException {
        check(CicloLib.ciclo_engine_set_retention_json(handle(), CicloLib.arg(configJson)));
    }

    public String retentionJson() throws CicloException {
        return callString(out -> CicloLib.ciclo_engine_retention_json(handle(), out));
    }

    /** Evaluates the triggers for one customer (null: everyone) at {@code nowMs}; the firings as JSON. */
    public String evaluateJson(String customerId, long nowMs) throws CicloException {
        return callString(out -> CicloLib.ciclo_engine_evaluate_json(handle(), CicloLib.arg(customerId), nowMs, out));
    }

    public String signalsJson(String customerId, long nowMs) throws CicloException {
        return callString(out -> CicloLib.ciclo_engine_signals_json(handle(), CicloLib.arg(customerId), nowMs, out));
    }

    public String churnJson(String customerId, long nowMs) throws CicloException {
        return callString(out -> CicloLib.ciclo_engine_churn_json(handle(), CicloLib.arg(customerId), nowMs, out));
    }

    public String fitModelsJson(long nowMs, String optionsJson) throws CicloException {
        return callString(out -> CicloLib.ciclo_engine_fit_models_json(handle(), nowMs, CicloLib.arg(optionsJson), out));
    }

    /** The lapsed customers worth winning back, at most {@code limit}. */
    public String winBackJson(long nowMs, long limit) throws CicloException {
        return callString(out -> CicloLib.ciclo_engine_win_back_json(handle(), nowMs, limit, out));
    }

    /** All the lapsed customers worth winning back. */
    public String winBackJson(long nowMs) throws CicloException {
        return winBackJson(nowMs, -1L); // SIZE_MAX
    }

    public void recordWinBack(String customerId, long nowMs, boolean won) throws CicloException {
        check(CicloLib.ciclo_engine_record_win_back(handle(), CicloLib.arg(customerId), nowMs, won ? 1 : 0));
    }

    public String winBackStatsJson() throws CicloException {
        return callString(out -> CicloLib.ciclo_engine_win_back_stats_json(handle(), out));
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
        return callString(out -> CicloLib.ciclo_engine_changes_json(handle(), afterSeq, max, out));
    }

    /** Sets how long the feed keeps changes for pollers:
     * {@code {"max_changes": 100000, "max_age_ms": 86400000}}, a missing key
     * its default ({@code "{}"} restores both). */
    public void setChangeRetentionJson(String retentionJson) throws CicloException {
        check(CicloLib.ciclo_engine_set_change_retention_json(handle(), CicloLib.arg(retentionJson)));
    }

    /** The feed's retention, {@code {"max_age_ms": null, "max_changes": 100000}}. */
    public String changeRetentionJson() throws CicloException {
        return callString(out -> CicloLib.ciclo_engine_change_retention_json(handle(), out));
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
            Pointer h = handle();
            Changes.Upcall next = listener == null ? null : changes.new Upcall(listener);
            // Ours before the call: one registered from inside it (while it is
            // given the changes kept) then replaces it in turn.
            Changes.Upcall previous = changes.swap(next);
            try {
                CicloLib.check(CicloLib.ciclo_engine_set_change_callback(h, afterSeq, next, null));
            } catch (CicloException | RuntimeException | Error e) {
                changes.swap(previous); // nothing changed: ciclo never called `next`
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
}
