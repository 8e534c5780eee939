using CustomerProtection.Arbitration.Domain;
using CustomerProtection.Policy.Errors;
using CustomerProtection.Policy.Actors;
using static CustomerProtection.Arbitration.Tests.TestData;

namespace CustomerProtection.Arbitration.Tests;

/// <summary>P-2.4 milestones and M-3 complaint rules.</summary>
public sealed class MilestoneAndComplaintRulesTests
{
    private static readonly DateOnly From = D("2026-03-21");
    private static readonly DateOnly To = D("2026-04-20");

    [Fact]
    public void P2_4_a_trial_counts_when_the_person_recorded_it_with_evidence_within_the_time()
    {
        ProgressFact[] progress =
        [
            new("cust1", "trial", D("2026-03-20"), "doc", Objector),   // before the commitment
            new("cust1", "trial", D("2026-04-01"), null, Objector),    // no evidence
            new("cust1", "trial", D("2026-04-02"), "doc", Owner),      // someone else
            new("cust1", "quote", D("2026-04-03"), "doc", Objector),   // not a trial
        ];
        Assert.Null(MilestoneRules.ReachedOn(Milestones.Trial, Objector, From, To, progress, []));

        Assert.Equal(D("2026-04-20"), MilestoneRules.ReachedOn(Milestones.Trial, Objector, From, To, [.. progress, new("cust1", "trial", D("2026-04-20"), "doc", Objector)], []));
    }

    [Fact]
    public void P2_4_a_deal_counts_when_the_person_sold_within_the_time()
    {
        DealFact[] deals = [new("SALE-1", Owner, D("2026-04-01"), 100m), new("SALE-2", Objector, D("2026-04-21"), 100m)];
        Assert.Null(MilestoneRules.ReachedOn(Milestones.Deal, Objector, From, To, [], deals));
        Assert.Equal(D("2026-03-21"), MilestoneRules.ReachedOn(Milestones.Deal, Objector, From, To, [], [.. deals, new("SALE-3", Objector, D("2026-03-21"), 1m)]));
    }

    [Fact]
    public void P8_1_annual_shipments_are_the_365_days_ending_on_the_day()
    {
        DealFact[] deals = [new("A", Owner, D("2025-03-11"), 100m), new("B", Owner, D("2025-03-10"), 1000m), new("C", Objector, D("2026-03-10"), 10m)];
        Assert.Equal(110m, MilestoneRules.AnnualShipments(deals, D("2026-03-10")));
    }

    private static CustomerComplaint Complaint(DateTimeOffset received)
    {
        var (dueOn, dueAt, _) = ComplaintRules.ResponseDue(Calendar, PolicyClockDate(received), ResponseTimeBook.DefaultWorkingDays);
        return new CustomerComplaint
        {
            Id = "cc-1",
            CustomerId = "cust1",
            BranchId = Branch,
            Channel = "phone",
            Description = "送货延误 / late delivery",
            ReceivedAt = received,
            RecordedBy = Owner,
            ResponseDueOn = dueOn,
            ResponseDueAt = dueAt,
            Status = ComplaintStatuses.Open,
        };
    }

    private static DateOnly PolicyClockDate(DateTimeOffset at) => Dates.DateOf(at);

    [Fact]
    public void M3_the_answer_is_due_by_the_end_of_the_second_working_day_after_receipt()
    {
        // Received Friday 2026-04-03: Tue 04-07 and Wed 04-08 (Mon 04-06 is 清明).
        var complaint = Complaint(new DateTimeOffset(2026, 4, 3, 17, 0, 0, TimeSpan.FromHours(8)));

        Assert.Equal(D("2026-04-08"), complaint.ResponseDueOn);
        Assert.False(ComplaintRules.IsOverdue(complaint, new DateTimeOffset(2026, 4, 8, 23, 59, 0, TimeSpan.FromHours(8))));
        Assert.True(ComplaintRules.IsOverdue(complaint, new DateTimeOffset(2026, 4, 9, 0, 0, 0, TimeSpan.FromHours(8))));
    }

    [Fact]
    public void M3_an_overdue_complaint_escalates_to_the_branch_manager_once_and_an_answered_one_never()
    {
        var complaint = Complaint(Start);
        var late = Start.AddDays(5);

        var escalated = ComplaintRules.Escalate(complaint, "M-SH", late)!;
        Assert.Equal("M-SH", escalated.EscalatedTo);
        Assert.Null(ComplaintRules.Escalate(escalated, "M-SH", late.AddDays(1)));
        Assert.Null(ComplaintRules.Escalate(ComplaintRules.Answer(complaint, Secretary, "已致歉", Start), "M-SH", late));
    }

    [Fact]
    public void M3_a_complaint_is_answered_before_it_is_resolved_with_a_follow_up_by_the_branch()
    {
        var complaint = Complaint(Start);

        Assert.Equal("M-3", Assert.Throws<PolicyRefusalException>(() => ComplaintRules.Resolve(complaint, Secretary, "x", "y", Start)).RuleId);
        Assert.Throws<ScopeDeniedException>(() => ComplaintRules.Answer(complaint, OtherManager, "x", Start));
        Assert.Throws<ScopeDeniedException>(() => ComplaintRules.Answer(complaint, new Caller(Owner, Roles.Salesperson, Branch, null), "x", Start));
        var resolved = ComplaintRules.Resolve(ComplaintRules.Answer(complaint, Secretary, "已致歉", Start), Manager, "补发货物", "物流交接加复核", Start);
        Assert.Equal((ComplaintStatuses.Resolved, "物流交接加复核"), (resolved.Status, resolved.FollowUp));
    }

    [Fact]
    public void M3_the_response_time_in_force_is_the_one_of_the_day_of_receipt()
    {
        var book = new ResponseTimeBook([new ResponseTimeVersion(D("2013-12-02"), 2), new ResponseTimeVersion(D("2026-04-01"), 1)]);
        Assert.Equal(2, book.For(D("2026-03-31")));
        Assert.Equal(1, book.For(D("2026-04-01")));
    }
}
