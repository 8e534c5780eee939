using System.Globalization;
using CustomerProtection.Contracts.Territory;
using CustomerProtection.Territory.Domain;
using CustomerProtection.Territory.Persistence;

namespace CustomerProtection.Territory.Application;

/// <param name="RequestId">Optional idempotency key of the caller: a retry with it answers the first publication.</param>
public sealed record OpportunityInput(string? RequestId, string Title, string? Description, string? BranchId, string? RegionId);

public sealed record RotationView(string PoolId, IReadOnlyList<string> Order, string? LastAssigneeId, IReadOnlyList<Opportunity> Assignments);

/// <summary>
/// P-11, X-5: hq (any pool) or a branch's manager or secretary (their branch) publishes an external
/// opportunity; it goes to the next eligible salesperson in the pool's published order. The
/// opportunity, the rotation's new turn and OpportunityAssigned are one atomic step guarded by the
/// rotation's version, so two opportunities published at once never go to the same turn. The server makes the
/// id (<see cref="ServerIds"/>, <c>OP-</c>); the same request_id again is answered with the first publication.
/// </summary>
public sealed class DistributeOpportunities(SalesStore store, IHoldingCounts holdings, PolicyClock clock)
{
    public const int MaxDescriptionLength = 2000;

    public async Task<Opportunity> PublishAsync(Caller caller, OpportunityInput input, CancellationToken cancellationToken)
    {
        var violations = new List<FieldViolation>();
        DirectoryRules.CheckId(violations, "request_id", input.RequestId, required: false);
        DirectoryRules.CheckName(violations, "title", input.Title);
        if (input.Description?.Length > MaxDescriptionLength)
        {
            violations.Add(new("description", $"最长 {MaxDescriptionLength} 字 / at most {MaxDescriptionLength} characters"));
        }

        var poolId = PoolId(violations, input.BranchId, input.RegionId);
        RequestValidationException.ThrowIfAny(violations);
        var mayPublish = caller.IsHq || (caller.Role is Roles.BranchManager or Roles.BranchSecretary && !string.IsNullOrEmpty(input.BranchId) && caller.BranchId == input.BranchId);
        if (!mayPublish)
        {
            throw new ScopeDeniedException("总公司发布到任何分公司或大区，分公司只发布到本分公司 / hq publishes to any pool, a branch to its own");
        }

        var id = ServerIds.New("OP-", caller.EmployeeId, input.RequestId);
        var parameters = clock.On(clock.Today);
        return await OptimisticConcurrency.RetryAsync(async () =>
        {
            // The same request_id again (the id is made from it and the caller): the first publication, unless the
            // key was reused for another pool or title. A race between two retries ends here on the second pass.
            if (await store.GetAsync<Opportunity>(SalesKeys.Opportunity, id) is { } existing)
            {
                return existing.Value.PoolId == poolId && existing.Value.Title == input.Title.Trim()
                    ? (ChangeResult.Applied, existing.Value)
                    : throw ServerIds.ReusedRequestId(existing.Value.Id);
            }

            var pool = await PoolAsync(input.BranchId, input.RegionId);
            var active = pool.Where(e => e.Status == EmployeeStatuses.Active).ToList();
            var counts = active.Count == 0 ? new Dictionary<string, int>() : await holdings.CountAsync(active, parameters.HoldingCapCountsFormalCustomers, cancellationToken);
            var order = RoundRobin.PublishedOrder(pool.Select(e => new Candidate(e.Id, e.Status, counts.GetValueOrDefault(e.Id))));
            var rotation = await store.GetAsync<Rotation>(SalesKeys.Rotation, poolId);
            var turn = RoundRobin.Next(order, rotation?.Value.LastAssigneeId, parameters.HoldingCap);

            var opportunity = new Opportunity(id, input.Title.Trim(), string.IsNullOrWhiteSpace(input.Description) ? null : input.Description.Trim(), poolId,
                caller.EmployeeId, clock.UtcNow, turn.AssigneeId, turn.Position, turn.Skipped);
            var next = new Rotation(poolId, turn.AssigneeId ?? rotation?.Value.LastAssigneeId, (rotation?.Value.Assignments ?? 0) + 1);
            var opportunityKey = DirectoryKeys.Entity(SalesKeys.Opportunity, opportunity.Id);
            var rotationKey = DirectoryKeys.Entity(SalesKeys.Rotation, poolId);
            var change = new AtomicChange()
                .Expect(opportunityKey, 0)
                .Put(opportunityKey, 1, DirectoryStore.Encode(opportunity))
                .Expect(rotationKey, rotation?.Version ?? 0)
                .Put(rotationKey, (rotation?.Version ?? 0) + 1, DirectoryStore.Encode(next))
                .IndexAdd(SalesKeys.PoolAssignments(poolId), opportunity.Id, next.Assignments)
                .Publish(new OpportunityAssigned(opportunity.Id, opportunity.Title, poolId, turn.AssigneeId, turn.Position,
                    [.. turn.Skipped.Select(s => new OpportunitySkip(s.EmployeeId, s.Reason))], caller.EmployeeId, opportunity.PublishedAt));
            return (await store.Directory.CommitAsync(change), opportunity);
        });
    }

    public async Task<Opportunity> GetAsync(string id)
    {
        var violations = new List<FieldViolation>();
        DirectoryRules.CheckId(violations, "id", id);
        RequestValidationException.ThrowIfAny(violations);
        return (await store.GetAsync<Opportunity>(SalesKeys.Opportunity, id) ?? throw new EntityNotFoundException("opportunity", id)).Value;
    }

    /// <summary>P-11: the published order as it stands and every assignment so far (anyone may look).</summary>
    public async Task<RotationView> RotationAsync(string? branchId, string? regionId)
    {
        var violations = new List<FieldViolation>();
        var poolId = PoolId(violations, branchId, regionId);
        RequestValidationException.ThrowIfAny(violations);
        var order = RoundRobin.PublishedOrder((await PoolAsync(branchId, regionId)).Select(e => new Candidate(e.Id, e.Status, 0)));
        var rotation = await store.GetAsync<Rotation>(SalesKeys.Rotation, poolId);
        var ids = await store.OldestAsync(SalesKeys.PoolAssignments(poolId), 0, PageSizes.Max);
        var assignments = await store.GetManyAsync<Opportunity>(SalesKeys.Opportunity, ids);
        return new RotationView(poolId, [.. order.Select(c => c.EmployeeId)], rotation?.Value.LastAssigneeId, [.. assignments.Select(a => a.Value)]);
    }

    /// <summary>The pool's salespeople (those who left are no longer in the order).</summary>
    private async Task<IReadOnlyList<Employee>> PoolAsync(string? branchId, string? regionId)
    {
        var index = string.IsNullOrEmpty(branchId)
            ? DirectoryKeys.ByRegion(DirectoryKeys.Employee, regionId!)
            : DirectoryKeys.ByBranch(DirectoryKeys.Employee, branchId);
        var members = new List<Employee>();
        string? after = null;
        while (true)
        {
            var page = await store.Directory.PageAsync<Employee>(DirectoryKeys.Employee, index, after, PageSizes.Max);
            members.AddRange(page.Select(e => e.Value).Where(e => e.Role == Roles.Salesperson && e.Status != EmployeeStatuses.Left));
            if (page.Count < PageSizes.Max)
            {
                return members;
            }

            after = page[^1].Value.Id;
        }
    }

    private static string PoolId(List<FieldViolation> violations, string? branchId, string? regionId)
    {
        if (string.IsNullOrEmpty(branchId) == string.IsNullOrEmpty(regionId))
        {
            violations.Add(new("branch_id", "给出 branch_id 或 region_id 之一 / give branch_id or region_id, not both"));
            return "";
        }

        DirectoryRules.CheckId(violations, "branch_id", branchId, required: false);
        DirectoryRules.CheckId(violations, "region_id", regionId, required: false);
        return string.IsNullOrEmpty(branchId)
            ? "region:" + regionId
            : "branch:" + branchId.ToString(CultureInfo.InvariantCulture);
    }
}
