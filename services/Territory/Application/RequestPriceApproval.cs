using CustomerProtection.Contracts.Territory;
using CustomerProtection.Territory.Domain;
using CustomerProtection.Territory.Persistence;
using static CustomerProtection.Territory.Application.PriceApprovalLimits;

namespace CustomerProtection.Territory.Application;

/// <param name="RequestId">Optional idempotency key of the caller: a retry with it answers the first request.</param>
public sealed record PriceApprovalInput(string? RequestId, CustomerRef Customer, string ProductCode, string RegionId, string RequestedPrice, string? Reason);

/// <summary>
/// P-3.7, P-4.2: a salesperson asks to sell below a price floor; the floor at the time of asking is recorded with the
/// request. The server makes the id (<see cref="ServerIds"/>, <c>PA-</c>); the same request_id again is answered with
/// what was requested.
/// </summary>
public sealed class RequestPriceApproval(SalesStore store, AuthorizeSale authorize, PolicyClock clock)
{
    public async Task<Versioned<PriceApproval>> ExecuteAsync(Caller caller, PriceApprovalInput input, CancellationToken cancellationToken)
    {
        var violations = new List<FieldViolation>();
        DirectoryRules.CheckId(violations, "request_id", input.RequestId, required: false);
        if (input.Reason?.Length > MaxReasonLength)
        {
            violations.Add(new("reason", $"最长 {MaxReasonLength} 字 / at most {MaxReasonLength} characters"));
        }

        RequestValidationException.ThrowIfAny(violations);
        var id = ServerIds.New("PA-", caller.EmployeeId, input.RequestId);
        if (await store.GetAsync<PriceApproval>(SalesKeys.PriceApproval, id) is { } existing)
        {
            return Retried(existing, input);
        }

        // The same rules as the authorisation tell which floor the price is under (and validate the input).
        var asked = await authorize.ExecuteAsync(caller, new AuthorizationInput(input.Customer, input.ProductCode, input.RequestedPrice, input.RegionId, false, null), cancellationToken);
        var floorFinding = asked.Verdict.Findings.FirstOrDefault(f => f.Kind is ViolationKinds.BelowAskingPrice or ViolationKinds.BelowPreviousPrice);
        var approval = new PriceApproval(id, caller.EmployeeId, asked.IdentityKey, input.ProductCode, input.RegionId,
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
            : Retried((await store.GetAsync<PriceApproval>(SalesKeys.PriceApproval, id))!, input);
    }

    /// <summary>The same request_id again (the id is made from it and the caller): the first request, unless the key was reused for another product or region.</summary>
    private static Versioned<PriceApproval> Retried(Versioned<PriceApproval> existing, PriceApprovalInput input) =>
        existing.Value.ProductCode == input.ProductCode && existing.Value.RegionId == input.RegionId
            ? existing
            : throw ServerIds.ReusedRequestId(existing.Value.Id);
}
