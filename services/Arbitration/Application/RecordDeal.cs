using CustomerProtection.Arbitration.Domain;
using CustomerProtection.Arbitration.Persistence;
using CustomerProtection.Contracts.Territory;

namespace CustomerProtection.Arbitration.Application;

/// <summary>
/// Territory's SaleRecorded into Arbitration's own record of deals per customer, so that a "deal"
/// milestone (P-2.4) and a customer's annual shipments (P-8.1) are read from our own data at the
/// deadline. Only a formal purchase is a deal (P-1.1): a sample or a trial reaches Registration as
/// trial progress, which is what a "trial" milestone reads. Idempotent: the same sale again is the same
/// member of the same sorted set.
/// </summary>
public sealed class RecordDeal(ArbitrationStore store)
{
    public Task ApplyAsync(SaleRecorded sale) => sale.Kind == SaleKinds.FormalPurchase
        ? store.AddDealAsync(sale.CustomerIdentityKey, new DealFact(sale.SaleId, sale.SellerId, sale.ShippedOn, sale.Amount))
        : Task.CompletedTask;
}
