namespace CustomerProtection.Contracts.Territory;

/// <summary>
/// P-11, X-5: an external business opportunity went to the next eligible salesperson of the pool's
/// published order (AssigneeId null: nobody was eligible). Skipped lists who was passed over and why.
/// </summary>
public sealed record OpportunityAssigned(
    string OpportunityId,
    string Title,
    string PoolId,
    string? AssigneeId,
    int Position,
    IReadOnlyList<OpportunitySkip> Skipped,
    string PublishedBy,
    DateTimeOffset AssignedAt);

public sealed record OpportunitySkip(string EmployeeId, string Reason);
