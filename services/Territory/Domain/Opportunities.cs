namespace CustomerProtection.Territory.Domain;

/// <summary>An external business opportunity (P-11) and whom it went to.</summary>
public sealed record Opportunity(
    string Id,
    string Title,
    string? Description,
    string PoolId,
    string PublishedBy,
    DateTimeOffset PublishedAt,
    string? AssigneeId,
    int Position,
    IReadOnlyList<SkippedCandidate> Skipped);

public sealed record SkippedCandidate(string EmployeeId, string Reason, int Holding, int Cap);

/// <summary>A pool's rotation state: who got the last opportunity (the published order is the pool's salespeople by id).</summary>
public sealed record Rotation(string PoolId, string? LastAssigneeId, int Assignments);

/// <summary>A salesperson in a pool, with what eligibility looks at.</summary>
public sealed record Candidate(string EmployeeId, string Status, int Holding);

public sealed record Assignment(string? AssigneeId, int Position, IReadOnlyList<SkippedCandidate> Skipped);

/// <summary>
/// P-11, X-5: opportunities go round robin in a published order — the pool's salespeople ordered by
/// employee id (stable, and anyone can check it) — starting after the last assignee, skipping those
/// inactive, on leave or at their holding cap.
/// </summary>
public static class RoundRobin
{
    public const string Inactive = "inactive";
    public const string AtHoldingCap = "at_holding_cap";

    public static IReadOnlyList<Candidate> PublishedOrder(IEnumerable<Candidate> pool) =>
        [.. pool.OrderBy(c => c.EmployeeId, StringComparer.Ordinal)];

    /// <param name="order">The published order (<see cref="PublishedOrder"/>).</param>
    /// <param name="lastAssigneeId">Who got the previous one; the turn passes to the next id after it,
    /// even when that person has since left the pool.</param>
    public static Assignment Next(IReadOnlyList<Candidate> order, string? lastAssigneeId, int cap)
    {
        var start = 0;
        if (lastAssigneeId is not null)
        {
            start = order.Count(c => string.CompareOrdinal(c.EmployeeId, lastAssigneeId) <= 0) % Math.Max(order.Count, 1);
        }

        var skipped = new List<SkippedCandidate>();
        for (var i = 0; i < order.Count; i++)
        {
            var position = (start + i) % order.Count;
            var candidate = order[position];
            if (candidate.Status != EmployeeStatuses.Active)
            {
                skipped.Add(new(candidate.EmployeeId, candidate.Status is EmployeeStatuses.OnLeave or EmployeeStatuses.Left ? candidate.Status : Inactive, candidate.Holding, cap));
            }
            else if (candidate.Holding >= cap)
            {
                skipped.Add(new(candidate.EmployeeId, AtHoldingCap, candidate.Holding, cap));
            }
            else
            {
                return new Assignment(candidate.EmployeeId, position, skipped);
            }
        }

        return new Assignment(null, -1, skipped);
    }
}
