using CustomerProtection.Contracts.Territory;
using CustomerProtection.Territory.Domain;
using CustomerProtection.Territory.Persistence;
using static CustomerProtection.Territory.Application.PriceApprovalLimits;

namespace CustomerProtection.Territory.Application;

public sealed record PriceDecisionInput(string Id, bool Approve, string? FinalPrice, Google.Type.Date? ValidUntil, string? Reason);

/// <summary>P-3.7: "the company sets the final price": hq approves a below-floor request with it, or refuses.</summary>
public sealed class DecidePriceApproval(SalesStore store, PolicyClock clock)
{
    public async Task<Versioned<PriceApproval>> ExecuteAsync(Caller caller, PriceDecisionInput input)
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
            var change = new AtomicChange().Expect(key, old.Version).Put(key, old.Version + 1, store.Directory.Sealed.Encode(SalesKeys.PriceApproval, input.Id, next))
                .Publish(new PriceApprovalDecided(next.Id, next.SellerId, next.IdentityKey, next.ProductCode, next.Status, next.FinalPrice, next.ValidUntil,
                    caller.EmployeeId, next.DecidedAt!.Value));
            return (await store.Directory.CommitAsync(change), new Versioned<PriceApproval>(next, old.Version + 1));
        });
    }
}
