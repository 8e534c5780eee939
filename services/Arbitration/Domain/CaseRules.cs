using System.Globalization;
using CustomerProtection.Contracts.Arbitration;

namespace CustomerProtection.Arbitration.Domain;

/// <summary>
/// What one step did to a case: its next state, the awards to publish (OwnershipAwarded), the
/// ledger entries settled (DepositSettled), whether it closed the case (CaseClosed), and when it
/// reopened a closed one (CaseOpened again, the dispute marker taken again).
/// </summary>
public sealed record Transition(Case Next, IReadOnlyList<Award> Awards, IReadOnlyList<LedgerEntry> Settled, bool Closed, DateTimeOffset? ReopenedAt = null)
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

    /// <summary>The largest deposit or bid (P-2.4) accepted: far above any real one, so a typo is refused rather than held.</summary>
    public const decimal MaxAmount = 1_000_000_000m;

    // ---- Opening --------------------------------------------------------------------------------

    /// <summary>
    /// P-2.2 / P-2.3: an objection needs an announced filing whose protection holds, by someone other
    /// than its owner; the previous owner of a customer that lapsed from them makes it a P-2.3 case.
    /// The window opens for filings only (approval, auto-approval, a pool claim): an ownership that came
    /// by a reallocation (P-13: the branch manager's final say), an award (the case already decided it)
    /// or an import was never announced, and nobody may object to it.
    /// </summary>
    public static string ObjectionKind(Caller caller, CustomerFacts customer)
    {
        if (!CaseScopes.MayObject(caller))
        {
            throw new ScopeDeniedException("异议由销售员提出 / objections are filed by salespeople (P-2.2)");
        }

        if (customer.HoldsNow && !customer.IsAnnounced)
        {
            throw new PolicyRefusalException("P-13",
                $"重新分配/裁决/导入的归属不公示，不能提出异议（客户 {customer.CustomerId}）/ a reallocation, award or import is not announced: no objection (customer {customer.CustomerId})",
                new Dictionary<string, string> { ["customer_id"] = customer.CustomerId, ["status"] = customer.Status });
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
        var award = new Award(owner, owner, coDevelopers, Resolutions.JointDevelopment, reason, caller.EmployeeId, now, @case.CoDeveloperIds);
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
    /// A claimant who met the milestone but is no longer active (<paramref name="holders"/>: left, C-9,
    /// P-12; on leave) cannot be given the customer: the deposit is refunded all the same (the milestone
    /// was reached) and the case goes back to the branch to decide (P-9.3, P-13), as when no bidder remains.
    /// </summary>
    public static Transition? SettleClaim(Case @case, DateOnly? reachedOn, HolderStatuses holders, DateTimeOffset now)
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
        if (met && !holders.MayHold(claim.ClaimantId))
        {
            var status = holders.Of(claim.ClaimantId);
            return new Transition(next with
            {
                Status = CaseStatuses.Open,
                OutcomeReason = reason + $"；但 {claim.ClaimantId} 状态为 {status}，不能取得客户，交回分公司决定 / but {claim.ClaimantId} is {status} and cannot be given the customer (C-9, P-12): back to the branch (P-9.3, P-13)",
            }, [], settled, false);
        }

        if (met)
        {
            var award = new Award(claim.ClaimantId, @case.OwnerId, @case.CoDeveloperIds.Where(id => id != claim.ClaimantId).ToList(),
                Resolutions.SurpassingClaim, reason, SystemActor, now, @case.CoDeveloperIds);
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
                new Dictionary<string, string> { ["case_id"] = @case.Id, ["bidder_id"] = caller.EmployeeId }, RefusalCode.AlreadyExists);
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
    /// No bid: the case goes back to the branch (P-9.3, P-13). Null when nothing is due. A bidder who
    /// is no longer active (<paramref name="holders"/>) is passed over as in <see cref="SettleCommitment"/>.
    /// </summary>
    public static Transition? CloseAuction(Case @case, HolderStatuses holders, PeriodArithmetic arithmetic, DateTimeOffset now)
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

        var ranked = auction with { Ranking = [.. ranking.Select(b => b.Id)] };
        var (first, ledger, skipped, settled) = NextInLine(ranked, @case.Ledger, [], holders, now);
        var passed = skipped.Count == 0 ? "" : $"（跳过不在职的 {string.Join(", ", skipped)} / passing over {string.Join(", ", skipped)}, not active: C-9, P-12）";
        ranked = ranked with { SkippedBidderIds = skipped.Count == 0 ? null : skipped };
        if (first is null)
        {
            return new Transition(@case with
            {
                Status = CaseStatuses.Open,
                Ledger = ledger,
                Auction = ranked,
                OutcomeReason = "P-2.4(c)：出价人均不在职，交回分公司决定 / no bidder is active: back to the branch to decide (P-9.3, P-13)" + passed,
            }, [], settled, false);
        }

        return Hand(@case with { Ledger = ledger }, ranked, first, @case.OwnerId, Dates.ToDateOnly(PolicyTime.DateOf(NodaTime.Instant.FromDateTimeOffset(auction.ClosesAt))),
            arithmetic, $"P-2.4(c)：最高出价 {Money.Format(first.Amount)} / the highest bid ({Money.Format(first.Amount)})" + passed, now, settled);
    }

    /// <summary>
    /// P-2.4(c) at the end of a commitment: met → the auction is over and every bid still held is
    /// refunded; missed → the holder's bid is forfeited and the next bidder gets the customer with a
    /// commitment of their own; nobody left → the branch decides (P-9.3, P-13). Null when nothing is due.
    /// Interpretation (P-2.4(c) with C-9, P-12): "the next bidder" is the next one who may still be
    /// given a customer. A runner-up who has left (or is otherwise not active, <paramref name="holders"/>)
    /// is skipped — their bid refunded, for they held nothing and missed nothing — and the one after is
    /// tried; the branch decides only when nobody active is left in line.
    /// </summary>
    public static Transition? SettleCommitment(Case @case, DateOnly? reachedOn, HolderStatuses holders, PeriodArithmetic arithmetic, DateTimeOffset now)
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
        var (nextBid, inLine, skipped, passedOver) = NextInLine(auction with { FailedBidderIds = failed }, ledger, [holder], holders, now);
        var after = @case with { Ledger = inLine };
        var passed = passedOver.Count == 0 ? "" : $"（跳过不在职的 {string.Join(", ", passedOver.Select(e => e.PersonId))} / passing over {string.Join(", ", passedOver.Select(e => e.PersonId))}, not active: C-9, P-12）";
        var next = auction with { FailedBidderIds = failed, SkippedBidderIds = skipped.Count == 0 ? null : skipped };
        if (nextBid is null)
        {
            return new Transition(after with
            {
                Status = CaseStatuses.Open,
                Auction = next with { HolderId = null, HolderEntryId = null, CommitmentStartsOn = null, CommitmentLastDay = null, CommitmentDueAt = null },
                OutcomeReason = missed + "；无其他出价人，交回分公司决定 / no other bidder: back to the branch (P-9.3, P-13)" + passed,
            }, [], [.. forfeited, .. passedOver], false);
        }

        return Hand(after, next, nextBid, holder, Dates.ToDateOnly(PolicyTime.DateOf(NodaTime.Instant.FromDateTimeOffset(dueAt))), arithmetic,
            missed + $"；由下一出价人 {nextBid.PersonId} 取得 / the next bidder {nextBid.PersonId} takes the customer" + passed, now, [.. forfeited, .. passedOver]);
    }

    /// <summary>
    /// P-2.4(c) with C-9, P-12: the best bidder still in line (bid held, not a holder who failed, not
    /// passed over, not <paramref name="excluded"/>) who may be given the customer now. Those ranked
    /// before them who may not are passed over: their bids refunded and their ids added to the skipped.
    /// </summary>
    private static (LedgerEntry? Next, IReadOnlyList<LedgerEntry> Ledger, IReadOnlyList<string> Skipped, IReadOnlyList<LedgerEntry> Refunded) NextInLine(
        Auction auction, IReadOnlyList<LedgerEntry> ledger, IReadOnlyList<string> excluded, HolderStatuses holders, DateTimeOffset now)
    {
        var failed = auction.FailedBidderIds ?? [];
        var skipped = (auction.SkippedBidderIds ?? []).ToList();
        var passedOver = new List<string>();
        LedgerEntry? next = null;
        foreach (var bid in auction.Ranking.Select(id => ledger.Single(e => e.Id == id)))
        {
            if (bid.Status != LedgerStatuses.Held || failed.Contains(bid.PersonId) || skipped.Contains(bid.PersonId) || excluded.Contains(bid.PersonId))
            {
                continue;
            }

            if (holders.MayHold(bid.PersonId))
            {
                next = bid;
                break;
            }

            passedOver.Add(bid.PersonId);
        }

        if (passedOver.Count == 0)
        {
            return (next, ledger, skipped, []);
        }

        var reason = $"P-2.4(c)：出价人不在职，不能取得客户，退还出价 / the bidder is not active and cannot be given the customer (C-9, P-12): bid refunded";
        var (after, refunded) = Settle(ledger, e => e.Kind == LedgerKinds.Bid && passedOver.Contains(e.PersonId), LedgerStatuses.Refunded, reason, now);
        return (next, after, [.. skipped, .. passedOver], refunded);
    }

    private static Transition Hand(Case @case, Auction auction, LedgerEntry bid, string? previousOwner, DateOnly startsOn, PeriodArithmetic arithmetic, string reason, DateTimeOffset now, IReadOnlyList<LedgerEntry> settled)
    {
        // "Within a set time" is an N-day period: art. 201 (the start day not counted), art. 203 roll-forward.
        var end = arithmetic.LastProtectedDay(Dates.ToLocalDate(startsOn), auction.CommitmentDays);
        var award = new Award(bid.PersonId, previousOwner, @case.CoDeveloperIds.Where(id => id != bid.PersonId).ToList(), Resolutions.Auction, reason, SystemActor, now, @case.CoDeveloperIds);
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
    /// award is made when the owner or the co-developers change. A new owner must be active now
    /// (<paramref name="holders"/>; C-9, P-12): a decision naming one who is not is refused.
    /// </summary>
    public static Transition Decide(Case @case, Caller caller, Decision decision, HolderStatuses holders, DateTimeOffset now)
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
        if (owner is not null && owner != @case.OwnerId)
        {
            EnsureMayHold(owner, holders);
        }

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
            var award = new Award(owner, @case.OwnerId, coDevelopers, Resolutions.Decision, decision.Reason, caller.EmployeeId, now, @case.CoDeveloperIds);
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

    /// <summary>
    /// C-9, P-12: a customer is given only to someone active now. One who left lost all access (C-9) and
    /// their customers go back to the company (P-12); one on leave or a terminated dealer is not active
    /// either (Registration's ownership gate reads it the same way and would refuse the award).
    /// </summary>
    public static void EnsureMayHold(string personId, HolderStatuses holders)
    {
        if (!holders.MayHold(personId))
        {
            var status = holders.Of(personId);
            throw new PolicyRefusalException("C-9",
                $"{personId} 状态为 {status}，不能取得客户 / {personId} is {status} and cannot be given the customer",
                new Dictionary<string, string> { ["employee_id"] = personId, ["status"] = status });
        }
    }

    // ---- Registration refused an award --------------------------------------------------------------

    /// <summary>
    /// Registration's ownership gate refused to apply an award of this case (OwnershipAwardRefused): the
    /// customer is unchanged, so the case records the refusal and puts the decision back where it can be
    /// made again. Null when this refusal is recorded already (a redelivery changes nothing).
    /// <list type="bullet">
    /// <item>The refused award is not the case's latest (a later step replaced it): only recorded.</item>
    /// <item>A closed case (a decision, a met claim, joint development) is reopened — status open, the
    /// owner and co-developers as they were before the award — so its decider (the branch manager or
    /// hq, P-13) decides again, knowing why; the customer is disputed again (CaseOpened). If another case
    /// disputes the customer meanwhile (<paramref name="customerFree"/> false) that case decides: only recorded.</item>
    /// <item>An auction whose holder was refused: as when a holder misses the commitment (P-2.4(c)), the
    /// next bidder in line who is active is awarded the customer with a commitment from today — but the
    /// refused holder's bid is refunded, not forfeited (they were refused, they missed nothing). Nobody
    /// left in line, or a refusal about the customer itself (P-2.5: another record of it is held, which
    /// no bidder can change) → every bid still held is refunded and the branch decides (P-9.3, P-13).</item>
    /// </list>
    /// </summary>
    public static Transition? AwardRefused(Case @case, AwardRefusal refusal, bool customerFree, HolderStatuses holders, PeriodArithmetic arithmetic, DateOnly today, DateTimeOffset now)
    {
        if (@case.AwardRefusals.Any(r => r.SameAs(refusal)))
        {
            return null;
        }

        Transition Record(Case next, string effect, IReadOnlyList<Award>? awards = null, IReadOnlyList<LedgerEntry>? settled = null, DateTimeOffset? reopenedAt = null) =>
            new(next with { AwardRefusals = [.. @case.AwardRefusals, refusal with { RecordedAt = now, Effect = effect }] }, awards ?? [], settled ?? [], false, reopenedAt);

        var award = @case.Awards.Count == 0 ? null : @case.Awards[^1];
        if (award is null || !refusal.Refuses(award))
        {
            return Record(@case, AwardRefusalEffects.RecordedOnly);
        }

        var why = $"{refusal.RuleId}：登记服务拒绝将客户判给 {refusal.OwnerId}（{refusal.Reason}）/ Registration refused to give the customer to {refusal.OwnerId} ({refusal.RuleId}: {refusal.Reason})";
        var undone = @case with { OwnerId = award.PreviousOwnerId, CoDeveloperIds = award.PreviousCoDeveloperIds ?? @case.CoDeveloperIds };
        if (@case.IsClosed)
        {
            if (!customerFree)
            {
                return Record(@case, AwardRefusalEffects.RecordedOnly);
            }

            return Record(undone with
            {
                Status = CaseStatuses.Open,
                Outcome = null,
                ClosedBy = null,
                ClosedAt = null,
                OutcomeReason = why + "；案件重新开放，须重新决定 / the case is open again for a new decision (P-9.3, P-13)",
            }, AwardRefusalEffects.Reopened, reopenedAt: now);
        }

        if (@case.Status != CaseStatuses.AuctionCommitment || @case.Auction is not { HolderId: { } holder, HolderEntryId: { } holderEntry } auction || holder != refusal.OwnerId)
        {
            return Record(@case, AwardRefusalEffects.RecordedOnly);
        }

        var (ledger, refunded) = Settle(@case.Ledger, e => e.Id == holderEntry, LedgerStatuses.Refunded, why, now);
        var passedHolder = auction with
        {
            HolderId = null,
            HolderEntryId = null,
            CommitmentStartsOn = null,
            CommitmentLastDay = null,
            CommitmentDueAt = null,
            SkippedBidderIds = [.. auction.SkippedBidderIds ?? [], holder],
        };
        LedgerEntry? nextBid = null;
        IReadOnlyList<LedgerEntry> passed = [];
        if (refusal.RuleId != CustomerRefusalRule)
        {
            (nextBid, ledger, var skipped, passed) = NextInLine(passedHolder, ledger, [], holders, now);
            passedHolder = passedHolder with { SkippedBidderIds = skipped };
        }

        if (nextBid is null)
        {
            var (allRefunded, rest) = Settle(ledger, e => e.Kind == LedgerKinds.Bid, LedgerStatuses.Refunded, why + "；竞拍结束 / the auction ends", now);
            return Record(undone with
            {
                Status = CaseStatuses.Open,
                Ledger = allRefunded,
                Auction = passedHolder,
                OutcomeReason = why + "；无其他可取得客户的出价人，交回分公司决定 / no other bidder can take the customer: back to the branch (P-9.3, P-13)",
            }, AwardRefusalEffects.ReturnedToBranch, settled: [.. refunded, .. passed, .. rest]);
        }

        var handed = Hand(undone with { Ledger = ledger }, passedHolder, nextBid, award.PreviousOwnerId, today, arithmetic,
            why + $"；由下一出价人 {nextBid.PersonId} 取得 / the next bidder {nextBid.PersonId} takes the customer", now, [.. refunded, .. passed]);
        return Record(handed.Next, AwardRefusalEffects.NextBidder, handed.Awards, handed.Settled);
    }

    /// <summary>P-2.5: the refusal is about the customer (another record of it is held), not about the winner.</summary>
    public const string CustomerRefusalRule = "P-2.5";

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
