using CustomerProtection.Contracts.Violations;
using CustomerProtection.Penalty.Domain;
using CustomerProtection.Policy;

namespace CustomerProtection.Penalty.Tests;

/// <summary>Violations and parameters for the tests: a poaching sale by S1 of branch B-SH, whose manager is M1.</summary>
public static class TestData
{
    public static readonly DateTimeOffset Monday = new(2026, 3, 9, 10, 0, 0, TimeSpan.FromHours(8));

    public static FineParameters Defaults { get; } = new(PolicyParameters.Defaults, PenaltySchedule.Defaults);

    public static ViolationDetected Detected(string violationId, string violator = "S1", decimal shipments = 200_000m, DateTimeOffset? at = null, string kind = "poaching", string ruleId = "P-5", string? manager = "M1") => new(
        violationId,
        ruleId,
        kind,
        new ViolationParty(violator, "salesperson", "B-SH", "R-EAST", manager),
        "S2",
        "C-1",
        "uscc:91350100M000100Y43",
        shipments,
        "sale 2026-03-09 to a customer protected for S2",
        "territory",
        at ?? Monday);

    public static ViolationConfirmed Confirmed(string violationId, string finding, decimal shipments = 200_000m, DateTimeOffset? at = null, string violator = "S1", string? manager = "M1") => new(
        violationId,
        "P-5",
        "poaching",
        new ViolationParty(violator, "salesperson", "B-SH", "R-EAST", manager),
        "CASE-1",
        finding,
        shipments,
        "the manager knew of the sale",
        "HQ-1",
        at ?? Monday.AddDays(2));
}
