using CustomerProtection.Contracts.Arbitration;
using CustomerProtection.Territory.Domain;
using CustomerProtection.Territory.Persistence;

namespace CustomerProtection.Territory.Application;

/// <summary>
/// P-8.2 → P-4.3: hq decided a disputed performance credit in Arbitration (PerformanceCreditDecided);
/// the ledger credits the sale to whom hq named, in one atomic step guarded by the sale's version.
/// Idempotent: a redelivered or older decision changes nothing.
/// </summary>
public sealed class ApplyCreditDecision(SalesStore store)
{
    /// <returns>Whether the sale changed.</returns>
    public async Task<bool> ExecuteAsync(PerformanceCreditDecided decision)
    {
        var violations = new List<FieldViolation>();
        DirectoryRules.CheckId(violations, "sale_id", decision.SaleId);
        DirectoryRules.CheckId(violations, "credit_to_id", decision.CreditToId);
        if (string.IsNullOrWhiteSpace(decision.CaseId))
        {
            violations.Add(new("case_id", "必填 / required"));
        }

        RequestValidationException.ThrowIfAny(violations);
        return await OptimisticConcurrency.RetryAsync(async () =>
        {
            // A case names a sale the ledger recorded before the case could be opened: an unknown one
            // (or another customer's) is a wrong decision no retry can fix, so it goes to the error queue.
            var current = await store.GetAsync<Sale>(SalesKeys.Sale, decision.SaleId)
                ?? throw new RequestValidationException(new FieldViolation("sale_id", $"出货 {decision.SaleId} 不在台账中 / sale {decision.SaleId} is not in the ledger"));
            if (current.Value.CustomerId is { } customer && !string.IsNullOrEmpty(decision.CustomerId) && customer != decision.CustomerId)
            {
                throw new RequestValidationException(new FieldViolation("customer_id",
                    $"出货 {decision.SaleId} 的客户是 {customer}，不是 {decision.CustomerId} / sale {decision.SaleId} was to {customer}, not {decision.CustomerId}"));
            }

            var next = CreditRules.Decide(current.Value, decision.CaseId, decision.CreditToId, decision.Reason, decision.DecidedBy, decision.DecidedAt);
            return next is null
                ? (ChangeResult.Applied, false)
                : (await store.Directory.CommitAsync(SalesChanges.DecideCredit(store.Directory.Sealed, current, next)), true);
        });
    }
}
