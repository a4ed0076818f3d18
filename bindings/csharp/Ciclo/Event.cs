namespace Ciclo
{
    /// <summary>The kinds of <see cref="Event"/> (<c>CICLO_EVENT_KIND_*</c> in ciclo.h).</summary>
    public enum EventKind : uint
    {
        Visit = 1,
        ContactCaptured = 2,
        TrialRequested = 3,
        DemoRequested = 4,
        Purchase = 5,
        Delivery = 6,
        SupportTicket = 7,
        TicketResolved = 8,
        Complaint = 9,
        Survey = 10,
        Usage = 11,
        PaymentFailed = 12,
        Renewal = 13,
        Cancellation = 14,
        Outreach = 15,
        OfferAccepted = 16,
        OfferDeclined = 17,
        Unsubscribe = 18,
        Custom = 1000,
    }

    /// <summary>An event for <see cref="Engine.Apply(Event)"/>, the fast path without JSON; null strings are absent.</summary>
    public sealed class Event
    {
        /// <summary>The customer (required).</summary>
        public string CustomerId { get; set; }
        /// <summary>The event's id, for duplicate detection, or null.</summary>
        public string EventId { get; set; }
        /// <summary>When it happened, milliseconds since the Unix epoch (UTC).</summary>
        public long AtMs { get; set; }
        public EventKind Kind { get; set; }
        /// <summary>The custom kind's name when <see cref="Kind"/> is <see cref="EventKind.Custom"/>.</summary>
        public string CustomKind { get; set; }
        /// <summary>Amount in minor units, read only with a <see cref="Currency"/>.</summary>
        public long AmountMinor { get; set; }
        /// <summary>ISO 4217 currency of the amount, or null.</summary>
        public string Currency { get; set; }
        public string Category { get; set; }
        public string Reason { get; set; }
        public double? Score { get; set; }
        public double? Quantity { get; set; }
    }

    /// <summary>
    /// What <see cref="Engine.Apply(Event)"/> did; stage and rule indexes name through
    /// <see cref="Engine.StageName(int)"/> and <see cref="Engine.RuleName(int)"/>.
    /// </summary>
    public struct Outcome
    {
        /// <summary>The event id was seen recently: nothing changed.</summary>
        public bool Duplicate { get; internal set; }
        public bool Created { get; internal set; }
        public bool Transitioned { get; internal set; }
        /// <summary>The stage left, or -1 without a transition.</summary>
        public int FromStage { get; internal set; }
        public int Stage { get; internal set; }
        /// <summary>The rule that fired, or -1.</summary>
        public int Rule { get; internal set; }
        /// <summary>When the transition happened, or 0.</summary>
        public long AtMs { get; internal set; }
    }

    /// <summary>A customer's portable state and the JSON that came with it (an outcome or a tick report).</summary>
    public struct StateAndJson
    {
        public StateAndJson(string stateJson, string json)
        {
            StateJson = stateJson;
            Json = json;
        }

        public string StateJson { get; }
        public string Json { get; }
    }
}
