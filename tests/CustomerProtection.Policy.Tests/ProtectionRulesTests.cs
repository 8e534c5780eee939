using static CustomerProtection.Policy.Tests.Cal;

namespace CustomerProtection.Policy.Tests;

/// <summary>P-3.1–P-3.5 and X-3 as policy.</summary>
public sealed class ProtectionRulesTests
{
    private static readonly ProtectionRules Rules = new(PolicyParameters.Defaults, Shipped);

    [Theory]
    [InlineData(0, 30)]
    [InlineData(299_999.99, 30)]
    [InlineData(300_000, 90)] // "300,000–500,000": both ends inclusive
    [InlineData(450_000, 90)]
    [InlineData(500_000, 90)]
    [InlineData(500_000.01, 120)] // "above 500,000": a major customer
    [InlineData(10_000_000, 120)]
    public void P3_4_prospect_period_follows_the_declared_annual_sales_tier(double sales, int days)
    {
        Assert.Equal(days, Rules.ProspectDays((decimal)sales));
        Assert.Equal(days == 120, Rules.IsMajorProspect((decimal)sales));
    }

    [Fact]
    public void P3_2_prospect_is_protected_30_days_from_approval()
    {
        var end = Rules.ProspectProtection(D("2026-03-10"), 100_000m, 0);
        Assert.Equal(D("2026-04-09"), end.LastDay);
        Assert.Equal(PolicyTime.StartOfDay(D("2026-04-10")), end.EndsAt);
    }

    [Fact]
    public void P3_2_negative_sales_or_extension_are_refused_as_bad_input()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Rules.ProspectDays(-1m));
        Assert.Throws<ArgumentOutOfRangeException>(() => Rules.ProspectProtection(D("2026-03-10"), 0m, -1));
    }

    [Fact]
    public void P3_4_major_prospect_is_protected_120_days()
    {
        // 2026-01-15 + 120 = 2026-05-15, a Friday after the May Day block.
        Assert.Equal(D("2026-05-15"), Rules.ProspectProtection(D("2026-01-15"), 600_000m, 0).LastDay);
        // 300,000–500,000: 90 days; 2026-01-15 + 90 = 04-15 (Wed).
        Assert.Equal(D("2026-04-15"), Rules.ProspectProtection(D("2026-01-15"), 300_000m, 0).LastDay);
    }

    [Fact]
    public void P3_3_extension_days_are_added_before_the_single_roll_forward()
    {
        // 2026-01-16 + 30 = 02-15 (festival) would roll to 02-24; with 10 more days it is 02-25 (Wed), no roll.
        var end = Rules.ProspectProtection(D("2026-01-16"), 0m, 10);
        Assert.Equal(D("2026-02-25"), end.LastDay);
        Assert.False(end.RolledForward);
    }

    [Fact]
    public void P3_1_formal_customer_is_protected_180_days_from_the_last_shipment()
    {
        Assert.Equal(D("2024-02-28"), Rules.FormalProtection(D("2023-09-01"), 0, null).LastDay);
        // 2026-04-04 + 180 = 2026-10-01 (National Day) → 10-08.
        var end = Rules.FormalProtection(D("2026-04-04"), 0, null);
        Assert.Equal(D("2026-10-01"), end.NominalLastDay);
        Assert.Equal(D("2026-10-08"), end.LastDay);
        Assert.True(end.RolledForward);
    }

    [Fact]
    public void P3_1_a_special_filing_has_its_own_period_and_may_be_extended()
    {
        Assert.Equal(D("2025-01-01").PlusDays(365), Rules.FormalProtection(D("2025-01-01"), 0, 365).NominalLastDay);
        Assert.Equal(D("2025-01-01").PlusDays(455), Rules.FormalProtection(D("2025-01-01"), 90, 365).NominalLastDay);
        Assert.Throws<ArgumentOutOfRangeException>(() => Rules.FormalProtection(D("2025-01-01"), 0, 0));
    }

    [Fact]
    public void P3_1_formal_period_crossing_into_a_year_without_data_is_provisional()
    {
        var end = Rules.FormalProtection(D("2026-07-06"), 0, null); // + 180 = 2027-01-02 (Saturday)
        Assert.Equal(D("2027-01-04"), end.LastDay);
        Assert.True(end.Provisional);
    }

    [Fact]
    public void P3_3_formal_extension_requested_exactly_30_days_before_expiry_is_allowed()
    {
        var decision = Rules.EvaluateExtension(CustomerStage.Formal, D("2026-06-30"), D("2026-05-31"), 30, 0);
        Assert.True(decision.Allowed);
        Assert.Equal(ExtensionRefusal.None, decision.Reason);
        Assert.Equal("P-3.3", decision.RuleId);
        Assert.Equal(30, decision.LeadTimeHave);
    }

    [Fact]
    public void P3_3_formal_extension_requested_29_days_before_expiry_is_refused()
    {
        var decision = Rules.EvaluateExtension(CustomerStage.Formal, D("2026-06-30"), D("2026-06-01"), 30, 0);
        Assert.False(decision.Allowed);
        Assert.Equal(ExtensionRefusal.TooLate, decision.Reason);
        Assert.Equal("P-3.3", decision.RuleId);
        Assert.Equal(1, decision.LeadTimeMissing);
        Assert.Equal(D("2026-05-31"), decision.LatestRequestDate);
        Assert.False(decision.LeadTimeInWorkingDays);
        var metadata = decision.ToErrorMetadata();
        Assert.Equal("TooLate", metadata["reason"]);
        Assert.Equal("2026-05-31", metadata["latestRequestDate"]);
        Assert.Equal("1", metadata["daysMissing"]);
        Assert.Equal("days", metadata["leadTimeUnit"]);
    }

    [Fact]
    public void P3_3_prospect_extension_requested_seven_working_days_before_expiry_is_allowed()
    {
        // L = 2026-04-09: (03-30, 04-09] holds 7 working days around 清明 (04-04..06).
        var decision = Rules.EvaluateExtension(CustomerStage.Prospect, D("2026-04-09"), D("2026-03-30"), 10, 0);
        Assert.True(decision.Allowed);
        Assert.Equal(7, decision.LeadTimeHave);
        Assert.True(decision.LeadTimeInWorkingDays);
    }

    [Fact]
    public void P3_3_prospect_extension_requested_six_working_days_before_expiry_is_refused()
    {
        var decision = Rules.EvaluateExtension(CustomerStage.Prospect, D("2026-04-09"), D("2026-03-31"), 10, 0);
        Assert.False(decision.Allowed);
        Assert.Equal(ExtensionRefusal.TooLate, decision.Reason);
        Assert.Equal(6, decision.LeadTimeHave);
        Assert.Equal(1, decision.LeadTimeMissing);
        Assert.Equal(D("2026-03-30"), decision.LatestRequestDate);
        Assert.Equal("workingDays", decision.ToErrorMetadata()["leadTimeUnit"]);
    }

    [Fact]
    public void P3_3_prospect_extension_counts_working_days_not_calendar_days_over_the_spring_festival()
    {
        // L = 2026-02-27 (Fri). 10 calendar days before (02-17) there are only 4 working days left: 02-24..27.
        var decision = Rules.EvaluateExtension(CustomerStage.Prospect, D("2026-02-27"), D("2026-02-17"), 10, 0);
        Assert.False(decision.Allowed);
        Assert.Equal(4, decision.LeadTimeHave);
        // 7 back from 02-27: 27, 26, 25, 24, 14 (adjusted Saturday), 13, 12 → latest request 02-11.
        Assert.Equal(D("2026-02-11"), decision.LatestRequestDate);
    }

    [Fact]
    public void P3_3_the_cap_is_the_total_extension_of_one_period_over_all_requests()
    {
        var withinCap = Rules.EvaluateExtension(CustomerStage.Formal, D("2026-12-31"), D("2026-10-01"), 30, 60);
        Assert.True(withinCap.Allowed);
        Assert.Equal(30, withinCap.CapRemainingDays);

        var overCap = Rules.EvaluateExtension(CustomerStage.Formal, D("2026-12-31"), D("2026-10-01"), 31, 60);
        Assert.False(overCap.Allowed);
        Assert.Equal(ExtensionRefusal.CapExceeded, overCap.Reason);
        Assert.Equal(90, overCap.CapDays);
        Assert.Equal(30, overCap.CapRemainingDays);
        Assert.Equal("30", overCap.ToErrorMetadata()["capRemainingDays"]);

        var prospect = Rules.EvaluateExtension(CustomerStage.Prospect, D("2026-12-31"), D("2026-10-01"), 11, 20);
        Assert.Equal(ExtensionRefusal.CapExceeded, prospect.Reason);
        Assert.Equal(10, prospect.CapRemainingDays);
        Assert.True(Rules.EvaluateExtension(CustomerStage.Prospect, D("2026-12-31"), D("2026-10-01"), 10, 20).Allowed);
    }

    [Fact]
    public void P3_5_an_extension_requested_after_the_last_day_is_refused_because_the_period_lapsed()
    {
        var decision = Rules.EvaluateExtension(CustomerStage.Formal, D("2026-06-30"), D("2026-07-01"), 30, 0);
        Assert.False(decision.Allowed);
        Assert.Equal(ExtensionRefusal.PeriodLapsed, decision.Reason);
        Assert.Equal("P-3.5", decision.RuleId);
    }

    [Fact]
    public void P3_3_requesting_no_days_is_bad_input()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Rules.EvaluateExtension(CustomerStage.Formal, D("2026-06-30"), D("2026-05-01"), 0, 0));
    }

    [Fact]
    public void P3_3_prospect_extension_lead_time_across_a_year_without_data_is_provisional()
    {
        var decision = Rules.EvaluateExtension(CustomerStage.Prospect, D("2027-01-08"), D("2026-12-20"), 10, 0);
        Assert.True(decision.Allowed);
        Assert.True(decision.Provisional);
    }

    [Fact]
    public void P3_4_a_month_without_progress_is_flagged_on_the_first_of_the_next_month()
    {
        var result = Rules.EvaluateMonthlyProgress(D("2026-01-15"), [D("2026-02-10")], D("2026-04-01"));
        Assert.Equal([new YearMonth(2026, 2), new YearMonth(2026, 3)], result.CheckedMonths);
        Assert.Equal([new YearMonth(2026, 3)], result.MissedMonths);
        Assert.Equal(1, result.MonthsMissing);
        Assert.True(result.Flagged);
        Assert.Equal(D("2026-04-01"), result.FlaggedOn);
        Assert.False(result.Lapsed);
        Assert.Null(result.LapsedOn);
    }

    [Fact]
    public void P3_4_a_month_is_judged_only_once_it_is_over()
    {
        var result = Rules.EvaluateMonthlyProgress(D("2026-01-15"), [D("2026-02-10")], D("2026-03-31"));
        Assert.Equal([new YearMonth(2026, 2)], result.CheckedMonths);
        Assert.False(result.Flagged);
    }

    [Fact]
    public void P3_4_the_approval_month_is_not_judged()
    {
        var result = Rules.EvaluateMonthlyProgress(D("2026-01-15"), [D("2026-02-27")], D("2026-03-01"));
        Assert.Equal([new YearMonth(2026, 2)], result.CheckedMonths);
        Assert.Empty(result.MissedMonths);
    }

    [Fact]
    public void P3_4_a_second_month_without_progress_lapses_the_protection_at_the_end_of_that_month()
    {
        var result = Rules.EvaluateMonthlyProgress(D("2026-01-15"), [D("2026-02-10")], D("2026-06-10"));
        Assert.Equal([new YearMonth(2026, 3), new YearMonth(2026, 4)], result.MissedMonths);
        Assert.True(result.Lapsed);
        Assert.Equal(D("2026-04-30"), result.LastProtectedDay);
        Assert.Equal(D("2026-05-01"), result.LapsedOn);
        Assert.Equal(PolicyTime.StartOfDay(D("2026-05-01")), result.LapsedAt);
        Assert.Equal(D("2026-04-01"), result.FlaggedOn);
        // Judging stops at the lapse.
        Assert.Equal(new YearMonth(2026, 4), result.CheckedMonths[^1]);
    }

    [Fact]
    public void P3_4_missed_months_need_not_be_consecutive()
    {
        // Missed February and April; progress in March.
        var result = Rules.EvaluateMonthlyProgress(D("2026-01-15"), [D("2026-03-31")], D("2026-05-01"));
        Assert.Equal([new YearMonth(2026, 2), new YearMonth(2026, 4)], result.MissedMonths);
        Assert.True(result.Lapsed);
        Assert.Equal(D("2026-05-01"), result.LapsedOn);
    }

    [Fact]
    public void P3_4_progress_outside_the_approval_to_today_range_is_ignored()
    {
        var result = Rules.EvaluateMonthlyProgress(D("2026-02-20"), [D("2026-02-01"), D("2026-04-15")], D("2026-04-01"));
        Assert.Equal([new YearMonth(2026, 3)], result.MissedMonths);
    }

    [Fact]
    public void P3_4_months_ending_after_the_protection_are_not_judged()
    {
        // Major prospect approved 2026-01-15 is protected through 2026-05-15; May is not judged.
        var result = Rules.EvaluateMonthlyProgress(D("2026-01-15"), [D("2026-02-02"), D("2026-03-02")], D("2026-06-10"), D("2026-05-15"));
        Assert.Equal([new YearMonth(2026, 2), new YearMonth(2026, 3), new YearMonth(2026, 4)], result.CheckedMonths);
        Assert.Equal([new YearMonth(2026, 4)], result.MissedMonths);
        Assert.False(result.Lapsed);
    }

    [Fact]
    public void P3_4_the_number_of_months_is_a_parameter()
    {
        var strict = new ProtectionRules(PolicyParameters.Defaults with { MajorProgressMissedMonthsToLapse = 1 }, Shipped);
        var result = strict.EvaluateMonthlyProgress(D("2026-01-15"), [], D("2026-03-05"));
        Assert.True(result.Lapsed);
        Assert.Equal(D("2026-02-28"), result.LastProtectedDay);
    }

    [Fact]
    public void X3_owner_is_reminded_30_7_and_1_days_and_the_manager_7_days_before_the_last_day()
    {
        var end = Rules.ProspectProtection(D("2026-03-10"), 0m, 0); // last day 2026-04-09
        var reminders = Rules.ReminderDates(end);
        Assert.Equal(
            [
                (ReminderRecipient.Owner, 30, D("2026-03-10")),
                (ReminderRecipient.Owner, 7, D("2026-04-02")),
                (ReminderRecipient.Manager, 7, D("2026-04-02")),
                (ReminderRecipient.Owner, 1, D("2026-04-08")),
            ],
            reminders.Select(r => (r.Recipient, r.DaysBefore, r.On)));
        Assert.All(reminders, r => Assert.Equal(PolicyTime.StartOfDay(r.On), r.DueAt));
        Assert.All(reminders, r => Assert.False(r.Provisional));
    }

    [Fact]
    public void X3_reminders_of_a_provisional_period_are_provisional()
    {
        var end = Rules.ProspectProtection(D("2026-12-02"), 0m, 0);
        Assert.All(Rules.ReminderDates(end), r => Assert.True(r.Provisional));
    }
}
