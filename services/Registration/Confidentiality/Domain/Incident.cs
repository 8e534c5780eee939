namespace CustomerProtection.Registration.Confidentiality.Domain;

/// <summary>
/// C-7: a suspected leak of customer data: the accounts involved (frozen at once), from when they are
/// suspected, how many customers they touched (listed from the audit log for notification) and every
/// step taken, each also in the audit log.
/// </summary>
public sealed record Incident
{
    public required string Id { get; init; }
    public required string Description { get; init; }
    public required string Status { get; init; }
    public required string RecordedBy { get; init; }
    public required DateTimeOffset RecordedAt { get; init; }
    public required IReadOnlyList<string> EmployeeIds { get; init; }

    /// <summary>The accounts this incident still keeps frozen.</summary>
    public required IReadOnlyList<string> Frozen { get; init; }
    public DateTimeOffset? SuspectedFrom { get; init; }
    public int AffectedCustomers { get; init; }
    public required IReadOnlyList<IncidentStep> Steps { get; init; }
}

/// <param name="RequestId">The caller's request_id of an added step (docs/api.md): a retry finds the step it added.</param>
public sealed record IncidentStep(DateTimeOffset At, string By, string What, string? Note, string? RequestId = null);

public static class IncidentStatus
{
    public const string Open = "open";
    public const string Closed = "closed";
}

/// <summary>The steps of an incident, as the audit log and the incident record name them.</summary>
public static class IncidentSteps
{
    public const string Recorded = "recorded";
    public const string Frozen = "frozen";
    public const string AffectedListed = "affected_listed";
    public const string Step = "step";
    public const string Unfrozen = "unfrozen";
    public const string Closed = "closed";
}
