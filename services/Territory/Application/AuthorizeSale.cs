using CustomerProtection.Territory.Domain;
using CustomerProtection.Territory.Persistence;

namespace CustomerProtection.Territory.Application;

public sealed record AuthorizationInput(CustomerRef Customer, string ProductCode, string UnitPrice, string RegionId, bool ThroughAgent, string? SellerId);

public sealed record Authorization(SaleVerdict Verdict, string IdentityKey, OwnershipFacts Ownership);

/// <summary>
/// "May I sell product X to customer Y at price P in region R?" (P-3.6, P-3.7, P-4.1, P-4.2, P-5):
/// allowed, needs approval or forbidden, with the rule ids and numbers. Asks Registration who owns the
/// customer; writes nothing.
/// </summary>
public sealed class AuthorizeSale(SalesStore store, IOwnershipLookup ownership, SaleFactsReader reader, PolicyClock clock)
{
    public async Task<Authorization> ExecuteAsync(Caller caller, AuthorizationInput input, CancellationToken cancellationToken)
    {
        var violations = new List<FieldViolation>();
        var customer = Customers.Resolve(violations, "", input.Customer);
        DirectoryRules.CheckId(violations, "product_code", input.ProductCode);
        DirectoryRules.CheckId(violations, "region_id", input.RegionId);
        DirectoryRules.CheckId(violations, "seller_id", input.SellerId, required: false);
        var price = Money.Parse(violations, "unit_price", input.UnitPrice);
        RequestValidationException.ThrowIfAny(violations);
        if (!LedgerScopes.MayAskToSell(caller))
        {
            throw new ScopeDeniedException("ERP 接口只录入出货，不询价 / the ERP integration records shipments and does not ask before quoting");
        }

        var (sellerId, sellerRegion) = await SellerAsync(caller, input.SellerId);
        var facts = await OwnershipInKnownRegionAsync(store, ownership, customer, input.RegionId, sellerRegion, cancellationToken);
        var identityKey = customer.IdentityKey ?? facts.IdentityKey;
        if (string.IsNullOrEmpty(identityKey))
        {
            throw new RequestValidationException(new FieldViolation("customer.customer_id", "登记服务不认识该客户 / Registration does not know this customer"));
        }

        var question = new SaleQuestion(sellerId, sellerRegion, identityKey, input.ProductCode, price!.Value, input.RegionId, input.ThroughAgent,
            clock.TodayDate);
        var verdict = SaleRules.Evaluate(question, await reader.ReadAsync(question, facts, clock.UtcNow, cancellationToken: cancellationToken));
        return new Authorization(verdict, identityKey, facts);
    }

    /// <summary>
    /// Registration's answer, once a region other than the seller's is known to exist (a mistyped
    /// region is bad input, not a cross-region sale, P-4.1). The region is read while Registration
    /// answers, so a cross-region question waits for one round trip, not two in a row.
    /// </summary>
    internal static async Task<OwnershipFacts> OwnershipInKnownRegionAsync(
        SalesStore store, IOwnershipLookup ownership, ResolvedCustomer customer, string regionId, string? sellerRegionId, CancellationToken cancellationToken)
    {
        if (regionId == sellerRegionId)
        {
            return await ownership.GetAsync(customer, cancellationToken);
        }

        var regionRead = store.Directory.GetRegionAsync(regionId);
        var ownershipRead = ownership.GetAsync(customer, cancellationToken);
        try
        {
            await Task.WhenAll(regionRead, ownershipRead);
        }
        catch when (regionRead.IsCompletedSuccessfully && regionRead.Result is null)
        {
            // Bad input is answered as such whatever Registration said.
        }

        return await regionRead is null
            ? throw new RequestValidationException(new FieldViolation("region_id", $"大区 {regionId} 不存在 / region {regionId} does not exist"))
            : await ownershipRead;
    }

    /// <summary>The seller is the caller (their region from the token); hq may ask for a salesperson.</summary>
    private async Task<(string Id, string? RegionId)> SellerAsync(Caller caller, string? sellerId)
    {
        if (string.IsNullOrEmpty(sellerId) || sellerId == caller.EmployeeId)
        {
            return (caller.EmployeeId, caller.RegionId);
        }

        if (!caller.IsHq)
        {
            throw new ScopeDeniedException("只有总公司可以代他人询问 / only hq asks on someone else's behalf");
        }

        var seller = await store.Directory.GetEmployeeAsync(sellerId)
            ?? throw new RequestValidationException(new FieldViolation("seller_id", $"员工 {sellerId} 不存在 / employee {sellerId} does not exist"));
        return (seller.Value.Id, seller.Value.RegionId);
    }
}
