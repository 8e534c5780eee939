using CustomerProtection.Contracts.Organization;
using CustomerProtection.Policy;
using CustomerProtection.Policy.Identity;
using CustomerProtection.Policy.Errors;
using CustomerProtection.Policy.Actors;
using CustomerProtection.Territory.Domain;
using CustomerProtection.Territory.Persistence;

namespace CustomerProtection.Territory.Application;

/// <summary>Appoint (P-7) and terminate dealers, within the caller's scope.</summary>
public sealed class ManageDealers(DirectoryStore store, TimeProvider time)
{
    public async Task<Versioned<Dealer>> AppointAsync(Caller caller, DealerInput input)
    {
        var violations = new List<FieldViolation>();
        CheckFormat(violations, "", input);
        var (taxpayerId, identityKey) = DealerIdentity.Resolve(violations, "", input.TaxpayerId, input.InvoiceTitle);
        RequestValidationException.ThrowIfAny(violations);

        return await OptimisticConcurrency.RetryAsync(async () =>
        {
            var branch = await store.GetBranchAsync(input.BranchId)
                ?? throw new RequestValidationException(new FieldViolation("branch_id", $"分公司 {input.BranchId} 不存在 / branch {input.BranchId} does not exist"));
            var regionId = string.IsNullOrEmpty(input.RegionId) ? branch.Value.RegionId : input.RegionId;
            if (!DirectoryScopes.CanManageDealer(caller, branch.Value.Id, regionId))
            {
                throw new ScopeDeniedException($"无权为分公司 {branch.Value.Id} 任命经销商 / not allowed to appoint dealers for branch {branch.Value.Id}");
            }

            var region = await store.GetRegionAsync(regionId)
                ?? throw new RequestValidationException(new FieldViolation("region_id", $"大区 {regionId} 不存在 / region {regionId} does not exist"));
            if (await store.GetDealerAsync(input.Id) is not null)
            {
                throw ManageRegions.AlreadyExists("dealer", input.Id);
            }

            var branchesInRegion = (await store.PageAsync<Branch>(DirectoryKeys.Branch, DirectoryKeys.ByRegion(DirectoryKeys.Branch, regionId), null, 1000)).Select(b => b.Value);
            if (DirectoryRules.CheckDealerAppointment(input.Kind, regionId, branchesInRegion) is { } refusal)
            {
                throw refusal;
            }

            var dealer = new Dealer(input.Id, input.Name.Trim(), branch.Value.Id, regionId, input.Kind, taxpayerId, input.InvoiceTitle.Trim(),
                DealerStatuses.Active, ManageEmployees.ToDateOnly(PolicyTime.Today(time)));
            var at = time.GetUtcNow();
            var guard = input.Kind == DealerKinds.PointToArea ? region : null;
            return (await store.CommitAsync(DirectoryChanges.Dealer(null, dealer, identityKey, guard, (s, v) => new DealerAppointed(s, v, at))), new Versioned<Dealer>(dealer, 1));
        });
    }

    public async Task<Versioned<Dealer>> TerminateAsync(Caller caller, string id, string? reason)
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
            var at = time.GetUtcNow();
            return (await store.CommitAsync(DirectoryChanges.Dealer(old, next, identityKey, null, (s, v) => new DealerTerminated(s, reason, v, at))), new Versioned<Dealer>(next, old.Version + 1));
        });
    }

    internal static void CheckFormat(List<FieldViolation> violations, string prefix, DealerInput input)
    {
        DirectoryRules.CheckId(violations, prefix + "id", input.Id);
        DirectoryRules.CheckName(violations, prefix + "name", input.Name);
        DirectoryRules.CheckId(violations, prefix + "branch_id", input.BranchId);
        DirectoryRules.CheckId(violations, prefix + "region_id", input.RegionId, required: false);
        DirectoryRules.CheckOneOf(violations, prefix + "kind", input.Kind, DealerKinds.All);
        DirectoryRules.CheckName(violations, prefix + "invoice_title", input.InvoiceTitle);
    }
}
