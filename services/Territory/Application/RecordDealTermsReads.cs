using CustomerProtection.Contracts.Territory;
using CustomerProtection.Territory.Domain;
using CustomerProtection.Territory.Persistence;

namespace CustomerProtection.Territory.Application;

/// <summary>Deal terms of one customer shown in clear by an answer: which fields, and a detail (the sale or violation).</summary>
public sealed record DealTermsRead(string? CustomerId, string IdentityKey, IReadOnlyList<string> Fields, string Detail);

/// <summary>
/// C-5: every clear read of deal terms is logged — who, when, which customer and fields, purpose, RPC —
/// in the one audit log, Registration's: the entries go out as <see cref="DealTermsAccessed"/> through
/// Territory's outbox, committed before the answer that shows the values is returned (so no answer
/// without its entry), and Registration appends them to its hash-chained log. Withheld values are not
/// reads, as masked reads are not in Registration.
/// </summary>
public sealed class RecordDealTermsReads(DirectoryStore store, PolicyClock clock)
{
    public static readonly IReadOnlyList<string> SalePrices = ["unit_price", "amount"];
    public static readonly IReadOnlyList<string> SaleAmount = ["amount"];
    public static readonly IReadOnlyList<string> Evidence = ["evidence", "customer_annual_shipments"];

    /// <summary>The P-3.7 floor: another sale's price (shown to hq only).</summary>
    public static readonly IReadOnlyList<string> PreviousSalePrice = ["previous_sale_price"];

    public async Task RecordAsync(Caller caller, string rpc, IEnumerable<DealTermsRead> reads)
    {
        var now = clock.UtcNow;
        var change = new AtomicChange();
        var any = false;
        foreach (var read in reads)
        {
            change.Publish(new DealTermsAccessed(caller.EmployeeId, caller.Role, read.CustomerId, read.IdentityKey, DealTermsAccessKinds.Read, read.Fields,
                DealTerms.PurposeOf(caller), rpc, read.Detail, now));
            any = true;
        }

        if (any)
        {
            await store.CommitAsync(change);
        }
    }

    /// <summary>C-5: the deal terms a sale's answer shows the caller in clear (its prices, its violations' evidence).</summary>
    public static IEnumerable<DealTermsRead> ClearReads(RecordedSale recorded, Caller caller)
    {
        var s = recorded.Sale.Value;
        if (DealTerms.MaySeeSalePrices(caller, s))
        {
            yield return new(s.CustomerId, s.IdentityKey, SalePrices, $"sale {s.Id}");
        }

        foreach (var read in ClearReads(recorded.Violations, caller))
        {
            yield return read;
        }
    }

    /// <summary>C-5: the violations whose evidence and customer's annual purchases the caller is shown in clear.</summary>
    public static IEnumerable<DealTermsRead> ClearReads(IEnumerable<Violation> violations, Caller caller) =>
        violations.Where(v => DealTerms.MaySeeEvidence(caller, v))
            .Select(v => new DealTermsRead(v.CustomerId, v.IdentityKey, Evidence, $"violation {v.Id}"));
}
