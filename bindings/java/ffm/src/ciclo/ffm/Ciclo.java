package ciclo.ffm;

import ciclo.CicloException;
import ciclo.ProgressListener;

import static ciclo.ffm.Native.callString;
import static ciclo.ffm.Native.fallible;
import static ciclo.ffm.Native.str;
import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

/**
 * The functions that need no engine: versions, standardisation, batch
 * deduplication, pair scoring and the customer-base models. JSON goes in and
 * comes out as text: parse it with your JSON library. Every method is
 * thread-safe, from platform and virtual threads alike.
 */
public final class Ciclo {
    private Ciclo() {}

    private static final MethodHandle VERSION = Native.downcall("ciclo_version", FunctionDescriptor.of(ADDRESS));
    private static final MethodHandle ABI_VERSION = Native.downcall("ciclo_abi_version", FunctionDescriptor.of(JAVA_INT));
    private static final MethodHandle PHONE_NORMALIZE = fallible("ciclo_phone_normalize", ADDRESS, ADDRESS, ADDRESS);
    private static final MethodHandle ID_NORMALIZE = fallible("ciclo_id_normalize", ADDRESS, ADDRESS, ADDRESS);
    private static final MethodHandle RECORD_STANDARDIZE = fallible("ciclo_record_standardize_json", ADDRESS, ADDRESS, ADDRESS);
    private static final MethodHandle RECORD_BLOCKING_KEYS = fallible("ciclo_record_blocking_keys_json", ADDRESS, ADDRESS, ADDRESS);
    private static final MethodHandle RECORDS_SCORE = fallible("ciclo_records_score_json", ADDRESS, ADDRESS, ADDRESS, ADDRESS);
    private static final MethodHandle DEDUP = fallible("ciclo_dedup_json", ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS);
    private static final MethodHandle MODELS_FIT = fallible("ciclo_models_fit_json", ADDRESS, ADDRESS, ADDRESS);
    private static final MethodHandle MODELS_PREDICT = fallible("ciclo_models_predict_json", ADDRESS, ADDRESS, ADDRESS, ADDRESS);

    /** The library's version, {@code "0.1.0"}. */
    public static String version() {
        try {
            return Native.staticString((MemorySegment) VERSION.invokeExact());
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** The ABI version of the loaded library ({@code CICLO_ABI_VERSION} when compatible). */
    public static int abiVersion() {
        try {
            return (int) ABI_VERSION.invokeExact();
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** A phone number in E.164 ({@code +5491123456789}); {@code defaultRegion}
     * ({@code "AR"}, {@code "ES"}...) for national numbers, null for numbers starting with {@code +}. */
    public static String phoneNormalize(String number, String defaultRegion) throws CicloException {
        return callString((a, out) -> (int) PHONE_NORMALIZE.invokeExact(str(a, number), str(a, defaultRegion), out));
    }

    /** The canonical form of a national identifier of {@code kind} ({@code "ar_cuit"}, {@code "es_dni"}...). */
    public static String idNormalize(String kind, String value) throws CicloException {
        return callString((a, out) -> (int) ID_NORMALIZE.invokeExact(str(a, kind), str(a, value), out));
    }

    /** A record standardised and validated ({@code ciclo_record_standardize_json}); options may be null. */
    public static String recordStandardizeJson(String recordJson, String optionsJson) throws CicloException {
        return callString((a, out) -> (int) RECORD_STANDARDIZE.invokeExact(str(a, recordJson), str(a, optionsJson), out));
    }

    /** A record's blocking keys ({@code ciclo_record_blocking_keys_json}). */
    public static String recordBlockingKeysJson(String recordJson, String optionsJson) throws CicloException {
        return callString((a, out) -> (int) RECORD_BLOCKING_KEYS.invokeExact(str(a, recordJson), str(a, optionsJson), out));
    }

    /** A pair of records scored ({@code ciclo_records_score_json}). */
    public static String recordsScoreJson(String aJson, String bJson, String optionsJson) throws CicloException {
        return callString((a, out) -> (int) RECORDS_SCORE.invokeExact(str(a, aJson), str(a, bJson), str(a, optionsJson), out));
    }

    /**
     * Deduplicates records given as JSON lines, without an engine
     * ({@code ciclo_dedup_json}). {@code listener} may be null; an exception it
     * throws is thrown again once the call returns.
     */
    public static String dedupJson(String recordsJsonl, String optionsJson, ProgressListener listener)
            throws CicloException {
        Progress progress = listener == null ? null : new Progress(listener);
        String result = callString((a, out) -> {
            MemorySegment stub = progress == null
                    ? MemorySegment.NULL
                    : Native.LINKER.upcallStub(Progress.CALL.bindTo(progress), Progress.DESCRIPTOR, a);
            return (int) DEDUP.invokeExact(str(a, recordsJsonl), str(a, optionsJson), stub, MemorySegment.NULL, out);
        });
        if (progress != null && progress.failure != null) {
            if (progress.failure instanceof RuntimeException e) {
                throw e;
            }
            if (progress.failure instanceof Error e) {
                throw e;
            }
            throw new IllegalStateException(progress.failure);
        }
        return result;
    }

    /** BG/NBD and Gamma-Gamma fitted to a population ({@code ciclo_models_fit_json}). */
    public static String modelsFitJson(String populationJson, String optionsJson) throws CicloException {
        return callString((a, out) -> (int) MODELS_FIT.invokeExact(str(a, populationJson), str(a, optionsJson), out));
    }

    /** Predictions from fitted models ({@code ciclo_models_predict_json}). */
    public static String modelsPredictJson(String modelsJson, String populationJson, String optionsJson)
            throws CicloException {
        return callString((a, out) -> (int) MODELS_PREDICT.invokeExact(
                str(a, modelsJson), str(a, populationJson), str(a, optionsJson), out));
    }

    /** The upcall behind a progress listener: an exception must not unwind into C. */
    private static final class Progress {
        static final FunctionDescriptor DESCRIPTOR = FunctionDescriptor.ofVoid(ADDRESS, ADDRESS, JAVA_LONG, JAVA_LONG);
        static final MethodHandle CALL;

        static {
            try {
                CALL = MethodHandles.lookup().findVirtual(Progress.class, "call", MethodType.methodType(
                        void.class, MemorySegment.class, MemorySegment.class, long.class, long.class));
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        final ProgressListener listener;
        Throwable failure;

        Progress(ProgressListener listener) {
            this.listener = listener;
        }

        @SuppressWarnings("unused") // called from C
        void call(MemorySegment user, MemorySegment step, long done, long total) {
            if (failure != null) {
                return;
            }
            try {
                listener.progress(Native.staticString(step), done, total);
            } catch (Throwable t) {
                failure = t;
            }
        }
    }
}
