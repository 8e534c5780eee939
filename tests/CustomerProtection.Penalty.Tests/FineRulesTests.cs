using CsCheck;
using CustomerProtection.Penalty.Domain;
using CustomerProtection.Policy;
using NodaTime;

namespace CustomerProtection.Penalty.Tests;

/// <summary>P-8.1 amounts and the P-8.3 repeat-violation suggestion, as pure functions of the parameters.</summary>
public sealed class FineRulesTests
{
    private static readonly PolicyParameters Policy = PolicyParameters.Defaults;

    private static readonly PenaltySchedule Schedule = PenaltySchedule.Defaults with
    {
        ViolatorFineByKind = new Dictionary<string, decimal> { ["poaching"] = 8_000m, ["P-6"] = 6_000m, ["discount"] = 3_000m },
    };

    [Fact]
    public void P8_1_a_violation_of_a_kind_not_in_the_schedule_fines_the_violator_the_floor_of_5000()
    {
        var terms = FineRules.ViolatorFine(Policy, Schedule, "below_floor_price", "P-3.7", seriousSuggested: false);

        Assert.Equal(5_000m, terms.Amount);
        Assert.Equal(5_000m, terms.Min);
        Assert.Null(terms.Max);
        Assert.Equal("P-8.1 floor", terms.Basis);
    }

    [Fact]
    public void P8_1_a_scheduled_kind_is_proposed_at_its_amount_and_may_be_adjusted_down_to_the_floor()
    {
        var terms = FineRules.ViolatorFine(Policy, Schedule, "poaching", "P-5", seriousSuggested: false);

        Assert.Equal(8_000m, terms.Amount);
        Assert.Equal(5_000m, terms.Min);
        Assert.Equal("schedule[poaching]", terms.Basis);
    }

    [Fact]
    public void P8_1_a_kind_not_listed_falls_back_to_the_schedule_entry_of_its_rule_id()
    {
        Assert.Equal(6_000m, FineRules.ViolatorFine(Policy, Schedule, "dealer_filed_dealer", "P-6", seriousSuggested: false).Amount);
    }

    [Fact]
    public void P8_1_a_schedule_entry_below_5000_is_raised_to_the_floor()
    {
        var terms = FineRules.ViolatorFine(Policy, Schedule, "discount", "P-5", seriousSuggested: false);

        Assert.Equal(5_000m, terms.Amount);
        Assert.Contains("raised to the P-8.1 floor", terms.Basis, StringComparison.Ordinal);
    }

    [Fact]
    public void P8_1_the_floor_is_a_parameter()
    {
        var raised = Policy with { ViolatorFineMin = 6_500m };

        Assert.Equal(6_500m, FineRules.ViolatorFine(raised, Schedule, "other", "P-4.1", seriousSuggested: false).Amount);
        Assert.Equal(8_000m, FineRules.ViolatorFine(raised, Schedule, "poaching", "P-5", seriousSuggested: false).Amount);
    }

    [Fact]
    public void P8_1_the_rule_book_sets_no_maximum_on_a_violators_fine_but_a_company_may()
    {
        Assert.Null(FineRules.ViolatorFine(Policy, Schedule, "poaching", "P-5", seriousSuggested: false).Max);

        var capped = Schedule with { ViolatorFineMax = 30_000m };
        Assert.Equal(30_000m, FineRules.ViolatorFine(Policy, capped, "poaching", "P-5", seriousSuggested: false).Max);
    }

    [Fact]
    public void P8_3_a_repeat_violation_only_suggests_a_serious_case_to_hq_and_changes_neither_amount_nor_range()
    {
        var ordinary = FineRules.ViolatorFine(Policy, Schedule, "poaching", "P-5", seriousSuggested: false);
        var suggested = FineRules.ViolatorFine(Policy, Schedule, "poaching", "P-5", seriousSuggested: true);

        Assert.Equal((ordinary.Amount, ordinary.Min, ordinary.Max), (suggested.Amount, suggested.Min, suggested.Max));
        Assert.EndsWith("P-8.3 repeat violation: hq may declare a serious case", suggested.Basis, StringComparison.Ordinal);
    }

    [Fact]
    public void P8_1_a_liable_manager_is_fined_10000_when_the_customer_is_not_major()
    {
        var terms = FineRules.ManagerFine(Policy, Schedule, 120_000m);

        Assert.Equal((10_000m, 10_000m, 10_000m), (terms.Amount, terms.Min, terms.Max));
    }

    [Fact]
    public void P8_1_annual_shipments_of_exactly_500000_are_not_a_major_customer()
    {
        Assert.Equal(10_000m, FineRules.ManagerFine(Policy, Schedule, 500_000m).Amount);
    }

    [Fact]
    public void P8_1_the_major_customer_scale_starts_at_20000_just_above_500000()
    {
        var terms = FineRules.ManagerFine(Policy, Schedule, 500_000.01m);

        Assert.Equal((20_000m, 20_000m, 50_000m), (terms.Amount, terms.Min, terms.Max));
        Assert.Equal(20_000m, FineRules.ManagerFine(Policy, Schedule, 500_001m).Amount);
    }

    [Fact]
    public void P8_1_the_major_customer_scale_reaches_50000_at_its_cap_and_stays_there()
    {
        Assert.Equal(50_000m, FineRules.ManagerFine(Policy, Schedule, 5_000_000m).Amount);
        Assert.Equal(50_000m, FineRules.ManagerFine(Policy, Schedule, 80_000_000m).Amount);
        Assert.Equal(49_999m, FineRules.ManagerFine(Policy, Schedule, 4_999_900m).Amount);
    }

    [Fact]
    public void P8_1_the_major_customer_scale_is_linear_between_its_ends()
    {
        // Halfway between 500,000 and 5,000,000 is halfway between 20,000 and 50,000.
        Assert.Equal(35_000m, FineRules.ManagerFine(Policy, Schedule, 2_750_000m).Amount);
        Assert.Equal(26_000m, FineRules.ManagerFine(Policy, Schedule, 1_400_000m).Amount);
    }

    [Fact]
    public void P8_1_the_scale_cap_is_a_parameter()
    {
        var steeper = Schedule with { MajorScaleFullAt = 1_000_000m };

        Assert.Equal(35_000m, FineRules.ManagerFine(Policy, steeper, 750_000m).Amount);
        Assert.Equal(50_000m, FineRules.ManagerFine(Policy, steeper, 1_000_000m).Amount);
    }

    [Fact]
    public void P8_1_the_major_customer_fine_never_decreases_with_shipments_and_stays_within_20000_to_50000()
    {
        Gen.Select(Gen.Decimal[500_000.01m, 20_000_000m], Gen.Decimal[500_000.01m, 20_000_000m]).Sample((a, b) =>
        {
            var (low, high) = a <= b ? (a, b) : (b, a);
            var lowFine = FineRules.ManagerFine(Policy, Schedule, low).Amount;
            var highFine = FineRules.ManagerFine(Policy, Schedule, high).Amount;
            return lowFine <= highFine && lowFine >= 20_000m && highFine <= 50_000m;
        });
    }

    [Theory]
    [InlineData(1, false)]
    [InlineData(2, false)]
    [InlineData(3, true)]
    [InlineData(4, true)]
    public void P8_3_the_third_violation_within_the_window_suggests_a_serious_case(int violationsInWindow, bool suggested)
    {
        Assert.Equal(suggested, FineRules.SuggestsSerious(Policy, violationsInWindow));
    }

    [Fact]
    public void P8_3_the_serious_count_is_a_parameter()
    {
        Assert.True(FineRules.SuggestsSerious(Policy with { SeriousViolationCount = 2 }, 2));
    }

    [Fact]
    public void P8_3_the_window_of_twelve_months_reaches_back_to_the_same_day_a_year_earlier()
    {
        Assert.Equal(new LocalDate(2025, 3, 9), FineRules.SeriousWindowStart(Policy, new LocalDate(2026, 3, 9)));
        // Month arithmetic as the Civil Code counts it: a month-end without its day ends on the last day.
        Assert.Equal(new LocalDate(2025, 2, 28), FineRules.SeriousWindowStart(Policy, new LocalDate(2026, 2, 28)));
        Assert.Equal(new LocalDate(2025, 9, 30), FineRules.SeriousWindowStart(Policy with { SeriousViolationWindowMonths = 6 }, new LocalDate(2026, 3, 30)));
    }
}
