using System.Globalization;
using CustomerProtection.Contracts.Territory;
using CustomerProtection.Contracts.Violations;
using CustomerProtection.Territory.Domain;
using CustomerProtection.Territory.Persistence;

namespace CustomerProtection.Territory.Application;

/// <summary>The atomic steps of the sales side: each state with its indexes and its events, or nothing.</summary>
public static class SalesChanges
{
    /// <summary>
    /// A shipment, its ledger indexes, its credit (P-4.3), its violations and their events, and
    /// SaleRecorded, in one step guarded by "this sale id is new": recording it again changes nothing.
    /// </summary>
    /// <param name="recorder">Who posted the shipment: the change of the customer's deal terms is an audit entry (C-5) of this same step.</param>
    public static AtomicChange RecordSale(SealedRecords seal, Sale sale, IReadOnlyList<Violation> violations, Caller recorder)
    {
        // C-4: the price and amount are sealed in the sale; the ledger indexes name the sale only.
        var day = sale.ShippedOn.DayNumber;
        var change = new AtomicChange()
            .Expect(DirectoryKeys.Entity(SalesKeys.Sale, sale.Id), 0)
            .Put(DirectoryKeys.Entity(SalesKeys.Sale, sale.Id), 1, seal.Encode(SalesKeys.Sale, sale.Id, sale))
            .IndexAdd(SalesKeys.AllSales, sale.Id, sale.RecordedAt.ToUnixTimeMilliseconds())
            .IndexAdd(SalesKeys.CustomerShipments(sale.IdentityKey), sale.Id, day)
            .IndexAdd(SalesKeys.ProductPrices(sale.ProductCode, sale.IdentityKey), LedgerEntry.Of(sale.Id, sale.SellerId), day)
            .IndexAdd(SalesKeys.Credits(sale.CreditedTo), LedgerEntry.Of(sale.Id, sale.SellerId), day)
            .Publish(new SaleRecorded(sale.Id, sale.IdentityKey, sale.CustomerId, sale.SellerId, sale.SellerBranchId, sale.SellerRegionId,
                sale.ProductCode, sale.UnitPrice, sale.Quantity, sale.Amount, sale.ShippedOn, sale.ThroughAgent, sale.RecordedAt, sale.Kind))
            .Publish(new DealTermsAccessed(recorder.EmployeeId, recorder.Role, sale.CustomerId, sale.IdentityKey, DealTermsAccessKinds.Change,
                violations.Count == 0 ? RecordDealTermsReads.SalePrices : [.. RecordDealTermsReads.SalePrices, .. RecordDealTermsReads.Evidence],
                DealTerms.PurposeOf(recorder), "SalesLedger/RecordSale", $"sale {sale.Id}", sale.RecordedAt));

        foreach (var v in violations)
        {
            var key = DirectoryKeys.Entity(SalesKeys.Violation, v.Id);
            var at = v.DetectedAt.ToUnixTimeMilliseconds();
            change.Expect(key, 0)
                .Put(key, 1, seal.Encode(SalesKeys.Violation, v.Id, v))
                .IndexAdd(SalesKeys.AllViolations, v.Id, at)
                .IndexAdd(SalesKeys.ViolationsOfEmployee(v.ViolatorId), v.Id, at);
            if (v.InjuredEmployeeId is { } injured)
            {
                change.IndexAdd(SalesKeys.ViolationsOfEmployee(injured), v.Id, at);
            }

            if (v.ViolatorBranchId is { } branch)
            {
                change.IndexAdd(SalesKeys.ViolationsOfBranch(branch), v.Id, at);
            }

            if (v.ViolatorRegionId is { } region)
            {
                change.IndexAdd(SalesKeys.ViolationsOfRegion(region), v.Id, at);
            }

            change.Publish(new ViolationDetected(v.Id, v.RuleId, v.Kind,
                new ViolationParty(v.ViolatorId, v.ViolatorRole, v.ViolatorBranchId, v.ViolatorRegionId, v.ViolatorManagerId),
                v.InjuredEmployeeId, v.CustomerId, v.IdentityKey, v.CustomerAnnualShipments, v.PublishedEvidence ?? v.Evidence, $"territory:sale:{v.SaleId}", v.DetectedAt, v.InjuredManagerId));
        }

        return change;
    }

    /// <summary>
    /// P-8.2: the sale's credit moves to whom hq decided; the credit ledger entry moves with it. Guarded
    /// by the sale's version, so two decisions at once are applied one after the other.
    /// </summary>
    public static AtomicChange DecideCredit(SealedRecords seal, Versioned<Sale> current, Sale next)
    {
        var key = DirectoryKeys.Entity(SalesKeys.Sale, next.Id);
        var decision = next.CreditDecision!;
        var change = new AtomicChange()
            .Expect(key, current.Version)
            .Put(key, current.Version + 1, seal.Encode(SalesKeys.Sale, next.Id, next))
            .Publish(new SaleCreditDecided(next.Id, next.IdentityKey, next.CreditedTo, decision.PreviousCreditedTo, decision.CaseId, decision.DecidedAt));
        if (next.CreditedTo != current.Value.CreditedTo)
        {
            // The member as written now, and as written before C-4 sealed the amounts (not yet migrated).
            var entry = LedgerEntry.Of(next.Id, next.SellerId);
            var legacy = $"{next.Id}|{next.Amount.ToString(CultureInfo.InvariantCulture)}|{next.SellerId}";
            change.IndexRemove(SalesKeys.Credits(current.Value.CreditedTo), entry)
                .IndexRemove(SalesKeys.Credits(current.Value.CreditedTo), legacy)
                .IndexAdd(SalesKeys.Credits(next.CreditedTo), entry, next.ShippedOn.DayNumber);
        }

        return change;
    }
}
