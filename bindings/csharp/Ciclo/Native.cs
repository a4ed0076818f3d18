// The C functions of libciclo (P/Invoke) and the helpers every call goes through.
//
// Strings go in as UTF-8 (the Utf8Arg marshaler, which refuses a string holding
// '\0') and come back as UTF-8 decoded by
// hand (Marshal.PtrToStringUTF8 is not in Mono's profile), so the same source
// builds with Mono's mcs and with .NET 8.
//
// Errors: ciclo_last_error_message is per OS thread. An `await` between a failed
// call and reading the message may resume on another thread-pool thread, or let
// another task's call run on this one, and read that call's message. Check,
// CallString and Error read the status and the message in one synchronous
// method with nothing in between: never put an await (or anything that blocks
// and lets this thread run other work) between a raw ciclo_ call and
// ciclo_last_error_message in code of your own.
//
// size_t is UIntPtr; the library is found as "ciclo" (libciclo.so on Linux:
// next to the program or through LD_LIBRARY_PATH).
using System;
using System.Runtime.ExceptionServices;
using System.Runtime.InteropServices;
using System.Text;

namespace Ciclo
{
    /// <summary>The C ABI, declared for P/Invoke.</summary>
    internal static class Native
    {
        private const string Lib = "ciclo";
        private const CallingConvention Cdecl = CallingConvention.Cdecl;

        // --- helpers -------------------------------------------------------

        /// <summary>A call with a <c>char **</c> out-parameter placed last.</summary>
        internal delegate int StringCall(out IntPtr result);

        /// <summary>
        /// What a change listener threw on this thread (see
        /// <see cref="Engine.SetChangeCallback"/>), thrown again by the call that
        /// delivered the changes, once it returned: the listener runs inside that
        /// call, on its thread, so the next Check or CallString here is that call's.
        /// </summary>
        [ThreadStatic] internal static ExceptionDispatchInfo ChangeFailure;

        /// <summary>Throws the error, read at once, of a call that returned <paramref name="status"/>;
        /// after a successful call, what a change listener threw during it.</summary>
        internal static void Check(int status)
        {
            if (status != 0)
            {
                throw Error(status);
            }
            RethrowChangeFailure();
        }

        /// <summary>Throws what a change listener threw on this thread, if anything.</summary>
        internal static void RethrowChangeFailure()
        {
            ExceptionDispatchInfo failure = ChangeFailure;
            if (failure != null)
            {
                ChangeFailure = null;
                failure.Throw();
            }
        }

        /// <summary>
        /// The common pattern of every call returning a string: the status checked
        /// (the message read at once), the string copied and freed. A function
        /// returning JSON is one line with it:
        /// <c>return Native.CallString((out IntPtr r) => Native.ciclo_engine_reviews_json(handle, out r));</c>
        /// </summary>
        internal static string CallString(StringCall call)
        {
            IntPtr result;
            int status = call(out result);
            if (status != 0)
            {
                throw Error(status);
            }
            string text = TakeString(result);
            RethrowChangeFailure();
            return text;
        }

        /// <summary>The error of the call that just returned <paramref name="status"/> on this thread.</summary>
        internal static CicloException Error(int status)
        {
            string message = Utf8(ciclo_last_error_message()); // first: copied before anything else runs
            ChangeFailure = null; // the call's own error is the one to report
            return new CicloException((Status)status, Utf8(ciclo_status_name(status)), message);
        }

        /// <summary>Copies a NUL-terminated UTF-8 string the library keeps (static or borrowed).</summary>
        internal static string Utf8(IntPtr p)
        {
            if (p == IntPtr.Zero)
            {
                return "";
            }
            int n = 0;
            while (Marshal.ReadByte(p, n) != 0)
            {
                n++;
            }
            byte[] bytes = new byte[n];
            Marshal.Copy(p, bytes, 0, n);
            return Encoding.UTF8.GetString(bytes);
        }

        /// <summary>Copies a string the library returned through <c>char **</c> and frees it.</summary>
        internal static string TakeString(IntPtr p)
        {
            try
            {
                return Utf8(p);
            }
            finally
            {
                ciclo_string_free(p);
            }
        }

        /// <summary>A NUL-terminated UTF-8 copy of <paramref name="s"/> in unmanaged memory (free it with FreeHGlobal), or zero for null.</summary>
        internal static IntPtr AllocUtf8(string s)
        {
            if (s == null)
            {
                return IntPtr.Zero;
            }
            CheckNoNul(s);
            byte[] bytes = Encoding.UTF8.GetBytes(s);
            IntPtr p = Marshal.AllocHGlobal(bytes.Length + 1);
            Marshal.Copy(bytes, 0, p, bytes.Length);
            Marshal.WriteByte(p, bytes.Length, 0);
            return p;
        }

        /// <summary>
        /// Refuses a string holding '\0' with ArgumentException: C would read only
        /// what precedes it (erasing "c1\0x" would erase customer c1), and the
        /// default marshaller passes it on cut short without a word. Every string
        /// argument goes through it: the declarations marshal strings with
        /// <see cref="Utf8Arg"/>, the event struct with AllocUtf8.
        /// </summary>
        internal static void CheckNoNul(string s)
        {
            int at = s.IndexOf('\0');
            if (at >= 0)
            {
                throw new ArgumentException("a string argument holds a NUL character at " + at
                    + ": C strings end there, so the library would read only what precedes it");
            }
        }

        /// <summary>Marshals a string argument as a NUL-terminated UTF-8 copy, refusing one with '\0'.</summary>
        internal sealed class Utf8Arg : ICustomMarshaler
        {
            private static readonly Utf8Arg Instance = new Utf8Arg();

            public static ICustomMarshaler GetInstance(string cookie)
            {
                return Instance;
            }

            public IntPtr MarshalManagedToNative(object managed)
            {
                return AllocUtf8((string)managed);
            }

            public void CleanUpNativeData(IntPtr native)
            {
                if (native != IntPtr.Zero)
                {
                    Marshal.FreeHGlobal(native);
                }
            }

            public object MarshalNativeToManaged(IntPtr native)
            {
                throw new NotSupportedException("Utf8Arg marshals arguments only");
            }

            public void CleanUpManagedData(object managed)
            {
            }

            public int GetNativeDataSize()
            {
                return -1;
            }
        }

        // --- structs ------------------------------------------------------

        /// <summary><c>struct ciclo_event</c>; strings are UTF-8 copies made with AllocUtf8.</summary>
        [StructLayout(LayoutKind.Sequential)]
        internal struct CEvent
        {
            public IntPtr customer_id;
            public IntPtr event_id;
            public long at_ms;
            public uint kind;
            public IntPtr custom_kind;
            public long amount_minor;
            public IntPtr currency;
            public IntPtr category;
            public IntPtr reason;
            public double score;
            public byte has_score;
            public double quantity;
            public byte has_quantity;
            /// <summary><c>const ciclo_attribute *</c>: none here (NULL, count 0).</summary>
            public IntPtr attributes;
            public UIntPtr attribute_count;
        }

        /// <summary><c>struct ciclo_outcome</c>.</summary>
        [StructLayout(LayoutKind.Sequential)]
        internal struct COutcome
        {
            public uint applied;
            public byte created;
            public byte transitioned;
            public int from_stage;
            public int stage;
            public int rule;
            public long at_ms;
        }

        [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
        internal delegate void ProgressFn(IntPtr user, IntPtr step, UIntPtr done, UIntPtr total);

        [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
        internal delegate void ChangeFn(IntPtr user, ulong firstSeq, ulong lastSeq, IntPtr changesJson);

        // --- the C ABI -----------------------------------------------------

        [DllImport(Lib, CallingConvention = Cdecl)] internal static extern IntPtr ciclo_version();
        [DllImport(Lib, CallingConvention = Cdecl)] internal static extern uint ciclo_abi_version();
        [DllImport(Lib, CallingConvention = Cdecl)] internal static extern IntPtr ciclo_status_name(int status);
        [DllImport(Lib, CallingConvention = Cdecl)] internal static extern IntPtr ciclo_last_error_message();
        [DllImport(Lib, CallingConvention = Cdecl)] internal static extern void ciclo_string_free(IntPtr s);
        [DllImport(Lib, CallingConvention = Cdecl)] internal static extern void ciclo_bytes_free(IntPtr bytes, UIntPtr len);

        [DllImport(Lib, CallingConvention = Cdecl)]
        internal static extern int ciclo_phone_normalize([MarshalAs(UnmanagedType.CustomMarshaler, MarshalTypeRef = typeof(Utf8Arg))] string input, [MarshalAs(UnmanagedType.CustomMarshaler, MarshalTypeRef = typeof(Utf8Arg))] string defaultRegion, out IntPtr result);
        [DllImport(Lib, CallingConvention = Cdecl)]
        internal static extern int ciclo_id_normalize([MarshalAs(UnmanagedType.CustomMarshaler, MarshalTypeRef = typeof(Utf8Arg))] string kind, [MarshalAs(UnmanagedType.CustomMarshaler, MarshalTypeRef = typeof(Utf8Arg))] string input, out IntPtr result);
        [DllImport(Lib, CallingConvention = Cdecl)]
        internal static extern int ciclo_record_standardize_json([MarshalAs(UnmanagedType.CustomMarshaler, MarshalTypeRef = typeof(Utf8Arg))] string record, [MarshalAs(UnmanagedType.CustomMarshaler, MarshalTypeRef = typeof(Utf8Arg))] string options, out IntPtr result);
        [DllImport(Lib, CallingConvention = Cdecl)]
        internal static extern int ciclo_record_blocking_keys_json([MarshalAs(UnmanagedType.CustomMarshaler, MarshalTypeRef = typeof(Utf8Arg))] string record, [MarshalAs(UnmanagedType.CustomMarshaler, MarshalTypeRef = typeof(Utf8Arg))] string options, out IntPtr result);
        [DllImport(Lib, CallingConvention = Cdecl)]
        internal static extern int ciclo_records_score_json([MarshalAs(UnmanagedType.CustomMarshaler, MarshalTypeRef = typeof(Utf8Arg))] string a, [MarshalAs(UnmanagedType.CustomMarshaler, MarshalTypeRef = typeof(Utf8Arg))] string b, [MarshalAs(UnmanagedType.CustomMarshaler, MarshalTypeRef = typeof(Utf8Arg))] string options, out IntPtr result);
        [DllImport(Lib, CallingConvention = Cdecl)]
        internal static extern int ciclo_dedup_json([MarshalAs(UnmanagedType.CustomMarshaler, MarshalTypeRef = typeof(Utf8Arg))] string records, [MarshalAs(UnmanagedType.CustomMarshaler, MarshalTypeRef = typeof(Utf8Arg))] string options, ProgressFn progress, IntPtr user, out IntPtr result);
        [DllImport(Lib, CallingConvention = Cdecl)]
        internal static extern int ciclo_models_fit_json([MarshalAs(UnmanagedType.CustomMarshaler, MarshalTypeRef = typeof(Utf8Arg))] string population, [MarshalAs(UnmanagedType.CustomMarshaler, MarshalTypeRef = typeof(Utf8Arg))] string options, out IntPtr result);
        [DllImport(Lib, CallingConvention = Cdecl)]
        internal static extern int ciclo_models_predict_json([MarshalAs(UnmanagedType.CustomMarshaler, MarshalTypeRef = typeof(Utf8Arg))] string models, [MarshalAs(UnmanagedType.CustomMarshaler, MarshalTypeRef = typeof(Utf8Arg))] string population, [MarshalAs(UnmanagedType.CustomMarshaler, MarshalTypeRef = typeof(Utf8Arg))] string options, out IntPtr result);

        [DllImport(Lib, CallingConvention = Cdecl)]
        internal static extern int ciclo_model_new([MarshalAs(UnmanagedType.CustomMarshaler, MarshalTypeRef = typeof(Utf8Arg))] string config, out ModelHandle model);
        [DllImport(Lib, CallingConvention = Cdecl)] internal static extern void ciclo_model_free(IntPtr model);
        [DllImport(Lib, CallingConvention = Cdecl)]
        internal static extern int ciclo_model_step_json(ModelHandle model, [MarshalAs(UnmanagedType.CustomMarshaler, MarshalTypeRef = typeof(Utf8Arg))] string state, [MarshalAs(UnmanagedType.CustomMarshaler, MarshalTypeRef = typeof(Utf8Arg))] string evt, out IntPtr outState, out IntPtr outOutcome);
        [DllImport(Lib, CallingConvention = Cdecl)]
        internal static extern int ciclo_model_tick_json(ModelHandle model, [MarshalAs(UnmanagedType.CustomMarshaler, MarshalTypeRef = typeof(Utf8Arg))] string state, long nowMs, out IntPtr outState, out IntPtr outReport);

        [DllImport(Lib, CallingConvention = Cdecl)]
        internal static extern int ciclo_engine_new([MarshalAs(UnmanagedType.CustomMarshaler, MarshalTypeRef = typeof(Utf8Arg))] string config, out EngineHandle engine);
        [DllImport(Lib, CallingConvention = Cdecl)] internal static extern void ciclo_engine_free(IntPtr engine);
        [DllImport(Lib, CallingConvention = Cdecl)]
        internal static extern int ciclo_engine_restore(byte[] bytes, UIntPtr len, out EngineHandle engine);
        [DllImport(Lib, CallingConvention = Cdecl)]
        internal static extern int ciclo_engine_snapshot(EngineHandle engine, out IntPtr bytes, out UIntPtr len);
        [DllImport(Lib, CallingConvention = Cdecl)]
        internal static extern int ciclo_engine_apply_json(EngineHandle engine, [MarshalAs(UnmanagedType.CustomMarshaler, MarshalTypeRef = typeof(Utf8Arg))] string evt, out IntPtr result);
        [DllImport(Lib, CallingConvention = Cdecl)]
        internal static extern int ciclo_engine_apply(EngineHandle engine, ref CEvent evt, out COutcome outcome);
        [DllImport(Lib, CallingConvention = Cdecl)]
        internal static extern int ciclo_engine_tick(EngineHandle engine, long nowMs, out UIntPtr transitions, IntPtr noReport);
        [DllImport(Lib, CallingConvention = Cdecl)]
        internal static extern int ciclo_engine_tick(EngineHandle engine, long nowMs, IntPtr noTransitions, out IntPtr report);
        [DllImport(Lib, CallingConvention = Cdecl)]
        internal static extern int ciclo_engine_customer_json(EngineHandle engine, [MarshalAs(UnmanagedType.CustomMarshaler, MarshalTypeRef = typeof(Utf8Arg))] string customer, out IntPtr result);
        [DllImport(Lib, CallingConvention = Cdecl)]
        internal static extern int ciclo_engine_customer_state_json(EngineHandle engine, [MarshalAs(UnmanagedType.CustomMarshaler, MarshalTypeRef = typeof(Utf8Arg))] string customer, out IntPtr result);
        [DllImport(Lib, CallingConvention = Cdecl)]
        internal static extern int ciclo_engine_import_customer(EngineHandle engine, [MarshalAs(UnmanagedType.CustomMarshaler, MarshalTypeRef = typeof(Utf8Arg))] string customer, [MarshalAs(UnmanagedType.CustomMarshaler, MarshalTypeRef = typeof(Utf8Arg))] string state);
        [DllImport(Lib, CallingConvention = Cdecl)]
        internal static extern int ciclo_engine_remove_customer(EngineHandle engine, [MarshalAs(UnmanagedType.CustomMarshaler, MarshalTypeRef = typeof(Utf8Arg))] string customer);
        [DllImport(Lib, CallingConvention = Cdecl)]
        internal static extern int ciclo_engine_customer_stage(EngineHandle engine, [MarshalAs(UnmanagedType.CustomMarshaler, MarshalTypeRef = typeof(Utf8Arg))] string customer, out uint stage, out long sinceMs);
        [DllImport(Lib, CallingConvention = Cdecl)]
        internal static extern int ciclo_engine_customer_count(EngineHandle engine, out UIntPtr count);
        [DllImport(Lib, CallingConvention = Cdecl)]
        internal static extern int ciclo_engine_stage_count(EngineHandle engine, out uint count);
        [DllImport(Lib, CallingConvention = Cdecl)]
        internal static extern int ciclo_engine_stage_name(EngineHandle engine, uint index, out IntPtr name);
        [DllImport(Lib, CallingConvention = Cdecl)]
        internal static extern int ciclo_engine_rule_name(EngineHandle engine, uint index, out IntPtr name);
        [DllImport(Lib, CallingConvention = Cdecl)]
        internal static extern int ciclo_engine_model_json(EngineHandle engine, out IntPtr result);
        [DllImport(Lib, CallingConvention = Cdecl)]
        internal static extern int ciclo_engine_set_limits_json(EngineHandle engine, [MarshalAs(UnmanagedType.CustomMarshaler, MarshalTypeRef = typeof(Utf8Arg))] string limits);
        [DllImport(Lib, CallingConvention = Cdecl)]
        internal static extern int ciclo_engine_limits_json(EngineHandle engine, out IntPtr result);

        [DllImport(Lib, CallingConvention = Cdecl)]
        internal static extern int ciclo_engine_configure_consolidation(EngineHandle engine, [MarshalAs(UnmanagedType.CustomMarshaler, MarshalTypeRef = typeof(Utf8Arg))] string config);
        [DllImport(Lib, CallingConvention = Cdecl)]
        internal static extern int ciclo_engine_ingest_json(EngineHandle engine, [MarshalAs(UnmanagedType.CustomMarshaler, MarshalTypeRef = typeof(Utf8Arg))] string request, out IntPtr result);
        [DllImport(Lib, CallingConvention = Cdecl)]
        internal static extern int ciclo_engine_golden_json(EngineHandle engine, [MarshalAs(UnmanagedType.CustomMarshaler, MarshalTypeRef = typeof(Utf8Arg))] string goldenId, out IntPtr result);
        [DllImport(Lib, CallingConvention = Cdecl)]
        internal static extern int ciclo_engine_golden_of(EngineHandle engine, [MarshalAs(UnmanagedType.CustomMarshaler, MarshalTypeRef = typeof(Utf8Arg))] string system, [MarshalAs(UnmanagedType.CustomMarshaler, MarshalTypeRef = typeof(Utf8Arg))] string id, out IntPtr result);
        [DllImport(Lib, CallingConvention = Cdecl)]
        internal static extern int ciclo_engine_merge(EngineHandle engine, [MarshalAs(UnmanagedType.CustomMarshaler, MarshalTypeRef = typeof(Utf8Arg))] string a, [MarshalAs(UnmanagedType.CustomMarshaler, MarshalTypeRef = typeof(Utf8Arg))] string b, out IntPtr survivor);
        [DllImport(Lib, CallingConvention = Cdecl)]
        internal static extern int ciclo_engine_unmerge(EngineHandle engine, [MarshalAs(UnmanagedType.CustomMarshaler, MarshalTypeRef = typeof(Utf8Arg))] string system, [MarshalAs(UnmanagedType.CustomMarshaler, MarshalTypeRef = typeof(Utf8Arg))] string id, out IntPtr goldenId);
        [DllImport(Lib, CallingConvention = Cdecl)]
        internal static extern int ciclo_engine_remove_source(EngineHandle engine, [MarshalAs(UnmanagedType.CustomMarshaler, MarshalTypeRef = typeof(Utf8Arg))] string system, [MarshalAs(UnmanagedType.CustomMarshaler, MarshalTypeRef = typeof(Utf8Arg))] string id, out IntPtr result);
        [DllImport(Lib, CallingConvention = Cdecl)]
        internal static extern int ciclo_engine_reviews_json(EngineHandle engine, out IntPtr result);
        [DllImport(Lib, CallingConvention = Cdecl)]
        internal static extern int ciclo_engine_list_customers_json(EngineHandle engine, [MarshalAs(UnmanagedType.CustomMarshaler, MarshalTypeRef = typeof(Utf8Arg))] string cursor, uint max, out IntPtr result);
        [DllImport(Lib, CallingConvention = Cdecl)]
        internal static extern int ciclo_engine_list_golden_ids_json(EngineHandle engine, [MarshalAs(UnmanagedType.CustomMarshaler, MarshalTypeRef = typeof(Utf8Arg))] string cursor, uint max, out IntPtr result);
        [DllImport(Lib, CallingConvention = Cdecl)]
        internal static extern int ciclo_engine_list_sources_json(EngineHandle engine, [MarshalAs(UnmanagedType.CustomMarshaler, MarshalTypeRef = typeof(Utf8Arg))] string goldenId, [MarshalAs(UnmanagedType.CustomMarshaler, MarshalTypeRef = typeof(Utf8Arg))] string cursor, uint max, out IntPtr result);
        [DllImport(Lib, CallingConvention = Cdecl)]
        internal static extern int ciclo_engine_list_reviews_json(EngineHandle engine, [MarshalAs(UnmanagedType.CustomMarshaler, MarshalTypeRef = typeof(Utf8Arg))] string cursor, uint max, out IntPtr result);
        [DllImport(Lib, CallingConvention = Cdecl)]
        internal static extern int ciclo_engine_lead_score(EngineHandle engine, [MarshalAs(UnmanagedType.CustomMarshaler, MarshalTypeRef = typeof(Utf8Arg))] string customer, long nowMs, out double score, out byte qualified);
        [DllImport(Lib, CallingConvention = Cdecl)]
        internal static extern int ciclo_engine_stage_counts_json(EngineHandle engine, out IntPtr result);
        [DllImport(Lib, CallingConvention = Cdecl)]
        internal static extern int ciclo_engine_dismiss_review(EngineHandle engine, [MarshalAs(UnmanagedType.CustomMarshaler, MarshalTypeRef = typeof(Utf8Arg))] string system, [MarshalAs(UnmanagedType.CustomMarshaler, MarshalTypeRef = typeof(Utf8Arg))] string id);
        [DllImport(Lib, CallingConvention = Cdecl)]
        internal static extern int ciclo_engine_link(EngineHandle engine, [MarshalAs(UnmanagedType.CustomMarshaler, MarshalTypeRef = typeof(Utf8Arg))] string kind, [MarshalAs(UnmanagedType.CustomMarshaler, MarshalTypeRef = typeof(Utf8Arg))] string parent, [MarshalAs(UnmanagedType.CustomMarshaler, MarshalTypeRef = typeof(Utf8Arg))] string child);
        [DllImport(Lib, CallingConvention = Cdecl)]
        internal static extern int ciclo_engine_unlink(EngineHandle engine, [MarshalAs(UnmanagedType.CustomMarshaler, MarshalTypeRef = typeof(Utf8Arg))] string kind, [MarshalAs(UnmanagedType.CustomMarshaler, MarshalTypeRef = typeof(Utf8Arg))] string parent, [MarshalAs(UnmanagedType.CustomMarshaler, MarshalTypeRef = typeof(Utf8Arg))] string child);
        [DllImport(Lib, CallingConvention = Cdecl)]
        internal static extern int ciclo_engine_hierarchy_json(EngineHandle engine, [MarshalAs(UnmanagedType.CustomMarshaler, MarshalTypeRef = typeof(Utf8Arg))] string kind, [MarshalAs(UnmanagedType.CustomMarshaler, MarshalTypeRef = typeof(Utf8Arg))] string id, out IntPtr result);
        [DllImport(Lib, CallingConvention = Cdecl)]
        internal static extern int ciclo_engine_roll_up_json(EngineHandle engine, [MarshalAs(UnmanagedType.CustomMarshaler, MarshalTypeRef = typeof(Utf8Arg))] string kind, [MarshalAs(UnmanagedType.CustomMarshaler, MarshalTypeRef = typeof(Utf8Arg))] string id, out IntPtr result);
        [DllImport(Lib, CallingConvention = Cdecl)]
        internal static extern int ciclo_engine_estimate_model_json(EngineHandle engine, [MarshalAs(UnmanagedType.CustomMarshaler, MarshalTypeRef = typeof(Utf8Arg))] string options, out IntPtr result);
        [DllImport(Lib, CallingConvention = Cdecl)]
        internal static extern int ciclo_engine_set_match_model_json(EngineHandle engine, [MarshalAs(UnmanagedType.CustomMarshaler, MarshalTypeRef = typeof(Utf8Arg))] string model);
        [DllImport(Lib, CallingConvention = Cdecl)]
        internal static extern int ciclo_engine_match_model_json(EngineHandle engine, out IntPtr result);

        [DllImport(Lib, CallingConvention = Cdecl)]
        internal static extern int ciclo_engine_set_retention_json(EngineHandle engine, [MarshalAs(UnmanagedType.CustomMarshaler, MarshalTypeRef = typeof(Utf8Arg))] string config);
        [DllImport(Lib, CallingConvention = Cdecl)]
        internal static extern int ciclo_engine_retention_json(EngineHandle engine, out IntPtr result);
        [DllImport(Lib, CallingConvention = Cdecl)]
        internal static extern int ciclo_engine_evaluate_json(EngineHandle engine, [MarshalAs(UnmanagedType.CustomMarshaler, MarshalTypeRef = typeof(Utf8Arg))] string customer, long nowMs, out IntPtr result);
        [DllImport(Lib, CallingConvention = Cdecl)]
        internal static extern int ciclo_engine_signals_json(EngineHandle engine, [MarshalAs(UnmanagedType.CustomMarshaler, MarshalTypeRef = typeof(Utf8Arg))] string customer, long nowMs, out IntPtr result);
        [DllImport(Lib, CallingConvention = Cdecl)]
        internal static extern int ciclo_engine_churn_json(EngineHandle engine, [MarshalAs(UnmanagedType.CustomMarshaler, MarshalTypeRef = typeof(Utf8Arg))] string customer, long nowMs, out IntPtr result);
        [DllImport(Lib, CallingConvention = Cdecl)]
        internal static extern int ciclo_engine_fit_models_json(EngineHandle engine, long nowMs, [MarshalAs(UnmanagedType.CustomMarshaler, MarshalTypeRef = typeof(Utf8Arg))] string options, out IntPtr result);
        [DllImport(Lib, CallingConvention = Cdecl)]
        internal static extern int ciclo_engine_win_back_json(EngineHandle engine, long nowMs, UIntPtr limit, out IntPtr result);
        [DllImport(Lib, CallingConvention = Cdecl)]
        internal static extern int ciclo_engine_record_win_back(EngineHandle engine, [MarshalAs(UnmanagedType.CustomMarshaler, MarshalTypeRef = typeof(Utf8Arg))] string customer, long nowMs, int won);
        [DllImport(Lib, CallingConvention = Cdecl)]
        internal static extern int ciclo_engine_win_back_stats_json(EngineHandle engine, out IntPtr result);

        [DllImport(Lib, CallingConvention = Cdecl)]
        internal static extern int ciclo_engine_changes_json(EngineHandle engine, ulong afterSeq, UIntPtr max, out IntPtr result);
        [DllImport(Lib, CallingConvention = Cdecl)]
        internal static extern int ciclo_engine_set_change_retention_json(EngineHandle engine, [MarshalAs(UnmanagedType.CustomMarshaler, MarshalTypeRef = typeof(Utf8Arg))] string retention);
        [DllImport(Lib, CallingConvention = Cdecl)]
        internal static extern int ciclo_engine_change_retention_json(EngineHandle engine, out IntPtr result);
        [DllImport(Lib, CallingConvention = Cdecl)]
        internal static extern int ciclo_engine_set_change_callback(EngineHandle engine, ulong afterSeq, ChangeFn callback, IntPtr user);
    }
}
