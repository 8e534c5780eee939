using CustomerProtection.Arbitration.Clients;
using CustomerProtection.Arbitration.Domain;
using CustomerProtection.Arbitration.Grpc;
using CustomerProtection.Protos;
using CustomerProtection.Contracts.Arbitration;
using CustomerProtection.Policy;
using CustomerProtection.Policy.Errors;
using CustomerProtection.Storage;
using static CustomerProtection.Arbitration.Tests.TestData;

namespace CustomerProtection.Arbitration.Tests;

/// <summary>
/// Issue 18 as pure rules: the objection window opens for filings only (P-2.2, P-13), a customer is
/// given only to someone active (C-9, P-12), and an award Registration refused is put back on the case.
/// </summary>
public sealed class OwnershipRulesTests
{
    private static readonly PeriodArithmetic Arithmetic = new(Calendar);
    private static readonly DateOnly Today = D("2026-03-10");

    private static DateTimeOffset At(string isoDate, int hour = 0) => new(D(isoDate).ToDateTime(new TimeOnly(hour, 0)), TimeSpan.FromHours(8));

    private static Case Auctioned(params (string Bidder, decimal Amount)[] bids)
    {
        var @case = CaseRules.Auction(OpenCase(), Manager, D("2026-03-20"), "竞拍", PolicyParameters.Defaults, Today, Start).Next;
        var at = Start;
        foreach (var (bidder, amount) in bids)
        {
            at = at.AddHours(1);
            @case = CaseRules.PlaceBid(@case, Salesperson(bidder), amount, Milestones.Deal, at).Next;
        }

        return @case;
    }

    private static string Person(Case @case, string entryId) => @case.Ledger.Single(e => e.Id == entryId).PersonId;

    private static LedgerEntry BidOf(Case @case, string person) => @case.Ledger.Single(e => e.Kind == LedgerKinds.Bid && e.PersonId == person);

    private static AwardRefusal Refusal(Award award, string ruleId = "X-1") =>
        new(award.OwnerId, ruleId, "已达保有量上限 / at the holding cap", new Dictionary<string, string> { ["cap"] = "200", ["count"] = "200" },
            award.DecidedAt, award.DecidedAt.AddSeconds(1), award.DecidedAt.AddSeconds(2));

    // ---- P-2.2, P-13: the objection window opens for filings only ----------------------------------------

    [Fact]
    public void P13_an_objection_to_a_reallocated_awarded_or_imported_customer_is_refused_with_its_status()
    {
        var refusal = Assert.Throws<PolicyRefusalException>(() => CaseRules.ObjectionKind(Salesperson(Objector), Customer(announced: false)));

        Assert.Equal("P-13", refusal.RuleId);
        Assert.Equal(RefusalCode.FailedPrecondition, refusal.Code);
        Assert.Equal(("cust1", "protected"), (refusal.Metadata["customer_id"], refusal.Metadata["status"]));
        // The previous owner's P-2.3 objection is no different: a reallocation is final.
        Assert.Equal("P-13", Assert.Throws<PolicyRefusalException>(() => CaseRules.ObjectionKind(Salesperson(Objector), Customer(previousOwner: Objector, announced: false))).RuleId);
    }

    [Fact]
    public void P2_2_a_customer_whose_protection_does_not_hold_is_refused_under_P2_2_not_P13()
    {
        Assert.Equal("P-2.2", Assert.Throws<PolicyRefusalException>(() => CaseRules.ObjectionKind(Salesperson(Objector), Customer(status: "lapsed", announced: false))).RuleId);
        Assert.Equal("P-2.2", Assert.Throws<PolicyRefusalException>(() => CaseRules.ObjectionKind(Salesperson(Objector), Customer(status: "pool", owner: null, announced: false))).RuleId);
        Assert.Equal(CaseKinds.Objection, CaseRules.ObjectionKind(Salesperson(Objector), Customer()));
    }

    [Fact]
    public void P13_the_window_end_Registration_announces_is_read_and_an_absent_one_means_not_announced()
    {
        var view = new Registration.V1.CustomerView
        {
            CustomerId = "cust1", IdentityKey = "uscc:cust1", InvoiceTitle = "客户", BranchId = Branch, OwnerId = Owner, Status = Registration.V1.CustomerStatus.Protected,
            ProtectedNow = true, ApprovedOn = D("2026-03-10").ToProtoDate(), ObjectionWindowEnds = D("2026-03-13").ToProtoDate(),
        };

        Assert.Equal(D("2026-03-13"), RegistrationReader.Map(view).ObjectionWindowEnds);
        Assert.True(RegistrationReader.Map(view).IsAnnounced);
        view.ObjectionWindowEnds = null;
        Assert.Null(RegistrationReader.Map(view).ObjectionWindowEnds);
        Assert.False(RegistrationReader.Map(view).IsAnnounced);
    }

    // ---- C-9, P-12: only someone active is given the customer ----------------------------------------------

    [Theory]
    [InlineData("left")]
    [InlineData("on_leave")]
    [InlineData("terminated")]
    [InlineData(PersonStatuses.Unknown)]
    public void C9_a_decision_awarding_someone_not_active_is_refused_with_the_status(string status)
    {
        var refusal = Assert.Throws<PolicyRefusalException>(() =>
            CaseRules.Decide(OpenCase(), Manager, new CaseRules.Decision(Objector, null, null, "异议成立", []), ActiveBut((Objector, status)), Start));

        Assert.Equal("C-9", refusal.RuleId);
        Assert.Equal((Objector, status), (refusal.Metadata["employee_id"], refusal.Metadata["status"]));
    }

    [Fact]
    public void C9_a_decision_that_keeps_the_owner_makes_nobody_new_the_owner_and_is_not_checked()
    {
        var t = CaseRules.Decide(OpenCase(), Manager, new CaseRules.Decision(Owner, null, null, "维持", []), HolderStatuses.None, Start);

        Assert.True(t.Closed);
        Assert.Empty(t.Awards);
    }

    [Fact]
    public void C9_a_highest_bidder_who_left_before_the_close_is_passed_over_and_refunded()
    {
        var @case = Auctioned((Owner, 5_000m), (Objector, 9_000m), (Third, 7_000m));

        var t = CaseRules.CloseAuction(@case, ActiveBut((Objector, "left")), Arithmetic, At("2026-03-21"))!;

        Assert.Equal(Third, Assert.Single(t.Awards).OwnerId);
        Assert.Equal([Objector, Third, Owner], t.Next.Auction!.Ranking.Select(id => Person(t.Next, id)));
        Assert.Equal([Objector], t.Next.Auction.SkippedBidderIds);
        var refunded = Assert.Single(t.Settled);
        Assert.Equal((Objector, LedgerStatuses.Refunded), (refunded.PersonId, refunded.Status));
        Assert.Contains("C-9", t.Awards[0].Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void C9_when_no_bidder_is_active_at_the_close_the_case_goes_back_to_the_branch_with_the_bids_refunded()
    {
        var @case = Auctioned((Objector, 9_000m), (Third, 7_000m));

        var t = CaseRules.CloseAuction(@case, ActiveBut((Objector, "left"), (Third, "on_leave")), Arithmetic, At("2026-03-21"))!;

        Assert.Equal(CaseStatuses.Open, t.Next.Status);
        Assert.Empty(t.Awards);
        Assert.Equal(2, t.Settled.Count);
        Assert.All(t.Next.Ledger, e => Assert.Equal(LedgerStatuses.Refunded, e.Status));
        Assert.Null(t.Next.NextDeadline);
    }

    [Fact]
    public void P2_4c_runner_up_who_left_is_skipped()
    {
        var closed = CaseRules.CloseAuction(Auctioned((Owner, 5_000m), (Objector, 9_000m), (Third, 7_000m)), AllActive, Arithmetic, At("2026-03-21"))!.Next;

        // Objector held the customer and missed; Third, next in line, has left since: Owner is next.
        var t = CaseRules.SettleCommitment(closed, null, ActiveBut((Third, "left")), Arithmetic, At("2026-04-21"))!;

        var award = Assert.Single(t.Awards);
        Assert.Equal((Owner, Objector), (award.OwnerId, award.PreviousOwnerId));
        Assert.Equal(Owner, t.Next.Auction!.HolderId);
        Assert.Equal([Objector], t.Next.Auction.FailedBidderIds);
        Assert.Equal([Third], t.Next.Auction.SkippedBidderIds);
        Assert.Equal(LedgerStatuses.Forfeited, BidOf(t.Next, Objector).Status);
        Assert.Equal(LedgerStatuses.Refunded, BidOf(t.Next, Third).Status);
        Assert.Equal(LedgerStatuses.Held, BidOf(t.Next, Owner).Status);
        Assert.Equal([Objector, Third], t.Settled.Select(e => e.PersonId));
    }

    [Fact]
    public void P2_4c_when_every_runner_up_has_left_the_case_goes_back_to_the_branch()
    {
        var closed = CaseRules.CloseAuction(Auctioned((Objector, 9_000m), (Third, 7_000m)), AllActive, Arithmetic, At("2026-03-21"))!.Next;

        var t = CaseRules.SettleCommitment(closed, null, ActiveBut((Third, "left")), Arithmetic, At("2026-04-21"))!;

        Assert.Empty(t.Awards);
        Assert.Equal(CaseStatuses.Open, t.Next.Status);
        Assert.Null(t.Next.Auction!.HolderId);
        Assert.Equal([Third], t.Next.Auction.SkippedBidderIds);
        Assert.DoesNotContain(t.Next.Ledger, e => e.Status == LedgerStatuses.Held);
        Assert.False(t.Closed);
    }

    [Fact]
    public void C9_a_met_claim_of_a_claimant_who_left_refunds_the_deposit_and_goes_back_to_the_branch()
    {
        var pending = CaseRules.SurpassingClaim(OpenCase(), Manager, Milestones.Trial, D("2026-04-10"), "x", PolicyParameters.Defaults, Today, Start).Next;

        var t = CaseRules.SettleClaim(pending, D("2026-04-02"), ActiveBut((Objector, "left")), At("2026-04-11"))!;

        Assert.Empty(t.Awards);
        Assert.Equal(LedgerStatuses.Refunded, Assert.Single(t.Settled).Status);
        Assert.Equal((CaseStatuses.Open, Owner), (t.Next.Status, t.Next.OwnerId));
        Assert.False(t.Closed);
        Assert.Contains("C-9", t.Next.OutcomeReason, StringComparison.Ordinal);
    }

    // ---- An award Registration refused ------------------------------------------------------------------------

    [Fact]
    public void X1_a_refused_decision_reopens_the_case_with_the_owner_and_co_developers_as_before()
    {
        var decided = CaseRules.Decide(OpenCase() with { CoDeveloperIds = ["S-CO", Objector] }, Manager,
            new CaseRules.Decision(Objector, null, null, "异议成立", []), AllActive, Start).Next;
        var refusal = Refusal(decided.Awards[^1]);

        var t = CaseRules.AwardRefused(decided, refusal, customerFree: true, HolderStatuses.None, Arithmetic, Today, Start.AddMinutes(1))!;

        Assert.Equal((CaseStatuses.Open, Owner), (t.Next.Status, t.Next.OwnerId));
        Assert.Equal(["S-CO", Objector], t.Next.CoDeveloperIds);
        Assert.Null(t.Next.Outcome);
        Assert.Null(t.Next.ClosedAt);
        Assert.Equal(Start.AddMinutes(1), t.ReopenedAt);
        Assert.False(t.Closed);
        Assert.Empty(t.Awards);
        var recorded = Assert.Single(t.Next.AwardRefusals);
        Assert.Equal(("X-1", AwardRefusalEffects.Reopened, "200"), (recorded.RuleId, recorded.Effect, recorded.Details["cap"]));
        // The decider decides again; the same refusal again changes nothing.
        Assert.True(CaseRules.Decide(t.Next, Manager, new CaseRules.Decision(Owner, null, null, "维持原归属", []), AllActive, Start.AddMinutes(2)).Closed);
        Assert.Null(CaseRules.AwardRefused(t.Next, refusal, customerFree: true, HolderStatuses.None, Arithmetic, Today, Start.AddMinutes(3)));
    }

    [Fact]
    public void X1_a_refused_auction_holder_is_refunded_and_the_next_active_bidder_takes_the_customer_from_today()
    {
        var closed = CaseRules.CloseAuction(Auctioned((Owner, 5_000m), (Objector, 9_000m), (Third, 7_000m)), AllActive, Arithmetic, At("2026-03-21"))!.Next;

        var t = CaseRules.AwardRefused(closed, Refusal(closed.Awards[^1]), customerFree: false, ActiveBut((Third, "left")), Arithmetic, D("2026-03-23"), At("2026-03-23", 9))!;

        // Third has left: skipped too. Owner, the last in line, takes the customer back by the auction.
        var award = Assert.Single(t.Awards);
        Assert.Equal((Owner, Owner), (award.OwnerId, award.PreviousOwnerId));
        Assert.Equal(CaseStatuses.AuctionCommitment, t.Next.Status);
        Assert.Equal([Objector, Third], t.Next.Auction!.SkippedBidderIds);
        Assert.Equal((D("2026-03-23"), D("2026-04-22")), (t.Next.Auction.CommitmentStartsOn!.Value, t.Next.Auction.CommitmentLastDay!.Value));
        Assert.Equal(LedgerStatuses.Refunded, BidOf(t.Next, Objector).Status);
        Assert.Equal([Objector, Third], t.Settled.Select(e => e.PersonId));
        Assert.Equal(AwardRefusalEffects.NextBidder, Assert.Single(t.Next.AwardRefusals).Effect);
        Assert.Null(t.ReopenedAt);
    }

    [Fact]
    public void P2_5_a_refusal_about_the_customer_ends_the_auction_refunds_every_bid_and_returns_it_to_the_branch()
    {
        var closed = CaseRules.CloseAuction(Auctioned((Owner, 5_000m), (Objector, 9_000m)), AllActive, Arithmetic, At("2026-03-21"))!.Next;

        var t = CaseRules.AwardRefused(closed, Refusal(closed.Awards[^1], "P-2.5"), customerFree: false, AllActive, Arithmetic, D("2026-03-23"), At("2026-03-23", 9))!;

        Assert.Empty(t.Awards);
        Assert.Equal((CaseStatuses.Open, Owner), (t.Next.Status, t.Next.OwnerId));
        Assert.All(t.Next.Ledger, e => Assert.Equal(LedgerStatuses.Refunded, e.Status));
        Assert.Equal(AwardRefusalEffects.ReturnedToBranch, Assert.Single(t.Next.AwardRefusals).Effect);
        Assert.Null(t.Next.NextDeadline);
    }

    [Fact]
    public void A_refusal_of_an_award_a_later_step_replaced_is_only_recorded()
    {
        var closed = CaseRules.CloseAuction(Auctioned((Owner, 5_000m), (Objector, 9_000m), (Third, 7_000m)), AllActive, Arithmetic, At("2026-03-21"))!.Next;
        var first = closed.Awards[^1];
        var later = CaseRules.SettleCommitment(closed, null, AllActive, Arithmetic, At("2026-04-21"))!.Next;

        var t = CaseRules.AwardRefused(later, Refusal(first), customerFree: false, AllActive, Arithmetic, D("2026-04-21"), At("2026-04-21", 9))!;

        Assert.Equal(later with { AwardRefusals = t.Next.AwardRefusals }, t.Next);
        Assert.Equal(AwardRefusalEffects.RecordedOnly, Assert.Single(t.Next.AwardRefusals).Effect);
        Assert.Empty(t.Awards);
        Assert.Empty(t.Settled);
    }

    [Fact]
    public void A_closed_case_is_not_reopened_while_another_case_disputes_the_customer()
    {
        var decided = CaseRules.Decide(OpenCase(), Manager, new CaseRules.Decision(Objector, null, null, "异议成立", []), AllActive, Start).Next;

        var t = CaseRules.AwardRefused(decided, Refusal(decided.Awards[^1]), customerFree: false, HolderStatuses.None, Arithmetic, Today, Start.AddMinutes(1))!;

        Assert.Equal(CaseStatuses.Closed, t.Next.Status);
        Assert.Null(t.ReopenedAt);
        Assert.False(t.Closed);
        Assert.Equal(AwardRefusalEffects.RecordedOnly, Assert.Single(t.Next.AwardRefusals).Effect);
    }

    [Fact]
    public void The_case_view_shows_the_award_refusals_and_the_skipped_bidders()
    {
        var closed = CaseRules.CloseAuction(Auctioned((Owner, 5_000m), (Objector, 9_000m), (Third, 7_000m)), AllActive, Arithmetic, At("2026-03-21"))!.Next;
        var next = CaseRules.AwardRefused(closed, Refusal(closed.Awards[^1]), customerFree: false, AllActive, Arithmetic, D("2026-03-23"), At("2026-03-23", 9))!.Next;

        var view = ArbitrationMapping.ToProto(new Versioned<Case>(next, 7));

        var refusal = Assert.Single(view.AwardRefusals);
        Assert.Equal((Objector, "X-1", "200", AwardRefusalEffects.NextBidder), (refusal.OwnerId, refusal.RuleId, refusal.Details["cap"], ProtoWords.Word(refusal.Effect)));
        Assert.Equal(view.Awards[0].DecidedAt, refusal.DecidedAt);
        Assert.Equal(At("2026-03-23", 9), refusal.RecordedAt.ToDateTimeOffset());
        Assert.Equal([Objector], view.Auction.SkippedBidderIds);
    }
}
