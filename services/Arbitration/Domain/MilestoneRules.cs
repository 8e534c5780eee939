namespace CustomerProtection.Arbitration.Domain;

/// <summary>
/// P-2.4(b), (c): whether a person reached the milestone they committed to within their time. A
/// trial is an M-2 progress record of kind trial that the person recorded, with evidence; a deal is
/// a shipment to the customer that the person sold (Territory's sales ledger). Both count from the
/// first day of the commitment to its last day, inclusive.
/// </summary>
public static class MilestoneRules
{
    /// <returns>The first day the milestone was reached, or null when it was not.</returns>
    public static DateOnly? ReachedOn(string milestone, string personId, DateOnly from, DateOnly to, IReadOnlyList<ProgressFact> progress, IReadOnlyList<DealFact> deals) =>
        milestone switch
        {
            Milestones.Trial => progress
                .Where(p => p.Kind == "trial" && p.RecordedBy == personId && !string.IsNullOrWhiteSpace(p.Evidence) && p.On >= from && p.On <= to)
                .Select(p => (DateOnly?)p.On)
                .Min(),
            Milestones.Deal => deals
                .Where(d => d.SellerId == personId && d.ShippedOn >= from && d.ShippedOn <= to)
                .Select(d => (DateOnly?)d.ShippedOn)
                .Min(),
            _ => throw new ArgumentOutOfRangeException(nameof(milestone), milestone, "unknown milestone"),
        };

    /// <summary>P-8.1: the customer's shipments in the 365 days ending on <paramref name="day"/>.</summary>
    public static decimal AnnualShipments(IReadOnlyList<DealFact> deals, DateOnly day) =>
        deals.Where(d => d.ShippedOn <= day && d.ShippedOn > day.AddDays(-365)).Sum(d => d.Amount);
}
