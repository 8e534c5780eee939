using System.Globalization;
using CustomerProtection.Contracts.Arbitration;
using CustomerProtection.Policy;
using CustomerProtection.ServiceDefaults.Errors;
using CustomerProtection.ServiceDefaults.Security;
using Grpc.Core;

namespace CustomerProtection.Arbitration.Domain;

/// <summary>
/// What one step did to a case: its next state, the awards to publish (OwnershipAwarded), the
/// ledger entries settled (DepositSettled), and whether it closed the case (CaseClosed).
/// </summary>
public sealed record Transition(Case Next, IReadOnlyList<Award> Awards, IReadOnlyList<LedgerEntry> Settled, bool Closed)
{
    public static Transition Of(Case next) => new(next, [], [], next.IsClosed);
}

/// <summary>
/// The P-2.4 procedure as pure functions of a case, the caller, the clock's answer and the policy in
/// force: (a) joint development, (b) the surpassing-progress claim with its deposit and date, (c) the
/// auction with its bids, close and commitments; and the decision (P-9.3, P-13, P-4.5, P-8.2). A
/// refusal throws before anything is written.
/// </summary>
public static class CaseRules
{
    public const int MaxTextLength = 2000;

    // ---- Opening --------------------------------------------------------------------------------

    /// <summary>
    /// P-2.2 / P-2.3: an objection needs an announced filing whose protection holds, by someone other
    /// than its owner; the previous owner of a customer that lapsed from them makes it a P-2.3 case.
    /// </summary>
    public static string ObjectionKind(Caller caller, CustomerFacts customer)
    {
        if (!CaseScopes.MayObject(caller))
        {
            throw new ScopeDeniedException("异议由销售员提出 / objections are filed by salespeople (P-2.2)");
        }

        if (!customer.IsAnnounced)
        {
            throw new PolicyRefusalException("P-2.2",
                $"客户 {customer.CustomerId} 没有公示中的备案（状态 {customer.Status}）/ customer {customer.CustomerId} has no announced filing (status {customer.Status})",
                new Dictionary<string, string> { ["customer_id"] = customer.CustomerId, ["status"] = customer.Status });
        }

        if (customer.OwnerId == caller.EmployeeId)
        {
            throw new RequestValidationException(new FieldViolation("customer_id", "不能对自己的备案提出异议 / one cannot object to one's own filing"));
        }

        return customer.PreviousOwnerId == caller.EmployeeId ? CaseKinds.LapsedClaim : CaseKinds.Objection;
    }

    /// <summary>P-3.6: a co-development dispute is between the owner or a co-developer and another person.</summary>
    public static void EnsureCoDevelopmentParties(CustomerFacts customer, string claimantId, string respondentId)
    {
        bool Involved(string id) => id == customer.OwnerId || customer.CoDeveloperIds.Contains(id);
        if (!Involved(claimantId) && !Involved(respondentId))
        {
            throw new PolicyRefusalException("P-3.6",
                "合作开发争议须涉及客户的归属人或合作开发人 / a co-development dispute involves the customer's owner or a co-developer",
                new Dictionary<string, string> { ["customer_id"] = customer.CustomerId, ["owner_id"] = customer.OwnerId ?? "" });
        }
    }

    // ---- (a) joint development --------------------------------------------------------------------

    /// <summary>P-2.4(a): both become co-developers: the owner stays, the claimant joins (the existing co-developers stay).</summary>
    public static Transition JointDevelopment(Case @case, Caller caller, IReadOnlyList<string> currentCoDevelopers, string reason, DateTimeOffset now)
    {
        EnsureOpenOwnershipCase(@case, Resolutions.JointDevelopment);
        CaseScopes.EnsureMayDecide(caller, @case);
        var owner = @case.OwnerId ?? @case.RespondentId!;
        var coDevelopers = currentCoDevelopers.Append(@case.ClaimantId).Where(id => id != owner).Distinct().ToList();
        var award = new Award(owner, owner, coDevelopers, Resolutions.JointDevelopment, reason, caller.EmployeeId, now);
        var next = Close(@case with
        {
            Resolution = Resolutions.JointDevelopment,
            ResolvedBy = caller.EmployeeId,
            ResolvedAt = now,
            CoDeveloperIds = coDevelopers,
            Awards = [.. @case.Awards, award],
        }, Outcomes.JointDevelopment, reason, caller.EmployeeId, now);
        return new Transition(next, [award], [], true);
    }

    // ---- (b) surpassing-progress claim ------------------------------------------------------------

    /// <summary>
    /// P-2.4(b): the claimant's deposit (the parameter in force today, P-14) is posted, the milestone
    /// and the date named; ownership stays until the date, when the system checks the milestone.
    /// </summary>
    public static Transition SurpassingClaim(Case @case, Caller caller, string milestone, DateOnly dueOn, string reason, PolicyParameters parameters, DateOnly today, DateTimeOffset now)
    {
        EnsureOpenOwnershipCase(@case, Resolutions.SurpassingClaim);
        CaseScopes.EnsureMayDecide(caller, @case);
        if (dueOn <= today)
        {
            throw new RequestValidationException(new FieldViolation("due_on", $"须晚于今天 {Dates.Iso(today)} / must be after today ({Dates.Iso(today)})"));
        }

        var seq = NextSequence(@case);
        var entry = new LedgerEntry(EntryId(@case, seq), @case.Id, @case.ClaimantId, LedgerKinds.Deposit, parameters.SurpassingClaimDeposit, milestone,
            LedgerStatuses.Held, now, caller.EmployeeId, seq);
        var claim = new SurpassingClaim(@case.ClaimantId, milestone, today, dueOn, PolicyTime.StartOfDay(Dates.ToLocalDate(dueOn).PlusDays(1)).ToDateTimeOffset(),
            parameters.SurpassingClaimDeposit, entry.Id);
        return Transition.Of(@case with
        {
            Status = CaseStatuses.ClaimPending,
            Resolution = Resolutions.SurpassingClaim,
            ResolvedBy = caller.EmployeeId,
            ResolvedAt = now,
            OutcomeReason = reason,
            Claim = claim,
            Ledger = [.. @case.Ledger, entry],
        });
    }

    /// <summary>
    /// P-2.4(b) at the date (after 24:00 of the due day): met → ownership to the claimant and the
    /// deposit refunded; missed → the deposit forfeited and ownership stays. Null when nothing is due.
    /// </summary>
    public static Transition? SettleClaim(Case @case, DateOnly? reachedOn, DateTimeOffset now)
    {
        if (@case.Status != CaseStatuses.ClaimPending || @case.Claim is not { } claim || now < claim.DueAt)
        {
            return null;
        }

        var met = reachedOn is not null;
        var reason = met
            ? $"P-2.4(b)：{claim.ClaimantId} 于 {Dates.Iso(reachedOn)} 达到 {claim.Milestone}（期限 {Dates.Iso(claim.DueOn)}）/ {claim.ClaimantId} reached the {claim.Milestone} on {Dates.Iso(reachedOn)} (due {Dates.Iso(claim.DueOn)})"
            : $"P-2.4(b)：{claim.ClaimantId} 未在 {Dates.Iso(claim.DueOn)} 前达到 {claim.Milestone} / {claim.ClaimantId} did not reach the {claim.Milestone} by {Dates.Iso(claim.DueOn)}";
        var (ledger, settled) = Settle(@case.Ledger, e => e.Id == claim.DepositEntryId, met ? LedgerStatuses.Refunded : LedgerStatuses.Forfeited, reason, now);
        var awards = new List<Award>();
        var next = @case with { Claim = claim with { MetOn = reachedOn }, Ledger = ledger };
        if (met)
        {
            var award = new Award(claim.ClaimantId, @case.OwnerId, @case.CoDeveloperIds.Where(id => id != claim.ClaimantId).ToList(),
                Resolutions.SurpassingClaim, reason, SystemActor, now);
            awards.Add(award);
            next = next with { OwnerId = claim.ClaimantId, CoDeveloperIds = award.CoDeveloperIds, Awards = [.. @case.Awards, award] };
        }

        return new Transition(Close(next, met ? Outcomes.ClaimMet : Outcomes.ClaimMissed, reason, SystemActor, now), awards, settled, true);
    }

    // ---- (c) auction --------------------------------------------------------------------------------

    /// <summary>P-2.4(c): bidding opens until 24:00 of <paramref name="closesOn"/>; the commitment time is the parameter in force today.</summary>
    public static Transition Auction(Case @case, Caller caller, DateOnly closesOn, string reason, PolicyParameters parameters, DateOnly today, DateTimeOffset now)
    {
        EnsureOpenOwnershipCase(@case, Resolutions.Auction);
        CaseScopes.EnsureMayDecide(caller, @case);
        if (closesOn <= today)
        {
            throw new RequestValidationException(new FieldViolation("closes_on", $"须晚于今天 {Dates.Iso(today)} / must be after today ({Dates.Iso(today)})"));
        }

        var auction = new Auction(closesOn, PolicyTime.StartOfDay(Dates.ToLocalDate(closesOn).PlusDays(1)).ToDateTimeOffset(), parameters.AuctionCommitmentDays, []);
        return Transition.Of(@case with
        {
            Status = CaseStatuses.AuctionBidding,
            Resolution = Resolutions.Auction,
            ResolvedBy = caller.EmployeeId,
            ResolvedAt = now,
            OutcomeReason = reason,
            Auction = auction,
        });
    }

    /// <summary>P-2.4(c): a bid while the window is open: the amount is posted to the ledger with the bidder's commitment. One bid per person.</summary>
    public static Transition PlaceBid(Case @case, Caller caller, decimal amount, string milestone, DateTimeOffset now)
    {
        if (@case.Status != CaseStatuses.AuctionBidding || @case.Auction is not { } auction || now >= auction.ClosesAt)
        {
            throw new PolicyRefusalException("P-2.4",
                "该案件没有进行中的竞拍 / this case has no auction open for bids",
                new Dictionary<string, string>
                {
                    ["case_id"] = @case.Id,
                    ["status"] = @case.Status,
                    ["closes_at"] = Dates.Iso(@case.Auction?.ClosesAt),
                });
        }

        if (!CaseScopes.MayBid(caller, @case))
        {
            throw new ScopeDeniedException($"竞拍限于当事人和分公司 {@case.BranchId} 的销售员 / bids come from the parties and the salespeople of branch {@case.BranchId}");
        }

        if (@case.Ledger.Any(e => e.Kind == LedgerKinds.Bid && e.PersonId == caller.EmployeeId))
        {
            throw new PolicyRefusalException("P-2.4", $"{caller.EmployeeId} 已出价 / {caller.EmployeeId} has already bid",
                new Dictionary<string, string> { ["case_id"] = @case.Id, ["bidder_id"] = caller.EmployeeId }, StatusCode.AlreadyExists);
        }

        var seq = NextSequence(@case);
        var entry = new LedgerEntry(EntryId(@case, seq), @case.Id, caller.EmployeeId, LedgerKinds.Bid, amount, milestone, LedgerStatuses.Held, now, caller.EmployeeId, seq);
        return Transition.Of(@case with { Ledger = [.. @case.Ledger, entry] });
    }

    /// <summary>P-2.4(c): the best bid first — the highest amount, then the earlier bid.</summary>
    public static IReadOnlyList<LedgerEntry> Rank(IEnumerable<LedgerEntry> bids) =>
        [.. bids.OrderByDescending(b => b.Amount).ThenBy(b => b.PostedAt).ThenBy(b => b.Sequence)];

    /// <summary>
    /// P-2.4(c) at the close: the ranking is fixed and the best bidder is awarded the customer with
    /// their commitment, counted from the day after bidding closed (art. 201/203 period arithmetic).
    /// No bid: the case goes back to the branch (P-9.3, P-13). Null when nothing is due.
    /// </summary>
    public static Transition? CloseAuction(Case @case, PeriodArithmetic arithmetic, DateTimeOffset now)
    {
        if (@case.Status != CaseStatuses.AuctionBidding || @case.Auction is not { } auction || now < auction.ClosesAt)
        {
            return null;
        }

        var ranking = Rank(@case.Ledger.Where(e => e.Kind == LedgerKinds.Bid));
        if (ranking.Count == 0)
        {
            return Transition.Of(@case with
            {
                Status = CaseStatuses.Open,
                Auction = auction with { Ranking = [] },
                OutcomeReason = "P-2.4(c)：无人出价，交回分公司决定 / no bids: back to the branch to decide (P-9.3, P-13)",
            });
        }

        return Hand(@case, auction with { Ranking = [.. ranking.Select(b => b.Id)] }, ranking[0], @case.OwnerId, Dates.ToDateOnly(PolicyTime.DateOf(NodaTime.Instant.FromDateTimeOffset(auction.ClosesAt))),
            arithmetic, $"P-2.4(c)：最高出价 {Money.Format(ranking[0].Amount)} / the highest bid ({Money.Format(ranking[0].Amount)})", now, []);
    }

    /// <summary>
    /// P-2.4(c) at the end of a commitment: met → the auction is over and every bid still held is
    /// refunded; missed → the holder's bid is forfeited and the next bidder gets the customer with a
    /// commitment of their own; nobody left → the branch decides (P-9.3, P-13). Null when nothing is due.
    /// </summary>
    public static Transition? SettleCommitment(Case @case, DateOnly? reachedOn, PeriodArithmetic arithmetic, DateTimeOffset now)
    {
        if (@case.Status != CaseStatuses.AuctionCommitment || @case.Auction is not { CommitmentDueAt: { } dueAt, HolderId: { } holder, HolderEntryId: { } holderEntry } auction || now < dueAt)
        {
            return null;
        }

        var bid = @case.Ledger.Single(e => e.Id == holderEntry);
        if (reachedOn is not null)
        {
            var won = $"P-2.4(c)：{holder} 于 {Dates.Iso(reachedOn)} 达到承诺的 {bid.Milestone} / {holder} reached the committed {bid.Milestone} on {Dates.Iso(reachedOn)}";
            var (refunded, settled) = Settle(@case.Ledger, e => e.Kind == LedgerKinds.Bid && e.Status == LedgerStatuses.Held, LedgerStatuses.Refunded, won, now);
            return new Transition(Close(@case with { Ledger = refunded }, Outcomes.AuctionWon, won, SystemActor, now), [], settled, true);
        }

        var missed = $"P-2.4(c)：{holder} 未在 {Dates.Iso(auction.CommitmentLastDay)} 前达到承诺的 {bid.Milestone} / {holder} missed the committed {bid.Milestone} by {Dates.Iso(auction.CommitmentLastDay)}";
        var (ledger, forfeited) = Settle(@case.Ledger, e => e.Id == holderEntry, LedgerStatuses.Forfeited, missed, now);
        var failed = (auction.FailedBidderIds ?? []).Append(holder).ToList();
        var after = @case with { Ledger = ledger };
        var nextBid = auction.Ranking.Select(id => ledger.Single(e => e.Id == id)).FirstOrDefault(e => e.Status == LedgerStatuses.Held && !failed.Contains(e.PersonId));
        if (nextBid is null)
        {
            return new Transition(after with
            {
                Status = CaseStatuses.Open,
                Auction = auction with { HolderId = null, HolderEntryId = null, CommitmentStartsOn = null, CommitmentLastDay = null, CommitmentDueAt = null, FailedBidderIds = failed },
                OutcomeReason = missed + "；无其他出价人，交回分公司决定 / no other bidder: back to the branch (P-9.3, P-13)",
            }, [], forfeited, false);
        }

        return Hand(after, auction with { FailedBidderIds = failed }, nextBid, holder, Dates.ToDateOnly(PolicyTime.DateOf(NodaTime.Instant.FromDateTimeOffset(dueAt))), arithmetic,
            missed + $"；由下一出价人 {nextBid.PersonId} 取得 / the next bidder {nextBid.PersonId} takes the customer", now, forfeited);
    }

    private static Transition Hand(Case @case, Auction auction, LedgerEntry bid, string? previousOwner, DateOnly startsOn, PeriodArithmetic arithmetic, string reason, DateTimeOffset now, IReadOnlyList<LedgerEntry> settled)
    {
        // "Within a set time" is an N-day period: art. 201 (the start day not counted), art. 203 roll-forward.
        var end = arithmetic.LastProtectedDay(Dates.ToLocalDate(startsOn), auction.CommitmentDays);
        var award = new Award(bid.PersonId, previousOwner, @case.CoDeveloperIds.Where(id => id != bid.PersonId).ToList(), Resolutions.Auction, reason, SystemActor, now);
        return new Transition(@case with
        {
            Status = CaseStatuses.AuctionCommitment,
            OwnerId = bid.PersonId,
            CoDeveloperIds = award.CoDeveloperIds,
            Awards = [.. @case.Awards, award],
            Provisional = @case.Provisional || end.Provisional,
            Auction = auction with
            {
                HolderId = bid.PersonId,
                HolderEntryId = bid.Id,
                CommitmentStartsOn = startsOn,
                CommitmentLastDay = Dates.ToDateOnly(end.LastDay),
                CommitmentDueAt = end.EndsAt.ToDateTimeOffset(),
            },
        }, [award], settled, false);
    }

    // ---- Decision, withdrawal ----------------------------------------------------------------------

    /// <summary>What a decision says: the new owner, the co-developers, the credit, and the violations found (their ids).</summary>
    public sealed record Decision(string? AwardTo, IReadOnlyList<string>? CoDeveloperIds, string? CreditTo, string Reason, IReadOnlyList<string> ViolationIds);

    /// <summary>
    /// P-9.3 / P-13 (the branch manager or hq), P-4.5 and P-8.2 (hq): the decision closes the case. An
    /// award is made when the owner or the co-developers change.
    /// </summary>
    public static Transition Decide(Case @case, Caller caller, Decision decision, DateTimeOffset now)
    {
        CaseScopes.EnsureMayDecide(caller, @case);
        EnsureOpen(@case, Resolutions.Decision);

        var candidates = new HashSet<string>([@case.ClaimantId, .. @case.RespondentId is { } r ? [r] : Array.Empty<string>(), .. @case.Ledger.Where(e => e.Kind == LedgerKinds.Bid).Select(e => e.PersonId)]);
        var violations = new List<FieldViolation>();
        if (decision.AwardTo is { } to && !candidates.Contains(to))
        {
            violations.Add(new("award_to", "须为案件当事人或出价人 / must be a party or a bidder of the case"));
        }

        if (decision.CreditTo is { } credit && (@case.Kind != CaseKinds.Performance || !@case.IsParty(credit)))
        {
            violations.Add(new("credit_to", "仅业绩争议可裁定业绩归属，且须为当事人 / only a performance dispute assigns credit, to one of its parties"));
        }

        if ((decision.AwardTo is not null || decision.CoDeveloperIds is not null) && !CaseKinds.DisputesCustomer(@case.Kind))
        {
            violations.Add(new("award_to", $"{@case.Kind} 案件不裁定客户归属 / a {@case.Kind} case does not decide ownership"));
        }

        if (violations.Count > 0)
        {
            throw new RequestValidationException(violations);
        }

        var owner = decision.AwardTo ?? @case.OwnerId;
        var coDevelopers = (decision.CoDeveloperIds ?? @case.CoDeveloperIds).Where(id => id != owner).Distinct().ToList();
        var awards = new List<Award>();
        var next = @case with
        {
            Resolution = Resolutions.Decision,
            ResolvedBy = caller.EmployeeId,
            ResolvedAt = now,
            ViolationIds = [.. @case.ViolationIds, .. decision.ViolationIds.Distinct().Where(v => !@case.ViolationIds.Contains(v))],
            CreditTo = decision.CreditTo,
        };
        if (owner is not null && (owner != @case.OwnerId || !coDevelopers.SequenceEqual(@case.CoDeveloperIds)))
        {
            var award = new Award(owner, @case.OwnerId, coDevelopers, Resolutions.Decision, decision.Reason, caller.EmployeeId, now);
            awards.Add(award);
            next = next with { OwnerId = owner, CoDeveloperIds = coDevelopers, Awards = [.. @case.Awards, award] };
        }

        return new Transition(Close(next, Outcomes.Decided, decision.Reason, caller.EmployeeId, now), awards, [], true);
    }

    /// <summary>The claimant withdraws a case on which no resolution is under way.</summary>
    public static Transition Withdraw(Case @case, Caller caller, string reason, DateTimeOffset now)
    {
        if (caller.EmployeeId != @case.ClaimantId)
        {
            throw new ScopeDeniedException("只有提出人可以撤回 / only the claimant withdraws a case");
        }

        EnsureOpen(@case, Outcomes.Withdrawn);
        return Transition.Of(Close(@case with { Resolution = Outcomes.Withdrawn }, Outcomes.Withdrawn, reason, caller.EmployeeId, now));
    }

    // ---- Helpers ------------------------------------------------------------------------------------

    /// <summary>Who acts when the system acts at a deadline (awards, settlements).</summary>
    public const string SystemActor = "system";

    public static string EntryId(Case @case, long sequence) => string.Create(CultureInfo.InvariantCulture, $"{@case.Id}-{sequence}");

    private static long NextSequence(Case @case) => @case.Ledger.Count == 0 ? 1 : @case.Ledger.Max(e => e.Sequence) + 1;

    private static (IReadOnlyList<LedgerEntry> Ledger, IReadOnlyList<LedgerEntry> Settled) Settle(
        IReadOnlyList<LedgerEntry> ledger, Func<LedgerEntry, bool> which, string status, string reason, DateTimeOffset now)
    {
        var settled = new List<LedgerEntry>();
        var next = ledger.Select(e =>
        {
            if (e.Status != LedgerStatuses.Held || !which(e))
            {
                return e;
            }

            var done = e with { Status = status, SettledAt = now, Settlement = reason };
            settled.Add(done);
            return done;
        }).ToList();
        return (next, settled);
    }

    private static Case Close(Case @case, string outcome, string reason, string by, DateTimeOffset now) =>
        @case with { Status = CaseStatuses.Closed, Outcome = outcome, OutcomeReason = reason, ClosedBy = by, ClosedAt = now };

    private static void EnsureOpenOwnershipCase(Case @case, string resolution)
    {
        if (!CaseKinds.IsOwnershipCase(@case.Kind))
        {
            throw new PolicyRefusalException("P-2.4", $"{resolution} 只适用于归属案件 / {resolution} resolves ownership cases only (objections, P-2.2, P-2.3)",
                new Dictionary<string, string> { ["case_id"] = @case.Id, ["kind"] = @case.Kind });
        }

        EnsureOpen(@case, resolution);
    }

    private static void EnsureOpen(Case @case, string step)
    {
        if (@case.Status != CaseStatuses.Open)
        {
            throw new PolicyRefusalException("P-2.4",
                $"案件 {@case.Id} 当前状态为 {@case.Status}，不能 {step} / case {@case.Id} is {@case.Status}: {step} needs an open case with no resolution under way",
                new Dictionary<string, string> { ["case_id"] = @case.Id, ["status"] = @case.Status });
        }
    }
}
