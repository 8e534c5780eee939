using System.Text;
using CustomerProtection.Territory.Domain;
using CustomerProtection.Territory.Persistence;
using StackExchange.Redis;

namespace CustomerProtection.Territory.Application;

public sealed record DirectoryQuery(int PageSize, string? PageToken, string? RegionId, string? BranchId, string? Role, string? Status);

public sealed record Page<T>(IReadOnlyList<Versioned<T>> Items, string? NextPageToken);

/// <summary>Look-ups and id-ordered paged lists of the directory (any authenticated caller).</summary>
public sealed class QueryDirectory(DirectoryStore store)
{

    public async Task<Versioned<T>> GetAsync<T>(string kind, string id)
    {
        var violations = new List<FieldViolation>();
        DirectoryRules.CheckId(violations, "id", id);
        RequestValidationException.ThrowIfAny(violations);
        return await store.GetAsync<T>(kind, id) ?? throw new EntityNotFoundException(kind, id);
    }

    public Task<Page<Region>> RegionsAsync(DirectoryQuery query) => ListAsync<Region>(DirectoryKeys.Region, query, _ => true);

    public Task<Page<Branch>> BranchesAsync(DirectoryQuery query) => ListAsync<Branch>(DirectoryKeys.Branch, query, _ => true);

    public Task<Page<Employee>> EmployeesAsync(DirectoryQuery query) => ListAsync<Employee>(DirectoryKeys.Employee, query,
        e => (query.Role is null || e.Role == query.Role) && (query.Status is null || e.Status == query.Status));

    public Task<Page<Dealer>> DealersAsync(DirectoryQuery query) => ListAsync<Dealer>(DirectoryKeys.Dealer, query, _ => true);

    private async Task<Page<T>> ListAsync<T>(string kind, DirectoryQuery query, Func<T, bool> filter)
    {
        var violations = new List<FieldViolation>();
        var size = PageSizes.Read(violations, query.PageSize);

        DirectoryRules.CheckId(violations, "region_id", query.RegionId, required: false);
        DirectoryRules.CheckId(violations, "branch_id", query.BranchId, required: false);
        var after = DecodeToken(violations, query.PageToken);
        RequestValidationException.ThrowIfAny(violations);

        RedisKey index = query switch
        {
            { BranchId: { Length: > 0 } branch } => DirectoryKeys.ByBranch(kind, branch),
            { RegionId: { Length: > 0 } region } => DirectoryKeys.ByRegion(kind, region),
            _ => DirectoryKeys.All(kind),
        };

        // Filters that have no index are applied while reading on, so a page is full unless the end came.
        var items = new List<Versioned<T>>();
        string? last = after;
        while (items.Count < size)
        {
            var chunk = await store.PageAsync<T>(kind, index, last, size);
            if (chunk.Count == 0)
            {
                return new Page<T>(items, null);
            }

            foreach (var item in chunk)
            {
                last = DirectoryStore.IdOf(item.Value);
                if (filter(item.Value))
                {
                    items.Add(item);
                    if (items.Count == size)
                    {
                        break;
                    }
                }
            }

            if (chunk.Count < size && items.Count < size)
            {
                return new Page<T>(items, null);
            }
        }

        return new Page<T>(items, EncodeToken(last!));
    }

    private static string EncodeToken(string lastId) => Convert.ToBase64String(Encoding.UTF8.GetBytes(lastId));

    private static string? DecodeToken(List<FieldViolation> violations, string? token)
    {
        if (string.IsNullOrEmpty(token))
        {
            return null;
        }

        try
        {
            return Encoding.UTF8.GetString(Convert.FromBase64String(token));
        }
        catch (FormatException)
        {
            violations.Add(new("page_token", "无效的分页标记 / not a page token from a previous answer"));
            return null;
        }
    }
}
