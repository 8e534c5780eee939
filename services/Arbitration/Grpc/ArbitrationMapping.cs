using CustomerProtection.Arbitration.Application;
using CustomerProtection.Arbitration.Domain;
using V1 = CustomerProtection.Arbitration.V1;

namespace CustomerProtection.Arbitration.Grpc;

/// <summary>Domain records to proto messages (strings for dates, instants and money, empty for "none").</summary>
public static class ArbitrationMapping
{
    public static V1.Case ToProto(Versioned<Case> versioned)
    {
        var c = versioned.Value;
        var proto = new V1.Case
        {
            CaseId = c.Id,
            Kind = c.Kind,
            Status = c.Status,
            CustomerId = c.CustomerId,
            IdentityKey = c.IdentityKey ?? "",
            BranchId = c.BranchId,
            ClaimantId = c.ClaimantId,
            RespondentId = c.RespondentId ?? "",
            OwnerId = c.OwnerId ?? "",
            CoDeveloperIds = { c.CoDeveloperIds },
            OpenedBy = c.OpenedBy,
            OpenedAt = Dates.Iso(c.OpenedAt),
            Description = c.Description,
            AnnouncedOn = Dates.Iso(c.AnnouncedOn),
            WindowDeadline = Dates.Iso(c.WindowDeadline),
            DiscoveredOn = Dates.Iso(c.DiscoveredOn),
            SaleId = c.SaleId ?? "",
            ParentCaseId = c.ParentCaseId ?? "",
            Resolution = c.Resolution ?? "",
            ResolvedBy = c.ResolvedBy ?? "",
            Awards = { c.Awards.Select(ToProto) },
            ViolationIds = { c.ViolationIds },
            CreditTo = c.CreditTo ?? "",
            Outcome = c.Outcome ?? "",
            OutcomeReason = c.OutcomeReason ?? "",
            ClosedAt = Dates.Iso(c.ClosedAt),
            NextDeadline = Dates.Iso(c.NextDeadline),
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
                ComputedAt = Dates.Iso(r.ComputedAt),
            };
        }

        if (c.Claim is { } claim)
        {
            proto.Claim = new V1.SurpassingClaim
            {
                ClaimantId = claim.ClaimantId,
                Milestone = claim.Milestone,
                StartsOn = Dates.Iso(claim.StartsOn),
                DueOn = Dates.Iso(claim.DueOn),
                Deposit = Money.Format(claim.Deposit),
                DepositEntryId = claim.DepositEntryId,
                MetOn = Dates.Iso(claim.MetOn),
            };
        }

        if (c.Auction is { } a)
        {
            proto.Auction = new V1.Auction
            {
                ClosesOn = Dates.Iso(a.ClosesOn),
                CommitmentDays = a.CommitmentDays,
                Bids = { c.Ledger.Where(e => e.Kind == Contracts.Arbitration.LedgerKinds.Bid).OrderBy(e => e.Sequence).Select(e => new V1.Bid
                {
                    EntryId = e.Id,
                    BidderId = e.PersonId,
                    Amount = Money.Format(e.Amount),
                    Milestone = e.Milestone ?? "",
                    PlacedAt = Dates.Iso(e.PostedAt),
                    Status = e.Status,
                }) },
                Ranking = { a.Ranking },
                HolderId = a.HolderId ?? "",
                CommitmentStartsOn = Dates.Iso(a.CommitmentStartsOn),
                CommitmentLastDay = Dates.Iso(a.CommitmentLastDay),
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
        Resolution = a.Resolution,
        Reason = a.Reason,
        DecidedBy = a.DecidedBy,
        DecidedAt = Dates.Iso(a.DecidedAt),
    };

    public static V1.AwardRefusal ToProto(AwardRefusal r) => new()
    {
        OwnerId = r.OwnerId,
        DecidedAt = Dates.Iso(r.DecidedAt),
        RuleId = r.RuleId,
        Reason = r.Reason,
        Details = { r.Details.ToDictionary() },
        RefusedAt = Dates.Iso(r.RefusedAt),
        RecordedAt = Dates.Iso(r.RecordedAt),
        Effect = r.Effect,
    };

    public static V1.Ledger ToProto(LedgerView ledger) => new()
    {
        Entries = { ledger.Entries.Select(e => new V1.LedgerEntry
        {
            EntryId = e.Id,
            CaseId = e.CaseId,
            PersonId = e.PersonId,
            Kind = e.Kind,
            Amount = Money.Format(e.Amount),
            Milestone = e.Milestone ?? "",
            Status = e.Status,
            PostedAt = Dates.Iso(e.PostedAt),
            PostedBy = e.PostedBy,
            SettledAt = Dates.Iso(e.SettledAt),
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
            Channel = c.Channel,
            Description = c.Description,
            ReceivedAt = Dates.Iso(c.ReceivedAt),
            RecordedBy = c.RecordedBy,
            ResponseDueOn = Dates.Iso(c.ResponseDueOn),
            Status = c.Status,
            Overdue = ComplaintRules.IsOverdue(c, now),
            Answer = c.Answer ?? "",
            AnsweredBy = c.AnsweredBy ?? "",
            AnsweredAt = Dates.Iso(c.AnsweredAt),
            Resolution = c.Resolution ?? "",
            FollowUp = c.FollowUp ?? "",
            ResolvedBy = c.ResolvedBy ?? "",
            ResolvedAt = Dates.Iso(c.ResolvedAt),
            EscalatedTo = c.EscalatedTo ?? "",
            EscalatedAt = Dates.Iso(c.EscalatedAt),
            Version = versioned.Version,
        };
    }

    public static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
