using CustomerProtection.Contracts.Violations;
using CustomerProtection.Penalty.Application;
using CustomerProtection.Penalty.Domain;
using CustomerProtection.Protos;
using CustomerProtection.Time;
using Google.Protobuf.WellKnownTypes;

namespace CustomerProtection.Penalty.Grpc;

/// <summary>Domain ↔ proto: names of statuses, liabilities and findings, money as decimal strings, days as google.type.Date.</summary>
public static class PenaltyMapping
{
    public static V1.Fine ToProto(Versioned<Fine> versioned)
    {
        var fine = versioned.Value;
        return new V1.Fine
        {
            Id = fine.Id,
            ViolationId = fine.ViolationId,
            RuleId = fine.RuleId,
            Kind = fine.Kind,
            Liability = Liability(fine.Liability),
            EmployeeId = fine.EmployeeId,
            BranchId = fine.BranchId ?? "",
            RegionId = fine.RegionId ?? "",
            Amount = Money.Format(fine.Amount),
            MinAmount = Money.Format(fine.MinAmount),
            MaxAmount = Money.Format(fine.MaxAmount),
            Serious = fine.Serious,
            Status = Status(fine.Status),
            ViolationDate = fine.ViolationDate.ToProtoDate(),
            Basis = fine.Basis,
            History =
            {
                fine.History.Select(s => new V1.FineStep
                {
                    Status = Status(s.Status),
                    By = s.By,
                    Role = Role(s.Role),
                    At = Timestamp.FromDateTimeOffset(s.At),
                    Reason = s.Reason,
                    Amount = Money.Format(s.Amount),
                }),
            },
            Version = versioned.Version,
        };
    }

    public static V1.Violation ToProto(Versioned<Violation> versioned, IReadOnlyList<Versioned<Fine>> fines)
    {
        var v = versioned.Value;
        var proto = new V1.Violation
        {
            Id = v.Id,
            RuleId = v.RuleId,
            Kind = v.Kind,
            Violator = new V1.Party
            {
                EmployeeId = v.Violator.EmployeeId,
                Role = Role(v.Violator.Role),
                BranchId = v.Violator.BranchId ?? "",
                RegionId = v.Violator.RegionId ?? "",
                ManagerId = v.Violator.ManagerId ?? "",
            },
            InjuredEmployeeId = v.InjuredEmployeeId ?? "",
            CustomerId = v.CustomerId ?? "",
            CustomerIdentityKey = v.CustomerIdentityKey ?? "",
            CustomerAnnualShipments = Money.Format(v.CustomerAnnualShipments),
            OccurredAt = Timestamp.FromDateTimeOffset(v.OccurredAt),
            ViolationDate = v.ViolationDate.ToProtoDate(),
            Findings =
            {
                v.Findings.Select(f => new V1.Finding
                {
                    ManagerFinding = Finding(f.ManagerFinding),
                    CaseId = f.CaseId ?? "",
                    Reason = f.Reason,
                    By = f.By,
                    At = Timestamp.FromDateTimeOffset(f.At),
                    CustomerAnnualShipments = f.CustomerAnnualShipments is { } s ? Money.Format(s) : "",
                }),
            },
            Serious = v.Serious is not null,
            SeriousSuggested = v.SeriousSuggested,
            ViolationsInWindow = v.ViolationsInWindow,
            Fines = { fines.Select(ToProto) },
            Version = versioned.Version,
        };
        if (v.Serious is { } serious)
        {
            proto.SeriousCase = new V1.SeriousCase
            {
                By = serious.By,
                At = Timestamp.FromDateTimeOffset(serious.At),
                Reason = serious.Reason,
                Fine = Money.Format(serious.Fine),
                Dismissal = serious.Dismissal,
            };
        }

        if (v.Detection is { } detection)
        {
            proto.Detection = new V1.Detection { Source = detection.Source, Evidence = detection.Evidence, DetectedAt = Timestamp.FromDateTimeOffset(detection.DetectedAt) };
        }

        return proto;
    }

    public static V1.FineTotals ToProto(FineTotals totals) => new()
    {
        Count = totals.Count,
        Amount = Money.Format(totals.Amount),
        Paid = Money.Format(totals.Paid),
        Outstanding = Money.Format(totals.Outstanding),
        Serious = totals.Serious,
        ByStatus = { totals.ByStatus.Select(s => new V1.StatusTotal { Status = Status(s.Status), Count = s.Count, Amount = Money.Format(s.Amount) }) },
    };

    public static FineQuery Query(V1.FineFilter? filter) => filter is null
        ? new FineQuery(null, null, null, null, null, null, null)
        : new FineQuery(
            NullIfEmpty(filter.EmployeeId),
            NullIfEmpty(filter.BranchId),
            NullIfEmpty(filter.RegionId),
            filter.Status == V1.FineStatus.Unspecified ? null : Status(filter.Status),
            filter.Liability switch
            {
                V1.Liability.Violator => Liabilities.Violator,
                V1.Liability.Manager => Liabilities.Manager,
                _ => null,
            },
            filter.From,
            filter.To);

    public static V1.MonthlyViolationReport ToProto(MonthlyViolationReport report) => new()
    {
        Month = new Google.Type.Date { Year = report.Month.Year, Month = report.Month.Month },
        Branches = { report.Branches.Select(b => new V1.BranchFigures { BranchId = b.BranchId, RegionId = b.RegionId, Figures = ToProto(b.Figures) }) },
        Regions = { report.Regions.Select(r => new V1.RegionFigures { RegionId = r.RegionId, Figures = ToProto(r.Figures) }) },
        Total = ToProto(report.Total),
    };

    private static V1.ViolationFigures ToProto(ViolationFigures f) => new()
    {
        Violations = f.Violations,
        Fines = f.Fines,
        Amount = Money.Format(f.Amount),
        Paid = Money.Format(f.Paid),
        Serious = f.Serious,
    };

    public static string ManagerFinding(V1.ManagerFinding finding) => finding switch
    {
        V1.ManagerFinding.None => ManagerFindings.None,
        V1.ManagerFinding.Negligent => ManagerFindings.Negligent,
        V1.ManagerFinding.Involved => ManagerFindings.Involved,
        V1.ManagerFinding.Inactive => ManagerFindings.Inactive,
        _ => throw new RequestValidationException(new FieldViolation("manager_finding", "须指定 / required: none, negligent, involved or inactive")),
    };

    public static bool? Upheld(V1.AppealOutcome outcome) => outcome switch
    {
        V1.AppealOutcome.Upheld => true,
        V1.AppealOutcome.Overturned => false,
        _ => null,
    };

    private static V1.ManagerFinding Finding(string finding) => finding switch
    {
        ManagerFindings.None => V1.ManagerFinding.None,
        ManagerFindings.Negligent => V1.ManagerFinding.Negligent,
        ManagerFindings.Involved => V1.ManagerFinding.Involved,
        ManagerFindings.Inactive => V1.ManagerFinding.Inactive,
        _ => V1.ManagerFinding.Unspecified,
    };

    /// <summary>A stored role word (the token's, or "service" for a step another service's event recorded); UNSPECIFIED for a word outside the set.</summary>
    private static V1.ActorRole Role(string role) => role switch
    {
        Roles.Salesperson => V1.ActorRole.Salesperson,
        Roles.Dealer => V1.ActorRole.Dealer,
        Roles.BranchSecretary => V1.ActorRole.BranchSecretary,
        Roles.BranchManager => V1.ActorRole.BranchManager,
        Roles.RegionalSecretary => V1.ActorRole.RegionalSecretary,
        Roles.RegionalManager => V1.ActorRole.RegionalManager,
        Roles.Hq => V1.ActorRole.Hq,
        Roles.Erp => V1.ActorRole.Erp,
        "service" => V1.ActorRole.Service, // what ViolationReports records for an event's step
        _ => V1.ActorRole.Unspecified,
    };

    private static V1.Liability Liability(string liability) => liability switch
    {
        Liabilities.Violator => V1.Liability.Violator,
        Liabilities.Manager => V1.Liability.Manager,
        _ => V1.Liability.Unspecified,
    };

    private static V1.FineStatus Status(string status) => status switch
    {
        FineStatuses.Proposed => V1.FineStatus.Proposed,
        FineStatuses.Confirmed => V1.FineStatus.Confirmed,
        FineStatuses.Adjusted => V1.FineStatus.Adjusted,
        FineStatuses.Appealed => V1.FineStatus.Appealed,
        FineStatuses.Upheld => V1.FineStatus.Upheld,
        FineStatuses.Overturned => V1.FineStatus.Overturned,
        FineStatuses.Paid => V1.FineStatus.Paid,
        _ => V1.FineStatus.Unspecified,
    };

    private static string Status(V1.FineStatus status) => status switch
    {
        V1.FineStatus.Proposed => FineStatuses.Proposed,
        V1.FineStatus.Confirmed => FineStatuses.Confirmed,
        V1.FineStatus.Adjusted => FineStatuses.Adjusted,
        V1.FineStatus.Appealed => FineStatuses.Appealed,
        V1.FineStatus.Upheld => FineStatuses.Upheld,
        V1.FineStatus.Overturned => FineStatuses.Overturned,
        V1.FineStatus.Paid => FineStatuses.Paid,
        _ => throw new RequestValidationException(new FieldViolation("filter.status", "未知状态 / unknown status")),
    };

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
