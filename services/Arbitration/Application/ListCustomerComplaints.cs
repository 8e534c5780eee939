using System.Globalization;
using CustomerProtection.Arbitration.Domain;
using CustomerProtection.Arbitration.Persistence;

namespace CustomerProtection.Arbitration.Application;

/// <summary>M-3: a branch's complaints, newest first (its secretary and manager, hq); overdue ones evaluated now.</summary>
public sealed class ListCustomerComplaints(ArbitrationStore store, PolicyClock clock)
{
    public async Task<(IReadOnlyList<Versioned<CustomerComplaint>> Items, string? NextPageToken)> ExecuteAsync(Caller caller, string branchId, bool overdueOnly, int pageSize, string? pageToken)
    {
        var violations = new List<FieldViolation>();
        var branch = RequestFields.Id(violations, "branch_id", branchId)!;
        var (size, skip) = QueryCases.Paging(violations, pageSize, pageToken);
        RequestValidationException.ThrowIfAny(violations);
        if (!caller.IsHq && !(caller.Role is Roles.BranchManager or Roles.BranchSecretary && caller.BranchId == branch))
        {
            throw new ScopeDeniedException($"无权查看分公司 {branch} 的投诉 / not allowed to list branch {branch}'s complaints");
        }

        var ids = await store.NewestAsync(ArbitrationKeys.BranchComplaints(branch), skip, size + 1);
        var now = clock.UtcNow;
        var items = (await store.GetManyAsync<CustomerComplaint>(ArbitrationKeys.Complaint, ids.Take(size)))
            .Where(c => !overdueOnly || ComplaintRules.IsOverdue(c.Value, now))
            .ToList();
        return (items, ids.Count > size ? (skip + size).ToString(CultureInfo.InvariantCulture) : null);
    }
}
