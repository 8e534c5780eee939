using System.Globalization;
using CustomerProtection.Registration.Application;
using CustomerProtection.Registration.Domain;
using CustomerProtection.Registration.Persistence;

namespace CustomerProtection.Registration.Maintenance.Application;

/// <summary>A page of a maintenance list and the token of the next (null: the last page).</summary>
public sealed record MaintenancePage<T>(IReadOnlyList<T> Items, string? NextPageToken);

/// <summary>
/// The protected customers a maintenance list is about, read through the customer store's indexes: the
/// caller's own (the owner index), or one branch's (its staff, its region's roles and hq may read it:
/// <see cref="RegistrationScopes.CanReadBranch"/>). Lists are computed when asked — every customer of the
/// scope is read and judged — and ordered by how overdue, so a page is an offset into that order.
/// </summary>
public sealed class MaintainedCustomers(CustomerStore store, Organization organization, PolicyClock clock)
{
    private const int ReadBatch = 500;

    /// <summary>The protected customers of <paramref name="branchId"/> (checked against the caller's scope), or the caller's own when it is empty.</summary>
    public async Task<IReadOnlyList<Versioned<Customer>>> InScopeAsync(Caller caller, string? branchId)
    {
        if (string.IsNullOrEmpty(branchId))
        {
            var own = await store.Db.SortedSetRangeByRankAsync(RegistrationKeys.OwnerCustomers(caller.EmployeeId));
            return await ProtectedAsync(own.Select(v => (string)v!).ToList(), c => c.OwnerId == caller.EmployeeId);
        }

        await RequireBranchReaderAsync(caller, branchId);
        return await BranchAsync(branchId);
    }

    /// <summary>Every protected customer of a branch (no scope check: the caller has made it).</summary>
    public async Task<IReadOnlyList<Versioned<Customer>>> BranchAsync(string branchId)
    {
        var ids = new List<string>();
        string? after = null;
        while (true)
        {
            var page = await store.BranchCustomerIdsAsync(branchId, after, ReadBatch);
            ids.AddRange(page);
            if (page.Count < ReadBatch)
            {
                break;
            }

            after = page[^1];
        }

        return await ProtectedAsync(ids, c => c.BranchId == branchId);
    }

    public async Task RequireBranchReaderAsync(Caller caller, string branchId)
    {
        RequireText("branch_id", branchId);
        var region = (await organization.BranchAsync(branchId))?.RegionId;
        if (!RegistrationScopes.CanReadBranch(caller, branchId, region))
        {
            throw new ScopeDeniedException($"无权查看分公司 {branchId} 的客户 / not allowed to see the customers of {branchId}");
        }
    }

    private async Task<IReadOnlyList<Versioned<Customer>>> ProtectedAsync(IReadOnlyList<string> ids, Func<Customer, bool> belongs)
    {
        var now = clock.Now;
        var result = new List<Versioned<Customer>>();
        foreach (var chunk in ids.Chunk(ReadBatch))
        {
            result.AddRange((await store.GetManyAsync(chunk)).Where(c => belongs(c.Value) && c.Value.OwnerId is not null && clock.Evaluate(c.Value, now).ProtectedNow));
        }

        return result;
    }

    /// <summary>An id field: present, at most 64 characters (InvalidArgument naming it otherwise).</summary>
    public static void RequireText(string field, string? value)
    {
        if (string.IsNullOrWhiteSpace(value) || value.Length > 64)
        {
            throw new RequestValidationException(new FieldViolation(field, "必填，最长 64 / required, at most 64 characters"));
        }
    }

    /// <summary>One page of an ordered list: the token is the offset of its first item.</summary>
    public static MaintenancePage<T> Page<T>(IReadOnlyList<T> ordered, int pageSize, string? pageToken)
    {
        var size = PageSizes.Read(pageSize);
        var offset = string.IsNullOrEmpty(pageToken) ? 0
            : int.TryParse(pageToken, NumberStyles.None, CultureInfo.InvariantCulture, out var o) ? o
            : throw new RequestValidationException(new FieldViolation("page_token", "无效 / invalid"));
        var items = ordered.Skip(offset).Take(size).ToList();
        return new MaintenancePage<T>(items, offset + size < ordered.Count ? (offset + size).ToString(CultureInfo.InvariantCulture) : null);
    }
}
