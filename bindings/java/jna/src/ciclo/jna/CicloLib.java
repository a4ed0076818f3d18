package ciclo.jna;

import ciclo.CicloException;
import com.sun.jna.Callback;
import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;
import com.sun.jna.Structure;
import com.sun.jna.ptr.ByteByReference;
import com.sun.jna.ptr.DoubleByReference;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.LongByReference;
import com.sun.jna.ptr.PointerByReference;
import java.util.Map;

/**
 * The C functions of libciclo, direct-mapped (static native methods bound once
 * at class initialisation), and the helpers every call goes through.
 *
 * <p><b>Strings are UTF-8, explicitly.</b> JNA encodes Java strings with the
 * platform's default charset unless told otherwise; under {@code LANG=C} on
 * JDK 17 that is ASCII and "María" reaches the library as "Mar?a". The library
 * is therefore registered with {@code Library.OPTION_STRING_ENCODING = "UTF-8"},
 * the event struct sets its own string encoding to UTF-8, and every string the
 * library returns is read with {@code getString(0, "UTF-8")}.
 *
 * <p><b>Errors.</b> {@code ciclo_last_error_message} is per OS thread: read it
 * in the same method, right after the call that failed, before anything that
 * can block or yield (on JDK 21+ a virtual thread that blocks may resume on
 * another carrier thread). {@link #check}, {@link #callString} and
 * {@link #error} do exactly that. Direct mapping also keeps JNA's own
 * per-method lookup (and its lock) out of the way between the two calls.
 *
 * <p>{@code size_t} is mapped to {@code long}: 64-bit platforms only.
 */
final class CicloLib {
    private CicloLib() {}

    static final String UTF8 = "UTF-8";

    static {
        String path = System.getProperty("ciclo.lib");
        if (path == null || path.isEmpty()) {
            path = System.getenv("CICLO_LIB");
        }
        if (path == null || path.isEmpty()) {
            path = "ciclo"; // jna.library.path, LD_LIBRARY_PATH, the linker cache
        }
        Map<String, Object> options = Map.of(Library.OPTION_STRING_ENCODING, UTF8);
        Native.register(CicloLib.class, NativeLibrary.getInstance(path, options));
        ciclo_last_error_message(); // bound and warm before the first failure
    }

    /** {@code ciclo_progress_fn}. */
    interface ProgressFn extends Callback {
        void invoke(Pointer user, Pointer step, long done, long total);
    }

    /** {@code ciclo_change_fn}. */
    interface ChangeFn extends Callback {
        void invoke(Pointer user, long firstSeq, long lastSeq, Pointer changesJson);
    }

    /** {@code struct ciclo_event}; its strings are encoded as UTF-8. */
    @Structure.FieldOrder({"customer_id", "event_id", "at_ms", "kind", "custom_kind", "amount_minor",
        "currency", "category", "reason", "score", "has_score", "quantity", "has_quantity",
        "attributes", "attribute_count"})
    public static final class CEvent extends Structure {
        public String customer_id;
        public String event_id;
        public long at_ms;
        public int kind;
        public String custom_kind;
        public long amount_minor;
        public String currency;
        public String category;
        public String reason;
        public double score;
        public byte has_score;
        public double quantity;
        public byte has_quantity;
        /** {@code const ciclo_attribute *}: none here (NULL, count 0). */
        public Pointer attributes;
        /** {@code size_t}: 64 bits on the platforms JNA runs this on. */
        public long attribute_count;

        public CEvent() {
            setStringEncoding(UTF8);
        }
    }

    /** {@code struct ciclo_outcome}. */
    @Structure.FieldOrder({"applied", "created", "transitioned", "from_stage", "stage", "rule", "at_ms"})
    public static final class COutcome extends Structure {
        public int applied;
        public byte created;
        public byte transitioned;
        public int from_stage;
        public int stage;
        public int rule;
        public long at_ms;
    }

    // --- helpers ----------------------------------------------------------

    /** A call with a {@code char **} out-parameter placed last. */
    @FunctionalInterface
    interface StringCall {
        int invoke(PointerByReference out);
    }

    /**
     * A string argument, checked: one holding {@code '\0'} is refused with
     * IllegalArgumentException. C would read only what precedes it (erasing
     * {@code "c1\0x"} would erase customer c1) and JNA passes it on cut short
     * without a word. Every String argument of a native call goes through it
     * (the event struct's strings too, in {@code Engine.apply}).
     */
    static String arg(String s) {
        if (s != null) {
            int at = s.indexOf('\0');
            if (at >= 0) {
                throw new IllegalArgumentException("a string argument holds a NUL character at " + at
                        + ": C strings end there, so the library would read only what precedes it");
            }
        }
        return s;
    }

    /** Throws the error, read at once, of a call that returned {@code status}. */
    static void check(int status) throws CicloException {
        if (status != 0) {
            throw error(status);
        }
    }

    /**
     * The common pattern of every call returning a string: the status checked (the
     * message read at once), the string copied and freed. A function returning JSON
     * is one line with it:
     * {@code return callString(out -> CicloLib.ciclo_engine_reviews_json(handle(), out));}
     */
    static String callString(StringCall call) throws CicloException {
        PointerByReference out = new PointerByReference();
        int status = call.invoke(out);
        if (status != 0) {
            throw error(status);
        }
        return takeString(out.getValue());
    }

    /** The error of the call that just returned {@code status} on this thread. */
    static CicloException error(int status) {
        String message = utf8(ciclo_last_error_message()); // first: copied before anything else runs
        return new CicloException(status, utf8(ciclo_status_name(status)), message);
    }

    /** Copies a UTF-8 string the library keeps (static or borrowed). */
    static String utf8(Pointer p) {
        return p == null ? "" : p.getString(0, UTF8);
    }

    /** Copies a string the library returned through {@code char **} and frees it. */
    static String takeString(Pointer p) {
        if (p == null) {
            return "";
        }
        try {
            return p.getString(0, UTF8);
        } finally {
            ciclo_string_free(p);
        }
    }

    // --- the C ABI ---------------------------------------------------------

    static native Pointer ciclo_version();
    static native int ciclo_abi_version();
    static native Pointer ciclo_status_name(int status);
    static native Pointer ciclo_last_error_message();
    static native void ciclo_string_free(Pointer s);
    static native void ciclo_bytes_free(Pointer bytes, long len);

    static native int ciclo_phone_normalize(String input, String defaultRegion, PointerByReference out);
    static native int ciclo_id_normalize(String kind, String input, PointerByReference out);
    static native int ciclo_record_standardize_json(String record, String options, PointerByReference out);
    static native int ciclo_record_blocking_keys_json(String record, String options, PointerByReference out);
    static native int ciclo_records_score_json(String a, String b, String options, PointerByReference out);
    static native int ciclo_dedup_json(String records, String options, ProgressFn progress, Pointer user, PointerByReference out);
    static native int ciclo_models_fit_json(String population, String options, PointerByReference out);
    static native int ciclo_models_predict_json(String models, String population, String options, PointerByReference out);

    static native int ciclo_model_new(String config, PointerByReference out);
    static native void ciclo_model_free(Pointer model);
    static native int ciclo_model_step_json(Pointer model, String state, String event, PointerByReference outState, PointerByReference outOutcome);
    static native int ciclo_model_tick_json(Pointer model, String state, long nowMs, PointerByReference outState, PointerByReference outReport);

    static native int ciclo_engine_new(String config, PointerByReference out);
    static native void ciclo_engine_free(Pointer engine);
    static native int ciclo_engine_restore(byte[] bytes, long len, PointerByReference out);
    static native int ciclo_engine_snapshot(Pointer engine, PointerByReference outBytes, LongByReference outLen);
    static native int ciclo_engine_apply_json(Pointer engine, String event, PointerByReference out);
    static native int ciclo_engine_apply(Pointer engine, CEvent event, COutcome out);
    static native int ciclo_engine_tick(Pointer engine, long nowMs, LongByReference outTransitions, PointerByReference outReport);
    static native int ciclo_engine_customer_json(Pointer engine, String customer, PointerByReference out);
    static native int ciclo_engine_customer_state_json(Pointer engine, String customer, PointerByReference out);
    static native int ciclo_engine_import_customer(Pointer engine, String customer, String state);
    static native int ciclo_engine_remove_customer(Pointer engine, String customer);
    static native int ciclo_engine_customer_stage(Pointer engine, String customer, IntByReference outStage, LongByReference outSinceMs);
    static native int ciclo_engine_customer_count(Pointer engine, LongByReference out);
    static native int ciclo_engine_stage_count(Pointer engine, IntByReference out);
    static native int ciclo_engine_stage_name(Pointer engine, int index, PointerByReference out);
    static native int ciclo_engine_rule_name(Pointer engine, int index, PointerByReference out);
    static native int ciclo_engine_model_json(Pointer engine, PointerByReference out);
    static native int ciclo_engine_set_limits_json(Pointer engine, String limits);
    static native int ciclo_engine_limits_json(Pointer engine, PointerByReference out);

    static native int ciclo_engine_configure_consolidation(Pointer engine, String config);
    static native int ciclo_engine_ingest_json(Pointer engine, String request, PointerByReference out);
    static native int ciclo_engine_golden_json(Pointer engine, String goldenId, PointerByReference out);
    static native int ciclo_engine_golden_of(Pointer engine, String system, String id, PointerByReference out);
    static native int ciclo_engine_merge(Pointer engine, String a, String b, PointerByReference out);
    static native int ciclo_engine_unmerge(Pointer engine, String system, String id, PointerByReference out);
    static native int ciclo_engine_remove_source(Pointer engine, String system, String id, PointerByReference out);
    static native int ciclo_engine_reviews_json(Pointer engine, PointerByReference out);
    static native int ciclo_engine_list_customers_json(Pointer engine, String cursor, int max, PointerByReference out);
    static native int ciclo_engine_list_golden_ids_json(Pointer engine, String cursor, int max, PointerByReference out);
    static native int ciclo_engine_list_sources_json(Pointer engine, String goldenId, String cursor, int max, PointerByReference out);
    static native int ciclo_engine_list_reviews_json(Pointer engine, String cursor, int max, PointerByReference out);
    static native int ciclo_engine_lead_score(Pointer engine, String customer, long nowMs, DoubleByReference outScore, ByteByReference outQualified);
    static native int ciclo_engine_stage_counts_json(Pointer engine, PointerByReference out);
    static native int ciclo_engine_dismiss_review(Pointer engine, String system, String id);
    static native int ciclo_engine_link(Pointer engine, String kind, String parent, String child);
    static native int ciclo_engine_unlink(Pointer engine, String kind, String parent, String child);
    static native int ciclo_engine_hierarchy_json(Pointer engine, String kind, String id, PointerByReference out);
    static native int ciclo_engine_roll_up_json(Pointer engine, String kind, String id, PointerByReference out);
    static native int ciclo_engine_estimate_model_json(Pointer engine, String options, PointerByReference out);
    static native int ciclo_engine_set_match_model_json(Pointer engine, String model);
    static native int ciclo_engine_match_model_json(Pointer engine, PointerByReference out);

    static native int ciclo_engine_set_retention_json(Pointer engine, String config);
    static native int ciclo_engine_retention_json(Pointer engine, PointerByReference out);
    static native int ciclo_engine_evaluate_json(Pointer engine, String customer, long nowMs, PointerByReference out);
    static native int ciclo_engine_signals_json(Pointer engine, String customer, long nowMs, PointerByReference out);
    static native int ciclo_engine_churn_json(Pointer engine, String customer, long nowMs, PointerByReference out);
    static native int ciclo_engine_fit_models_json(Pointer engine, long nowMs, String options, PointerByReference out);
    static native int ciclo_engine_win_back_json(Pointer engine, long nowMs, long limit, PointerByReference out);
    static native int ciclo_engine_record_win_back(Pointer engine, String customer, long nowMs, int won);
    static native int ciclo_engine_win_back_stats_json(Pointer engine, PointerByReference out);

    static native int ciclo_engine_changes_json(Pointer engine, long afterSeq, long max, PointerByReference out);
    static native int ciclo_engine_set_change_retention_json(Pointer engine, String retention);
    static native int ciclo_engine_change_retention_json(Pointer engine, PointerByReference out);
    static native int ciclo_engine_set_change_callback(Pointer engine, long afterSeq, ChangeFn callback, Pointer user);
}
