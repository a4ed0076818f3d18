using System;

namespace Ciclo
{
    /// <summary>The C ABI's status codes (<c>CICLO_STATUS_*</c> in ciclo.h).</summary>
    public enum Status
    {
        Ok = 0,
        NullArgument = 1,
        InvalidUtf8 = 2,
        InvalidJson = 3,
        UnknownField = 4,
        InvalidConfig = 5,
        UnknownStage = 6,
        UnknownMetric = 7,
        UnknownEventKind = 8,
        InvalidTimestamp = 9,
        InvalidAmount = 10,
        InvalidArgument = 11,
        NotFound = 12,
        OutOfOrder = 13,
        Conflict = 14,
        CorruptSnapshot = 15,
        OutOfRange = 16,
        InvalidValue = 17,
        /// <summary>Changes asked for are no longer kept by the change feed (its retention dropped them).</summary>
        ChangesDropped = 18,
        Panic = 100,
    }

    /// <summary>
    /// A failed ciclo call: the status and the library's message, naming the field
    /// at fault. <see cref="Exception.Message"/> gives both, as
    /// <c>"CICLO_STATUS_NOT_FOUND: customer `x` not found"</c>.
    /// </summary>
    public sealed class CicloException : Exception
    {
        public CicloException(Status status, string statusName, string errorMessage)
            : base(statusName + ": " + errorMessage)
        {
            Status = status;
            StatusName = statusName;
            ErrorMessage = errorMessage;
        }

        /// <summary>The status code.</summary>
        public Status Status { get; }

        /// <summary>The status code's C name, <c>"CICLO_STATUS_NOT_FOUND"</c>.</summary>
        public string StatusName { get; }

        /// <summary>The library's message, without the status name.</summary>
        public string ErrorMessage { get; }
    }
}
