using System;
using System.Collections.Generic;
using System.Runtime.ExceptionServices;
using System.Threading;

namespace Ciclo
{
    /// <summary>
    /// Given the changes of an engine (<see cref="Engine.SetChangeCallback"/>): the
    /// first and last sequence numbers and the changes as JSON,
    /// <c>{"changes": [...], "first_seq": 7, "last_seq": 9}</c>, each change as
    /// <see cref="Engine.ChangesJson"/> gives it. Whole engine calls, in sequence
    /// order, one delivery at a time.
    /// </summary>
    /// <remarks>
    /// It runs synchronously on the thread of the engine call that made the
    /// changes (or of another call of that engine already delivering), inside that
    /// call, after the engine let go of its locks. It may call the engine (changes
    /// it makes are given after it returns) and any other; it must not dispose the
    /// engine, must not block on another thread that registers a callback on the
    /// engine (that registration waits for this delivery to end), and should not
    /// block on async work (<c>.Result</c>, <c>.Wait()</c>): hand the changes to a
    /// queue or channel instead. An exception it throws is thrown again, once, by
    /// the engine call that delivered the changes (on that thread; that call did
    /// succeed), and the listener gets nothing more: register it again from the
    /// last sequence number it handled, or poll.
    /// </remarks>
    public delegate void ChangeListener(ulong firstSeq, ulong lastSeq, string changesJson);

    /// <summary>
    /// The change callback of one engine: the delegates registered with
    /// <c>ciclo_engine_set_change_callback</c>, kept alive while ciclo may call
    /// them, and the thread delivering. Owned by the <see cref="EngineHandle"/>.
    /// </summary>
    internal sealed class Changes
    {
        /// <summary>
        /// Serialises registrations, so that ours and ciclo's idea of the callback
        /// registered agree; one made from inside a delivery does not take it (the
        /// registration holding it may be waiting in ciclo for that delivery).
        /// </summary>
        internal readonly object Lock = new object();

        private volatile Thread delivering;
        private Native.ChangeFn current;
        private readonly List<Native.ChangeFn> retired = new List<Native.ChangeFn>();

        /// <summary>Whether this thread is delivering changes of the engine now.</summary>
        internal bool Inside
        {
            get { return delivering == Thread.CurrentThread; }
        }

        /// <summary>The delegate behind a listener: an exception must not unwind into C.</summary>
        internal Native.ChangeFn Wrap(ChangeListener listener)
        {
            bool failed = false; // read and written by one delivery at a time
            return (user, firstSeq, lastSeq, changesJson) =>
            {
                if (failed)
                {
                    return;
                }
                delivering = Thread.CurrentThread;
                try
                {
                    listener(firstSeq, lastSeq, Native.Utf8(changesJson));
                }
                catch (Exception e)
                {
                    failed = true;
                    Native.ChangeFailure = ExceptionDispatchInfo.Capture(e);
                }
                finally
                {
                    delivering = null;
                }
            };
        }

        /// <summary>Makes <paramref name="next"/> the registered delegate; returns the one before.</summary>
        internal Native.ChangeFn Swap(Native.ChangeFn next)
        {
            lock (retired)
            {
                Native.ChangeFn previous = current;
                current = next;
                return previous;
            }
        }

        /// <summary>
        /// Lets go of a delegate ciclo no longer calls: at once, unless this thread
        /// is inside a delivery (perhaps of that very delegate, whose native entry
        /// point must stay while it returns through it): then with the engine.
        /// </summary>
        internal void Retire(Native.ChangeFn previous, bool inside)
        {
            if (previous != null && inside)
            {
                lock (retired)
                {
                    retired.Add(previous);
                }
            }
        }

        /// <summary>After the engine was freed: ciclo calls none of them any more.</summary>
        internal void Release()
        {
            lock (retired)
            {
                current = null;
                retired.Clear();
            }
        }
    }
}
