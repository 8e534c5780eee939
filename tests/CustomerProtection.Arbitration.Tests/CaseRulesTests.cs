using CustomerProtection.Arbitration.Domain;
using CustomerProtection.Contracts.Arbitration;
using CustomerProtection.Policy;
using CustomerProtection.Policy.Errors;
using CustomerProtection.Policy.Actors;
using static CustomerProtection.Arbitration.Tests.TestData;

namespace CustomerProtection.Arbitration.Tests;

/// <summary>The P-2.4 procedure and the decision as pure functions of a case and the clock.</summary>
public sealed class CaseRulesTests
{
    private static readonly PeriodArithmetic Arithmetic = new(Calendar);
    private static readonly DateOnly Today = D("2026-03-10");

    private static DateTimeOffset At(string isoDate, int hour = 0) =>
        new(DateOnly.ParseExact(isoDate, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture).ToDateTime(new TimeOnly(hour, 0)), TimeSpan.FromHours(8));

    private static Case Auctioned(params (string Bidder, decimal Amount, string Milestone, DateTimeOffset At)[] bids)
    {
        var @case = CaseRules.Auction(OpenCase(), Manager, D("2026-03-20"), "竞拍", PolicyParameters.Defaults, Today, Start).Next;
        foreach (var (bidder, amount, milestone, at) in bids)
        {
            @case = CaseRules.PlaceBid(@case, Salesperson(bidder), amount, milestone, at).Next;
        }

        return @case;
    }

    // ---- (a) joint development ----------------------------------------------------------------------

    [Fact]
    public void P2_4a_joint_development_keeps_the_owner_adds_the_claimant_to_the_co_developers_and_closes()
    {
        var t = CaseRules.JointDevelopment(OpenCase(), Manager, ["S-CO"], "双方合作 / both develop it", Start);

        var award = Assert.Single(t.Awards);
        Assert.Equal(Owner, award.OwnerId);
        Assert.Equal(["S-CO", Objector], award.CoDeveloperIds);
        Assert.Equal(Resolutions.JointDevelopment, award.Resolution);
        Assert.True(t.Closed);
        Assert.Equal(Outcomes.JointDevelopment, t.Next.Outcome);
    }

    [Fact]
    public void P13_a_manager_of_another_branch_may_not_resolve_and_a_salesperson_neither()
    {
        Assert.Throws<ScopeDeniedException>(() => CaseRules.JointDevelopment(OpenCase(), OtherManager, [], "x", Start));
        Assert.Throws<ScopeDeniedException>(() => CaseRules.JointDevelopment(OpenCase(), Salesperson(Owner), [], "x", Start));
        Assert.True(CaseRules.JointDevelopment(OpenCase(), Hq, [], "x", Start).Closed);
    }

    [Fact]
    public void P2_4_the_resolutions_apply_to_ownership_cases_only()
    {
        var refusal = Assert.Throws<PolicyRefusalException>(() =>
            CaseRules.Auction(OpenCase(kind: CaseKinds.Encroachment), Hq, D("2026-03-20"), "x", PolicyParameters.Defaults, Today, Start));
        Assert.Equal("P-2.4", refusal.RuleId);
    }

    // ---- (b) surpassing claim -------------------------------------------------------------------------

    [Fact]
    public void P2_4b_a_surpassing_claim_posts_the_deposit_in_force_and_falls_due_after_the_date()
    {
        var parameters = PolicyParameters.Defaults with { SurpassingClaimDeposit = 8_000m };
        var t = CaseRules.SurpassingClaim(OpenCase(), Manager, Milestones.Trial, D("2026-04-10"), "超越进度", parameters, Today, Start);

        var entry = Assert.Single(t.Next.Ledger);
        Assert.Equal((Objector, LedgerKinds.Deposit, 8_000m, LedgerStatuses.Held), (entry.PersonId, entry.Kind, entry.Amount, entry.Status));
        Assert.Equal(CaseStatuses.ClaimPending, t.Next.Status);
        Assert.Equal(At("2026-04-11"), t.Next.NextDeadline);
        Assert.Empty(t.Awards);
        Assert.False(t.Closed);
    }

    [Fact]
    public void P2_4b_the_claim_date_must_be_after_today()
    {
        var error = Assert.Throws<RequestValidationException>(() =>
            CaseRules.SurpassingClaim(OpenCase(), Manager, Milestones.Deal, Today, "x", PolicyParameters.Defaults, Today, Start));
        Assert.Equal("due_on", error.Violations.Single().Field);
    }

    [Fact]
    public void P2_4b_a_met_claim_awards_the_customer_to_the_claimant_and_refunds_the_deposit()
    {
        var pending = CaseRules.SurpassingClaim(OpenCase(), Manager, Milestones.Trial, D("2026-04-10"), "x", PolicyParameters.Defaults, Today, Start).Next;

        var t = CaseRules.SettleClaim(pending, D("2026-04-02"), AllActive, At("2026-04-11", 0))!;

        var award = Assert.Single(t.Awards);
        Assert.Equal((Objector, Owner, Resolutions.SurpassingClaim), (award.OwnerId, award.PreviousOwnerId, award.Resolution));
        Assert.Equal(LedgerStatuses.Refunded, Assert.Single(t.Settled).Status);
        Assert.Equal(Outcomes.ClaimMet, t.Next.Outcome);
        Assert.Equal(Objector, t.Next.OwnerId);
    }

    [Fact]
    public void P2_4b_a_missed_claim_forfeits_the_deposit_and_ownership_stays()
    {
        var pending = CaseRules.SurpassingClaim(OpenCase(), Manager, Milestones.Deal, D("2026-04-10"), "x", PolicyParameters.Defaults, Today, Start).Next;

        var t = CaseRules.SettleClaim(pending, null, AllActive, At("2026-04-11", 3))!;

        Assert.Empty(t.Awards);
        Assert.Equal(LedgerStatuses.Forfeited, Assert.Single(t.Settled).Status);
        Assert.Equal(Outcomes.ClaimMissed, t.Next.Outcome);
        Assert.Equal(Owner, t.Next.OwnerId);
    }

    [Fact]
    public void P2_4b_nothing_is_due_until_24_00_of_the_date_and_nothing_twice()
    {
        var pending = CaseRules.SurpassingClaim(OpenCase(), Manager, Milestones.Deal, D("2026-04-10"), "x", PolicyParameters.Defaults, Today, Start).Next;

        Assert.Null(CaseRules.SettleClaim(pending, D("2026-04-10"), AllActive, At("2026-04-10", 23).AddMinutes(59)));
        var settled = CaseRules.SettleClaim(pending, null, AllActive, At("2026-04-11"))!.Next;
        Assert.Null(CaseRules.SettleClaim(settled, null, AllActive, At("2026-04-12")));
    }

    // ---- (c) auction ---------------------------------------------------------------------------------------

    [Fact]
    public void P2_4c_bids_are_posted_to_the_ledger_one_per_person_while_the_window_is_open()
    {
        var @case = Auctioned((Objector, 3_000m, Milestones.Trial, Start.AddHours(1)));

        var again = Assert.Throws<PolicyRefusalException>(() => CaseRules.PlaceBid(@case, Salesperson(Objector), 4_000m, Milestones.Deal, Start.AddHours(2)));
        Assert.Equal(RefusalCode.AlreadyExists, again.Code);
        var late = Assert.Throws<PolicyRefusalException>(() => CaseRules.PlaceBid(@case, Salesperson(Third), 4_000m, Milestones.Deal, At("2026-03-21")));
        Assert.Equal("P-2.4", late.RuleId);
        Assert.Throws<ScopeDeniedException>(() => CaseRules.PlaceBid(@case, Salesperson("S-BJ", "B-BJ"), 4_000m, Milestones.Deal, Start.AddHours(2)));
        Assert.Equal(LedgerKinds.Bid, Assert.Single(@case.Ledger).Kind);
    }

    [Fact]
    public void P2_4c_at_the_close_the_highest_bid_wins_and_ties_go_to_the_earlier_bid()
    {
        var @case = Auctioned(
            (Owner, 5_000m, Milestones.Trial, Start.AddHours(1)),
            (Objector, 9_000m, Milestones.Deal, Start.AddHours(3)),
            (Third, 9_000m, Milestones.Trial, Start.AddHours(2)));

        Assert.Null(CaseRules.CloseAuction(@case, AllActive, Arithmetic, At("2026-03-20", 23)));
        var t = CaseRules.CloseAuction(@case, AllActive, Arithmetic, At("2026-03-21", 0))!;

        Assert.Equal(Third, Assert.Single(t.Awards).OwnerId);
        Assert.Equal(CaseStatuses.AuctionCommitment, t.Next.Status);
        Assert.Equal([Third, Objector, Owner], t.Next.Auction!.Ranking.Select(id => t.Next.Ledger.Single(e => e.Id == id).PersonId));
        // 30 days counted from 2026-03-21 (start day not counted): 2026-04-20, a Monday.
        Assert.Equal(D("2026-04-20"), t.Next.Auction.CommitmentLastDay);
        Assert.Equal(At("2026-04-21"), t.Next.NextDeadline);
        Assert.Empty(t.Settled);
    }

    [Fact]
    public void P2_4c_a_winner_who_meets_the_commitment_keeps_the_customer_and_every_bid_is_refunded()
    {
        var closed = CaseRules.CloseAuction(Auctioned((Owner, 5_000m, Milestones.Trial, Start), (Objector, 9_000m, Milestones.Deal, Start.AddHours(1))), AllActive, Arithmetic, At("2026-03-21"))!.Next;

        var t = CaseRules.SettleCommitment(closed, D("2026-04-01"), AllActive, Arithmetic, At("2026-04-21"))!;

        Assert.Empty(t.Awards);
        Assert.Equal(2, t.Settled.Count);
        Assert.All(t.Next.Ledger, e => Assert.Equal(LedgerStatuses.Refunded, e.Status));
        Assert.Equal(Outcomes.AuctionWon, t.Next.Outcome);
        Assert.Equal(Objector, t.Next.OwnerId);
    }

    [Fact]
    public void P2_4c_a_winner_who_misses_the_commitment_forfeits_and_loses_the_customer_to_the_next_bidder()
    {
        var closed = CaseRules.CloseAuction(Auctioned(
            (Owner, 5_000m, Milestones.Trial, Start),
            (Objector, 9_000m, Milestones.Deal, Start.AddHours(1)),
            (Third, 7_000m, Milestones.Trial, Start.AddHours(2))), AllActive, Arithmetic, At("2026-03-21"))!.Next;

        var t = CaseRules.SettleCommitment(closed, null, AllActive, Arithmetic, At("2026-04-21", 1))!;

        var award = Assert.Single(t.Awards);
        Assert.Equal((Third, Objector), (award.OwnerId, award.PreviousOwnerId));
        var forfeited = Assert.Single(t.Settled);
        Assert.Equal((Objector, LedgerStatuses.Forfeited), (forfeited.PersonId, forfeited.Status));
        Assert.Equal(CaseStatuses.AuctionCommitment, t.Next.Status);
        // The next commitment counts from the day the first one ended: 2026-04-21 + 30 = 2026-05-21.
        Assert.Equal(D("2026-05-21"), t.Next.Auction!.CommitmentLastDay);
        Assert.False(t.Closed);
    }

    [Fact]
    public void P2_4c_when_every_bidder_missed_the_case_goes_back_to_the_branch()
    {
        var closed = CaseRules.CloseAuction(Auctioned((Objector, 9_000m, Milestones.Deal, Start)), AllActive, Arithmetic, At("2026-03-21"))!.Next;

        var t = CaseRules.SettleCommitment(closed, null, AllActive, Arithmetic, At("2026-04-21"))!;

        Assert.Empty(t.Awards);
        Assert.Equal(CaseStatuses.Open, t.Next.Status);
        Assert.Null(t.Next.NextDeadline);
        Assert.Equal([Objector], t.Next.Auction!.FailedBidderIds);
        // The branch decides (P-9.3, P-13): a decision is possible now.
        Assert.True(CaseRules.Decide(t.Next, Manager, new CaseRules.Decision(Owner, null, null, "归还原归属人", []), AllActive, At("2026-04-22")).Closed);
    }

    [Fact]
    public void P2_4c_an_auction_without_bids_goes_back_to_the_branch()
    {
        var t = CaseRules.CloseAuction(Auctioned(), AllActive, Arithmetic, At("2026-03-21"))!;

        Assert.Equal(CaseStatuses.Open, t.Next.Status);
        Assert.Empty(t.Awards);
    }

    // ---- Decision -----------------------------------------------------------------------------------------------

    [Fact]
    public void P9_3_the_branch_manager_decides_an_objection_for_the_claimant_and_the_award_names_the_previous_owner()
    {
        var t = CaseRules.Decide(OpenCase(), Manager, new CaseRules.Decision(Objector, null, null, "异议成立", []), AllActive, Start);

        var award = Assert.Single(t.Awards);
        Assert.Equal((Objector, Owner, Resolutions.Decision), (award.OwnerId, award.PreviousOwnerId, award.Resolution));
        Assert.Equal(Outcomes.Decided, t.Next.Outcome);
    }

    [Fact]
    public void P9_3_a_decision_that_keeps_the_owner_awards_nothing_but_closes_the_case()
    {
        var t = CaseRules.Decide(OpenCase(), Manager, new CaseRules.Decision(Owner, null, null, "维持", []), AllActive, Start);

        Assert.Empty(t.Awards);
        Assert.True(t.Closed);
    }

    [Fact]
    public void P4_5_encroachment_is_decided_by_hq_only()
    {
        var @case = OpenCase(kind: CaseKinds.Encroachment);

        Assert.Throws<ScopeDeniedException>(() => CaseRules.Decide(@case, Manager, new CaseRules.Decision(null, null, null, "x", []), AllActive, Start));
        var t = CaseRules.Decide(@case, Hq, new CaseRules.Decision(null, null, null, "侵占成立", ["arb:case-1:S-OWNER:P-4.5"]), AllActive, Start);
        Assert.Equal(["arb:case-1:S-OWNER:P-4.5"], t.Next.ViolationIds);
    }

    [Fact]
    public void P3_6_a_co_development_decision_replaces_the_co_developers()
    {
        var @case = OpenCase(kind: CaseKinds.CoDevelopment) with { CoDeveloperIds = ["S-CO"] };

        var t = CaseRules.Decide(@case, Manager, new CaseRules.Decision(null, [Objector], null, "同意加入", []), AllActive, Start);

        var award = Assert.Single(t.Awards);
        Assert.Equal((Owner, Owner), (award.OwnerId, award.PreviousOwnerId));
        Assert.Equal([Objector], award.CoDeveloperIds);
    }

    [Fact]
    public void P8_2_credit_is_given_in_a_performance_dispute_only_to_a_party()
    {
        var performance = OpenCase(kind: CaseKinds.Performance) with { SaleId = "SALE-1" };

        Assert.Throws<RequestValidationException>(() => CaseRules.Decide(performance, Hq, new CaseRules.Decision(null, null, Third, "x", []), AllActive, Start));
        Assert.Throws<RequestValidationException>(() => CaseRules.Decide(OpenCase(), Hq, new CaseRules.Decision(null, null, Objector, "x", []), AllActive, Start));
        Assert.Equal(Objector, CaseRules.Decide(performance, Hq, new CaseRules.Decision(null, null, Objector, "业绩归开发人", []), AllActive, Start).Next.CreditTo);
    }

    [Fact]
    public void P2_4_no_decision_while_a_claim_is_pending()
    {
        var pending = CaseRules.SurpassingClaim(OpenCase(), Manager, Milestones.Deal, D("2026-04-10"), "x", PolicyParameters.Defaults, Today, Start).Next;

        var refusal = Assert.Throws<PolicyRefusalException>(() => CaseRules.Decide(pending, Hq, new CaseRules.Decision(Owner, null, null, "x", []), AllActive, Start));
        Assert.Equal("claim_pending", refusal.Metadata["status"]);
    }

    [Fact]
    public void Only_the_claimant_withdraws_and_only_before_a_resolution()
    {
        Assert.Throws<ScopeDeniedException>(() => CaseRules.Withdraw(OpenCase(), Salesperson(Owner), "x", Start));
        Assert.Equal(Outcomes.Withdrawn, CaseRules.Withdraw(OpenCase(), Salesperson(Objector), "撤回", Start).Next.Outcome);
        var bidding = Auctioned();
        Assert.Throws<PolicyRefusalException>(() => CaseRules.Withdraw(bidding, Salesperson(Objector), "x", Start));
    }

    // ---- Opening ----------------------------------------------------------------------------------------------------

    [Fact]
    public void P2_2_only_an_announced_filing_that_still_holds_can_be_objected_to()
    {
        var refusal = Assert.Throws<PolicyRefusalException>(() => CaseRules.ObjectionKind(Salesperson(Objector), Customer(status: "pending_approval")));
        Assert.Equal("P-2.2", refusal.RuleId);
        Assert.Throws<RequestValidationException>(() => CaseRules.ObjectionKind(Salesperson(Owner), Customer()));
        Assert.Throws<ScopeDeniedException>(() => CaseRules.ObjectionKind(Secretary, Customer()));
        Assert.Equal(CaseKinds.Objection, CaseRules.ObjectionKind(Salesperson(Objector), Customer()));
    }

    [Fact]
    public void P2_3_the_previous_owner_objecting_to_the_new_filing_opens_a_lapsed_claim()
    {
        Assert.Equal(CaseKinds.LapsedClaim, CaseRules.ObjectionKind(Salesperson(Objector), Customer(previousOwner: Objector)));
    }

    [Fact]
    public void P3_6_a_co_development_dispute_involves_the_owner_or_a_co_developer()
    {
        var refusal = Assert.Throws<PolicyRefusalException>(() => CaseRules.EnsureCoDevelopmentParties(Customer(coDevelopers: "S-CO"), Objector, Third));
        Assert.Equal("P-3.6", refusal.RuleId);
        CaseRules.EnsureCoDevelopmentParties(Customer(coDevelopers: "S-CO"), Objector, "S-CO");
    }
}
