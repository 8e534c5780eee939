using CustomerProtection.Penalty.Domain;
using CustomerProtection.Policy.Errors;

namespace CustomerProtection.Penalty.Tests;

/// <summary>Proposed → confirmed or adjusted → paid; or appealed → upheld or overturned; each step with who, when, why.</summary>
public sealed class FineLifecycleTests
{
    private static readonly DateTimeOffset At = new(2026, 3, 12, 9, 0, 0, TimeSpan.FromHours(8));
    private static readonly Actor Hq = new("HQ-1", "hq", At);
    private static readonly Actor Seller = new("S1", "salesperson", At.AddHours(1));

    private static Fine Proposed(decimal amount = 8_000m, decimal min = 5_000m, decimal? max = 50_000m) => new(
        "V1.violator", "V1", "P-5", "poaching", Liabilities.Violator, "S1", "B-SH", "R-EAST", amount, min, max, false, FineStatuses.Proposed,
        new DateOnly(2026, 3, 9), At.AddDays(-3), "schedule[poaching]",
        [new FineStep(FineStatuses.Proposed, "territory", "service", At.AddDays(-3), "P-5 poaching", amount)]);

    [Fact]
    public void P8_1_hq_confirms_a_proposed_fine_and_the_step_records_who_when_and_why()
    {
        var fine = FineLifecycle.Confirm(Proposed(), Hq, "证据充分 / evidence sufficient");

        Assert.Equal(FineStatuses.Confirmed, fine.Status);
        Assert.Equal(new FineStep(FineStatuses.Confirmed, "HQ-1", "hq", At, "证据充分 / evidence sufficient", 8_000m), fine.History[^1]);
        Assert.Equal(2, fine.History.Count);
    }

    [Fact]
    public void P8_1_hq_adjusts_within_the_range_down_to_the_5000_floor()
    {
        var fine = FineLifecycle.Adjust(Proposed(), Hq, 5_000m, "first offence");

        Assert.Equal((FineStatuses.Adjusted, 5_000m), (fine.Status, fine.Amount));
        Assert.Equal(5_000m, fine.History[^1].Amount);
    }

    [Fact]
    public void P8_1_an_adjustment_below_the_5000_floor_is_refused_with_the_range()
    {
        var refusal = Assert.Throws<PolicyRefusalException>(() => FineLifecycle.Adjust(Proposed(), Hq, 4_999.99m, "too harsh"));

        Assert.Equal("P-8.1", refusal.RuleId);
        Assert.Equal("5000.00", refusal.Metadata["min_amount"]);
        Assert.Equal("50000.00", refusal.Metadata["max_amount"]);
        Assert.Equal("4999.99", refusal.Metadata["amount"]);
    }

    [Fact]
    public void P8_1_a_major_customer_managers_fine_is_adjusted_within_20000_to_50000_only()
    {
        var manager = Proposed(35_000m, 20_000m, 50_000m) with { Liability = Liabilities.Manager };

        Assert.Equal(50_000m, FineLifecycle.Adjust(manager, Hq, 50_000m, "lost a key account").Amount);
        Assert.Equal(20_000m, FineLifecycle.Adjust(manager, Hq, 20_000m, "cooperated").Amount);
        Assert.Throws<PolicyRefusalException>(() => FineLifecycle.Adjust(manager, Hq, 50_000.01m, "too much"));
        Assert.Throws<PolicyRefusalException>(() => FineLifecycle.Adjust(manager, Hq, 19_999m, "too little"));
    }

    [Fact]
    public void P8_a_proposed_fine_cannot_be_paid_before_hq_confirms_it()
    {
        var refusal = Assert.Throws<PolicyRefusalException>(() => FineLifecycle.Pay(Proposed(), Hq, "bank ref 1"));

        Assert.Equal("P-8", refusal.RuleId);
        Assert.Equal(FineStatuses.Proposed, refusal.Metadata["status"]);
    }

    [Fact]
    public void P8_a_confirmed_fine_is_paid_and_then_final()
    {
        var paid = FineLifecycle.Pay(FineLifecycle.Confirm(Proposed(), Hq, ""), Hq, "bank ref 1");

        Assert.Equal(FineStatuses.Paid, paid.Status);
        Assert.True(FineStatuses.IsSettled(paid.Status));
        Assert.Throws<PolicyRefusalException>(() => FineLifecycle.Appeal(paid, Seller, "late appeal"));
        Assert.Throws<PolicyRefusalException>(() => FineLifecycle.Adjust(paid, Hq, 6_000m, "after payment"));
    }

    [Fact]
    public void P8_an_appeal_upheld_leaves_the_fine_to_be_paid()
    {
        var appealed = FineLifecycle.Appeal(FineLifecycle.Confirm(Proposed(), Hq, ""), Seller, "the customer came to me");
        var upheld = FineLifecycle.DecideAppeal(appealed, Hq, upheld: true, "the filing was S2's");

        Assert.Equal(FineStatuses.Upheld, upheld.Status);
        Assert.Equal(FineStatuses.Paid, FineLifecycle.Pay(upheld, Hq, "salary deduction").Status);
        Assert.Equal([FineStatuses.Proposed, FineStatuses.Confirmed, FineStatuses.Appealed, FineStatuses.Upheld], upheld.History.Select(s => s.Status));
        Assert.Equal(("S1", "salesperson", "the customer came to me"), (appealed.History[^1].By, appealed.History[^1].Role, appealed.History[^1].Reason));
    }

    [Fact]
    public void P8_an_appeal_overturned_ends_the_fine_and_it_cannot_be_paid()
    {
        var overturned = FineLifecycle.DecideAppeal(FineLifecycle.Appeal(Proposed(), Seller, "not me"), Hq, upheld: false, "wrong seller recorded");

        Assert.Equal(FineStatuses.Overturned, overturned.Status);
        Assert.False(FineStatuses.Stands(overturned.Status));
        Assert.Throws<PolicyRefusalException>(() => FineLifecycle.Pay(overturned, Hq, "x"));
    }

    [Fact]
    public void P8_a_fine_is_appealed_once()
    {
        var upheld = FineLifecycle.DecideAppeal(FineLifecycle.Appeal(Proposed(), Seller, "not me"), Hq, upheld: true, "it was");

        var refusal = Assert.Throws<PolicyRefusalException>(() => FineLifecycle.Appeal(upheld, Seller, "again"));
        Assert.Equal("P-8", refusal.RuleId);
    }

    [Fact]
    public void P8_only_an_appealed_fine_has_an_appeal_to_decide()
    {
        Assert.Throws<PolicyRefusalException>(() => FineLifecycle.DecideAppeal(Proposed(), Hq, upheld: false, "no appeal"));
    }

    [Fact]
    public void P8_1_without_a_maximum_hq_may_adjust_to_any_amount_above_the_floor()
    {
        var uncapped = Proposed(max: null);

        Assert.Equal(250_000m, FineLifecycle.Adjust(uncapped, Hq, 250_000m, "grave").Amount);
        var refusal = Assert.Throws<PolicyRefusalException>(() => FineLifecycle.Adjust(uncapped, Hq, 4_999m, "too little"));
        Assert.Equal("", refusal.Metadata["max_amount"]);
    }

    [Fact]
    public void P8_3_a_serious_case_is_a_heavier_fine_hq_sets_beyond_any_ordinary_maximum()
    {
        var fine = FineLifecycle.DeclareSerious(Proposed(), Hq, 120_000m, "third poaching this year");

        Assert.Equal((FineStatuses.Adjusted, 120_000m, true), (fine.Status, fine.Amount, fine.Serious));
        Assert.Null(fine.MaxAmount);
        Assert.Equal(new FineStep(FineStatuses.Adjusted, "HQ-1", "hq", At, "third poaching this year", 120_000m), fine.History[^1]);
    }

    [Theory]
    [InlineData(8_000)]
    [InlineData(7_999.99)]
    public void P8_3_a_serious_cases_fine_must_exceed_what_the_fine_stands_at(decimal amount)
    {
        var refusal = Assert.Throws<PolicyRefusalException>(() => FineLifecycle.DeclareSerious(Proposed(), Hq, amount, "not heavier"));

        Assert.Equal("P-8.3", refusal.RuleId);
        Assert.Equal("8000.00", refusal.Metadata["current_amount"]);
        Assert.Equal(8_000.01m, FineLifecycle.DeclareSerious(Proposed(), Hq, 8_000.01m, "heavier by a fen").Amount);
    }

    [Fact]
    public void P8_3_an_appealed_paid_or_overturned_fine_cannot_be_made_heavier()
    {
        var appealed = FineLifecycle.Appeal(Proposed(), Seller, "not mine");
        var overturned = FineLifecycle.DecideAppeal(appealed, Hq, upheld: false, "right");
        var paid = FineLifecycle.Pay(FineLifecycle.Confirm(Proposed(), Hq, ""), Hq, "");

        foreach (var fine in new[] { appealed, overturned, paid })
        {
            Assert.Equal("P-8", Assert.Throws<PolicyRefusalException>(() => FineLifecycle.DeclareSerious(fine, Hq, 90_000m, "serious")).RuleId);
        }
    }
}
