using System.Globalization;
using CustomerProtection.Territory.Domain;
using CustomerProtection.Territory.Persistence;
using StackExchange.Redis;

namespace CustomerProtection.Territory.Application;

public enum FilingQueue
{
    Mine,
    ToConfirm,
    Escalated,
    ToApprove,
}

/// <summary>A queue of cross-region filings, read against the clock: a pending filing past its deadline is listed as escalated, not as waiting for the secretary.</summary>
public sealed class ListCrossRegionFilings(SalesStore store, PolicyClock clock)
{
    public async Task<(IReadOnlyList<Versioned<CrossRegionFiling>> Items, string? NextPageToken)> ExecuteAsync(Caller caller, FilingQueue queue, int pageSize, string? pageToken)
    {
        var violations = new List<FieldViolation>();
        var (size, skip) = QuerySales.Paging(violations, pageSize, pageToken);
        RequestValidationException.ThrowIfAny(violations);

        RedisKey index;
        string? status = null;
        switch (queue)
        {
            case FilingQueue.Mine:
                index = SalesKeys.FilingsOfRequester(caller.EmployeeId);
                break;
            case FilingQueue.ToConfirm when caller.Role == Roles.RegionalSecretary && caller.RegionId is { } region:
                index = SalesKeys.FilingsToConfirm(region);
                status = FilingStatuses.Pending;
                break;
            case FilingQueue.ToApprove when caller.IsHq:
                index = SalesKeys.FilingsToApprove;
                status = FilingStatuses.Confirmed;
                break;
            case FilingQueue.Escalated when caller.IsHq:
                index = SalesKeys.FilingsEscalated;
                status = FilingStatuses.Escalated;
                break;
            case FilingQueue.Escalated when caller.Role == Roles.RegionalManager && caller.RegionId is { } region:
                index = SalesKeys.FilingsEscalatedIn(region);
                status = FilingStatuses.Escalated;
                break;
            default:
                throw new ScopeDeniedException("该队列不属于调用者的角色 / this queue is not the caller's role's");
        }

        var ids = await store.OldestAsync(index, skip, size + 1);
        var now = clock.UtcNow;
        var items = (await store.GetManyAsync<CrossRegionFiling>(SalesKeys.Filing, ids.Take(size)))
            .Where(f => status is null || CrossRegionRules.StatusAt(f.Value, now) == status)
            .ToList();
        return (items, ids.Count > size ? (skip + size).ToString(CultureInfo.InvariantCulture) : null);
    }
}
