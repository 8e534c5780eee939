using CustomerProtection.Arbitration.Application;
using CustomerProtection.Arbitration.Domain;
using CustomerProtection.Protos;
using Google.Protobuf.WellKnownTypes;
using V1 = CustomerProtection.Arbitration.V1;
using static CustomerProtection.Protos.ProtoWords;

namespace CustomerProtection.Arbitration.Grpc;

/// <summary>Domain records to proto messages: Timestamp for instants, google.type.Date for policy days (unset for "none"), enums for the domain's words, strings for money.</summary>
public static class ArbitrationMapping
{
    public static V1.Case ToProto(Versioned<Case> versioned)
    {
        var c = versioned.Value;
        var proto = new V1.Case
        {
            CaseId = c.Id,
            Kind = Value<V1.CaseKind>(c.Kind),
            Status = Value<V1.CaseStatus>(c.Status),
            CustomerId = c.CustomerId,
            IdentityKey = c.IdentityKey ?? "",
            BranchId = c.BranchId,
            ClaimantId = c.ClaimantId,
            RespondentId = c.RespondentId ?? "",
            OwnerId = c.OwnerId ?? "",
            CoDeveloperIds = { c.CoDeveloperIds },
            OpenedBy = c.OpenedBy,
            OpenedAt = At(c.OpenedAt),
            Description = c.Description,
            AnnouncedOn = c.AnnouncedOn.ToProtoDate(),
            WindowDeadline = c.WindowDeadline.ToProtoDate(),
            DiscoveredOn = c.DiscoveredOn.ToProtoDate(),
            SaleId = c.SaleId ?? "",
            ParentCaseId = c.ParentCaseId ?? "",
            Resolution = Value<V1.Resolution>(c.Resolution),
            ResolvedBy = c.ResolvedBy ?? "",
            Awards = { c.Awards.Select(ToProto) },
            ViolationIds = { c.ViolationIds },
            CreditTo = c.CreditTo ?? "",
            Outcome = Value<V1.Outcome>(c.Outcome),
            OutcomeReason = c.OutcomeReason ?? "",
            ClosedAt = At(c.ClosedAt),
            NextDeadline = At(c.NextDeadline),
            Provisional = c.Provisional,
            Version = versioned.Version,
            AwardRefusals = { c.AwardRefusals.Select(ToProto) },
        };
        if (c.Recommendation is { } r)
        {
            proto.Recommendation = new V1.Recommendation
            {
                RecommendedId = r.RecommendedId ?? "",
                DecidingRule = r.DecidingRule,
                Reasons = { r.Reasons.Select(x => new V1.PriorityReason { RuleId = x.RuleId, Finding = x.Finding, Favours = x.Favours ?? "" }) },
                ComputedAt = At(r.ComputedAt),
            };
        }

        if (c.Claim is { } claim)
        {
            proto.Claim = new V1.SurpassingClaim
            {
                ClaimantId = claim.ClaimantId,
                Milestone = Value<V1.Milestone>(claim.Milestone),
                StartsOn = claim.StartsOn.ToProtoDate(),
                DueOn = claim.DueOn.ToProtoDate(),
                Deposit = Money.Format(claim.Deposit),
                DepositEntryId = claim.DepositEntryId,
                MetOn = claim.MetOn.ToProtoDate(),
            };
        }

        if (c.Auction is { } a)
        {
            proto.Auction = new V1.Auction
            {
                ClosesOn = a.ClosesOn.ToProtoDate(),
                CommitmentDays = a.CommitmentDays,
                Bids = { c.Ledger.Where(e => e.Kind == Contracts.Arbitration.LedgerKinds.Bid).OrderBy(e => e.Sequence).Select(e => new V1.Bid
                {
                    EntryId = e.Id,
                    BidderId = e.PersonId,
                    Amount = Money.Format(e.Amount),
                    Milestone = Value<V1.Milestone>(e.Milestone),
                    PlacedAt = At(e.PostedAt),
                    Status = Value<V1.LedgerEntryStatus>(e.Status),
                }) },
                Ranking = { a.Ranking },
                HolderId = a.HolderId ?? "",
                CommitmentStartsOn = a.CommitmentStartsOn.ToProtoDate(),
                CommitmentLastDay = a.CommitmentLastDay.ToProtoDate(),
                FailedBidderIds = { a.FailedBidderIds ?? [] },
                SkippedBidderIds = { a.SkippedBidderIds ?? [] },
            };
        }

        return proto;
    }

    public static V1.Award ToProto(Award a) => new()
    {
        OwnerId = a.OwnerId,
        PreviousOwnerId = a.PreviousOwnerId ?? "",
        CoDeveloperIds = { a.CoDeveloperIds },
        Resolution = Value<V1.Resolution>(a.Resolution),
        Reason = a.Reason,
        DecidedBy = a.DecidedBy,
        DecidedAt = At(a.DecidedAt),
    };

    public static V1.AwardRefusal ToProto(AwardRefusal r) => new()
    {
        OwnerId = r.OwnerId,
        DecidedAt = At(r.DecidedAt),
        RuleId = r.RuleId,
        Reason = r.Reason,
        Details = { r.Details.ToDictionary() },
        RefusedAt = At(r.RefusedAt),
        RecordedAt = At(r.RecordedAt),
        Effect = Value<V1.AwardRefusalEffect>(r.Effect),
    };

    public static V1.Ledger ToProto(LedgerView ledger) => new()
    {
        Entries = { ledger.Entries.Select(e => new V1.LedgerEntry
        {
            EntryId = e.Id,
            CaseId = e.CaseId,
            PersonId = e.PersonId,
            Kind = Value<V1.LedgerEntryKind>(e.Kind),
            Amount = Money.Format(e.Amount),
            Milestone = Value<V1.Milestone>(e.Milestone),
            Status = Value<V1.LedgerEntryStatus>(e.Status),
            PostedAt = At(e.PostedAt),
            PostedBy = e.PostedBy,
            SettledAt = At(e.SettledAt),
            Settlement = e.Settlement ?? "",
        }) },
        Held = Money.Format(ledger.Sum(Contracts.Arbitration.LedgerStatuses.Held)),
        Refunded = Money.Format(ledger.Sum(Contracts.Arbitration.LedgerStatuses.Refunded)),
        Forfeited = Money.Format(ledger.Sum(Contracts.Arbitration.LedgerStatuses.Forfeited)),
    };

    public static V1.CustomerComplaint ToProto(Versioned<CustomerComplaint> versioned, DateTimeOffset now)
    {
        var c = versioned.Value;
        return new V1.CustomerComplaint
        {
            ComplaintId = c.Id,
            CustomerId = c.CustomerId,
            BranchId = c.BranchId,
            AboutEmployeeId = c.AboutEmployeeId ?? "",
            Channel = Value<V1.ComplaintChannel>(c.Channel),
            Description = c.Description,
            ReceivedAt = At(c.ReceivedAt),
            RecordedBy = c.RecordedBy,
            ResponseDueOn = c.ResponseDueOn.ToProtoDate(),
            Status = Value<V1.ComplaintStatus>(c.Status),
            Overdue = ComplaintRules.IsOverdue(c, now),
            Answer = c.Answer ?? "",
            AnsweredBy = c.AnsweredBy ?? "",
            AnsweredAt = At(c.AnsweredAt),
            Resolution = c.Resolution ?? "",
            FollowUp = c.FollowUp ?? "",
            ResolvedBy = c.ResolvedBy ?? "",
            ResolvedAt = At(c.ResolvedAt),
            EscalatedTo = c.EscalatedTo ?? "",
            EscalatedAt = At(c.EscalatedAt),
            Version = versioned.Version,
        };
    }

    /// <summary>Unset (null) for no instant.</summary>
    public static Timestamp? At(DateTimeOffset? at) => at is { } t ? Timestamp.FromDateTimeOffset(t) : null;

    public static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
