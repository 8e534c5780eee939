using CustomerProtection.Registration.Domain;
using CustomerProtection.Registration.Persistence;

namespace CustomerProtection.Registration.Application;

/// <summary>
/// P-6: a branch's refused dealer filings, newest first, for its branch manager and hq (the dealers'
/// attempts to file another dealer: refused, recorded, not fined). The page token is the number already listed.
/// </summary>
public sealed class ListRefusedDealerFilings(CustomerStore store)
{
    public async Task<(IReadOnlyList<RefusedDealerFiling> Items, string? NextPageToken)> ExecuteAsync(Caller caller, string? branchId, int pageSize, string? pageToken)
    {
        var violations = new List<FieldViolation>();
        var branch = caller.IsHq ? branchId : string.IsNullOrEmpty(branchId) ? caller.BranchId : branchId;
        if (string.IsNullOrWhiteSpace(branch))
        {
            violations.Add(new("branch_id", "必须指定分公司 / a branch is required"));
        }

        var skip = PageTokens.Offset(violations, pageToken);

        if (violations.Count > 0)
        {
            throw new RequestValidationException(violations);
        }

        if (!RegistrationScopes.CanSeeRefusedDealerFilings(caller, branch!))
        {
            throw new ScopeDeniedException("只有该分公司经理和总公司可以查看 / only the branch manager and hq see these");
        }

        var size = PageSizes.Read(pageSize);
        var items = await store.RefusedDealerFilingsAsync(branch!, skip, size + 1);
        return items.Count > size
            ? ([.. items.Take(size)], (skip + size).ToString(System.Globalization.CultureInfo.InvariantCulture))
            : (items, null);
    }
}
