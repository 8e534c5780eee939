using System.Globalization;
using CustomerProtection.Registration.Application;
using CustomerProtection.Registration.Confidentiality.Domain;
using CustomerProtection.Registration.Domain;
using CustomerProtection.Registration.V1;

namespace CustomerProtection.Registration.Grpc;

/// <summary>Domain → proto. Dates as yyyy-MM-dd, absent values as empty strings.</summary>
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
            CustomerClass = c.Class,
            DeclaredAnnualSales = c.Sales.ToString(CultureInfo.InvariantCulture),
            BranchId = c.BranchId,
            RegionId = c.RegionId ?? "",
            OwnerId = state.OwnerOf(c) ?? "",
            OwnerName = state.OwnerOf(c) is null ? "" : c.OwnerName ?? "",
            Status = state.Status,
            Stage = c.Stage,
            ProtectedNow = state.ProtectedNow,
            FiledBy = c.FiledBy,
            FiledOn = Iso(Protection.Date(Policy.PolicyTime.DateOf(NodaTime.Instant.FromDateTimeOffset(c.FiledAt)))),
            ApprovedOn = Iso(c.ApprovedOn),
            PeriodStart = Iso(c.PeriodStart),
            LastProtectedDay = state.End is { } end ? Iso(Protection.Date(end.LastDay)) : "",
            RolledForward = state.End?.RolledForward ?? false,
            Provisional = state.End?.Provisional ?? false,
            ExtensionDays = c.ExtensionDays,
            ExtensionCapRemainingDays = state.Rules is { } rules ? Protection.ExtensionCapRemaining(c, rules) : 0,
            ObjectionWindowEnds = Iso(c.ObjectionWindowEnds),
            Disputed = c.OpenCaseId is not null,
            OpenCaseId = c.OpenCaseId ?? "",
            PreviousOwnerId = state.FreedOf(c).PreviousOwnerId ?? "",
            FreedOn = state.FreedOf(c).FreedAt is { } freed ? Iso(Protection.Date(Policy.PolicyTime.DateOf(freed))) : "",
            LastShipmentOn = Iso(c.LastShipmentOn),
            SpecialPeriodDays = c.SpecialPeriodDays ?? 0,
            ManualReview = c.ManualReview,
            ProgressFlagged = state.Progress?.Flagged ?? false,
            MonthsWithoutProgress = state.Progress?.MonthsMissing ?? 0,
            ContactMasked = details.ContactMasked,
            Version = details.Customer.Version,
            EvidenceKind = c.EvidenceKind ?? "",
            EvidenceDate = Iso(c.EvidenceDate),
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
                OpenToAllFrom = Date(claims.OpenToAllFrom),
                PreviousOwnerId = claims.PreviousOwnerId ?? "",
                PreviousOwnerMayClaimFrom = Date(claims.PreviousOwnerMayClaimFrom),
            };
        }

        if (c.PendingExtension is { } request)
        {
            view.PendingExtension = new ExtensionRequest
            {
                Days = request.Days,
                RequestedOn = Iso(request.RequestedOn),
                RequestedBy = request.RequestedBy,
                Reason = request.Reason ?? "",
            };
        }

        if (details.Contact is { } contact)
        {
            view.Contact = ToProto(contact);
        }

        view.ConsentPurposes.Add(details.Consent?.Purposes ?? []);

        return view;
    }

    /// <summary>ListCustomers' filters in the domain's words; an UNSPECIFIED or unknown value is the field's error.</summary>
    public static CustomerFilter FromProto(ListCustomersRequest request)
    {
        var violations = new List<FieldViolation>();
        var filter = new CustomerFilter(
            Words(violations, "status", request.Status, StatusWords),
            Words(violations, "stage", request.Stage, StageWords),
            Words(violations, "customer_class", request.CustomerClass, ClassWords),
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

        var classes = Words(violations, "customer_class", request.CustomerClass, ClassWords);
        RequestValidationException.ThrowIfAny(violations);
        return CustomerFilter.None with { Classes = classes, Text = request.Query };
    }

    private static readonly Dictionary<V1.CustomerStatus, string> StatusWords = new()
    {
        [V1.CustomerStatus.PendingApproval] = Domain.CustomerStatus.Pending,
        [V1.CustomerStatus.Protected] = Domain.CustomerStatus.Protected,
        [V1.CustomerStatus.Lapsed] = Domain.CustomerStatus.Lapsed,
        [V1.CustomerStatus.Pool] = Domain.CustomerStatus.Pool,
        [V1.CustomerStatus.Rejected] = Domain.CustomerStatus.Rejected,
    };

    private static readonly Dictionary<V1.CustomerStage, string> StageWords = new()
    {
        [V1.CustomerStage.Prospect] = Stages.Prospect,
        [V1.CustomerStage.Formal] = Stages.Formal,
    };

    private static readonly Dictionary<V1.CustomerClass, string> ClassWords = new()
    {
        [V1.CustomerClass.Important] = CustomerClasses.Important,
        [V1.CustomerClass.Potential] = CustomerClasses.Potential,
        [V1.CustomerClass.Ordinary] = CustomerClasses.Ordinary,
    };

    private static HashSet<string> Words<T>(List<FieldViolation> violations, string field, IEnumerable<T> values, Dictionary<T, string> words)
        where T : struct, Enum
    {
        var set = new HashSet<string>();
        foreach (var value in values)
        {
            if (words.TryGetValue(value, out var word))
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

    public static CustomerList ToProto(CustomerPage page)
    {
        var list = new CustomerList { NextPageToken = page.NextPageToken ?? "" };
        list.Customers.Add(page.Items.Select(ToProto));
        return list;
    }

    public static Holder ToProto(HolderInfo holder) => new()
    {
        CustomerId = holder.CustomerId,
        InvoiceTitle = holder.Title,
        OwnerId = holder.OwnerId ?? "",
        OwnerName = holder.OwnerName ?? "",
        BranchId = holder.BranchId,
        Status = holder.Status,
        Stage = holder.Stage,
        Since = HolderInfo.Iso(holder.Since),
        LastProtectedDay = HolderInfo.Iso(holder.LastProtectedDay),
        ProtectedNow = holder.ProtectedNow,
        OpenCaseId = holder.OpenCaseId ?? "",
        Provisional = holder.Provisional,
    };

    public static NearDuplicate ToProto(NearDuplicateMatch match) => new()
    {
        CustomerId = match.Customer.Id,
        InvoiceTitle = match.Customer.Title,
        Score = Math.Round(match.Score, 3),
        Status = match.State.Status,
        OwnerName = match.State.OwnerOf(match.Customer) is null ? "" : match.Customer.OwnerName ?? "",
        BranchId = match.Customer.BranchId,
    };

    public static OwnershipEvent ToProto(HistoryEntry entry) => new()
    {
        At = entry.At.ToString("O", CultureInfo.InvariantCulture),
        FromOwnerId = entry.From ?? "",
        ToOwnerId = entry.To ?? "",
        Status = entry.Status,
        Change = entry.Change,
        Reason = entry.Reason ?? "",
        By = entry.By,
        CaseId = entry.CaseId ?? "",
    };

    public static ProgressRecord ToProto(string customerId, ProgressEntry entry) => new()
    {
        CustomerId = customerId,
        Kind = entry.Kind,
        On = Iso(entry.On),
        Note = entry.Note ?? "",
        Evidence = entry.Evidence ?? "",
        RecordedBy = entry.RecordedBy,
        RecordedAt = entry.RecordedAt.ToString("O", CultureInfo.InvariantCulture),
    };

    public static ImportRowResult ToProto(ImportRowOutcome outcome)
    {
        var result = new ImportRowResult
        {
            Row = outcome.Row,
            Outcome = outcome.Outcome,
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

    public static ConsentInput? FromProto(V1.Consent? consent) => consent is null ? null : new ConsentInput(consent.Purposes, consent.Evidence);

    public static V1.RefusedDealerFiling ToProto(Domain.RefusedDealerFiling f) => new()
    {
        AttemptId = f.Id,
        DealerId = f.DealerId,
        BranchId = f.BranchId ?? "",
        FiledDealerId = f.FiledDealerId,
        CustomerIdentityKey = f.IdentityKey,
        InvoiceTitle = f.Title,
        On = Iso(f.On),
        At = f.At.ToString("O", CultureInfo.InvariantCulture),
    };

    private static Google.Type.Date? Date(DateOnly? day) => day is { } d ? new Google.Type.Date { Year = d.Year, Month = d.Month, Day = d.Day } : null;

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
        RefusedOn = Date(f.On),
        RefusedAt = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(f.At),
    };

    public static string Iso(DateOnly? date) => date?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? "";
}
