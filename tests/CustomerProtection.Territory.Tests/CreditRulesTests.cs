using CustomerProtection.Territory.Domain;

namespace CustomerProtection.Territory.Tests;

/// <summary>P-8.2 decisions of a disputed P-4.3 credit, as a pure rule: applied once, never undone by an older one.</summary>
public sealed class CreditRulesTests
{
    private static readonly DateTimeOffset Decided = new(2026, 4, 1, 10, 0, 0, TimeSpan.FromHours(8));

    private static readonly Sale Shipped = new("ERP-1", "S2", "B-SH", "R-EAST", "uscc:91350100M000100Y43", "C1", "无锡华光电子有限公司", "P1",
        100m, 10m, 1000m, new DateOnly(2026, 3, 10), "R-EAST", false, null, "S1", "S1", [], Decided.AddDays(-20), "ERP-SAP");

    [Fact]
    public void P8_2_hqs_decision_moves_the_credit_and_keeps_whom_it_replaced()
    {
        var next = CreditRules.Decide(Shipped, "CASE-1", "S2", "S2 won the deal alone", "HQ1", Decided);

        Assert.NotNull(next);
        Assert.Equal("S2", next.CreditedTo);
        Assert.Equal(new CreditDecision("CASE-1", "S2", "S1", "S2 won the deal alone", "HQ1", Decided), next.CreditDecision);
        Assert.Equal(Shipped with { CreditedTo = "S2", CreditDecision = next.CreditDecision }, next);
    }

    [Fact]
    public void P8_2_the_same_decision_delivered_again_changes_nothing()
    {
        var once = CreditRules.Decide(Shipped, "CASE-1", "S2", "r", "HQ1", Decided)!;

        Assert.Null(CreditRules.Decide(once, "CASE-1", "S2", "r", "HQ1", Decided));
    }

    [Fact]
    public void P8_2_an_older_decision_arriving_after_a_newer_one_does_not_undo_it()
    {
        var newer = CreditRules.Decide(Shipped, "CASE-2", "S3", "second dispute", "HQ1", Decided.AddDays(5))!;

        Assert.Null(CreditRules.Decide(newer, "CASE-1", "S2", "first dispute", "HQ1", Decided));
        Assert.Equal("S3", CreditRules.Decide(newer, "CASE-3", "S3", "third", "HQ1", Decided.AddDays(5).AddSeconds(1))!.CreditedTo);
    }

    [Fact]
    public void P8_2_a_decision_confirming_the_current_credit_is_recorded_so_that_an_older_one_cannot_move_it()
    {
        var confirmed = CreditRules.Decide(Shipped, "CASE-2", "S1", "S1 developed it", "HQ1", Decided)!;

        Assert.Equal(("S1", "S1"), (confirmed.CreditedTo, confirmed.CreditDecision!.PreviousCreditedTo));
        Assert.Null(CreditRules.Decide(confirmed, "CASE-1", "S2", "older", "HQ1", Decided.AddMinutes(-1)));
    }
}
