using CustomerProtection.Protos;
using CustomerProtection.Territory.Domain;
using Google.Protobuf.WellKnownTypes;
using V1 = CustomerProtection.Territory.V1;

namespace CustomerProtection.Territory.Grpc;

/// <summary>Between the wire (decimal strings, ISO dates, timestamps, enums) and the sales domain.</summary>
internal static class SalesMapping
{
    public static CustomerRef Customer(V1.CustomerRef? c) => new(c?.CustomerId, c?.TaxpayerId, c?.InvoiceTitle);

    /// <summary>The RPC an audit entry names (C-5), as Registration writes it: <c>SalesLedger/GetSale</c>.</summary>
    public static string Rpc(global::Grpc.Core.ServerCallContext context)
    {
        var parts = context.Method.Split('/');
        var service = parts[^2];
        return $"{service[(service.LastIndexOf('.') + 1)..]}/{parts[^1]}";
    }

    public static CustomerRef? OptionalCustomer(V1.CustomerRef? c) => c is null ? null : Customer(c);

    public static Timestamp? Time(DateTimeOffset? at) => at is { } t ? Timestamp.FromDateTimeOffset(t) : null;

    public static V1.SaleDecision Decision(SaleDecision decision) => decision switch
    {
        SaleDecision.Allowed => V1.SaleDecision.Allowed,
        SaleDecision.NeedsApproval => V1.SaleDecision.NeedsApproval,
        _ => V1.SaleDecision.Forbidden,
    };

    public static V1.RuleFinding ToProto(RuleFinding f) => new()
    {
        RuleId = f.RuleId,
        Effect = Decision(f.Effect),
        Message = f.Message,
        Metadata = { f.Metadata.ToDictionary() },
    };

    /// <summary>C-2: the evidence and the customer's annual purchases only for those <see cref="DealTerms.MaySeeEvidence"/> names.</summary>
    public static V1.ViolationFound ToProto(Violation v, Caller caller)
    {
        var clear = DealTerms.MaySeeEvidence(caller, v);
        return new()
        {
            ViolationId = v.Id,
            RuleId = v.RuleId,
            Kind = ViolationKind(v.Kind),
            ViolatorId = v.ViolatorId,
            ViolatorManagerId = v.ViolatorManagerId ?? "",
            InjuredEmployeeId = v.InjuredEmployeeId ?? "",
            InjuredManagerId = v.InjuredManagerId ?? "",
            SaleId = v.SaleId,
            CustomerIdentityKey = v.IdentityKey,
            CustomerAnnualShipments = clear ? Money.Format(v.CustomerAnnualShipments) : "",
            Evidence = clear ? v.Evidence : "",
            EvidenceWithheld = !clear,
            DetectedAt = Time(v.DetectedAt),
        };
    }

    /// <summary>C-2: the unit price and amount only for those <see cref="DealTerms.MaySeeSalePrices"/> names.</summary>
    public static V1.Sale ToProto(Application.RecordedSale recorded, Caller caller)
    {
        var s = recorded.Sale.Value;
        var clear = DealTerms.MaySeeSalePrices(caller, s);
        return new V1.Sale
        {
            Id = s.Id,
            SellerId = s.SellerId,
            SellerBranchId = s.SellerBranchId ?? "",
            SellerRegionId = s.SellerRegionId ?? "",
            CustomerIdentityKey = s.IdentityKey,
            CustomerId = s.CustomerId ?? "",
            InvoiceTitle = s.InvoiceTitle ?? "",
            ProductCode = s.ProductCode,
            UnitPrice = clear ? Money.Format(s.UnitPrice) : "",
            Quantity = s.Quantity.ToString(System.Globalization.CultureInfo.InvariantCulture),
            Amount = clear ? Money.Format(s.Amount) : "",
            PricesWithheld = !clear,
            Kind = ToProto(s.Kind),
            ShippedOn = s.ShippedOn.ToProtoDate(),
            RegionId = s.RegionId,
            ThroughAgent = s.ThroughAgent,
            AgentName = s.AgentName ?? "",
            CreditedTo = s.CreditedTo,
            OwnerId = s.OwnerId ?? "",
            Violations = { recorded.Violations.Select(v => ToProto(v, caller)) },
            RecordedAt = Time(s.RecordedAt),
            RecordedBy = s.RecordedBy,
            CreditDecision = s.CreditDecision is { } d
                ? new V1.CreditDecision { CaseId = d.CaseId, PreviousCreditedTo = d.PreviousCreditedTo, Reason = d.Reason, DecidedBy = d.DecidedBy, DecidedAt = Time(d.DecidedAt) }
                : null,
        };
    }

    public static V1.ServiceSupportAgreement ToProto(ServiceSupportAgreement a) => new()
    {
        Id = a.Id,
        CustomerIdentityKey = a.IdentityKey,
        DeveloperId = a.DeveloperId,
        SupportingBranchId = a.SupportingBranchId,
        Fee = Money.Format(a.Fee),
        ValidFrom = a.ValidFrom.ToProtoDate(),
        ValidUntil = a.ValidUntil.ToProtoDate(),
        Terms = a.Terms ?? "",
        RecordedBy = a.RecordedBy,
        RecordedAt = Time(a.RecordedAt),
    };

    public static V1.SaleViolationKind ViolationKind(string kind) => kind switch
    {
        ViolationKinds.Poaching => V1.SaleViolationKind.Poaching,
        ViolationKinds.ThroughAgent => V1.SaleViolationKind.ThroughAgent,
        ViolationKinds.CrossRegionUnapproved => V1.SaleViolationKind.CrossRegionUnapproved,
        ViolationKinds.BelowPreviousPrice => V1.SaleViolationKind.BelowPreviousPrice,
        ViolationKinds.BelowAskingPrice => V1.SaleViolationKind.BelowAskingPrice,
        _ => V1.SaleViolationKind.Unspecified,
    };

    private static V1.SkipReason SkipReason(string reason) => reason switch
    {
        RoundRobin.Inactive => V1.SkipReason.Inactive,
        EmployeeStatuses.OnLeave => V1.SkipReason.OnLeave,
        EmployeeStatuses.Left => V1.SkipReason.Left,
        RoundRobin.AtHoldingCap => V1.SkipReason.AtHoldingCap,
        _ => V1.SkipReason.Unspecified,
    };

    public static V1.CrossRegionRequestStatus Status(string status) => status switch
    {
        FilingStatuses.Pending => V1.CrossRegionRequestStatus.Pending,
        FilingStatuses.Escalated => V1.CrossRegionRequestStatus.Escalated,
        FilingStatuses.Confirmed => V1.CrossRegionRequestStatus.Confirmed,
        FilingStatuses.Approved => V1.CrossRegionRequestStatus.Approved,
        FilingStatuses.Refused => V1.CrossRegionRequestStatus.Refused,
        _ => V1.CrossRegionRequestStatus.Unspecified,
    };

    /// <param name="now">The cross-region request's status is shown as it is at this instant (P-10 is evaluated when asked).</param>
    public static V1.CrossRegionRequest ToProto(Versioned<CrossRegionFiling> versioned, DateTimeOffset now)
    {
        var f = versioned.Value;
        return new V1.CrossRegionRequest
        {
            Id = f.Id,
            RequesterId = f.RequesterId,
            RequesterBranchId = f.RequesterBranchId ?? "",
            RequesterRegionId = f.RequesterRegionId,
            TargetRegionId = f.TargetRegionId,
            CustomerIdentityKey = f.IdentityKey,
            InvoiceTitle = f.InvoiceTitle,
            TaxpayerId = f.TaxpayerId ?? "",
            Reason = f.Reason ?? "",
            SubmittedAt = Time(f.SubmittedAt),
            Deadline = Time(f.Deadline),
            Status = Status(CrossRegionRules.StatusAt(f, now)),
            EscalatedAt = Time(f.EscalatedAt),
            DecidedBy = f.DecidedBy ?? "",
            DeciderRole = f.DeciderRole is { } role ? DirectoryMapping.Role(role) : V1.Role.Unspecified,
            DecidedAt = Time(f.DecidedAt),
            DecisionReason = f.DecisionReason ?? "",
            Version = versioned.Version,
            Stage = CrossRegionRules.StageAt(f, now) switch
            {
                FilingStage.AwaitingSecretary => V1.CrossRegionRequestStage.AwaitingSecretary,
                FilingStage.AwaitingHq => V1.CrossRegionRequestStage.AwaitingHq,
                FilingStage.EscalatedAwaitingBoth => V1.CrossRegionRequestStage.EscalatedAwaitingBoth,
                FilingStage.EscalatedAwaitingHq => V1.CrossRegionRequestStage.EscalatedAwaitingHq,
                FilingStage.EscalatedAwaitingRegionalManager => V1.CrossRegionRequestStage.EscalatedAwaitingRegionalManager,
                _ => V1.CrossRegionRequestStage.Decided,
            },
            SecretaryAnswer = ToProto(f.SecretaryAnswer),
            HqDecision = ToProto(f.HqDecision),
            RegionalManagerDecision = ToProto(f.ManagerDecision),
        };
    }

    private static V1.CrossRegionDecision? ToProto(FilingDecision? d) => d is null ? null : new()
    {
        DecidedBy = d.DecidedBy,
        DeciderRole = DirectoryMapping.Role(d.DeciderRole),
        Approve = d.Approve,
        Reason = d.Reason ?? "",
        DecidedAt = Time(d.DecidedAt),
    };

    public static V1.Opportunity ToProto(Opportunity o) => new()
    {
        Id = o.Id,
        Title = o.Title,
        Description = o.Description ?? "",
        RotationId = o.PoolId,
        PublishedBy = o.PublishedBy,
        PublishedAt = Time(o.PublishedAt),
        AssigneeId = o.AssigneeId ?? "",
        Position = o.Position,
        Skipped = { o.Skipped.Select(s => new V1.SkippedCandidate { EmployeeId = s.EmployeeId, Reason = SkipReason(s.Reason), Holding = s.Holding, Cap = s.Cap }) },
    };

    public static V1.AskingPriceVersion ToProto(AskingPriceVersion v) => new()
    {
        EffectiveFrom = v.EffectiveFrom.ToProtoDate(),
        Price = Money.Format(v.Price),
        SetBy = v.SetBy,
        SetAt = Time(v.SetAt),
    };

    /// <summary>C-2, P-3.7: a floor that was a previous sale's price only for hq (<see cref="DealTerms.MaySeeApprovalFloor"/>).</summary>
    public static V1.PriceApproval ToProto(Versioned<PriceApproval> versioned, Caller caller)
    {
        var a = versioned.Value;
        var floorShown = DealTerms.MaySeeApprovalFloor(caller, a);
        return new V1.PriceApproval
        {
            Id = a.Id,
            SellerId = a.SellerId,
            CustomerIdentityKey = a.IdentityKey,
            ProductCode = a.ProductCode,
            RegionId = a.RegionId,
            RequestedPrice = Money.Format(a.RequestedPrice),
            FloorPrice = floorShown ? Money.Format(a.FloorPrice) : "",
            FloorWithheld = !floorShown,
            FloorRuleId = a.FloorRuleId ?? "",
            Reason = a.Reason ?? "",
            Status = a.Status switch
            {
                ApprovalStatuses.Pending => V1.ApprovalStatus.Pending,
                ApprovalStatuses.Approved => V1.ApprovalStatus.Approved,
                _ => V1.ApprovalStatus.Refused,
            },
            FinalPrice = Money.Format(a.FinalPrice),
            ValidUntil = a.ValidUntil.ToProtoDate(),
            DecidedBy = a.DecidedBy ?? "",
            RequestedAt = Time(a.RequestedAt),
            DecidedAt = Time(a.DecidedAt),
            DecisionReason = a.DecisionReason ?? "",
            Version = versioned.Version,
        };
    }

    /// <summary>
    /// P-1.1 "a sale says what it is": the request's kind; unspecified, like an unknown number, is null and refused on its
    /// field, so a sample the ERP did not label never makes a customer formal.
    /// </summary>
    public static string? Kind(V1.SaleKind kind) => kind switch
    {
        V1.SaleKind.FormalPurchase => Contracts.Territory.SaleKinds.FormalPurchase,
        V1.SaleKind.Sample => Contracts.Territory.SaleKinds.Sample,
        V1.SaleKind.Trial => Contracts.Territory.SaleKinds.Trial,
        _ => null,
    };

    public static V1.SaleKind ToProto(string kind) => kind switch
    {
        Contracts.Territory.SaleKinds.Sample => V1.SaleKind.Sample,
        Contracts.Territory.SaleKinds.Trial => V1.SaleKind.Trial,
        _ => V1.SaleKind.FormalPurchase,
    };
}
