package ciclo.jna;

import static ciclo.jna.CicloLib.callString;

import ciclo.CicloException;
import ciclo.ProgressListener;
import com.sun.jna.Pointer;

/**
 * The functions that need no engine: versions, standardisation, batch
 * deduplication, pair scoring and the customer-base models. JSON goes in and
 * comes out as text: parse it with your JSON library. Every method is
 * thread-safe.
 */
public final class Ciclo {
    private Ciclo() {}

    /** The library's version, {@code "0.1.0"}. */
    public static String version() {
        return CicloLib.utf8(CicloLib.ciclo_version());
    }

    /** The ABI version of the loaded library ({@code CICLO_ABI_VERSION} when compatible). */
    public static int abiVersion() {
        return CicloLib.ciclo_abi_version();
    }

    /** A phone number in E.164 ({@code +5491123456789}); {@code defaultRegion}
     * ({@code "AR"}, {@code "ES"}...) for national numbers, null for numbers starting with {@code +}. */
    public static String phoneNormalize(String number, String defaultRegion) throws CicloException {
        return callString(out -> CicloLib.ciclo_phone_normalize(CicloLib.arg(number), CicloLib.arg(defaultRegion), out));
    }

    /** The canonical form of a national identifier of {@code kind} ({@code "ar_cuit"}, {@code "es_dni"}...). */
    public static String idNormalize(String kind, String value) throws CicloException {
        return callString(out -> CicloLib.ciclo_id_normalize(CicloLib.arg(kind), CicloLib.arg(value), out));
    }

    /** A record standardised and validated ({@code ciclo_record_standardize_json}); options may be null. */
    public static String recordStandardizeJson(String recordJson, String optionsJson) throws CicloException {
        return callString(out -> CicloLib.ciclo_record_standardize_json(CicloLib.arg(recordJson), CicloLib.arg(optionsJson), out));
    }

    /** A record's blocking keys ({@code ciclo_record_blocking_keys_json}). */
    public static String recordBlockingKeysJson(String recordJson, String optionsJson) throws CicloException {
        return callString(out -> CicloLib.ciclo_record_blocking_keys_json(CicloLib.arg(recordJson), CicloLib.arg(optionsJson), out));
    }

    /** A pair of records scored ({@code ciclo_records_score_json}). */
    public static String recordsScoreJson(String aJson, String bJson, String optionsJson) throws CicloException {
        return callString(out -> CicloLib.ciclo_records_score_json(CicloLib.arg(aJson), CicloLib.arg(bJson), CicloLib.arg(optionsJson), out));
    }

    /**
     * Deduplicates records given as JSON lines, without an engine
     * ({@code ciclo_dedup_json}). {@code listener} may be null; an exception it
     * throws is thrown again once the call returns.
     */
    public static String dedupJson(String recordsJsonl, String optionsJson, ProgressListener listener)
            throws CicloException {
        Progress progress = listener == null ? null : new Progress(listener);
        String result = callString(out -> CicloLib.ciclo_dedup_json(CicloLib.arg(recordsJsonl), CicloLib.arg(optionsJson), progress, null, out));
        if (progress != null && progress.failure != null) {
            if (progress.failure instanceof RuntimeException) {
                throw (RuntimeException) progress.failure;
            }
            if (progress.failure instanceof Error) {
                throw (Error) progress.failure;
            }
            throw new IllegalStateException(progress.failure);
        }
        return result;
    }

    /** BG/NBD and Gamma-Gamma fitted to a population ({@code ciclo_models_fit_json}). */
    public static String modelsFitJson(String populationJson, String optionsJson) throws CicloException {
        return callString(out -> CicloLib.ciclo_models_fit_json(CicloLib.arg(populationJson), CicloLib.arg(optionsJson), out));
    }

    /** Predictions from fitted models ({@code ciclo_models_predict_json}). */
    public static String modelsPredictJson(String modelsJson, String populationJson, String optionsJson)
            throws CicloException {
        return callString(out -> CicloLib.ciclo_models_predict_json(CicloLib.arg(modelsJson), CicloLib.arg(populationJson), CicloLib.arg(optionsJson), out));
    }

    /** The callback behind a progress listener: an exception must not unwind into C. */
    private static final class Progress implements CicloLib.ProgressFn {
        final ProgressListener listener;
        Throwable failure;

        Progress(ProgressListener listener) {
            this.listener = listener;
        }

        @Override
        public void invoke(Pointer user, Pointer step, long done, long total) {
            if (failure != null) {
                return;
            }
            try {
                listener.progress(CicloLib.utf8(step), done, total);
            } catch (Throwable t) {
                failure = t;
            }
        }
    }
}
