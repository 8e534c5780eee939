using CustomerProtection.Contracts.Territory;
using CustomerProtection.Territory.Domain;
using CustomerProtection.Territory.Persistence;
using static CustomerProtection.Territory.Application.PriceApprovalLimits;

namespace CustomerProtection.Territory.Application;

public sealed record PriceApprovalInput(string Id, CustomerRef Customer, string ProductCode, string RegionId, string RequestedPrice, string? Reason);

/// <summary>P-3.7, P-4.2: a salesperson asks to sell below a price floor; the floor at the time of asking is recorded with the request.</summary>
public sealed class RequestPriceApproval(SalesStore store, AuthorizeSale authorize, PolicyClock clock)
{
    public async Task<Versioned<PriceApproval>> ExecuteAsync(Caller caller, PriceApprovalInput input, CancellationToken cancellationToken)
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
            ApprovalStatuses.Pending, null, null, null, clock.UtcNow, null, null, null, asked.Verdict.FloorIsPreviousSale);
        var key = DirectoryKeys.Entity(SalesKeys.PriceApproval, approval.Id);
        var change = new AtomicChange()
            .Expect(key, 0)
            .Put(key, 1, store.Directory.Sealed.Encode(SalesKeys.PriceApproval, approval.Id, approval))
            .IndexAdd(SalesKeys.ApprovalCover(approval.SellerId, approval.ProductCode, approval.IdentityKey), approval.Id, approval.RequestedAt.ToUnixTimeMilliseconds())
            .Publish(new PriceApprovalRequested(approval.Id, approval.SellerId, approval.IdentityKey, approval.ProductCode, approval.RegionId,
                approval.RequestedPrice, approval.FloorPrice, approval.FloorRuleId, approval.RequestedAt));
        return (await store.Directory.CommitAsync(change)).Succeeded
            ? new Versioned<PriceApproval>(approval, 1)
            : (await store.GetAsync<PriceApproval>(SalesKeys.PriceApproval, input.Id))!;
    }
}
