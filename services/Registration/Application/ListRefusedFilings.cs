using System.Globalization;
using CustomerProtection.Registration.Domain;
using CustomerProtection.Registration.Persistence;

namespace CustomerProtection.Registration.Application;

/// <summary>
/// P-2.1, P-9.1: a filer's filings that did not become theirs and why, newest first — for the filer, the branch
/// manager of the filer's branch (as P-6's refused dealer filings are) and hq. The page token is the number already listed.
/// </summary>
public sealed class ListRefusedFilings(CustomerStore store, Organization organization)
{
    public async Task<(IReadOnlyList<RefusedFiling> Items, string? NextPageToken)> ExecuteAsync(Caller caller, string? filerId, int pageSize, string? pageToken)
    {
        var filer = string.IsNullOrEmpty(filerId) ? caller.EmployeeId : filerId;
        var violations = new List<FieldViolation>();
        if (filer.Length > 64)
        {
            violations.Add(new("filer_id", "最长 64 / at most 64 characters"));
        }

        var size = PageSizes.Read(violations, pageSize);

        var skip = PageTokens.Offset(violations, pageToken);

        RequestValidationException.ThrowIfAny(violations);
        if (filer != caller.EmployeeId && !caller.IsHq)
        {
            var person = await organization.EmployeeAsync(filer) ?? await organization.DealerAsync(filer);
            if (person?.BranchId is not { } branch || !RegistrationScopes.CanSeeRefusedDealerFilings(caller, branch))
            {
                throw new ScopeDeniedException("只有备案人、其分公司经理和总公司可以查看 / only the filer, their branch manager and hq see these");
            }
        }

        var items = await store.RefusedFilingsAsync(filer, skip, size + 1);
        return items.Count > size
            ? ([.. items.Take(size)], (skip + size).ToString(CultureInfo.InvariantCulture))
            : (items, null);
    }
}
