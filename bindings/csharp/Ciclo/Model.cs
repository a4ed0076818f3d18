using System;

namespace Ciclo
{
    /// <summary>
    /// A compiled stage model for the stateless path: the host keeps each
    /// customer's state (a JSON text) in its own storage. Thread-safe. Dispose it
    /// (or let the finalizer release it).
    /// </summary>
    public sealed class Model : IDisposable
    {
        private readonly ModelHandle handle;

        /// <summary>A model from a configuration: null for the default preset,
        /// <c>{"preset": "five_stage"}</c>, or a whole stage model.</summary>
        public Model(string configJson = null)
        {
            ModelHandle h;
            Native.Check(Native.ciclo_model_new(configJson, out h));
            handle = h;
        }

        /// <summary>The state after one event (<paramref name="stateJson"/> null for a new customer) and the outcome.</summary>
        public StateAndJson StepJson(string stateJson, string eventJson)
        {
            IntPtr state, outcome;
            Native.Check(Native.ciclo_model_step_json(handle, stateJson, eventJson, out state, out outcome));
            return TakeBoth(state, outcome);
        }

        /// <summary>The state after the time-driven rules at <paramref name="nowMs"/>, and the tick report.</summary>
        public StateAndJson TickJson(string stateJson, long nowMs)
        {
            IntPtr state, report;
            Native.Check(Native.ciclo_model_tick_json(handle, stateJson, nowMs, out state, out report));
            return TakeBoth(state, report);
        }

        private static StateAndJson TakeBoth(IntPtr first, IntPtr second)
        {
            string a;
            try
            {
                a = Native.TakeString(first);
            }
            catch
            {
                Native.TakeString(second);
                throw;
            }
            return new StateAndJson(a, Native.TakeString(second));
        }

        /// <summary>Releases the model; later calls throw ObjectDisposedException.</summary>
        public void Dispose()
        {
            handle.Dispose();
        }
    }
}
