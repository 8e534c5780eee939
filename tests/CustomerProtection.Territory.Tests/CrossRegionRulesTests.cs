using CustomerProtection.Policy;
using CustomerProtection.Policy.Errors;
using CustomerProtection.Policy.Actors;
using CustomerProtection.Territory.Domain;
using NodaTime;

namespace CustomerProtection.Territory.Tests;

/// <summary>P-10's 24-hour clock and who answers and decides a cross-region filing (P-4.1).</summary>
public sealed class CrossRegionRulesTests
{
    private static readonly DateTimeOffset Submitted = new(2026, 3, 13, 17, 30, 15, TimeSpan.FromHours(8)); // a Friday evening
    private static readonly Caller Secretary = new("RS-W", Roles.RegionalSecretary, null, "R-WEST");
    private static readonly Caller Manager = new("RM-W", Roles.RegionalManager, null, "R-WEST");
    private static readonly Caller Hq = new("HQ1", Roles.Hq, null, null);

    private static CrossRegionFiling Filing(PolicyBook? book = null) =>
        new("F1", "S1", "B-SH", "R-EAST", "R-WEST", "uscc:91350100M000100Y43", "无锡华光电子有限公司", null, null, null,
            Submitted, CrossRegionRules.Deadline(book ?? PolicyBook.Default, Submitted), FilingStatuses.Pending, null, null, null, null, null);

    [Fact]
    public void P10_the_deadline_is_24_hours_from_the_exact_submission_instant_over_a_weekend_without_rounding()
    {
        Assert.Equal(Submitted.AddHours(24), Filing().Deadline);
    }

    [Fact]
    public void P10_P14_the_hours_come_from_the_policy_version_in_force_on_the_submission_day()
    {
        var book = new PolicyBook([
            new PolicyVersion(PolicyBook.PolicyStart, PolicyParameters.Defaults),
            new PolicyVersion(new LocalDate(2026, 3, 1), PolicyParameters.Defaults with { CrossRegionConfirmationHours = 48 }),
        ]);

        Assert.Equal(Submitted.AddHours(48), Filing(book).Deadline);
        Assert.Equal(new DateTimeOffset(2026, 2, 1, 9, 0, 0, TimeSpan.FromHours(8)).AddHours(24), CrossRegionRules.Deadline(book, new DateTimeOffset(2026, 2, 1, 9, 0, 0, TimeSpan.FromHours(8))));
    }

    [Fact]
    public void P10_one_second_before_the_deadline_the_filing_is_pending_and_the_secretary_may_confirm()
    {
        var now = Submitted.AddHours(24).AddSeconds(-1);

        Assert.Equal(FilingStatuses.Pending, CrossRegionRules.StatusAt(Filing(), now));
        Assert.Null(CrossRegionRules.Escalate(Filing(), now));
        var confirmed = CrossRegionRules.Answer(Filing(), Secretary, confirm: true, null, now);
        Assert.Equal(FilingStatuses.Confirmed, confirmed.Status);
        Assert.True(confirmed.IsApproved);
    }

    [Fact]
    public void P10_at_the_deadline_to_the_second_the_filing_is_escalated_and_the_secretary_is_refused_with_the_deadline()
    {
        var now = Submitted.AddHours(24);

        Assert.Equal(FilingStatuses.Escalated, CrossRegionRules.StatusAt(Filing(), now));
        var refusal = Assert.Throws<PolicyRefusalException>(() => CrossRegionRules.Answer(Filing(), Secretary, confirm: true, null, now));
        Assert.Equal("P-10", refusal.RuleId);
        Assert.Equal("2026-03-14T09:30:15Z", refusal.Metadata["deadline"]);
        Assert.Equal(FilingStatuses.Escalated, refusal.Metadata["status"]);
    }

    [Fact]
    public void P10_escalation_happens_once_a_second_tick_on_the_escalated_filing_changes_nothing()
    {
        var escalated = CrossRegionRules.Escalate(Filing(), Submitted.AddHours(24));

        Assert.NotNull(escalated);
        Assert.Equal(Submitted.AddHours(24), escalated.EscalatedAt);
        Assert.Null(CrossRegionRules.Escalate(escalated, Submitted.AddHours(30)));
    }

    [Fact]
    public void P10_a_filing_answered_in_time_never_escalates_however_late_the_tick()
    {
        var refused = CrossRegionRules.Answer(Filing(), Secretary, confirm: false, "不同意", Submitted.AddHours(1));

        Assert.Null(CrossRegionRules.Escalate(refused, Submitted.AddDays(10)));
        Assert.Equal(FilingStatuses.Refused, CrossRegionRules.StatusAt(refused, Submitted.AddDays(10)));
    }

    [Fact]
    public void P10_the_target_regional_manager_decides_only_after_the_secretarys_24_hours()
    {
        var early = Assert.Throws<PolicyRefusalException>(() => CrossRegionRules.Decide(Filing(), Manager, approve: true, null, Submitted.AddHours(23)));
        Assert.Equal("P-10", early.RuleId);

        var approved = CrossRegionRules.Decide(Filing(), Manager, approve: true, null, Submitted.AddHours(25));
        Assert.Equal(FilingStatuses.Approved, approved.Status);
        Assert.Equal(Roles.RegionalManager, approved.DeciderRole);
    }

    [Fact]
    public void P4_1_hq_approves_or_refuses_at_any_time()
    {
        Assert.Equal(FilingStatuses.Approved, CrossRegionRules.Decide(Filing(), Hq, approve: true, null, Submitted.AddMinutes(5)).Status);
        Assert.Equal(FilingStatuses.Refused, CrossRegionRules.Decide(Filing(), Hq, approve: false, "价格", Submitted.AddDays(3)).Status);
    }

    [Fact]
    public void P10_only_the_target_regions_secretary_answers_and_only_hq_or_its_manager_decides()
    {
        var otherSecretary = Secretary with { RegionId = "R-EAST" };
        var otherManager = Manager with { RegionId = "R-EAST" };

        Assert.Throws<ScopeDeniedException>(() => CrossRegionRules.Answer(Filing(), otherSecretary, true, null, Submitted.AddHours(1)));
        Assert.Throws<ScopeDeniedException>(() => CrossRegionRules.Answer(Filing(), Hq, true, null, Submitted.AddHours(1)));
        Assert.Throws<ScopeDeniedException>(() => CrossRegionRules.Decide(Filing(), otherManager, true, null, Submitted.AddHours(30)));
        Assert.Throws<ScopeDeniedException>(() => CrossRegionRules.Decide(Filing(), Secretary, true, null, Submitted.AddHours(30)));
    }

    [Fact]
    public void P10_a_decided_filing_cannot_be_decided_again()
    {
        var approved = CrossRegionRules.Decide(Filing(), Hq, approve: true, null, Submitted.AddHours(1));

        var refusal = Assert.Throws<PolicyRefusalException>(() => CrossRegionRules.Decide(approved, Hq, approve: false, null, Submitted.AddHours(2)));
        Assert.Equal(FilingStatuses.Approved, refusal.Metadata["status"]);
    }

    [Fact]
    public void P4_1_a_filing_covers_sales_from_the_day_it_was_approved_not_before()
    {
        var approved = CrossRegionRules.Decide(Filing(), Hq, approve: true, null, Submitted.AddHours(1)); // 2026-03-13 18:30 Shanghai

        Assert.False(CrossRegionRules.Covers(approved, new DateOnly(2026, 3, 12)));
        Assert.True(CrossRegionRules.Covers(approved, new DateOnly(2026, 3, 13)));
        Assert.False(CrossRegionRules.Covers(Filing(), new DateOnly(2026, 3, 20)));
    }
}
