using CustomerProtection.Contracts.Organization;
using CustomerProtection.Policy.Identity;
using CustomerProtection.Territory.Domain;
using CustomerProtection.Territory.Persistence;

namespace CustomerProtection.Territory.Application;

/// <summary>Appoints a dealer (P-7: no point-to-area dealer where the region has a direct branch), within the caller's scope.</summary>
public sealed class AppointDealer(DirectoryStore store, PolicyClock clock)
{
    public async Task<Versioned<Dealer>> ExecuteAsync(Caller caller, DealerInput input)
    {
        var violations = new List<FieldViolation>();
        DirectoryChecks.CheckDealerFormat(violations, "", input);
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
                throw DirectoryChecks.AlreadyExists("dealer", input.Id);
            }

            var branchesInRegion = (await store.PageAsync<Branch>(DirectoryKeys.Branch, DirectoryKeys.ByRegion(DirectoryKeys.Branch, regionId), null, 1000)).Select(b => b.Value);
            if (DirectoryRules.CheckDealerAppointment(input.Kind, regionId, branchesInRegion) is { } refusal)
            {
                throw refusal;
            }

            var dealer = new Dealer(input.Id, input.Name.Trim(), branch.Value.Id, regionId, input.Kind, taxpayerId, input.InvoiceTitle.Trim(),
                DealerStatuses.Active, clock.TodayDate);
            var at = clock.UtcNow;
            var guard = input.Kind == DealerKinds.PointToArea ? region : null;
            return (await store.CommitAsync(DirectoryChanges.Dealer(null, dealer, identityKey, guard, (s, v) => new DealerAppointed(s, v, at))), new Versioned<Dealer>(dealer, 1));
        });
    }
}
