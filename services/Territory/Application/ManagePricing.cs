using CustomerProtection.Contracts.Territory;
using CustomerProtection.Policy;
using CustomerProtection.Policy.Errors;
using CustomerProtection.Policy.Actors;
using CustomerProtection.Storage;
using CustomerProtection.Territory.Domain;
using CustomerProtection.Territory.Persistence;

namespace CustomerProtection.Territory.Application;

public sealed record AskingPriceInput(string RegionId, string ProductCode, string Price, string? EffectiveFrom);

public sealed record PriceApprovalInput(string Id, CustomerRef Customer, string ProductCode, string RegionId, string RequestedPrice, string? Reason);

public sealed record PriceDecisionInput(string Id, bool Approve, string? FinalPrice, string? ValidUntil, string? Reason);

/// <summary>
/// P-4.2 asking prices (hq, or the regional manager of the region; versioned by effective date, never
/// retroactive) and P-3.7/P-4.2 price-floor approvals (a salesperson requests, hq decides the final price).
/// </summary>
public sealed class ManagePricing(SalesStore store, AuthorizeSale authorize, PolicyClock clock)
{
    public const int MaxReasonLength = 500;

    public async Task<(Versioned<AskingPrice> Price, DateOnly EffectiveFrom)> SetAskingPriceAsync(Caller caller, AskingPriceInput input)
    {
        var violations = new List<FieldViolation>();
        DirectoryRules.CheckId(violations, "region_id", input.RegionId);
        DirectoryRules.CheckId(violations, "product_code", input.ProductCode);
        var price = Money.Parse(violations, "price", input.Price);
        var today = clock.TodayDate;
        var from = Dates.Parse(violations, "effective_from", input.EffectiveFrom) ?? today;
        if (from < today)
        {
            // A floor that changed after a sale would turn a compliant sale into a violation.
            violations.Add(new("effective_from", $"不能早于今天 {Dates.Iso(today)}，报价不追溯 / not before today {Dates.Iso(today)}: prices are never set retroactively"));
        }

        RequestValidationException.ThrowIfAny(violations);
        if (!caller.IsHq && !(caller.Role == Roles.RegionalManager && caller.RegionId == input.RegionId))
        {
            throw new ScopeDeniedException($"只有总公司或大区 {input.RegionId} 的经理可以定价 / only hq or the manager of region {input.RegionId} sets its asking prices");
        }

        if (await store.Directory.GetRegionAsync(input.RegionId) is null)
        {
            throw new RequestValidationException(new FieldViolation("region_id", $"大区 {input.RegionId} 不存在 / region {input.RegionId} does not exist"));
        }

        var version = new AskingPriceVersion(from, price!.Value, caller.EmployeeId, clock.UtcNow);
        var id = SalesKeys.PriceId(input.RegionId, input.ProductCode);
        var stored = await OptimisticConcurrency.RetryAsync(async () =>
        {
            var old = await store.GetAsync<AskingPrice>(SalesKeys.AskingPrice, id);
            var next = (old?.Value ?? new AskingPrice(input.RegionId, input.ProductCode, [])).With(version);
            var key = DirectoryKeys.Entity(SalesKeys.AskingPrice, id);
            var change = new AtomicChange().Expect(key, old?.Version ?? 0).Put(key, (old?.Version ?? 0) + 1, DirectoryStore.Encode(next))
                .Publish(new AskingPriceSet(input.RegionId, input.ProductCode, version.Price, version.EffectiveFrom, version.SetBy, version.SetAt));
            return (await store.Directory.CommitAsync(change), new Versioned<AskingPrice>(next, (old?.Version ?? 0) + 1));
        });
        return (stored, from);
    }

    public async Task<(Versioned<AskingPrice>? Price, DateOnly On)> GetAskingPriceAsync(string regionId, string productCode, string? on)
    {
        var violations = new List<FieldViolation>();
        DirectoryRules.CheckId(violations, "region_id", regionId);
        DirectoryRules.CheckId(violations, "product_code", productCode);
        var day = Dates.Parse(violations, "on", on) ?? clock.TodayDate;
        RequestValidationException.ThrowIfAny(violations);
        return (await store.GetAsync<AskingPrice>(SalesKeys.AskingPrice, SalesKeys.PriceId(regionId, productCode)), day);
    }

    /// <summary>A salesperson asks to sell below a floor; the floor at the time of asking is recorded with the request.</summary>
    public async Task<Versioned<PriceApproval>> RequestApprovalAsync(Caller caller, PriceApprovalInput input, CancellationToken cancellationToken)
    {
        var violations = new List<FieldViolation>();
        DirectoryRules.CheckId(violations, "id", input.Id);
        if (input.Reason?.Length > MaxReasonLength)
        {
            violations.Add(new("reason", $"最长 {MaxReasonLength} 字 / at most {MaxReasonLength} characters"));
        }

        RequestValidationException.ThrowIfAny(violations);
        if (await store.GetAsync<PriceApproval>(SalesKeys.PriceApproval, input.Id) is { } existing)
        {
            return existing.Value.SellerId == caller.EmployeeId && existing.Value.ProductCode == input.ProductCode
                ? existing
                : throw new PolicyRefusalException("ALREADY_EXISTS", $"申请 {input.Id} 已存在 / request {input.Id} already exists",
                    new Dictionary<string, string> { ["id"] = input.Id }, RefusalCode.AlreadyExists);
        }

        // The same rules as the authorisation tell which floor the price is under (and validate the input).
        var asked = await authorize.ExecuteAsync(caller, new AuthorizationInput(input.Customer, input.ProductCode, input.RequestedPrice, input.RegionId, false, null), cancellationToken);
        var floorFinding = asked.Verdict.Findings.FirstOrDefault(f => f.Kind is ViolationKinds.BelowAskingPrice or ViolationKinds.BelowPreviousPrice);
        var approval = new PriceApproval(input.Id, caller.EmployeeId, asked.IdentityKey, input.ProductCode, input.RegionId,
            Money.ParseStored(input.RequestedPrice), asked.Verdict.Floor, floorFinding?.RuleId, string.IsNullOrWhiteSpace(input.Reason) ? null : input.Reason.Trim(),
            ApprovalStatuses.Pending, null, null, null, clock.UtcNow, null, null, null);
        var key = DirectoryKeys.Entity(SalesKeys.PriceApproval, approval.Id);
        var change = new AtomicChange()
            .Expect(key, 0)
            .Put(key, 1, DirectoryStore.Encode(approval))
            .IndexAdd(SalesKeys.ApprovalCover(approval.SellerId, approval.ProductCode, approval.IdentityKey), approval.Id, approval.RequestedAt.ToUnixTimeMilliseconds())
            .Publish(new PriceApprovalRequested(approval.Id, approval.SellerId, approval.IdentityKey, approval.ProductCode, approval.RegionId,
                approval.RequestedPrice, approval.FloorPrice, approval.FloorRuleId, approval.RequestedAt));
        return (await store.Directory.CommitAsync(change)).Succeeded
            ? new Versioned<PriceApproval>(approval, 1)
            : (await store.GetAsync<PriceApproval>(SalesKeys.PriceApproval, input.Id))!;
    }

    /// <summary>P-3.7: "the company sets the final price": hq approves with it, or refuses.</summary>
    public async Task<Versioned<PriceApproval>> DecideApprovalAsync(Caller caller, PriceDecisionInput input)
    {
        var violations = new List<FieldViolation>();
        DirectoryRules.CheckId(violations, "id", input.Id);
        var final = Money.Parse(violations, "final_price", input.FinalPrice, required: input.Approve);
        var today = clock.TodayDate;
        var until = Dates.Parse(violations, "valid_until", input.ValidUntil);
        if (until < today)
        {
            violations.Add(new("valid_until", $"不能早于今天 {Dates.Iso(today)} / not before today {Dates.Iso(today)}"));
        }

        if (input.Reason?.Length > MaxReasonLength)
        {
            violations.Add(new("reason", $"最长 {MaxReasonLength} 字 / at most {MaxReasonLength} characters"));
        }

        RequestValidationException.ThrowIfAny(violations);
        if (!caller.IsHq)
        {
            throw new ScopeDeniedException("价格由总公司决定 / hq decides the final price");
        }

        return await OptimisticConcurrency.RetryAsync(async () =>
        {
            var old = await store.GetAsync<PriceApproval>(SalesKeys.PriceApproval, input.Id) ?? throw new EntityNotFoundException("price approval", input.Id);
            if (old.Value.Status != ApprovalStatuses.Pending)
            {
                throw new PolicyRefusalException("P-3.7", $"申请 {input.Id} 已决定（{old.Value.Status}）/ request {input.Id} was already decided ({old.Value.Status})",
                    new Dictionary<string, string> { ["id"] = input.Id, ["status"] = old.Value.Status, ["final_price"] = Money.Format(old.Value.FinalPrice) });
            }

            var next = old.Value with
            {
                Status = input.Approve ? ApprovalStatuses.Approved : ApprovalStatuses.Refused,
                FinalPrice = input.Approve ? final : null,
                ValidUntil = input.Approve ? until : null,
                DecidedBy = caller.EmployeeId,
                DecidedAt = clock.UtcNow,
                DecidedOn = today,
                DecisionReason = string.IsNullOrWhiteSpace(input.Reason) ? null : input.Reason.Trim(),
            };
            var key = DirectoryKeys.Entity(SalesKeys.PriceApproval, input.Id);
            var change = new AtomicChange().Expect(key, old.Version).Put(key, old.Version + 1, DirectoryStore.Encode(next))
                .Publish(new PriceApprovalDecided(next.Id, next.SellerId, next.IdentityKey, next.ProductCode, next.Status, next.FinalPrice, next.ValidUntil,
                    caller.EmployeeId, next.DecidedAt!.Value));
            return (await store.Directory.CommitAsync(change), new Versioned<PriceApproval>(next, old.Version + 1));
        });
    }

    public async Task<Versioned<PriceApproval>> GetApprovalAsync(Caller caller, string id)
    {
        var violations = new List<FieldViolation>();
        DirectoryRules.CheckId(violations, "id", id);
        RequestValidationException.ThrowIfAny(violations);
        var approval = await store.GetAsync<PriceApproval>(SalesKeys.PriceApproval, id) ?? throw new EntityNotFoundException("price approval", id);
        if (!caller.IsHq && caller.EmployeeId != approval.Value.SellerId && caller.Role is not (Roles.RegionalManager or Roles.BranchManager))
        {
            throw new ScopeDeniedException($"无权查看申请 {id} / not allowed to see request {id}");
        }

        return approval;
    }
}
