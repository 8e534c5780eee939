using System.Globalization;
using CustomerProtection.Protos;
using CustomerProtection.Registration.Application;
using CustomerProtection.Registration.Confidentiality.Domain;
using CustomerProtection.Registration.Domain;
using CustomerProtection.Registration.V1;
using Google.Protobuf.WellKnownTypes;
using static CustomerProtection.Protos.ProtoWords;

namespace CustomerProtection.Registration.Grpc;

/// <summary>
/// Domain ↔ proto (docs/api.md): policy days as google.type.Date and instants as Timestamp (unset when absent),
/// the domain's words as the API's enums (<see cref="ProtoWords"/>), other absent values as empty strings.
/// </summary>
public static class CustomerMapping
{
    public static CustomerView ToProto(CustomerDetails details)
    {
        var c = details.Customer.Value;
        var state = details.State;
        var view = new CustomerView
        {
            CustomerId = c.Id,
            IdentityKey = c.IdentityKey,
            TaxpayerId = c.TaxpayerId ?? "",
            InvoiceTitle = c.Title,
            CustomerClass = Value<V1.CustomerClass>(c.Class),
            DeclaredAnnualSales = c.Sales.ToString(CultureInfo.InvariantCulture),
            BranchId = c.BranchId,
            RegionId = c.RegionId ?? "",
            OwnerId = state.OwnerOf(c) ?? "",
            OwnerName = state.OwnerOf(c) is null ? "" : c.OwnerName ?? "",
            Status = Value<V1.CustomerStatus>(state.Status),
            Stage = Value<V1.CustomerStage>(c.Stage),
            ProtectedNow = state.ProtectedNow,
            FiledBy = c.FiledBy,
            FiledOn = Dates.DateOf(c.FiledAt).ToProtoDate(),
            ApprovedOn = c.ApprovedOn.ToProtoDate(),
            PeriodStart = c.PeriodStart.ToProtoDate(),
            LastProtectedDay = state.End is { } end ? Protection.Date(end.LastDay).ToProtoDate() : null,
            RolledForward = state.End?.RolledForward ?? false,
            Provisional = state.End?.Provisional ?? false,
            ExtensionDays = c.ExtensionDays,
            ExtensionCapRemainingDays = state.Rules is { } rules ? Protection.ExtensionCapRemaining(c, rules) : 0,
            ObjectionWindowEnds = c.ObjectionWindowEnds.ToProtoDate(),
            Disputed = c.OpenCaseId is not null,
            OpenCaseId = c.OpenCaseId ?? "",
            PreviousOwnerId = state.FreedOf(c).PreviousOwnerId ?? "",
            FreedOn = state.FreedOf(c).FreedAt is { } freed ? Protection.Date(Policy.PolicyTime.DateOf(freed)).ToProtoDate() : null,
            LastShipmentOn = c.LastShipmentOn.ToProtoDate(),
            SpecialPeriodDays = c.SpecialPeriodDays ?? 0,
            ManualReview = c.ManualReview,
            ProgressFlagged = state.Progress?.Flagged ?? false,
            MonthsWithoutProgress = state.Progress?.MonthsMissing ?? 0,
            ContactMasked = details.ContactMasked,
            Version = details.Customer.Version,
            EvidenceKind = Value<FilingEvidenceKind>(c.EvidenceKind),
            EvidenceDate = c.EvidenceDate.ToProtoDate(),
            ContactDestroyed = details.ContactDestroyed,
        };
        view.CoDeveloperIds.Add(c.CoDevelopers ?? []);
        if (state.DaysRemaining is { } days)
        {
            view.DaysRemaining = days;
        }

        if (details.PoolClaims is { } claims)
        {
            view.PoolClaims = new V1.PoolClaims
            {
                OpenToAllFrom = claims.OpenToAllFrom.ToProtoDate(),
                PreviousOwnerId = claims.PreviousOwnerId ?? "",
                PreviousOwnerMayClaimFrom = claims.PreviousOwnerMayClaimFrom.ToProtoDate(),
            };
        }

        if (c.PendingExtension is { } request)
        {
            view.PendingExtension = new ExtensionRequest
            {
                Days = request.Days,
                RequestedOn = request.RequestedOn.ToProtoDate(),
                RequestedBy = request.RequestedBy,
                Reason = request.Reason ?? "",
            };
        }

        if (details.Contact is { } contact)
        {
            view.Contact = ToProto(contact);
        }

        view.ConsentPurposes.Add((details.Consent?.Purposes ?? []).Select(Value<V1.Purpose>));

        return view;
    }

    /// <summary>ListCustomers' filters in the domain's words; an UNSPECIFIED or unknown value is the field's error.</summary>
    public static CustomerFilter FromProto(ListCustomersRequest request)
    {
        var violations = new List<FieldViolation>();
        var filter = new CustomerFilter(
            Words(violations, "status", request.Status),
            Words(violations, "stage", request.Stage),
            Words(violations, "customer_class", request.CustomerClass),
            request.ExpiresWithinDays);
        RequestValidationException.ThrowIfAny(violations);
        return filter;
    }

    /// <summary>ListPool's filters: the text and the classes.</summary>
    public static CustomerFilter FromProto(ListPoolRequest request)
    {
        var violations = new List<FieldViolation>();
        if (request.Query.Length > 200)
        {
            violations.Add(new("query", "最长 200 / at most 200 characters"));
        }

        var classes = Words(violations, "customer_class", request.CustomerClass);
        RequestValidationException.ThrowIfAny(violations);
        return CustomerFilter.None with { Classes = classes, Text = request.Query };
    }

    private static HashSet<string> Words<T>(List<FieldViolation> violations, string field, IEnumerable<T> values)
        where T : struct, System.Enum
    {
        var set = new HashSet<string>();
        foreach (var value in values)
        {
            if (Word(value) is { } word)
            {
                set.Add(word);
            }
            else
            {
                violations.Add(new(field, $"未知的值 {value} / unknown value {value}"));
            }
        }

        return set;
    }

    /// <summary>
    /// A request's policy day, read with <see cref="Dates.Parse(ICollection{FieldViolation}, string, Google.Type.Date?, bool)"/>
    /// (a day that is not on the calendar is InvalidArgument on its field) and handed to the use case as the
    /// yyyy-MM-dd text it validates with its own rules (required, not in the future), as the CSV import hands it
    /// its columns; empty when unset.
    /// </summary>
    public static string Day(string field, Google.Type.Date? date)
    {
        var violations = new List<FieldViolation>();
        var day = Dates.Parse(violations, field, date);
        RequestValidationException.ThrowIfAny(violations);
        return Dates.Iso(day);
    }

    /// <summary>Unset (null) for no instant.</summary>
    public static Timestamp? At(DateTimeOffset? at) => at is { } t ? Timestamp.FromDateTimeOffset(t) : null;

    public static Holder ToProto(HolderInfo holder) => new()
    {
        CustomerId = holder.CustomerId,
        InvoiceTitle = holder.Title,
        OwnerId = holder.OwnerId ?? "",
        OwnerName = holder.OwnerName ?? "",
        BranchId = holder.BranchId,
        Status = Value<V1.CustomerStatus>(holder.Status),
        Stage = Value<V1.CustomerStage>(holder.Stage),
        Since = holder.Since.ToProtoDate(),
        LastProtectedDay = holder.LastProtectedDay.ToProtoDate(),
        ProtectedNow = holder.ProtectedNow,
        OpenCaseId = holder.OpenCaseId ?? "",
        Provisional = holder.Provisional,
    };

    public static NearDuplicate ToProto(NearDuplicateMatch match) => new()
    {
        CustomerId = match.Customer.Id,
        InvoiceTitle = match.Customer.Title,
        Score = Math.Round(match.Score, 3),
        Status = Value<V1.CustomerStatus>(match.State.Status),
        OwnerName = match.State.OwnerOf(match.Customer) is null ? "" : match.Customer.OwnerName ?? "",
        BranchId = match.Customer.BranchId,
    };

    public static OwnershipEvent ToProto(HistoryEntry entry) => new()
    {
        At = At(entry.At),
        FromOwnerId = entry.From ?? "",
        ToOwnerId = entry.To ?? "",
        Status = Value<V1.CustomerStatus>(entry.Status),
        Change = Value<OwnershipChange>(entry.Change),
        Reason = entry.Reason ?? "",
        By = entry.By,
        CaseId = entry.CaseId ?? "",
    };

    public static ProgressRecord ToProto(string customerId, ProgressEntry entry) => new()
    {
        CustomerId = customerId,
        Kind = Value<ProgressKind>(entry.Kind),
        On = entry.On.ToProtoDate(),
        Note = entry.Note ?? "",
        Evidence = entry.Evidence ?? "",
        RecordedBy = entry.RecordedBy,
        RecordedAt = At(entry.RecordedAt),
    };

    public static ImportRowResult ToProto(ImportRowOutcome outcome)
    {
        var result = new ImportRowResult
        {
            Row = outcome.Row,
            Outcome = Value<ImportOutcome>(outcome.Outcome),
            CustomerId = outcome.CustomerId ?? "",
            RuleId = outcome.RuleId ?? "",
            Reason = outcome.Reason ?? "",
        };
        if (outcome.Holder is { } holder)
        {
            result.Holder = ToProto(holder);
        }

        return result;
    }

    public static Contact ToProto(CustomerContact contact) => new()
    {
        Name = contact.Name ?? "",
        Phone = contact.Phone ?? "",
        Email = contact.Email ?? "",
        Address = contact.Address ?? "",
        BankAccount = contact.BankAccount ?? "",
        DealTerms = contact.DealTerms ?? "",
        Financials = contact.Financials ?? "",
        Contracts = contact.Contracts ?? "",
    };

    public static CustomerContact FromProto(Contact? contact) =>
        contact is null
            ? CustomerContact.Empty
            : new CustomerContact(contact.Name, contact.Phone, contact.Email, contact.Address, contact.BankAccount, contact.DealTerms, contact.Financials, contact.Contracts);

    public static ConsentInput? FromProto(V1.Consent? consent) =>
        consent is null ? null : new ConsentInput([.. consent.Purposes.Select(p => PurposeWord(p) ?? "")], consent.Evidence);

    /// <summary>
    /// A request's C-6 purpose as the domain's word: none when unspecified (the caller's usual purpose), and an unknown
    /// number as its digits, which the purpose check refuses on the request's field.
    /// </summary>
    public static string? PurposeWord(V1.Purpose purpose) =>
        purpose == V1.Purpose.Unspecified ? null : Word(purpose) ?? ((int)purpose).ToString(CultureInfo.InvariantCulture);

    public static V1.RefusedDealerFiling ToProto(Domain.RefusedDealerFiling f) => new()
    {
        AttemptId = f.Id,
        DealerId = f.DealerId,
        BranchId = f.BranchId ?? "",
        FiledDealerId = f.FiledDealerId,
        CustomerIdentityKey = f.IdentityKey,
        InvoiceTitle = f.Title,
        On = f.On.ToProtoDate(),
        At = At(f.At),
    };

    public static V1.RefusedFiling ToProto(Domain.RefusedFiling f) => new()
    {
        RefusalId = f.Id,
        FilerId = f.FilerId,
        BranchId = f.BranchId ?? "",
        RuleId = f.RuleId,
        IdentityKey = f.IdentityKey,
        InvoiceTitle = f.Title,
        CustomerId = f.CustomerId,
        HolderId = f.HolderId ?? "",
        Reason = f.Reason,
        RefusedOn = f.On.ToProtoDate(),
        RefusedAt = At(f.At),
    };
}
