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
        new("F1", "S1", "B-SH", "R-EAST", "R-WEST", "uscc:91350100M000100Y43", "无锡华光电子有限公司", null, null,
            Submitted, CrossRegionRules.Deadline(book ?? PolicyBook.Default, Submitted), FilingStatuses.Pending, null, null, null, null, null);

    private static CrossRegionFiling Approved(DateTimeOffset at) =>
        CrossRegionRules.Decide(CrossRegionRules.Answer(Filing(), Secretary, confirm: true, null, at.AddMinutes(-1)), Hq, approve: true, null, at);

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
        Assert.Equal(FilingStage.AwaitingHq, CrossRegionRules.StageAt(confirmed, now));
        Assert.Equal(new FilingDecision("RS-W", Roles.RegionalSecretary, true, null, now), confirmed.SecretaryAnswer);
    }

    [Fact]
    public void P4_1_the_secretarys_confirmation_does_not_approve_hq_approves_it_first()
    {
        var confirmed = CrossRegionRules.Answer(Filing(), Secretary, confirm: true, null, Submitted.AddHours(2));

        Assert.False(confirmed.IsApproved);
        Assert.True(confirmed.IsOpen);
        Assert.False(CrossRegionRules.Covers(confirmed, new DateOnly(2026, 3, 20)));
        var approved = CrossRegionRules.Decide(confirmed, Hq, approve: true, "同意", Submitted.AddHours(3));
        Assert.Equal(FilingStatuses.Approved, approved.Status);
        Assert.Equal(FilingStage.Decided, CrossRegionRules.StageAt(approved, Submitted.AddHours(3)));
        Assert.Equal(("HQ1", Roles.Hq, Submitted.AddHours(3)), (approved.DecidedBy, approved.DeciderRole, approved.DecidedAt));
        Assert.True(approved.SecretaryAnswer!.Approve);
        Assert.True(CrossRegionRules.Covers(approved, new DateOnly(2026, 3, 14)));
    }

    [Fact]
    public void P4_1_hq_refuses_a_confirmed_filing_and_the_regional_manager_does_not_decide_it()
    {
        var confirmed = CrossRegionRules.Answer(Filing(), Secretary, confirm: true, null, Submitted.AddHours(2));

        var refusal = Assert.Throws<PolicyRefusalException>(() => CrossRegionRules.Decide(confirmed, Manager, approve: true, null, Submitted.AddHours(30)));
        Assert.Equal("P-4.1", refusal.RuleId);
        Assert.Equal(FilingStatuses.Refused, CrossRegionRules.Decide(confirmed, Hq, approve: false, "价格", Submitted.AddHours(30)).Status);
    }

    [Fact]
    public void P10_the_secretarys_refusal_refuses_the_filing()
    {
        var refused = CrossRegionRules.Answer(Filing(), Secretary, confirm: false, "本区已有客户", Submitted.AddHours(2));

        Assert.Equal(FilingStatuses.Refused, refused.Status);
        Assert.Equal(("RS-W", "本区已有客户"), (refused.DecidedBy, refused.DecisionReason));
        Assert.Throws<PolicyRefusalException>(() => CrossRegionRules.Decide(refused, Hq, approve: true, null, Submitted.AddHours(3)));
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

    [Theory]
    [InlineData(Roles.Hq)]
    [InlineData(Roles.RegionalManager)]
    public void P10_nobody_decides_before_the_secretary_answered_or_the_24_hours_passed_one_second_before_refused_with_the_numbers(string role)
    {
        var decider = role == Roles.Hq ? Hq : Manager;

        var early = Assert.Throws<PolicyRefusalException>(() => CrossRegionRules.Decide(Filing(), decider, approve: true, null, Submitted.AddHours(24).AddSeconds(-1)));
        Assert.Equal("P-10", early.RuleId);
        Assert.Equal("2026-03-13T09:30:15Z", early.Metadata["submitted_at"]);
        Assert.Equal("2026-03-14T09:30:15Z", early.Metadata["deadline"]);
        Assert.Equal(FilingStatuses.Pending, early.Metadata["status"]);
    }

    [Theory]
    [InlineData(Roles.Hq)]
    [InlineData(Roles.RegionalManager)]
    public void P10_at_the_deadline_one_approval_is_recorded_and_the_filing_waits_for_the_other_decider(string role)
    {
        var decider = role == Roles.Hq ? Hq : Manager;
        var at = Submitted.AddHours(24);

        var half = CrossRegionRules.Decide(Filing(), decider, approve: true, "同意", at);

        Assert.False(half.IsApproved);
        Assert.Equal(FilingStatuses.Escalated, CrossRegionRules.StatusAt(half, at));
        Assert.Equal(role == Roles.Hq ? FilingStage.EscalatedAwaitingRegionalManager : FilingStage.EscalatedAwaitingHq, CrossRegionRules.StageAt(half, at));
        Assert.Equal(new FilingDecision(decider.EmployeeId, role, true, "同意", at), role == Roles.Hq ? half.HqDecision : half.ManagerDecision);
        Assert.Null(half.DecidedAt);
    }

    [Fact]
    public void P10_after_escalation_the_filing_is_approved_only_when_hq_and_the_target_regional_manager_both_approved()
    {
        var escalated = CrossRegionRules.Escalate(Filing(), Submitted.AddHours(24))!;
        Assert.Equal(FilingStage.EscalatedAwaitingBoth, CrossRegionRules.StageAt(escalated, Submitted.AddHours(24)));

        var byManager = CrossRegionRules.Decide(escalated, Manager, approve: true, "同意", Submitted.AddHours(25));
        var both = CrossRegionRules.Decide(byManager, Hq, approve: true, "批准", Submitted.AddHours(26));

        Assert.Equal(FilingStatuses.Approved, both.Status);
        Assert.Equal(new FilingDecision("RM-W", Roles.RegionalManager, true, "同意", Submitted.AddHours(25)), both.ManagerDecision);
        Assert.Equal(new FilingDecision("HQ1", Roles.Hq, true, "批准", Submitted.AddHours(26)), both.HqDecision);
        Assert.Equal(Submitted.AddHours(26), both.DecidedAt);
        Assert.False(CrossRegionRules.Covers(byManager, new DateOnly(2026, 3, 20)));
        Assert.True(CrossRegionRules.Covers(both, new DateOnly(2026, 3, 14)));
    }

    [Theory]
    [InlineData(Roles.Hq)]
    [InlineData(Roles.RegionalManager)]
    public void P10_after_escalation_either_deciders_refusal_refuses_the_filing_even_after_the_others_approval(string refuser)
    {
        var escalated = CrossRegionRules.Escalate(Filing(), Submitted.AddHours(24))!;
        var (first, second) = refuser == Roles.Hq ? (Manager, Hq) : (Hq, Manager);

        var approvedOnce = CrossRegionRules.Decide(escalated, first, approve: true, null, Submitted.AddHours(25));
        var refused = CrossRegionRules.Decide(approvedOnce, second, approve: false, "不同意", Submitted.AddHours(26));

        Assert.Equal(FilingStatuses.Refused, refused.Status);
        Assert.Equal((second.EmployeeId, "不同意"), (refused.DecidedBy, refused.DecisionReason));
        Assert.True((refuser == Roles.Hq ? refused.ManagerDecision : refused.HqDecision)!.Approve);
        Assert.Equal(FilingStatuses.Refused, CrossRegionRules.Decide(escalated, second, approve: false, null, Submitted.AddHours(25)).Status);
    }

    [Fact]
    public void P10_a_decider_who_decided_an_escalated_filing_cannot_decide_it_again()
    {
        var half = CrossRegionRules.Decide(CrossRegionRules.Escalate(Filing(), Submitted.AddHours(24))!, Hq, approve: true, null, Submitted.AddHours(25));

        var again = Assert.Throws<PolicyRefusalException>(() => CrossRegionRules.Decide(half, Hq with { EmployeeId = "HQ2" }, approve: false, null, Submitted.AddHours(26)));
        Assert.Equal("P-10", again.RuleId);
    }

    [Fact]
    public void P10_an_approval_recorded_before_the_worker_escalated_is_kept_by_the_escalation()
    {
        var half = CrossRegionRules.Decide(Filing(), Hq, approve: true, null, Submitted.AddHours(24));
        var escalated = CrossRegionRules.Escalate(half, Submitted.AddHours(24).AddSeconds(1))!;

        Assert.NotNull(escalated.HqDecision);
        Assert.Equal(FilingStage.EscalatedAwaitingRegionalManager, CrossRegionRules.StageAt(escalated, Submitted.AddHours(25)));
        Assert.Equal(FilingStatuses.Approved, CrossRegionRules.Decide(escalated, Manager, approve: true, null, Submitted.AddHours(25)).Status);
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
        var approved = Approved(Submitted.AddHours(1));

        var refusal = Assert.Throws<PolicyRefusalException>(() => CrossRegionRules.Decide(approved, Hq, approve: false, null, Submitted.AddHours(2)));
        Assert.Equal(FilingStatuses.Approved, refusal.Metadata["status"]);
    }

    [Fact]
    public void P4_1_a_filing_covers_sales_from_the_day_it_was_approved_not_before()
    {
        var approved = Approved(Submitted.AddHours(1)); // 2026-03-13 18:30 Shanghai

        Assert.False(CrossRegionRules.Covers(approved, new DateOnly(2026, 3, 12)));
        Assert.True(CrossRegionRules.Covers(approved, new DateOnly(2026, 3, 13)));
        Assert.False(CrossRegionRules.Covers(Filing(), new DateOnly(2026, 3, 20)));
    }
}
