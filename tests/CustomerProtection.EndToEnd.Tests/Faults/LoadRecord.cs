using System.Collections.Concurrent;
using CustomerProtection.Territory.V1;
using Grpc.Core;

namespace CustomerProtection.EndToEnd.Tests.Faults;

/// <summary>One call the load made: what, when, and how it ended (<see cref="StatusCode.OK"/>: acknowledged).</summary>
internal sealed record Call(string Kind, string Key, DateTimeOffset Started, DateTimeOffset Ended, StatusCode Code, string? Message)
{
    public bool Acknowledged => Code == StatusCode.OK;

    /// <summary>Started and ended between the two instants: made entirely while a dependency was down.</summary>
    public bool Within(DateTimeOffset from, DateTimeOffset to) => Started >= from && Ended <= to;

    public override string ToString() => $"{Kind} {Key} {Code} after {(Ended - Started).TotalMilliseconds:0} ms{(Message is null ? "" : ": " + Message)}";
}

/// <summary>A customer a salesperson filed and the service acknowledged.</summary>
internal sealed record Filing(string CustomerId, string Title, string FiledBy);

/// <summary>A sale the load asked Territory to record (the sale id is the ERP's idempotency key).</summary>
internal sealed record SaleSpec(string Id, string SellerId, string CustomerId, string Title, int Cycle);

/// <summary>
/// Everything the load asked and everything the system acknowledged, across the cycles of one test: what must be
/// readable afterwards, and the numbers the ledgers must match.
/// </summary>
internal sealed class LoadRecord
{
    public static class Kinds
    {
        public const string File = "registration FileCustomer";
        public const string Approve = "registration ApproveFiling";
        public const string Sale = "territory RecordSale";
        public const string Complaint = "arbitration RecordComplaint";
        public const string Encroachment = "arbitration FileEncroachmentComplaint";
    }

    public ConcurrentQueue<Call> Calls { get; } = new();

    /// <summary>Filings asked for, per salesperson (S1, S2, S3).</summary>
    public ConcurrentDictionary<string, int> Filers { get; } = new();

    /// <summary>Acknowledged filings, by customer id.</summary>
    public ConcurrentDictionary<string, Filing> Filings { get; } = new();

    /// <summary>Customer ids whose filing's approval was acknowledged.</summary>
    public ConcurrentDictionary<string, byte> Approvals { get; } = new();

    /// <summary>Every sale asked for, acknowledged or not.</summary>
    public ConcurrentDictionary<string, SaleSpec> SalesAsked { get; } = new();

    /// <summary>Acknowledged sales as Territory returned them.</summary>
    public ConcurrentDictionary<string, Sale> Sales { get; } = new();

    /// <summary>Acknowledged complaints: complaint id → customer id.</summary>
    public ConcurrentDictionary<string, string> Complaints { get; } = new();

    /// <summary>Acknowledged ownership cases (encroachment complaints): case id → customer id.</summary>
    public ConcurrentDictionary<string, string> Cases { get; } = new();

    public int ComplaintsAsked => Calls.Count(c => c.Kind == Kinds.Complaint);

    public IEnumerable<Call> Failures => Calls.Where(c => !c.Acknowledged);

    /// <summary>"N calls since …: kind code=count, …" for the log.</summary>
    public string Summary(DateTimeOffset since)
    {
        var calls = Calls.Where(c => c.Started >= since).ToList();
        var outcomes = calls.GroupBy(c => (c.Kind, c.Code)).OrderBy(g => g.Key.Kind, StringComparer.Ordinal).Select(g => $"{g.Key.Kind} {g.Key.Code}={g.Count()}");
        return $"{calls.Count} calls: {string.Join(", ", outcomes)}";
    }
}
