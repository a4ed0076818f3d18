using System;
using System.Runtime.InteropServices;
using System.Threading;

namespace Ciclo
{
    /// <summary>
    /// An engine (<c>ciclo_engine</c>): customers, their lifecycle states,
    /// consolidation and retention. Thread-safe: share one between threads and
    /// tasks. Dispose it when done (or let the finalizer release it).
    /// </summary>
    /// <remarks>
    /// JSON goes in and comes out as text: parse it with your JSON library
    /// (System.Text.Json on .NET 8). A failed call throws <see cref="CicloException"/>
    /// with the status and the message of that very call, read before the method
    /// returns: safe in async code, since no method of the binding awaits.
    /// Adding a function that returns JSON is one DllImport in Native and one
    /// line here, as <see cref="ReviewsJson"/>.
    /// </remarks>
    public sealed class Engine : IDisposable
    {
        private readonly EngineHandle handle;

        /// <summary>An engine on a configuration: null for the six-stage preset,
        /// <c>{"preset": "five_stage"}</c>, or a whole stage model.</summary>
        public Engine(string configJson = null)
        {
            EngineHandle h;
            Native.Check(Native.ciclo_engine_new(configJson, out h));
            handle = h;
        }

        private Engine(EngineHandle h)
        {
            handle = h;
        }

        /// <summary>An engine from the bytes of <see cref="Snapshot"/>.</summary>
        public static Engine Restore(byte[] snapshot)
        {
            EngineHandle h;
            Native.Check(Native.ciclo_engine_restore(snapshot, (UIntPtr)snapshot.Length, out h));
            return new Engine(h);
        }

        /// <summary>The C handle, for calls this binding does not wrap.</summary>
        public EngineHandle Handle
        {
            get { return handle; }
        }

        /// <summary>Releases the engine, then its change listener; later calls throw
        /// ObjectDisposedException. Not from inside its change listener.</summary>
        public void Dispose()
        {
            if (handle.Changes.Inside)
            {
                throw new InvalidOperationException("an engine cannot be disposed from inside its change listener");
            }
            handle.Dispose();
        }

        // --- lifecycle ------------------------------------------------------

        /// <summary>Applies an event given as JSON; the outcome as JSON.</summary>
        public string ApplyJson(string eventJson)
        {
            return Native.CallString((out IntPtr r) => Native.ciclo_engine_apply_json(handle, eventJson, out r));
        }

        /// <summary>Applies an event given as a struct (the fast path).</summary>
        public Outcome Apply(Event e)
        {
            var c = new Native.CEvent();
            try
            {
                c.customer_id = Native.AllocUtf8(e.CustomerId);
                c.event_id = Native.AllocUtf8(e.EventId);
                c.at_ms = e.AtMs;
                c.kind = (uint)e.Kind;
                c.custom_kind = Native.AllocUtf8(e.CustomKind);
                c.amount_minor = e.AmountMinor;
                c.currency = Native.AllocUtf8(e.Currency);
                c.category = Native.AllocUtf8(e.Category);
                c.reason = Native.AllocUtf8(e.Reason);
                c.score = e.Score ?? 0.0;
                c.has_score = (byte)(e.Score.HasValue ? 1 : 0);
                c.quantity = e.Quantity ?? 0.0;
                c.has_quantity = (byte)(e.Quantity.HasValue ? 1 : 0);
                Native.COutcome o;
                Native.Check(Native.ciclo_engine_apply(handle, ref c, out o));
                return new Outcome
                {
                    Duplicate = o.applied == 1,
                    Created = o.created != 0,
                    Transitioned = o.transitioned != 0,
                    FromStage = o.from_stage,
                    Stage = o.stage,
                    Rule = o.rule,
                    AtMs = o.at_ms,
                };
            }
            finally
            {
                Marshal.FreeHGlobal(c.customer_id);
                Marshal.FreeHGlobal(c.event_id);
                Marshal.FreeHGlobal(c.custom_kind);
                Marshal.FreeHGlobal(c.currency);
                Marshal.FreeHGlobal(c.category);
                Marshal.FreeHGlobal(c.reason);
            }
        }

        /// <summary>Evaluates the time-driven rules at <paramref name="nowMs"/>; the number of transitions.</summary>
        public long Tick(long nowMs)
        {
            UIntPtr moved;
            Native.Check(Native.ciclo_engine_tick(handle, nowMs, out moved, IntPtr.Zero));
            return (long)moved.ToUInt64();
        }

        /// <summary>As <see cref="Tick"/>, returning the report <c>{"now", "evaluated", "transitions"}</c>.</summary>
        public string TickReportJson(long nowMs)
        {
            return Native.CallString((out IntPtr r) => Native.ciclo_engine_tick(handle, nowMs, IntPtr.Zero, out r));
        }

        /// <summary>A customer's state as JSON: stays, history, metrics.</summary>
        public string CustomerJson(string customerId)
        {
            return Native.CallString((out IntPtr r) => Native.ciclo_engine_customer_json(handle, customerId, out r));
        }

        /// <summary>A customer's portable state, as <see cref="Model.StepJson"/> reads it.</summary>
        public string CustomerStateJson(string customerId)
        {
            return Native.CallString((out IntPtr r) => Native.ciclo_engine_customer_state_json(handle, customerId, out r));
        }

        /// <summary>Adds a customer with a state the host kept.</summary>
        public void ImportCustomer(string customerId, string stateJson)
        {
            Native.Check(Native.ciclo_engine_import_customer(handle, customerId, stateJson));
        }

        /// <summary>Erases a customer completely (the right to be forgotten).</summary>
        public void RemoveCustomer(string customerId)
        {
            Native.Check(Native.ciclo_engine_remove_customer(handle, customerId));
        }

        /// <summary>A customer's current stage index and the moment they entered it (ms).</summary>
        public Tuple<int, long> CustomerStage(string customerId)
        {
            uint stage;
            long since;
            Native.Check(Native.ciclo_engine_customer_stage(handle, customerId, out stage, out since));
            return Tuple.Create((int)stage, since);
        }

        /// <summary>A page of the ids of the customers with a lifecycle state, in byte order, as JSON
        /// <c>{"items": [...], "next_cursor": ...}</c>; <paramref name="cursor"/> null for the first
        /// page, else the <c>next_cursor</c> of the page before; <paramref name="max"/> 1 to CICLO_LIST_MAX.</summary>
        public string ListCustomersJson(string cursor, uint max)
        {
            return Native.CallString((out IntPtr r) => Native.ciclo_engine_list_customers_json(handle, cursor, max, out r));
        }

        /// <summary>A page of the live golden ids, by number; paged as <see cref="ListCustomersJson"/>.</summary>
        public string ListGoldenIdsJson(string cursor, uint max)
        {
            return Native.CallString((out IntPtr r) => Native.ciclo_engine_list_golden_ids_json(handle, cursor, max, out r));
        }

        /// <summary>A page of the source records of a golden customer; paged as <see cref="ListCustomersJson"/>.</summary>
        public string ListSourcesJson(string goldenId, string cursor, uint max)
        {
            return Native.CallString((out IntPtr r) => Native.ciclo_engine_list_sources_json(handle, goldenId, cursor, max, out r));
        }

        /// <summary>A page of the records waiting for a data steward; paged as <see cref="ListCustomersJson"/>.</summary>
        public string ListReviewsJson(string cursor, uint max)
        {
            return Native.CallString((out IntPtr r) => Native.ciclo_engine_list_reviews_json(handle, cursor, max, out r));
        }

        /// <summary>A customer's lead score at <paramref name="nowMs"/> and whether it reaches the model's threshold.</summary>
        public Tuple<double, bool> LeadScore(string customerId, long nowMs)
        {
            double score;
            byte qualified;
            Native.Check(Native.ciclo_engine_lead_score(handle, customerId, nowMs, out score, out qualified));
            return Tuple.Create(score, qualified != 0);
        }

        /// <summary>Customers per stage as JSON <c>{"customers": n, "stages": [{"stage", "customers"}]}</c>.</summary>
        public string StageCountsJson()
        {
            return Native.CallString((out IntPtr r) => Native.ciclo_engine_stage_counts_json(handle, out r));
        }

        public long CustomerCount()
        {
            UIntPtr n;
            Native.Check(Native.ciclo_engine_customer_count(handle, out n));
            return (long)n.ToUInt64();
        }

        public int StageCount()
        {
            uint n;
            Native.Check(Native.ciclo_engine_stage_count(handle, out n));
            return (int)n;
        }

        public string StageName(int index)
        {
            return BorrowedName(Native.ciclo_engine_stage_name, index);
        }

        public string RuleName(int index)
        {
            return BorrowedName(Native.ciclo_engine_rule_name, index);
        }

        private delegate int NameCall(EngineHandle engine, uint index, out IntPtr name);

        /// <summary>
        /// A name borrowed from the engine (not freed), read while the engine is
        /// surely alive: the marshaller releases the SafeHandle when the call
        /// returns, so a Dispose on another thread (or the finalizer) could free
        /// the engine before the name is copied. The extra reference keeps it
        /// until the copy is done.
        /// </summary>
        private string BorrowedName(NameCall call, int index)
        {
            bool added = false;
            try
            {
                handle.DangerousAddRef(ref added); // ObjectDisposedException once disposed
                IntPtr name;
                Native.Check(call(handle, (uint)index, out name));
                return Native.Utf8(name);
            }
            finally
            {
                if (added)
                {
                    handle.DangerousRelease();
                }
                GC.KeepAlive(this);
            }
        }

        /// <summary>The engine's stage model as JSON.</summary>
        public string ModelJson()
        {
            return Native.CallString((out IntPtr r) => Native.ciclo_engine_model_json(handle, out r));
        }

        /// <summary>The whole engine as bytes (<see cref="Restore"/> reads them).</summary>
        public byte[] Snapshot()
        {
            IntPtr bytes;
            UIntPtr len;
            Native.Check(Native.ciclo_engine_snapshot(handle, out bytes, out len));
            try
            {
                byte[] copy = new byte[checked((int)len.ToUInt64())];
                Marshal.Copy(bytes, copy, 0, copy.Length);
                return copy;
            }
            finally
            {
                Native.ciclo_bytes_free(bytes, len);
            }
        }

        public void SetLimitsJson(string limitsJson)
        {
            Native.Check(Native.ciclo_engine_set_limits_json(handle, limitsJson));
        }

        public string LimitsJson()
        {
            return Native.CallString((out IntPtr r) => Native.ciclo_engine_limits_json(handle, out r));
        }

        // --- consolidation --------------------------------------------------

        /// <summary>How records match and golden records are built, before the first ingest.</summary>
        public void ConfigureConsolidation(string configJson)
        {
            Native.Check(Native.ciclo_engine_configure_consolidation(handle, configJson));
        }

        /// <summary>Matches a source record at the point of entry and stores it; the decision as JSON.</summary>
        public string IngestJson(string requestJson)
        {
            return Native.CallString((out IntPtr r) => Native.ciclo_engine_ingest_json(handle, requestJson, out r));
        }

        /// <summary>A customer's golden record with lineage and alternates, as JSON.</summary>
        public string GoldenJson(string goldenId)
        {
            return Native.CallString((out IntPtr r) => Native.ciclo_engine_golden_json(handle, goldenId, out r));
        }

        /// <summary>The golden id of source record <paramref name="id"/> of <paramref name="system"/>.</summary>
        public string GoldenOf(string system, string id)
        {
            return Native.CallString((out IntPtr r) => Native.ciclo_engine_golden_of(handle, system, id, out r));
        }

        /// <summary>Merges two golden customers; the survivor's id.</summary>
        public string Merge(string a, string b)
        {
            return Native.CallString((out IntPtr r) => Native.ciclo_engine_merge(handle, a, b, out r));
        }

        /// <summary>Takes a source record out of its customer; its own golden id.</summary>
        public string Unmerge(string system, string id)
        {
            return Native.CallString((out IntPtr r) => Native.ciclo_engine_unmerge(handle, system, id, out r));
        }

        /// <summary>Removes a source record; <c>{"golden_id", "erased"}</c> as JSON.</summary>
        public string RemoveSource(string system, string id)
        {
            return Native.CallString((out IntPtr r) => Native.ciclo_engine_remove_source(handle, system, id, out r));
        }

        /// <summary>The records waiting for a data steward, as JSON.</summary>
        public string ReviewsJson()
        {
            return Native.CallString((out IntPtr r) => Native.ciclo_engine_reviews_json(handle, out r));
        }

        public void DismissReview(string system, string id)
        {
            Native.Check(Native.ciclo_engine_dismiss_review(handle, system, id));
        }

        public void Link(string kind, string parent, string child)
        {
            Native.Check(Native.ciclo_engine_link(handle, kind, parent, child));
        }

        public void Unlink(string kind, string parent, string child)
        {
            Native.Check(Native.ciclo_engine_unlink(handle, kind, parent, child));
        }

        public string HierarchyJson(string kind, string id)
        {
            return Native.CallString((out IntPtr r) => Native.ciclo_engine_hierarchy_json(handle, kind, id, out r));
        }

        public string RollUpJson(string kind, string id)
        {
            return Native.CallString((out IntPtr r) => Native.ciclo_engine_roll_up_json(handle, kind, id, out r));
        }

        public string EstimateModelJson(string optionsJson = null)
        {
            return Native.CallString((out IntPtr r) => Native.ciclo_engine_estimate_model_json(handle, optionsJson, out r));
        }

        public void SetMatchModelJson(string modelJson)
        {
            Native.Check(Native.ciclo_engine_set_match_model_json(handle, modelJson));
        }

        public string MatchModelJson()
        {
            return Native.CallString((out IntPtr r) => Native.ciclo_engine_match_model_json(handle, out r));
        }

        // --- retention ------------------------------------------------------

        /// <summary>The trigger rules and retention settings (null for the defaults).</summary>
        public void SetRetentionJson(string configJson)
        {
            Native.Check(Native.ciclo_engine_set_retention_json(handle, configJson));
        }

        public string RetentionJson()
        {
            return Native.CallString((out IntPtr r) => Native.ciclo_engine_retention_json(handle, out r));
        }

        /// <summary>Evaluates the triggers for one customer (null: everyone) at <paramref name="nowMs"/>; the firings as JSON.</summary>
        public string EvaluateJson(string customerId, long nowMs)
        {
            return Native.CallString((out IntPtr r) => Native.ciclo_engine_evaluate_json(handle, customerId, nowMs, out r));
        }

        public string SignalsJson(string customerId, long nowMs)
        {
            return Native.CallString((out IntPtr r) => Native.ciclo_engine_signals_json(handle, customerId, nowMs, out r));
        }

        public string ChurnJson(string customerId, long nowMs)
        {
            return Native.CallString((out IntPtr r) => Native.ciclo_engine_churn_json(handle, customerId, nowMs, out r));
        }

        public string FitModelsJson(long nowMs, string optionsJson = null)
        {
            return Native.CallString((out IntPtr r) => Native.ciclo_engine_fit_models_json(handle, nowMs, optionsJson, out r));
        }

        /// <summary>The lapsed customers worth winning back, at most <paramref name="limit"/> (null: all).</summary>
        public string WinBackJson(long nowMs, long? limit = null)
        {
            if (limit < 0)
            {
                throw new ArgumentOutOfRangeException("limit", "a limit is 0 or more (null for all)");
            }
            UIntPtr all = UIntPtr.Size == 8 ? new UIntPtr(ulong.MaxValue) : new UIntPtr(uint.MaxValue); // SIZE_MAX
            UIntPtr n = limit.HasValue ? new UIntPtr((ulong)limit.Value) : all;
            return Native.CallString((out IntPtr r) => Native.ciclo_engine_win_back_json(handle, nowMs, n, out r));
        }

        public void RecordWinBack(string customerId, long nowMs, bool won)
        {
            Native.Check(Native.ciclo_engine_record_win_back(handle, customerId, nowMs, won ? 1 : 0));
        }

        public string WinBackStatsJson()
        {
            return Native.CallString((out IntPtr r) => Native.ciclo_engine_win_back_stats_json(handle, out r));
        }

        // --- change feed ----------------------------------------------------

        /// <summary>
        /// The changes after sequence number <paramref name="afterSeq"/>, oldest
        /// first, as JSON <c>{"changes": [{"seq": 1, "type": "customer_created", ...}, ...],
        /// "last_seq", "oldest_seq", "head_seq", "more"}</c>: pass 0 first, then the
        /// <c>last_seq</c> of the page before, while <c>more</c> is true. A page holds
        /// at least <paramref name="max"/> changes when so many wait, more only to end
        /// with a whole call. Throws <see cref="Status.ChangesDropped"/> when a change
        /// after <paramref name="afterSeq"/> is no longer kept (the message names the
        /// oldest kept), <see cref="Status.InvalidArgument"/> when it is past the newest change.
        /// </summary>
        public string ChangesJson(ulong afterSeq, ulong max)
        {
            return Native.CallString((out IntPtr r) => Native.ciclo_engine_changes_json(handle, afterSeq, new UIntPtr(max), out r));
        }

        /// <summary>Sets how long the feed keeps changes for pollers:
        /// <c>{"max_changes": 100000, "max_age_ms": 86400000}</c>, a missing key its
        /// default (<c>"{}"</c> restores both).</summary>
        public void SetChangeRetentionJson(string retentionJson)
        {
            Native.Check(Native.ciclo_engine_set_change_retention_json(handle, retentionJson));
        }

        /// <summary>The feed's retention, <c>{"max_age_ms": null, "max_changes": 100000}</c>.</summary>
        public string ChangeRetentionJson()
        {
            return Native.CallString((out IntPtr r) => Native.ciclo_engine_change_retention_json(handle, out r));
        }

        /// <summary>
        /// Has <paramref name="listener"/> given every change after
        /// <paramref name="afterSeq"/>: first the changes the feed keeps, from inside
        /// this call, then each engine call's changes once that call is done (see
        /// <see cref="ChangeListener"/> for what it may do). It replaces the listener
        /// set before; null removes it. Once this returns, the listener replaced is
        /// not running and gets nothing more (unless this is called from inside it).
        /// The engine's handle keeps the listener until it is replaced or the engine
        /// released. Throws as <see cref="ChangesJson"/> for an
        /// <paramref name="afterSeq"/> no longer kept or past the newest change
        /// (nothing changes then), and what the listener threw while given the
        /// changes kept. Thread-safe.
        /// </summary>
        public void SetChangeCallback(ulong afterSeq, ChangeListener listener)
        {
            Changes changes = handle.Changes;
            bool inside = changes.Inside;
            bool locked = false;
            try
            {
                if (!inside)
                {
                    Monitor.Enter(changes.Lock, ref locked);
                }
                Native.ChangeFn next = listener == null ? null : changes.Wrap(listener);
                // Ours before the call: one registered from inside it (while it is
                // given the changes kept) then replaces it in turn.
                Native.ChangeFn previous = changes.Swap(next);
                int status;
                try
                {
                    status = Native.ciclo_engine_set_change_callback(handle, afterSeq, next, IntPtr.Zero);
                }
                catch
                {
                    changes.Swap(previous); // disposed: nothing registered
                    throw;
                }
                if (status != 0)
                {
                    CicloException error = Native.Error(status); // read first
                    changes.Swap(previous); // nothing changed: ciclo never called `next`
                    throw error;
                }
                GC.KeepAlive(next);
                changes.Retire(previous, inside);
            }
            finally
            {
                if (locked)
                {
                    Monitor.Exit(changes.Lock);
                }
            }
            Native.RethrowChangeFailure();
        }
    }
}
