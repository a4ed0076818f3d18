using System;

namespace Ciclo
{
    /// <summary>Called by <see cref="Api.DedupJson"/> on the calling thread: the step, the units done and in all.</summary>
    public delegate void ProgressListener(string step, long done, long total);

    /// <summary>
    /// The functions that need no engine: versions, standardisation, batch
    /// deduplication, pair scoring and the customer-base models. JSON goes in and
    /// comes out as text: parse it with your JSON library. Thread-safe, and safe
    /// around <c>await</c>: each method reads its error before it returns.
    /// </summary>
    public static class Api
    {
        /// <summary>The library's version, <c>"0.1.0"</c>.</summary>
        public static string Version()
        {
            return Native.Utf8(Native.ciclo_version());
        }

        /// <summary>The ABI version of the loaded library (<c>CICLO_ABI_VERSION</c> when compatible).</summary>
        public static uint AbiVersion()
        {
            return Native.ciclo_abi_version();
        }

        /// <summary>
        /// A phone number in E.164 (<c>+5491123456789</c>); <paramref name="defaultRegion"/>
        /// (<c>"AR"</c>, <c>"ES"</c>...) for national numbers, null for numbers starting with <c>+</c>.
        /// </summary>
        public static string PhoneNormalize(string number, string defaultRegion = null)
        {
            return Native.CallString((out IntPtr r) => Native.ciclo_phone_normalize(number, defaultRegion, out r));
        }

        /// <summary>The canonical form of a national identifier of <paramref name="kind"/> (<c>"ar_cuit"</c>, <c>"es_dni"</c>...).</summary>
        public static string IdNormalize(string kind, string value)
        {
            return Native.CallString((out IntPtr r) => Native.ciclo_id_normalize(kind, value, out r));
        }

        /// <summary>A record standardised and validated (<c>ciclo_record_standardize_json</c>).</summary>
        public static string RecordStandardizeJson(string recordJson, string optionsJson = null)
        {
            return Native.CallString((out IntPtr r) => Native.ciclo_record_standardize_json(recordJson, optionsJson, out r));
        }

        /// <summary>A record's blocking keys (<c>ciclo_record_blocking_keys_json</c>).</summary>
        public static string RecordBlockingKeysJson(string recordJson, string optionsJson = null)
        {
            return Native.CallString((out IntPtr r) => Native.ciclo_record_blocking_keys_json(recordJson, optionsJson, out r));
        }

        /// <summary>A pair of records scored (<c>ciclo_records_score_json</c>).</summary>
        public static string RecordsScoreJson(string aJson, string bJson, string optionsJson = null)
        {
            return Native.CallString((out IntPtr r) => Native.ciclo_records_score_json(aJson, bJson, optionsJson, out r));
        }

        /// <summary>
        /// Deduplicates records given as JSON lines, without an engine
        /// (<c>ciclo_dedup_json</c>). An exception <paramref name="progress"/> throws is
        /// thrown again once the call returns.
        /// </summary>
        public static string DedupJson(string recordsJsonl, string optionsJson = null, ProgressListener progress = null)
        {
            Exception failure = null;
            Native.ProgressFn callback = null;
            if (progress != null)
            {
                callback = (user, step, done, total) =>
                {
                    if (failure != null)
                    {
                        return;
                    }
                    try
                    {
                        progress(Native.Utf8(step), (long)done.ToUInt64(), (long)total.ToUInt64());
                    }
                    catch (Exception e)
                    {
                        failure = e; // never unwind into C
                    }
                };
            }
            string result = Native.CallString((out IntPtr r) => Native.ciclo_dedup_json(recordsJsonl, optionsJson, callback, IntPtr.Zero, out r));
            GC.KeepAlive(callback);
            if (failure != null)
            {
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(failure).Throw();
            }
            return result;
        }

        /// <summary>BG/NBD and Gamma-Gamma fitted to a population (<c>ciclo_models_fit_json</c>).</summary>
        public static string ModelsFitJson(string populationJson, string optionsJson = null)
        {
            return Native.CallString((out IntPtr r) => Native.ciclo_models_fit_json(populationJson, optionsJson, out r));
        }

        /// <summary>Predictions from fitted models (<c>ciclo_models_predict_json</c>).</summary>
        public static string ModelsPredictJson(string modelsJson, string populationJson, string optionsJson = null)
        {
            return Native.CallString((out IntPtr r) => Native.ciclo_models_predict_json(modelsJson, populationJson, optionsJson, out r));
        }
    }
}
