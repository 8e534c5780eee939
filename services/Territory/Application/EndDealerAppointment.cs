using CustomerProtection.Contracts.Organization;
using CustomerProtection.Policy.Identity;
using CustomerProtection.Territory.Domain;
using CustomerProtection.Territory.Persistence;

namespace CustomerProtection.Territory.Application;

/// <summary>Terminates a dealer's appointment, within the caller's scope (a second time changes nothing).</summary>
public sealed class EndDealerAppointment(DirectoryStore store, PolicyClock clock)
{
    public async Task<Versioned<Dealer>> ExecuteAsync(Caller caller, string id, string? reason)
    {
        var violations = new List<FieldViolation>();
        DirectoryRules.CheckId(violations, "id", id);
        RequestValidationException.ThrowIfAny(violations);

        return await OptimisticConcurrency.RetryAsync(async () =>
        {
            var old = await store.GetDealerAsync(id) ?? throw new EntityNotFoundException("dealer", id);
            if (!DirectoryScopes.CanManageDealer(caller, old.Value.BranchId, old.Value.RegionId))
            {
                throw new ScopeDeniedException($"无权管理经销商 {id} / not allowed to manage dealer {id}");
            }

            if (old.Value.Status == DealerStatuses.Terminated)
            {
                return (ChangeResult.Applied, old);
            }

            var next = old.Value with { Status = DealerStatuses.Terminated };
            var identityKey = CustomerIdentity.Key(next.TaxpayerId, next.InvoiceTitle);
            var at = clock.UtcNow;
            return (await store.CommitAsync(DirectoryChanges.Dealer(old, next, identityKey, null, (s, v) => new DealerTerminated(s, reason, v, at))), new Versioned<Dealer>(next, old.Version + 1));
        });
    }
}
