using CsCheck;
using CustomerProtection.Contracts.Violations;
using CustomerProtection.Penalty.Application;
using CustomerProtection.Penalty.Domain;
using static CustomerProtection.Penalty.Tests.TestData;

namespace CustomerProtection.Penalty.Tests;

/// <summary>How reports of one violation become one set of fines, whatever their number and order (P-8.1).</summary>
public sealed class ViolationRulesTests
{
    private static readonly DateTimeOffset Now = Monday.AddHours(1);

    private static Violation Apply(params ViolationReport[] reports) => ApplyAll(reports).Violation;

    private static (Violation Violation, List<Fine> Fines) ApplyAll(IEnumerable<ViolationReport> reports)
    {
        Violation? current = null;
        var fines = new List<Fine>();
        foreach (var report in reports)
        {
            if (current is null && report.Violator is null)
            {
                continue; // hq's finding on a violation that has not arrived is refused (NotFound) by the use case
            }

            var outcome = current is null ? ViolationRules.Open(report, Defaults, 0, Now) : ViolationRules.Merge(current, report, Defaults, Now);
            current = outcome.Next;
            fines.AddRange(outcome.NewFines);
        }

        return (current!, fines);
    }

    private static ViolationReport HqFinding(string violationId, string finding) => ViolationReports.FromHq(
        new CustomerProtection.Policy.Actors.Caller("HQ-1", CustomerProtection.Policy.Actors.Roles.Hq, null, null), violationId, finding, "inactive on complaints", null, Monday.AddDays(3));

    [Fact]
    public void P8_1_a_detected_violation_fines_the_violator_and_not_yet_the_manager()
    {
        var outcome = ViolationRules.Open(ViolationReports.From(Detected("V1")), Defaults, 0, Now);

        var fine = Assert.Single(outcome.NewFines);
        Assert.Equal(("V1.violator", "S1", Liabilities.Violator, 5_000m, FineStatuses.Proposed), (fine.Id, fine.EmployeeId, fine.Liability, fine.Amount, fine.Status));
        Assert.Equal(("B-SH", "R-EAST", new DateOnly(2026, 3, 9)), (fine.BranchId, fine.RegionId, fine.ViolationDate));
        Assert.Equal(["V1.violator"], outcome.Next.FineIds);
        var step = Assert.Single(fine.History);
        Assert.Equal(("territory", Now), (step.By, step.At));
    }

    [Fact]
    public void P8_1_the_manager_found_negligent_is_fined_10000_once()
    {
        var opened = ViolationRules.Open(ViolationReports.From(Detected("V1")), Defaults, 0, Now);

        var confirmed = ViolationRules.Merge(opened.Next, ViolationReports.From(Confirmed("V1", ManagerFindings.Negligent)), Defaults, Now);
        var again = ViolationRules.Merge(confirmed.Next, ViolationReports.From(Confirmed("V1", ManagerFindings.Negligent)), Defaults, Now);

        var fine = Assert.Single(confirmed.NewFines);
        Assert.Equal(("V1.manager", "M1", Liabilities.Manager, 10_000m), (fine.Id, fine.EmployeeId, fine.Liability, fine.Amount));
        Assert.False(again.Changed);
        Assert.Empty(again.NewFines);
    }

    [Fact]
    public void P8_1_the_manager_of_a_lost_major_customer_is_fined_on_the_scale_of_the_confirmed_shipments()
    {
        var opened = ViolationRules.Open(ViolationReports.From(Detected("V1", shipments: 300_000m)), Defaults, 0, Now);

        var confirmed = ViolationRules.Merge(opened.Next, ViolationReports.From(Confirmed("V1", ManagerFindings.Involved, shipments: 2_750_000m)), Defaults, Now);

        var fine = Assert.Single(confirmed.NewFines);
        Assert.Equal((35_000m, 20_000m, 50_000m), (fine.Amount, fine.MinAmount, fine.MaxAmount));
    }

    [Fact]
    public void P8_1_a_finding_of_no_liability_fines_no_manager_and_a_later_finding_of_inactivity_does()
    {
        var opened = ViolationRules.Open(ViolationReports.From(Detected("V1")), Defaults, 0, Now);
        var none = ViolationRules.Merge(opened.Next, ViolationReports.From(Confirmed("V1", ManagerFindings.None)), Defaults, Now);

        var inactive = ViolationRules.Merge(none.Next, HqFinding("V1", ManagerFindings.Inactive), Defaults, Now);

        Assert.True(none.Changed);
        Assert.Empty(none.NewFines);
        var fine = Assert.Single(inactive.NewFines);
        Assert.Equal(("M1", "HQ-1", "hq"), (fine.EmployeeId, fine.History[0].By, fine.History[0].Role));
        Assert.Equal(2, inactive.Next.Findings.Count);
    }

    [Fact]
    public void P8_1_a_confirmation_arriving_before_its_detection_fines_both_and_the_detection_adds_only_its_evidence()
    {
        var confirmedFirst = ViolationRules.Open(ViolationReports.From(Confirmed("V1", ManagerFindings.Negligent)), Defaults, 0, Now);

        var detectedLater = ViolationRules.Merge(confirmedFirst.Next, ViolationReports.From(Detected("V1")), Defaults, Now);

        Assert.Equal(["V1.violator", "V1.manager"], confirmedFirst.NewFines.Select(f => f.Id));
        Assert.Empty(detectedLater.NewFines);
        Assert.Equal("territory", detectedLater.Next.Detection!.Source);
        Assert.Equal("C-1", detectedLater.Next.CustomerId);
    }

    [Fact]
    public void P8_1_a_violator_without_a_manager_on_record_leaves_no_manager_to_fine()
    {
        var outcome = ViolationRules.Open(ViolationReports.From(Confirmed("V1", ManagerFindings.Involved, manager: null)), Defaults, 0, Now);

        Assert.Equal(["V1.violator"], outcome.NewFines.Select(f => f.Id));
    }

    [Fact]
    public void P8_3_the_third_violation_in_the_window_suggests_a_serious_case_but_only_hq_declares_one()
    {
        var outcome = ViolationRules.Open(ViolationReports.From(Detected("V3")), Defaults, priorViolationsInWindow: 2, Now);

        Assert.True(outcome.Next.SeriousSuggested);
        Assert.Null(outcome.Next.Serious);
        Assert.Equal(3, outcome.Next.ViolationsInWindow);
        Assert.False(outcome.NewFines.Single().Serious);
        Assert.Null(outcome.NewFines.Single().MaxAmount);
    }

    [Fact]
    public void P8_1_any_number_and_order_of_a_violations_reports_yields_the_same_fines()
    {
        ViolationReport[] reports =
        [
            ViolationReports.From(Detected("V1", shipments: 900_000m)),
            ViolationReports.From(Confirmed("V1", ManagerFindings.Negligent, shipments: 900_000m)),
            ViolationReports.From(Confirmed("V1", ManagerFindings.None, shipments: 900_000m, at: Monday.AddDays(1))),
            HqFinding("V1", ManagerFindings.Involved),
        ];
        var expected = ApplyAll(reports).Fines.Select(f => (f.Id, f.EmployeeId, f.Amount)).OrderBy(f => f.Id).ToList();
        Assert.Equal(2, expected.Count);

        // Every report at least once, some again, in any order; hq's finding refused before any event
        // (NotFound) is recorded again by hq afterwards.
        Gen.Select(Gen.Int[0, reports.Length - 1].Array[0, 12], Gen.Int).Sample((extra, seed) =>
        {
            var sequence = Enumerable.Range(0, reports.Length).Concat(extra).Select(i => reports[i]).ToArray();
            new Random(seed).Shuffle(sequence);
            var fines = ApplyAll([.. sequence, reports[3]]).Fines.Select(f => (f.Id, f.EmployeeId, f.Amount)).OrderBy(f => f.Id).ToList();
            return fines.SequenceEqual(expected);
        });
    }

    [Fact]
    public void P8_1_a_repeated_report_changes_nothing()
    {
        var violation = Apply(ViolationReports.From(Detected("V1")), ViolationReports.From(Confirmed("V1", ManagerFindings.Negligent)));

        foreach (var report in new[] { ViolationReports.From(Detected("V1")), ViolationReports.From(Confirmed("V1", ManagerFindings.Negligent)) })
        {
            var outcome = ViolationRules.Merge(violation, report, Defaults, Now);
            Assert.False(outcome.Changed);
            Assert.Same(violation, outcome.Next);
        }
    }
}
