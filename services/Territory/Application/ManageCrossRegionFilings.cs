using System.Globalization;
using CustomerProtection.Contracts.Territory;
using CustomerProtection.Policy;
using CustomerProtection.Policy.Errors;
using CustomerProtection.Policy.Actors;
using CustomerProtection.Storage;
using CustomerProtection.Territory.Domain;
using CustomerProtection.Territory.Persistence;
using StackExchange.Redis;

namespace CustomerProtection.Territory.Application;

public sealed record FilingInput(string Id, string TargetRegionId, CustomerRef Customer, CustomerRef? GroupParent, string? Reason);

public enum FilingQueue
{
    Mine,
    ToConfirm,
    Escalated,
}

/// <summary>
/// Cross-region filings (P-4.1, P-4.4, P-10): a salesperson submits, the target region's secretary
/// answers within the deadline, hq or (after escalation) the target regional manager decides. Each
/// change moves the filing between the queues (indexes) and publishes its event in one atomic step.
/// </summary>
public sealed class ManageCrossRegionFilings(SalesStore store, PolicyClock clock)
{
    public const int MaxReasonLength = 500;

    public async Task<Versioned<CrossRegionFiling>> SubmitAsync(Caller caller, FilingInput input)
    {
        var violations = new List<FieldViolation>();
        DirectoryRules.CheckId(violations, "id", input.Id);
        DirectoryRules.CheckId(violations, "target_region_id", input.TargetRegionId);
        var customer = Customers.Resolve(violations, "", input.Customer);
        var parent = Customers.Resolve(violations, "group_parent.", input.GroupParent, required: false);
        if (customer.IdentityKey is null && customer.CustomerId is not null && customer.TaxpayerId is null && customer.InvoiceTitle is null)
        {
            violations.Add(new("customer", "请给出开票资料（taxpayer_id 或 invoice_title）/ give the invoice identity (taxpayer_id or invoice_title)"));
        }

        if (customer.IdentityKey is not null && customer.IdentityKey == parent.IdentityKey)
        {
            violations.Add(new("group_parent", "子公司与集团不能是同一客户 / the subsidiary and its group cannot be the same customer"));
        }

        CheckReason(violations, input.Reason);
        RequestValidationException.ThrowIfAny(violations);
        if (caller.Role is not (Roles.Salesperson or Roles.BranchManager) || caller.RegionId is null)
        {
            throw new ScopeDeniedException("跨区域备案由本区域的销售员提出 / cross-region filings are submitted by salespeople of a region");
        }

        if (caller.RegionId == input.TargetRegionId)
        {
            throw new RequestValidationException(new FieldViolation("target_region_id", "目标大区就是本大区，无需跨区域备案 / the target region is the caller's own: no cross-region filing is needed"));
        }

        if (await store.Directory.GetRegionAsync(input.TargetRegionId) is null)
        {
            throw new RequestValidationException(new FieldViolation("target_region_id", $"大区 {input.TargetRegionId} 不存在 / region {input.TargetRegionId} does not exist"));
        }

        var now = clock.UtcNow;
        var filing = new CrossRegionFiling(input.Id, caller.EmployeeId, caller.BranchId, caller.RegionId, input.TargetRegionId, customer.IdentityKey!,
            customer.InvoiceTitle ?? "", customer.TaxpayerId, parent.IdentityKey, NullIfBlank(input.Reason), now, CrossRegionRules.Deadline(clock.Book, now),
            FilingStatuses.Pending, null, null, null, null, null);
        var key = DirectoryKeys.Entity(SalesKeys.Filing, filing.Id);
        var submitted = filing.SubmittedAt.ToUnixTimeMilliseconds();
        var change = new AtomicChange()
            .Expect(key, 0)
            .Put(key, 1, DirectoryStore.Encode(filing))
            .IndexAdd(SalesKeys.FilingCover(filing.RequesterId, filing.TargetRegionId, filing.IdentityKey), filing.Id, submitted)
            .IndexAdd(SalesKeys.FilingsDue, filing.Id, filing.Deadline.ToUnixTimeMilliseconds())
            .IndexAdd(SalesKeys.FilingsToConfirm(filing.TargetRegionId), filing.Id, submitted)
            .IndexAdd(SalesKeys.FilingsOfRequester(filing.RequesterId), filing.Id, submitted)
            .Publish(new CrossRegionFilingSubmitted(filing.Id, filing.RequesterId, filing.RequesterBranchId, filing.RequesterRegionId, filing.TargetRegionId,
                filing.IdentityKey, filing.InvoiceTitle, filing.GroupParentIdentityKey, filing.SubmittedAt, filing.Deadline));
        if ((await store.Directory.CommitAsync(change)).Succeeded)
        {
            return new Versioned<CrossRegionFiling>(filing, 1);
        }

        // The same id again: the same request is answered with what was filed, another one refused.
        var existing = (await store.GetAsync<CrossRegionFiling>(SalesKeys.Filing, input.Id))!;
        var e = existing.Value;
        if (e.RequesterId != filing.RequesterId || e.TargetRegionId != filing.TargetRegionId || e.IdentityKey != filing.IdentityKey || e.GroupParentIdentityKey != filing.GroupParentIdentityKey)
        {
            throw new PolicyRefusalException("ALREADY_EXISTS", $"备案 {input.Id} 已存在 / filing {input.Id} already exists",
                new Dictionary<string, string> { ["id"] = input.Id }, RefusalCode.AlreadyExists);
        }

        return existing;
    }

    /// <summary>P-10: the target region's secretary confirms or refuses before the deadline.</summary>
    public Task<Versioned<CrossRegionFiling>> AnswerAsync(Caller caller, string id, bool confirm, string? reason) =>
        ChangeAsync(id, reason, filing => CrossRegionRules.Answer(filing, caller, confirm, NullIfBlank(reason), clock.UtcNow));

    /// <summary>P-4.1, P-10: hq at any time, the target regional manager once escalated.</summary>
    public Task<Versioned<CrossRegionFiling>> DecideAsync(Caller caller, string id, bool approve, string? reason) =>
        ChangeAsync(id, reason, filing => CrossRegionRules.Decide(filing, caller, approve, NullIfBlank(reason), clock.UtcNow));

    public async Task<Versioned<CrossRegionFiling>> GetAsync(Caller caller, string id)
    {
        var violations = new List<FieldViolation>();
        DirectoryRules.CheckId(violations, "id", id);
        RequestValidationException.ThrowIfAny(violations);
        var filing = await store.GetAsync<CrossRegionFiling>(SalesKeys.Filing, id) ?? throw new EntityNotFoundException("filing", id);
        if (!MaySee(caller, filing.Value))
        {
            throw new ScopeDeniedException($"无权查看备案 {id} / not allowed to see filing {id}");
        }

        return filing;
    }

    /// <summary>A queue, read against the clock: a pending filing past its deadline is listed as escalated, not as waiting for the secretary.</summary>
    public async Task<(IReadOnlyList<Versioned<CrossRegionFiling>> Items, string? NextPageToken)> ListAsync(Caller caller, FilingQueue queue, int pageSize, string? pageToken)
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

    private async Task<Versioned<CrossRegionFiling>> ChangeAsync(string id, string? reason, Func<CrossRegionFiling, CrossRegionFiling> decide)
    {
        var violations = new List<FieldViolation>();
        DirectoryRules.CheckId(violations, "id", id);
        CheckReason(violations, reason);
        RequestValidationException.ThrowIfAny(violations);

        return await OptimisticConcurrency.RetryAsync(async () =>
        {
            var old = await store.GetAsync<CrossRegionFiling>(SalesKeys.Filing, id) ?? throw new EntityNotFoundException("filing", id);
            var next = decide(old.Value);
            var key = DirectoryKeys.Entity(SalesKeys.Filing, id);
            var change = new AtomicChange()
                .Expect(key, old.Version)
                .Put(key, old.Version + 1, DirectoryStore.Encode(next))
                .IndexRemove(SalesKeys.FilingsDue, id)
                .IndexRemove(SalesKeys.FilingsToConfirm(next.TargetRegionId), id)
                .IndexRemove(SalesKeys.FilingsEscalated, id)
                .IndexRemove(SalesKeys.FilingsEscalatedIn(next.TargetRegionId), id)
                .Publish(new CrossRegionFilingDecided(next.Id, next.RequesterId, next.TargetRegionId, next.IdentityKey, next.Status,
                    next.DecidedBy!, next.DeciderRole!, next.DecisionReason, next.DecidedAt!.Value));
            return (await store.Directory.CommitAsync(change), new Versioned<CrossRegionFiling>(next, old.Version + 1));
        });
    }

    private static bool MaySee(Caller caller, CrossRegionFiling filing) => caller.Role switch
    {
        Roles.Hq => true,
        Roles.RegionalSecretary or Roles.RegionalManager => caller.RegionId == filing.TargetRegionId || caller.RegionId == filing.RequesterRegionId,
        Roles.BranchManager or Roles.BranchSecretary => caller.BranchId == filing.RequesterBranchId,
        _ => caller.EmployeeId == filing.RequesterId,
    };

    private static void CheckReason(List<FieldViolation> violations, string? reason)
    {
        if (reason?.Length > MaxReasonLength)
        {
            violations.Add(new("reason", $"最长 {MaxReasonLength} 字 / at most {MaxReasonLength} characters"));
        }
    }

    private static string? NullIfBlank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
