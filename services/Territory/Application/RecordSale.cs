using System.Globalization;
using CustomerProtection.Contracts.Territory;
using CustomerProtection.Territory.Domain;
using CustomerProtection.Territory.Persistence;
using Grpc.Core;

namespace CustomerProtection.Territory.Application;

public sealed record SaleInput(
    string Id,
    string SellerId,
    CustomerRef Customer,
    string ProductCode,
    string UnitPrice,
    string Quantity,
    Google.Type.Date? ShippedOn,
    string RegionId,
    bool ThroughAgent,
    string? AgentName,
    string? Kind = SaleKinds.FormalPurchase);

public sealed record RecordedSale(Versioned<Sale> Sale, IReadOnlyList<Violation> Violations);

/// <summary>
/// One shipment from the ERP into the ledger (the ERP integration's account, or hq). The rules that
/// the authorisation shows before quoting are applied to what was shipped: each rule broken is a
/// ViolationDetected (P-3.7, P-4.1, P-4.2, P-5) published with SaleRecorded in one atomic step.
/// The sale id is the idempotency key: a second recording of it changes and publishes nothing.
/// </summary>
public sealed class RecordSale(SalesStore store, IOwnershipLookup ownership, SaleFactsReader reader, PolicyClock clock)
{
    public const int MaxAgentNameLength = 100;

    /// <summary>Fraction digits of a quantity (docs/territory.md): finer than money, so a metered quantity is kept as measured.</summary>
    public const int QuantityScale = 4;

    public async Task<RecordedSale> ExecuteAsync(Caller caller, SaleInput input, CancellationToken cancellationToken)
    {
        // The caller first: one who may not record sales learns nothing about what input would pass.
        if (!LedgerScopes.MayRecordSale(caller))
        {
            throw new ScopeDeniedException("销售出货由 ERP 接口或总公司录入 / shipments are recorded by the ERP integration or hq");
        }

        var violations = new List<FieldViolation>();
        DirectoryRules.CheckId(violations, "id", input.Id);
        DirectoryRules.CheckId(violations, "seller_id", input.SellerId);
        DirectoryRules.CheckId(violations, "product_code", input.ProductCode);
        DirectoryRules.CheckId(violations, "region_id", input.RegionId);
        var customer = Customers.Resolve(violations, "", input.Customer);
        // P-1.1: a sample or a trial may be free; a purchase has a price.
        var unitPrice = Money.Parse(violations, "unit_price", input.UnitPrice, allowZero: input.Kind is SaleKinds.Sample or SaleKinds.Trial);
        var quantity = DecimalField.Parse(violations, "quantity", input.Quantity, QuantityScale, Money.Max);
        var shippedOn = Dates.Parse(violations, "shipped_on", input.ShippedOn, required: true);
        if (input.AgentName?.Length > MaxAgentNameLength)
        {
            violations.Add(new("agent_name", $"最长 {MaxAgentNameLength} 字 / at most {MaxAgentNameLength} characters"));
        }

        if (input.Kind is not (SaleKinds.FormalPurchase or SaleKinds.Sample or SaleKinds.Trial))
        {
            violations.Add(new("kind", "出货类型须为正式采购、样品或试用 / kind must be a formal purchase, a sample or a trial"));
        }

        RequestValidationException.ThrowIfAny(violations);

        if (await store.GetAsync<Sale>(SalesKeys.Sale, input.Id) is { } recorded)
        {
            return await ReplayAsync(recorded, input, customer, unitPrice!.Value, quantity!.Value, shippedOn!.Value);
        }

        var seller = await store.Directory.GetEmployeeAsync(input.SellerId)
            ?? throw new RequestValidationException(new FieldViolation("seller_id", $"员工 {input.SellerId} 不存在 / employee {input.SellerId} does not exist"));
        if (seller.Value.RegionId is null)
        {
            throw new RequestValidationException(new FieldViolation("seller_id", $"员工 {input.SellerId} 不属于任何大区 / employee {input.SellerId} belongs to no region"));
        }

        var facts = await AuthorizeSale.OwnershipInKnownRegionAsync(store, ownership, customer, input.RegionId, seller.Value.RegionId, cancellationToken);
        var identityKey = customer.IdentityKey ?? facts.IdentityKey;
        if (string.IsNullOrEmpty(identityKey))
        {
            throw new RequestValidationException(new FieldViolation("customer.customer_id", "登记服务不认识该客户 / Registration does not know this customer"));
        }

        var now = clock.UtcNow;
        var question = new SaleQuestion(seller.Value.Id, seller.Value.RegionId, identityKey, input.ProductCode, unitPrice!.Value, input.RegionId, input.ThroughAgent, shippedOn!.Value, input.Kind!);
        var verdict = SaleRules.Evaluate(question, await reader.ReadAsync(question, facts, now, input.Id, cancellationToken));
        var amount = Money.Amount(unitPrice.Value, quantity!.Value);

        var breaches = SaleRules.Breaches(verdict);
        var detected = new List<Violation>();
        if (breaches.Count > 0)
        {
            // P-8.1 needs the customer's annual shipments (the ledger's last 365 days, this sale
            // included) and the violator's manager; the injured party's manager is told.
            var annualRead = store.AnnualShipmentsAsync(identityKey, shippedOn.Value);
            var managerRead = ManagerOfAsync(seller.Value);
            var injured = breaches.Select(f => f.InjuredEmployeeId).OfType<string>().Distinct().ToList();
            var injuredManagersRead = Task.WhenAll(injured.Select(async id => (Id: id, Manager: await store.Directory.GetEmployeeAsync(id) is { } e ? await ManagerOfAsync(e.Value) : null)));
            var annual = await annualRead + amount;
            var manager = await managerRead;
            var injuredManagers = (await injuredManagersRead).ToDictionary(p => p.Id, p => p.Manager);
            detected.AddRange(breaches.Select(f => new Violation(
                Violation.IdFor(input.Id, f.RuleId), f.RuleId, f.Kind, input.Id,
                seller.Value.Id, seller.Value.Role, seller.Value.BranchId, seller.Value.RegionId, manager,
                f.InjuredEmployeeId, facts.CustomerId ?? customer.CustomerId, identityKey, annual,
                Evidence(f, input, shippedOn.Value, identityKey, unitPrice.Value, quantity.Value, amount), now,
                f.InjuredEmployeeId is { } i ? injuredManagers[i] : null,
                f.RuleId == "P-3.7" ? Evidence(DealTerms.WithoutPreviousSale(f), input, shippedOn.Value, identityKey, unitPrice.Value, quantity.Value, amount) : null)));
        }

        var sale = new Sale(input.Id, seller.Value.Id, seller.Value.BranchId, seller.Value.RegionId, identityKey, facts.CustomerId ?? customer.CustomerId,
            customer.InvoiceTitle ?? facts.InvoiceTitle, input.ProductCode, unitPrice.Value, quantity.Value, amount, shippedOn.Value, input.RegionId,
            input.ThroughAgent, string.IsNullOrWhiteSpace(input.AgentName) ? null : input.AgentName.Trim(),
            SaleRules.CreditTo(question, verdict.Protector), verdict.Protector, [.. detected.Select(v => v.Id)], now, caller.EmployeeId, Kind: input.Kind!);

        var result = await store.Directory.CommitAsync(SalesChanges.RecordSale(store.Directory.Sealed, sale, detected, caller));
        if (!result.Succeeded)
        {
            // Recorded concurrently by a retry of the same shipment: that recording stands.
            var winner = (await store.GetAsync<Sale>(SalesKeys.Sale, input.Id))!;
            return await ReplayAsync(winner, input, customer, unitPrice.Value, quantity.Value, shippedOn.Value);
        }

        return new RecordedSale(new Versioned<Sale>(sale, 1), detected);
    }

    /// <summary>An employee's manager: their own, else their branch's (P-8.1 joint liability looks to them).</summary>
    private async Task<string?> ManagerOfAsync(Employee employee) =>
        employee.ManagerId ?? (employee.BranchId is { } b ? (await store.Directory.GetBranchAsync(b))?.Value.ManagerId : null);

    /// <summary>The same shipment again returns what was recorded; a different one under a used id is refused.</summary>
    private async Task<RecordedSale> ReplayAsync(Versioned<Sale> recorded, SaleInput input, ResolvedCustomer customer, decimal unitPrice, decimal quantity, DateOnly shippedOn)
    {
        var s = recorded.Value;
        var same = s.SellerId == input.SellerId && s.ProductCode == input.ProductCode && s.UnitPrice == unitPrice && s.Quantity == quantity
            && s.ShippedOn == shippedOn && s.RegionId == input.RegionId && s.ThroughAgent == input.ThroughAgent && s.Kind == input.Kind
            && (customer.IdentityKey is null ? customer.CustomerId == s.CustomerId : customer.IdentityKey == s.IdentityKey);
        if (!same)
        {
            throw new PolicyRefusalException("ALREADY_EXISTS",
                $"出货单号 {s.Id} 已用于另一笔出货 / shipment id {s.Id} was already recorded with different content",
                new Dictionary<string, string> { ["sale_id"] = s.Id, ["recorded_at"] = s.RecordedAt.ToString("O", CultureInfo.InvariantCulture) }, RefusalCode.AlreadyExists);
        }

        var violations = await store.GetManyAsync<Violation>(SalesKeys.Violation, s.ViolationIds);
        return new RecordedSale(recorded, [.. violations.Select(v => v.Value)]);
    }

    private static string Evidence(RuleFinding finding, SaleInput input, DateOnly shippedOn, string identityKey, decimal unitPrice, decimal quantity, decimal amount)
    {
        var numbers = string.Join(", ", finding.Metadata.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={p.Value}"));
        var agent = input.ThroughAgent ? $"，经代理/中间人 {input.AgentName} / through agent {input.AgentName}" : "";
        return $"{finding.Message}. 出货 {input.Id}：销售 {input.SellerId} 于 {Dates.Iso(shippedOn)} 在大区 {input.RegionId} 向 {identityKey} 出货 {input.ProductCode} " +
            $"单价 {Money.Format(unitPrice)} × {quantity.ToString(CultureInfo.InvariantCulture)} = {Money.Format(amount)}{agent} / shipment {input.Id}: seller {input.SellerId} " +
            $"shipped {input.ProductCode} to {identityKey} in region {input.RegionId} on {Dates.Iso(shippedOn)} at {Money.Format(unitPrice)}. [{numbers}]";
    }
}
