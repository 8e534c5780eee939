using System.Text.Json.Serialization;

namespace CustomerProtection.Arbitration.Domain;

/// <summary>
/// A case (architecture.md: Arbitration owns ownership cases, evidence, deposits, auctions and bids,
/// decisions). One aggregate holds everything a transition needs to check — the parties, the P-9
/// recommendation, the resolution under way, the ledger of its amounts, the awards made — so every
/// step is one version-guarded write. Deadlines are stored as data (<see cref="NextDeadline"/>) and
/// evaluated against the clock when asked; the due-queue only says when to ask.
/// </summary>
public sealed record Case
{
    public required string Id { get; init; }
    public required string Kind { get; init; }
    public required string Status { get; init; }

    public required string CustomerId { get; init; }
    public string? IdentityKey { get; init; }

    /// <summary>P-13: the customer's branch, whose manager decides (with hq).</summary>
    public required string BranchId { get; init; }
    public string? RegionId { get; init; }

    public required string ClaimantId { get; init; }
    public string? RespondentId { get; init; }

    /// <summary>The owner as the case knows it: at opening, then after each award.</summary>
    public string? OwnerId { get; init; }
    public IReadOnlyList<string> CoDeveloperIds { get; init; } = [];

    public required string OpenedBy { get; init; }
    public required DateTimeOffset OpenedAt { get; init; }
    public required string Description { get; init; }

    // What the case was filed on (P-2.2 announcement and window, P-4.5 discovery and window,
    // P-8.2 sale, P-4.5 retaliation during another case).
    public DateOnly? AnnouncedOn { get; init; }
    public DateOnly? WindowDeadline { get; init; }
    public DateOnly? DiscoveredOn { get; init; }
    public string? SaleId { get; init; }
    public string? ParentCaseId { get; init; }

    /// <summary>P-9, computed from Registration's data when the case opened.</summary>
    public Priority? Recommendation { get; init; }

    public string? Resolution { get; init; }
    public string? ResolvedBy { get; init; }
    public DateTimeOffset? ResolvedAt { get; init; }

    public SurpassingClaim? Claim { get; init; }
    public Auction? Auction { get; init; }

    /// <summary>P-2.4: every amount posted in this case (deposits and bids) and what became of it.</summary>
    public IReadOnlyList<LedgerEntry> Ledger { get; init; } = [];

    public IReadOnlyList<Award> Awards { get; init; } = [];

    /// <summary>Awards that Registration's ownership gate refused to apply (OwnershipAwardRefused), and what the case did about each.</summary>
    public IReadOnlyList<AwardRefusal> AwardRefusals { get; init; } = [];
    public IReadOnlyList<string> ViolationIds { get; init; } = [];
    public string? CreditTo { get; init; }

    public string? Outcome { get; init; }
    public string? OutcomeReason { get; init; }
    public string? ClosedBy { get; init; }
    public DateTimeOffset? ClosedAt { get; init; }

    /// <summary>A window or deadline of this case was computed without holiday data for its year.</summary>
    public bool Provisional { get; init; }

    [JsonIgnore]
    public bool IsClosed => Status == CaseStatuses.Closed;

    /// <summary>The instant the system acts next on its own (claim date, auction close, commitment end).</summary>
    [JsonIgnore]
    public DateTimeOffset? NextDeadline => Status switch
    {
        CaseStatuses.ClaimPending => Claim?.DueAt,
        CaseStatuses.AuctionBidding => Auction?.ClosesAt,
        CaseStatuses.AuctionCommitment => Auction?.CommitmentDueAt,
        _ => null,
    };

    public bool IsParty(string employeeId) => employeeId == ClaimantId || employeeId == RespondentId;
}

public static class CaseKinds
{
    /// <summary>P-2.2: an objection to an announced filing.</summary>
    public const string Objection = "objection";

    /// <summary>P-2.3: the previous owner objects to the new filing of a customer that lapsed from them.</summary>
    public const string LapsedClaim = "lapsed_claim";

    /// <summary>P-4.5: taking another's customer, or an unapproved cross-region sale.</summary>
    public const string Encroachment = "encroachment";

    /// <summary>P-3.6: a co-development dispute.</summary>
    public const string CoDevelopment = "co_development";

    /// <summary>P-8.2: disputed performance credit or commission.</summary>
    public const string Performance = "performance";

    /// <summary>P-4.5: retaliation during a case.</summary>
    public const string Retaliation = "retaliation";

    /// <summary>P-2.4: the ownership cases that the three resolutions apply to.</summary>
    public static bool IsOwnershipCase(string kind) => kind is Objection or LapsedClaim;

    /// <summary>
    /// Cases about who holds the customer: Registration shows it as disputed and blocks transfers by
    /// anyone else while one is open (CaseOpened / CaseClosed). One at a time per customer.
    /// </summary>
    public static bool DisputesCustomer(string kind) => kind is Objection or LapsedClaim or Encroachment or CoDevelopment;

    /// <summary>P-4.5 and P-8.2: hq decides these; the others the customer's branch manager or hq (P-13).</summary>
    public static bool DecidedByHq(string kind) => kind is Encroachment or Performance or Retaliation;

    public static readonly IReadOnlyList<string> Disputes = [CoDevelopment, Performance];
}

public static class CaseStatuses
{
    public const string Open = "open";
    public const string ClaimPending = "claim_pending";
    public const string AuctionBidding = "auction_bidding";
    public const string AuctionCommitment = "auction_commitment";
    public const string Closed = "closed";
}

/// <summary>P-2.4(b), (c): what a claimant or a bidder commits to reach.</summary>
public static class Milestones
{
    public const string Trial = "trial";
    public const string Deal = "deal";

    public static readonly IReadOnlyList<string> All = [Trial, Deal];
}

public static class Outcomes
{
    public const string Decided = "decided";
    public const string JointDevelopment = "joint_development";
    public const string ClaimMet = "claim_met";
    public const string ClaimMissed = "claim_missed";
    public const string AuctionWon = "auction_won";
    public const string Withdrawn = "withdrawn";
}

/// <summary>P-2.4(b): the claimant's deposit, milestone and date.</summary>
public sealed record SurpassingClaim(
    string ClaimantId,
    string Milestone,
    DateOnly StartsOn,
    DateOnly DueOn,
    DateTimeOffset DueAt,
    decimal Deposit,
    string DepositEntryId,
    DateOnly? MetOn = null);

/// <summary>
/// P-2.4(c): the bidding window, the bids (ledger entries of kind bid), the ranking fixed at the
/// close, and the commitment of the bidder who holds the customer now.
/// </summary>
public sealed record Auction(
    DateOnly ClosesOn,
    DateTimeOffset ClosesAt,
    int CommitmentDays,
    IReadOnlyList<string> Ranking,
    string? HolderId = null,
    string? HolderEntryId = null,
    DateOnly? CommitmentStartsOn = null,
    DateOnly? CommitmentLastDay = null,
    DateTimeOffset? CommitmentDueAt = null,
    IReadOnlyList<string>? FailedBidderIds = null,
    IReadOnlyList<string>? SkippedBidderIds = null);

/// <summary>One amount in the ledger: a deposit or a bid, held until refunded or forfeited.</summary>
public sealed record LedgerEntry(
    string Id,
    string CaseId,
    string PersonId,
    string Kind,
    decimal Amount,
    string? Milestone,
    string Status,
    DateTimeOffset PostedAt,
    string PostedBy,
    long Sequence,
    DateTimeOffset? SettledAt = null,
    string? Settlement = null);

/// <summary>
/// A decision on who owns the customer (OwnershipAwarded). <see cref="PreviousCoDeveloperIds"/> are the
/// co-developers the case knew before it, so that an award Registration refuses can be undone on the
/// case (null on awards stored before it was kept).
/// </summary>
public sealed record Award(
    string OwnerId,
    string? PreviousOwnerId,
    IReadOnlyList<string> CoDeveloperIds,
    string Resolution,
    string Reason,
    string DecidedBy,
    DateTimeOffset DecidedAt,
    IReadOnlyList<string>? PreviousCoDeveloperIds = null);

/// <summary>
/// An award that Registration's ownership gate refused to apply (OwnershipAwardRefused: the winner left,
/// C-9, P-12; is at the holding cap, X-1; or another record of the same customer is held, P-2.5): the
/// refusal's ErrorInfo (rule id, reason, details), the award it refuses (owner and decision time), when
/// Registration refused it, when the case recorded it and what the case did (<see cref="AwardRefusalEffects"/>).
/// </summary>
public sealed record AwardRefusal(
    string OwnerId,
    string RuleId,
    string Reason,
    IReadOnlyDictionary<string, string> Details,
    DateTimeOffset DecidedAt,
    DateTimeOffset RefusedAt,
    DateTimeOffset RecordedAt,
    string Effect = "")
{
    /// <summary>Whether this refusal is of <paramref name="award"/> (the decision time to the millisecond: the events carry it through JSON).</summary>
    public bool Refuses(Award award) =>
        award.OwnerId == OwnerId && award.DecidedAt.ToUnixTimeMilliseconds() == DecidedAt.ToUnixTimeMilliseconds();

    public bool SameAs(AwardRefusal other) =>
        other.OwnerId == OwnerId && other.DecidedAt.ToUnixTimeMilliseconds() == DecidedAt.ToUnixTimeMilliseconds();
}

public static class AwardRefusalEffects
{
    /// <summary>The decided (closed) case is open again: its decider decides again (CaseOpened again).</summary>
    public const string Reopened = "reopened";

    /// <summary>P-2.4(c): the refused holder is passed over; the next bidder in line is awarded the customer.</summary>
    public const string NextBidder = "next_bidder";

    /// <summary>P-2.4(c): nobody left in line (or the customer itself was refused, P-2.5): back to the branch (P-9.3, P-13).</summary>
    public const string ReturnedToBranch = "returned_to_branch";

    /// <summary>
    /// Only recorded: the award is not the case's latest any more (a later step replaced it), or the
    /// customer is disputed in another case meanwhile, which decides.
    /// </summary>
    public const string RecordedOnly = "recorded_only";
}
