using System;
using System.Runtime.InteropServices;

namespace Ciclo
{
    /// <summary>
    /// A <c>ciclo_engine *</c>. The runtime keeps it alive during each call that
    /// takes it (a Dispose racing a call waits for the call), and frees it once.
    /// </summary>
    public sealed class EngineHandle : SafeHandle
    {
        public EngineHandle() : base(IntPtr.Zero, true) { }

        public override bool IsInvalid
        {
            get { return handle == IntPtr.Zero; }
        }

        /// <summary>
        /// The change callbacks ciclo may call (the one registered, and those
        /// replaced from inside themselves): the handle keeps these delegates,
        /// and so their native entry points, alive until the engine is freed.
        /// </summary>
        internal readonly Changes Changes = new Changes();

        protected override bool ReleaseHandle()
        {
            Native.ciclo_engine_free(handle);
            Changes.Release(); // ciclo calls none of them any more
            return true;
        }
    }

    /// <summary>A <c>ciclo_model *</c>, as <see cref="EngineHandle"/>.</summary>
    public sealed class ModelHandle : SafeHandle
    {
        public ModelHandle() : base(IntPtr.Zero, true) { }

        public override bool IsInvalid
        {
            get { return handle == IntPtr.Zero; }
        }

        protected override bool ReleaseHandle()
        {
            Native.ciclo_model_free(handle);
            return true;
        }
    }
}
