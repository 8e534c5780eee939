using CustomerProtection.Territory.Domain;

namespace CustomerProtection.Territory.Tests;

/// <summary>The sales rules as pure functions: P-3.6, P-3.7, P-4.1, P-4.2, P-4.3, P-4.4, P-5.</summary>
public sealed class SaleRulesTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 10, 10, 0, 0, TimeSpan.FromHours(8));
    private static readonly DateOnly Today = new(2026, 3, 10);
    private const string Key = "uscc:91350100M000100Y43";

    private static OwnershipFacts Protected(string owner, params string[] coDevelopers) =>
        new(true, "C1", Key, "无锡华光电子有限公司", owner, "B-SH", "R-EAST", "prospect", OwnershipStatuses.Protected,
            new DateOnly(2026, 3, 1), new DateOnly(2026, 3, 31), true, coDevelopers, null, null);

    private static OwnershipFacts Lapsed(string formerOwner) =>
        new(true, "C1", Key, "无锡华光电子有限公司", null, null, null, "formal", OwnershipStatuses.Lapsed,
            new DateOnly(2025, 6, 1), new DateOnly(2026, 2, 28), false, [], formerOwner, new DateOnly(2026, 3, 1));

    private static SaleQuestion Sale(string seller = "S1", decimal price = 100m, string region = "R-EAST", bool agent = false, DateOnly? day = null) =>
        new(seller, "R-EAST", Key, "P1", price, region, agent, day ?? Today);

    private static SaleFacts Facts(OwnershipFacts ownership, CrossRegionFiling? approved = null, AskingPriceVersion? asking = null,
        PriorSale? previous = null, GroupFacts? group = null, PriceApproval? approval = null) =>
        new(ownership, Now, approved, null, asking, previous, group, approval);

    private static CrossRegionFiling ApprovedFiling() =>
        new("F1", "S1", "B-SH", "R-EAST", "R-WEST", Key, "无锡华光电子有限公司", null, null,
            Now.AddDays(-3), Now.AddDays(-2), FilingStatuses.Approved, null, "HQ1", "hq", Now.AddDays(-3).AddHours(2), null);

    private static PriceApproval Approved(decimal final) =>
        new("A1", "S1", Key, "P1", "R-WEST", final, 120m, "P-4.2", null, ApprovalStatuses.Approved, final, null, "HQ1", Now.AddDays(-1), Now.AddDays(-1), Today.AddDays(-1), null);

    [Fact]
    public void P3_6_selling_to_another_salespersons_protected_customer_is_forbidden_naming_the_owner_and_the_last_day()
    {
        var verdict = SaleRules.Evaluate(Sale("S2"), Facts(Protected("S1")));

        Assert.Equal(SaleDecision.Forbidden, verdict.Decision);
        var finding = Assert.Single(verdict.Findings);
        Assert.Equal("P-3.6", finding.RuleId);
        Assert.Equal("S1", finding.Metadata["owner_id"]);
        Assert.Equal("2026-03-31", finding.Metadata["last_protected_day"]);
        Assert.Equal("S1", finding.InjuredEmployeeId);
    }

    [Fact]
    public void P3_6_the_owner_and_a_consented_co_developer_may_sell_every_product_line()
    {
        Assert.Equal(SaleDecision.Allowed, SaleRules.Evaluate(Sale("S1"), Facts(Protected("S1"))).Decision);
        Assert.Equal(SaleDecision.Allowed, SaleRules.Evaluate(Sale("S2") with { ProductCode = "P9" }, Facts(Protected("S1", "S2"))).Decision);
    }

    [Fact]
    public void P5_selling_to_another_salespersons_protected_customer_is_one_P5_violation_with_the_owner_injured()
    {
        var breaches = SaleRules.Breaches(SaleRules.Evaluate(Sale("S2"), Facts(Protected("S1"))));

        var p5 = Assert.Single(breaches);
        Assert.Equal("P-5", p5.RuleId);
        Assert.Equal(ViolationKinds.Poaching, p5.Kind);
        Assert.Equal("S1", p5.InjuredEmployeeId);
    }

    [Fact]
    public void P5_poaching_through_an_agent_is_one_P5_violation_of_kind_through_agent_not_two()
    {
        var verdict = SaleRules.Evaluate(Sale("S2", agent: true), Facts(Protected("S1")));
        var breaches = SaleRules.Breaches(verdict);

        Assert.Equal(["P-3.6", "P-5"], verdict.Findings.Select(f => f.RuleId).Order());
        var p5 = Assert.Single(breaches);
        Assert.Equal(ViolationKinds.ThroughAgent, p5.Kind);
        Assert.Equal("S1", p5.InjuredEmployeeId);
    }

    [Fact]
    public void P5_even_the_owner_may_not_sell_to_a_protected_customer_through_a_middleman()
    {
        var verdict = SaleRules.Evaluate(Sale("S1", agent: true), Facts(Protected("S1")));

        Assert.Equal(SaleDecision.Forbidden, verdict.Decision);
        var p5 = Assert.Single(SaleRules.Breaches(verdict));
        Assert.Equal("P-5", p5.RuleId);
        Assert.Null(p5.InjuredEmployeeId);
    }

    [Fact]
    public void P5_an_agent_sale_to_an_unprotected_customer_breaks_no_rule()
    {
        Assert.Equal(SaleDecision.Allowed, SaleRules.Evaluate(Sale("S2", agent: true), Facts(OwnershipFacts.NotFound(Key))).Decision);
    }

    [Fact]
    public void P5_a_shipment_posted_late_is_judged_on_its_shipping_day_when_the_customer_was_protected()
    {
        // Registration says "not protected now" (lapsed on 03-01) but the goods left on 02-20, inside the protection.
        var lapsedSince = Lapsed("S1");
        var verdict = SaleRules.Evaluate(Sale("S2", day: new DateOnly(2026, 2, 20)), Facts(lapsedSince));

        Assert.Equal("S1", verdict.Protector);
        Assert.Equal("P-5", Assert.Single(SaleRules.Breaches(verdict)).RuleId);
    }

    [Fact]
    public void P4_1_selling_outside_ones_region_without_an_approved_filing_needs_approval_and_says_what_is_missing()
    {
        var verdict = SaleRules.Evaluate(Sale(region: "R-WEST"), Facts(OwnershipFacts.NotFound(Key)));

        Assert.Equal(SaleDecision.NeedsApproval, verdict.Decision);
        var finding = Assert.Single(verdict.Findings);
        Assert.Equal("P-4.1", finding.RuleId);
        Assert.Equal("cross_region_request", finding.Metadata["missing_approval"]);
        Assert.Equal("R-WEST", finding.Metadata["target_region_id"]);
        Assert.Equal("R-EAST", finding.Metadata["seller_region_id"]);
    }

    [Fact]
    public void P4_1_an_approved_cross_region_filing_allows_the_sale_and_is_named_in_the_verdict()
    {
        var verdict = SaleRules.Evaluate(Sale(region: "R-WEST"), Facts(OwnershipFacts.NotFound(Key), approved: ApprovedFiling()));

        Assert.Equal(SaleDecision.Allowed, verdict.Decision);
        Assert.Equal("F1", verdict.Filing!.Id);
    }

    [Theory]
    [InlineData("120.00", SaleDecision.Allowed)]
    [InlineData("119.99", SaleDecision.NeedsApproval)]
    public void P4_2_the_target_regions_asking_price_is_a_floor_at_which_selling_is_allowed_and_one_fen_below_is_not(string price, SaleDecision expected)
    {
        var asking = new AskingPriceVersion(new DateOnly(2026, 1, 1), 120m, "HQ1", Now.AddDays(-60));
        var verdict = SaleRules.Evaluate(Sale(price: decimal.Parse(price, System.Globalization.CultureInfo.InvariantCulture), region: "R-WEST"),
            Facts(OwnershipFacts.NotFound(Key), approved: ApprovedFiling(), asking: asking));

        Assert.Equal(expected, verdict.Decision);
        Assert.Equal(120m, verdict.Floor);
        if (expected == SaleDecision.NeedsApproval)
        {
            var finding = Assert.Single(verdict.Findings);
            Assert.Equal("P-4.2", finding.RuleId);
            Assert.Equal("120.00", finding.Metadata["floor_price"]);
            Assert.Equal("0.01", finding.Metadata["shortfall"]);
        }
    }

    [Fact]
    public void P4_2_the_asking_price_binds_cross_region_sales_only()
    {
        var asking = new AskingPriceVersion(new DateOnly(2026, 1, 1), 120m, "HQ1", Now.AddDays(-60));
        Assert.Equal(SaleDecision.Allowed, SaleRules.Evaluate(Sale(price: 50m), Facts(OwnershipFacts.NotFound(Key), asking: asking)).Decision);
    }

    [Theory]
    [InlineData("90.00", SaleDecision.Allowed)]
    [InlineData("89.99", SaleDecision.NeedsApproval)]
    public void P3_7_after_protection_lapsed_another_salesperson_may_sell_at_the_previous_price_but_not_one_fen_below(string price, SaleDecision expected)
    {
        var previous = new PriorSale("OLD-1", 90m, "S1", new DateOnly(2026, 2, 10), Key);
        var verdict = SaleRules.Evaluate(Sale("S2", decimal.Parse(price, System.Globalization.CultureInfo.InvariantCulture)), Facts(Lapsed("S1"), previous: previous));

        Assert.Equal(expected, verdict.Decision);
        if (expected == SaleDecision.NeedsApproval)
        {
            var finding = Assert.Single(verdict.Findings);
            Assert.Equal("P-3.7", finding.RuleId);
            Assert.Equal("90.00", finding.Metadata["floor_price"]);
            Assert.Equal("OLD-1", finding.Metadata["previous_sale_id"]);
            Assert.Equal("previous_sale", finding.Metadata["floor_source"]);
        }
    }

    [Fact]
    public void P3_7_the_former_owner_is_not_held_to_their_own_previous_price()
    {
        var previous = new PriorSale("OLD-1", 90m, "S9", new DateOnly(2026, 2, 10), Key);
        Assert.Equal(SaleDecision.Allowed, SaleRules.Evaluate(Sale("S1", 10m), Facts(Lapsed("S1"), previous: previous)).Decision);
    }

    [Fact]
    public void P3_7_a_customer_that_never_lapsed_has_no_previous_price_floor()
    {
        var previous = new PriorSale("OLD-1", 90m, "S9", new DateOnly(2026, 2, 10), Key);
        Assert.Equal(SaleDecision.Allowed, SaleRules.Evaluate(Sale("S1", 10m), Facts(Protected("S1"), previous: previous)).Decision);
    }

    [Fact]
    public void P3_7_an_hq_approved_final_price_lets_the_sale_below_the_floor_at_that_price_but_not_below_it()
    {
        var previous = new PriorSale("OLD-1", 90m, "S1", new DateOnly(2026, 2, 10), Key);
        var approval = Approved(80m) with { SellerId = "S2" };

        Assert.Equal(SaleDecision.Allowed, SaleRules.Evaluate(Sale("S2", 80m), Facts(Lapsed("S1"), previous: previous, approval: approval)).Decision);
        var below = SaleRules.Evaluate(Sale("S2", 79.99m), Facts(Lapsed("S1"), previous: previous, approval: approval));
        Assert.Equal(SaleDecision.NeedsApproval, below.Decision);
        Assert.Equal("80.00", below.Findings.Single().Metadata["approved_price"]);
    }

    [Fact]
    public void P3_7_an_approval_decided_after_the_shipping_day_does_not_cover_the_earlier_shipment()
    {
        var previous = new PriorSale("OLD-1", 90m, "S1", new DateOnly(2026, 2, 10), Key);
        var approval = Approved(80m) with { SellerId = "S2", DecidedOn = Today.AddDays(1) };

        Assert.Equal(SaleDecision.NeedsApproval, SaleRules.Evaluate(Sale("S2", 85m), Facts(Lapsed("S1"), previous: previous, approval: approval)).Decision);
    }

    private const string Parent = "uscc:91110000600037341L";

    /// <summary>The group's parent: a formal customer protected by S9 of <paramref name="region"/>.</summary>
    private static OwnershipFacts FormalParent(string region = "R-WEST", string stage = OwnershipStages.Formal) =>
        new(true, "C9", Parent, "华光集团有限公司", "S9", "B-CD", region, stage, OwnershipStatuses.Protected,
            new DateOnly(2025, 6, 1), new DateOnly(2026, 12, 31), true, [], null, null);

    private static GroupFacts Group(OwnershipFacts? parent, CrossRegionFiling? filing = null, PriorSale? previous = null) =>
        new(Parent, parent, filing, null, previous);

    [Fact]
    public void P4_4_selling_to_a_subsidiary_whose_groups_formal_customer_is_owned_in_another_region_needs_the_sellers_filing_into_that_region()
    {
        var verdict = SaleRules.Evaluate(Sale("S1", 100m, region: "R-EAST"), Facts(OwnershipFacts.NotFound(Key), group: Group(FormalParent())));

        Assert.Equal(SaleDecision.NeedsApproval, verdict.Decision);
        var finding = Assert.Single(verdict.Findings);
        Assert.Equal(("P-4.4", ViolationKinds.CrossRegionUnapproved), (finding.RuleId, finding.Kind));
        Assert.Equal("R-WEST", finding.Metadata["group_region_id"]);
        Assert.Equal(Parent, finding.Metadata["group_parent_identity_key"]);
        Assert.Equal("cross_region_request", finding.Metadata["missing_approval"]);
    }

    [Theory]
    [InlineData("R-EAST", OwnershipStages.Formal)]   // the group's customer is in the seller's own region
    [InlineData("R-WEST", "prospect")]              // the group has no formal customer
    public void P4_4_no_new_filing_when_the_groups_customer_is_not_a_formal_customer_of_another_region(string parentRegion, string stage)
    {
        var verdict = SaleRules.Evaluate(Sale("S1", 100m, region: "R-EAST"), Facts(OwnershipFacts.NotFound(Key), group: Group(FormalParent(parentRegion, stage))));

        Assert.Equal(SaleDecision.Allowed, verdict.Decision);
    }

    [Fact]
    public void P4_4_P3_7_with_its_filing_the_subsidiary_is_held_to_the_groups_previous_price_at_it_allowed_one_fen_below_not()
    {
        var groupSale = new PriorSale("G-1", 95m, "S7", new DateOnly(2026, 1, 5), Parent);
        var group = Group(FormalParent(), ApprovedFiling() with { TargetRegionId = "R-WEST" }, groupSale);

        Assert.Equal(SaleDecision.Allowed, SaleRules.Evaluate(Sale(price: 95m), Facts(OwnershipFacts.NotFound(Key), group: group)).Decision);
        var below = SaleRules.Evaluate(Sale(price: 94.99m), Facts(OwnershipFacts.NotFound(Key), group: group));
        var finding = Assert.Single(below.Findings);
        Assert.Equal("P-3.7", finding.RuleId);
        Assert.Equal("group", finding.Metadata["floor_source"]);
        Assert.Equal("95.00", finding.Metadata["floor_price"]);
        Assert.Equal("F1", below.Filing!.Id);
    }

    [Fact]
    public void P4_4_P3_7_an_hq_approved_lower_price_covers_a_sale_below_the_groups_previous_price()
    {
        var group = Group(FormalParent(), ApprovedFiling(), new PriorSale("G-1", 95m, "S7", new DateOnly(2026, 1, 5), Parent));

        Assert.Equal(SaleDecision.Allowed, SaleRules.Evaluate(Sale(price: 90m), Facts(OwnershipFacts.NotFound(Key), group: group, approval: Approved(90m))).Decision);
        Assert.Equal(SaleDecision.NeedsApproval, SaleRules.Evaluate(Sale(price: 89.99m), Facts(OwnershipFacts.NotFound(Key), group: group, approval: Approved(90m))).Decision);
    }

    [Fact]
    public void P4_4_the_groups_owner_selling_to_a_subsidiary_in_another_region_needs_a_filing_there_and_is_held_to_the_groups_price()
    {
        var groupSale = new PriorSale("G-1", 95m, "S7", new DateOnly(2026, 1, 5), Parent);
        var ownersRegion = FormalParent(region: "R-EAST");

        var unfiled = SaleRules.Evaluate(Sale(price: 95m, region: "R-WEST"), Facts(OwnershipFacts.NotFound(Key), group: Group(ownersRegion, previous: groupSale)));
        Assert.Equal("P-4.1", Assert.Single(unfiled.Findings).RuleId);
        var below = SaleRules.Evaluate(Sale(price: 94.99m, region: "R-WEST"),
            Facts(OwnershipFacts.NotFound(Key), approved: ApprovedFiling(), group: Group(ownersRegion, previous: groupSale)));
        Assert.Equal(("P-3.7", "group"), Assert.Single(below.Findings) is var f ? (f.RuleId, f.Metadata["floor_source"]) : default);
        Assert.Equal(SaleDecision.Allowed, SaleRules.Evaluate(Sale(price: 95m, region: "R-WEST"),
            Facts(OwnershipFacts.NotFound(Key), approved: ApprovedFiling(), group: Group(ownersRegion, previous: groupSale))).Decision);
    }

    [Fact]
    public void P3_7_P4_4_after_a_lapse_a_group_members_previous_price_is_the_groups_latest_sale_to_any_member()
    {
        var toAnotherMember = new PriorSale("G-2", 130m, "S7", new DateOnly(2026, 3, 1), Parent);
        var verdict = SaleRules.Evaluate(Sale("S2", 120m), Facts(Lapsed("S1"), group: Group(null, previous: toAnotherMember)));

        var finding = Assert.Single(verdict.Findings);
        Assert.Equal(("P-3.7", "group", "130.00"), (finding.RuleId, finding.Metadata["floor_source"], finding.Metadata["floor_price"]));
    }

    [Fact]
    public void Each_rule_broken_by_one_shipment_is_its_own_violation_with_its_own_rule_id()
    {
        var asking = new AskingPriceVersion(new DateOnly(2026, 1, 1), 120m, "HQ1", Now.AddDays(-60));
        var previous = new PriorSale("OLD-1", 150m, "S1", new DateOnly(2026, 2, 10), Key);
        var verdict = SaleRules.Evaluate(Sale("S2", 100m, region: "R-WEST"), Facts(Lapsed("S1"), asking: asking, previous: previous));

        Assert.Equal(["P-3.7", "P-4.1", "P-4.2"], SaleRules.Breaches(verdict).Select(b => b.RuleId).Order());
        Assert.Equal(150m, verdict.Floor);
    }

    [Fact]
    public void P4_3_the_credit_goes_to_the_customers_developer_not_the_seller()
    {
        var question = Sale("S2", region: "R-WEST");
        Assert.Equal("S1", SaleRules.CreditTo(question, SaleRules.Evaluate(question, Facts(Protected("S1", "S2"))).Protector));
        Assert.Equal("S2", SaleRules.CreditTo(question, SaleRules.Evaluate(question, Facts(OwnershipFacts.NotFound(Key))).Protector));
    }

    [Fact]
    public void Violation_ids_are_derived_from_the_sale_and_the_rule_so_a_retry_yields_the_same_id()
    {
        Assert.Equal(Violation.IdFor("ERP-1", "P-5"), Violation.IdFor("ERP-1", "P-5"));
        Assert.NotEqual(Violation.IdFor("ERP-1", "P-5"), Violation.IdFor("ERP-1", "P-4.1"));
        Assert.NotEqual(Violation.IdFor("ERP-1", "P-5"), Violation.IdFor("ERP-2", "P-5"));
    }
}
