namespace CustomerProtection.Contracts.Organization;

public sealed record RegionChanged(RegionSnapshot Region, long Version, DateTimeOffset OccurredAt);

public sealed record BranchChanged(BranchSnapshot Branch, long Version, DateTimeOffset OccurredAt);

public sealed record EmployeeJoined(EmployeeSnapshot Employee, long Version, DateTimeOffset OccurredAt);

/// <summary>Role, branch, manager, name or status (active / on leave) changed.</summary>
public sealed record EmployeeChanged(EmployeeSnapshot Employee, long Version, DateTimeOffset OccurredAt);

/// <summary>P-12, C-9: the employee left; their customers go to the pool and their access ends.</summary>
public sealed record EmployeeLeft(EmployeeSnapshot Employee, string? Reason, long Version, DateTimeOffset OccurredAt);

public sealed record DealerAppointed(DealerSnapshot Dealer, long Version, DateTimeOffset OccurredAt);

public sealed record DealerTerminated(DealerSnapshot Dealer, string? Reason, long Version, DateTimeOffset OccurredAt);
