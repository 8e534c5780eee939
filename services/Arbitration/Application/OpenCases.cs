using CustomerProtection.Arbitration.Domain;
using CustomerProtection.Arbitration.Persistence;

namespace CustomerProtection.Arbitration.Application;

public sealed record ObjectionInput(string CustomerId, string Reason, string? OwnCustomerId);

public sealed record EncroachmentInput(string CustomerId, string AccusedId, string DiscoveredOn, string Description);

public sealed record DisputeInput(string Kind, string CustomerId, string RespondentId, string? SaleId, string Description);

public sealed record RetaliationInput(string CaseId, string AccusedId, string Description);

/// <summary>
/// Opening a case (issue 6, item 1): P-2.2 / P-2.3 objections within the objection window, P-4.5
/// encroachment complaints within 7 working days of discovery, P-3.6 and P-8.2 disputes, P-4.5
/// retaliation during a case. Windows are checked before anything is read; the P-9 recommendation
/// is computed from Registration's data at this moment and stored with the case. A case about who
/// holds the customer takes the customer's dispute marker (one open at a time) and publishes
/// CaseOpened, so Registration shows the customer as disputed and blocks transfers meanwhile.
/// </summary>
public sealed class OpenCases(ArbitrationStore store, IRegistrationReader registration, PolicyClock clock)
{
    public async Task<Versioned<Case>> FileObjectionAsync(Caller caller, ObjectionInput input, CancellationToken cancellationToken)
    {
        var violations = new List<FieldViolation>();
        var customerId = RequestFields.Id(violations, "customer_id", input.CustomerId)!;
        var reason = RequestFields.Text(violations, "reason", input.Reason, required: true)!;
        var ownId = RequestFields.Id(violations, "own_customer_id", input.OwnCustomerId, required: false);
        RequestValidationException.ThrowIfAny(violations);

        var customer = await CustomerAsync(customerId, cancellationToken);
        var kind = CaseRules.ObjectionKind(caller, customer);
        var today = clock.TodayDate;
        // The window is Arbitration's own computation from the announcement (the ownership's start day,
        // with the number of working days in force that day, P-14), so the refusal names its deadline;
        // Registration's objection_window_ends only says that there was an announcement at all.
        CaseWindows.EnsureObjectionInTime(clock.Book, clock.Calendar, customer.ApprovedOn!.Value, today);
        var window = CaseWindows.Objection(clock.Book, clock.Calendar, customer.ApprovedOn.Value, today);

        var own = ownId is null ? null : await registration.GetCustomerAsync(ownId, cancellationToken);
        if (ownId is not null && (own is null || own.OwnerId != caller.EmployeeId || own.CustomerId == customer.CustomerId))
        {
            throw new RequestValidationException(new FieldViolation("own_customer_id", "须为提出人自己名下的另一备案 / must be another filing owned by the objector"));
        }

        var progress = await ProgressAsync(cancellationToken, customer.CustomerId, own?.CustomerId);
        // P-2.3: the previous owner's filing lapsed (P-3.5: given up); it is not a valid filing any more.
        var claimantFilings = new List<FilingFact>();
        if (own is not null)
        {
            claimantFilings.Add(own.Filing);
        }

        if (kind == CaseKinds.LapsedClaim)
        {
            claimantFilings.Add(new FilingFact(customer.CustomerId, null, false, "lapsed"));
        }

        var now = clock.UtcNow;
        var priority = PriorityRules.Recommend(
            new PartyEvidence(caller.EmployeeId, claimantFilings, progress),
            new PartyEvidence(customer.OwnerId!, [customer.Filing], progress),
            today, now);
        var @case = NewCase(kind, customer, caller, customer.OwnerId, reason, now) with
        {
            AnnouncedOn = customer.ApprovedOn,
            WindowDeadline = Dates.ToDateOnly(window.Deadline),
            Provisional = window.Provisional,
            Recommendation = priority,
        };
        return await CommitAsync(@case);
    }

    public async Task<Versioned<Case>> FileEncroachmentAsync(Caller caller, EncroachmentInput input, CancellationToken cancellationToken)
    {
        var violations = new List<FieldViolation>();
        var customerId = RequestFields.Id(violations, "customer_id", input.CustomerId)!;
        var accused = RequestFields.Id(violations, "accused_id", input.AccusedId)!;
        var discovered = Dates.Parse(violations, "discovered_on", input.DiscoveredOn, required: true);
        var description = RequestFields.Text(violations, "description", input.Description, required: true)!;
        var today = clock.TodayDate;
        if (discovered > today)
        {
            violations.Add(new("discovered_on", "不能晚于今天 / cannot be in the future"));
        }

        if (accused == caller.EmployeeId)
        {
            violations.Add(new("accused_id", "不能投诉自己 / one cannot complain about oneself"));
        }

        RequestValidationException.ThrowIfAny(violations);

        // P-4.5: the window is the policy's, whoever the customer is: refused before anything is read.
        CaseWindows.EnsureComplaintInTime(clock.Book, clock.Calendar, discovered!.Value, today);
        var window = CaseWindows.Complaint(clock.Book, clock.Calendar, discovered.Value, today);

        var customer = await CustomerAsync(customerId, cancellationToken);
        var progress = await ProgressAsync(cancellationToken, customer.CustomerId);
        var now = clock.UtcNow;
        var priority = PriorityRules.Recommend(Party(caller.EmployeeId, customer, progress), Party(accused, customer, progress), today, now);
        var @case = NewCase(CaseKinds.Encroachment, customer, caller, accused, description, now) with
        {
            DiscoveredOn = discovered,
            WindowDeadline = Dates.ToDateOnly(window.Deadline),
            Provisional = window.Provisional,
            Recommendation = priority,
        };
        return await CommitAsync(@case);
    }

    public async Task<Versioned<Case>> OpenDisputeAsync(Caller caller, DisputeInput input, CancellationToken cancellationToken)
    {
        var violations = new List<FieldViolation>();
        var kind = RequestFields.OneOf(violations, "kind", input.Kind, CaseKinds.Disputes);
        var customerId = RequestFields.Id(violations, "customer_id", input.CustomerId)!;
        var respondent = RequestFields.Id(violations, "respondent_id", input.RespondentId)!;
        var saleId = RequestFields.Id(violations, "sale_id", input.SaleId, required: kind == CaseKinds.Performance);
        var description = RequestFields.Text(violations, "description", input.Description, required: true)!;
        if (respondent == caller.EmployeeId)
        {
            violations.Add(new("respondent_id", "不能与自己争议 / one cannot dispute with oneself"));
        }

        RequestValidationException.ThrowIfAny(violations);

        var customer = await CustomerAsync(customerId, cancellationToken);
        if (kind == CaseKinds.CoDevelopment)
        {
            CaseRules.EnsureCoDevelopmentParties(customer, caller.EmployeeId, respondent);
        }

        // P-8.2 disputes a recorded sale's credit: hq's decision is applied to that sale in Territory's
        // ledger, so the sale must be one of this customer's (Territory's SaleRecorded, kept here).
        if (kind == CaseKinds.Performance && !(await store.DealsAsync(customer.IdentityKey, DateOnly.MinValue, DateOnly.MaxValue)).Any(d => d.SaleId == saleId))
        {
            throw new RequestValidationException(new FieldViolation("sale_id",
                $"出货 {saleId} 不是客户 {customer.CustomerId} 的已记录出货 / sale {saleId} is not a recorded sale to customer {customer.CustomerId}"));
        }

        var @case = NewCase(kind!, customer, caller, respondent, description, clock.UtcNow) with { SaleId = kind == CaseKinds.Performance ? saleId : null };
        return await CommitAsync(@case);
    }

    public async Task<Versioned<Case>> ReportRetaliationAsync(Caller caller, RetaliationInput input)
    {
        var violations = new List<FieldViolation>();
        var parentId = RequestFields.Id(violations, "case_id", input.CaseId)!;
        var accused = RequestFields.Id(violations, "accused_id", input.AccusedId)!;
        var description = RequestFields.Text(violations, "description", input.Description, required: true)!;
        if (accused == caller.EmployeeId)
        {
            violations.Add(new("accused_id", "不能举报自己 / one cannot report oneself"));
        }

        RequestValidationException.ThrowIfAny(violations);

        var parent = (await store.GetCaseAsync(parentId) ?? throw new EntityNotFoundException("case", parentId)).Value;
        if (!parent.IsParty(caller.EmployeeId))
        {
            throw new ScopeDeniedException("报复行为由案件当事人举报 / retaliation is reported by a party of the case");
        }

        if (parent.IsClosed)
        {
            throw new PolicyRefusalException("P-4.5", $"案件 {parent.Id} 已结案 / case {parent.Id} is closed: retaliation is reported during a case",
                new Dictionary<string, string> { ["case_id"] = parent.Id, ["closed_at"] = Dates.Iso(parent.ClosedAt) });
        }

        var @case = new Case
        {
            Id = NewId(),
            Kind = CaseKinds.Retaliation,
            Status = CaseStatuses.Open,
            CustomerId = parent.CustomerId,
            IdentityKey = parent.IdentityKey,
            BranchId = parent.BranchId,
            RegionId = parent.RegionId,
            ClaimantId = caller.EmployeeId,
            RespondentId = accused,
            OwnerId = parent.OwnerId,
            CoDeveloperIds = parent.CoDeveloperIds,
            OpenedBy = caller.EmployeeId,
            OpenedAt = clock.UtcNow,
            Description = description,
            ParentCaseId = parent.Id,
        };
        return await CommitAsync(@case);
    }

    private async Task<Versioned<Case>> CommitAsync(Case @case) =>
        await OptimisticConcurrency.RetryAsync(async () =>
        {
            Versioned<CustomerMarker>? marker = null;
            if (CaseKinds.DisputesCustomer(@case.Kind))
            {
                marker = await store.GetMarkerAsync(@case.CustomerId);
                if (marker?.Value.OpenCaseId is { } open)
                {
                    throw new PolicyRefusalException("CASE_OPEN",
                        $"客户 {@case.CustomerId} 已有进行中的案件 {open}（可在该案件中出价或举报）/ customer {@case.CustomerId} is already disputed in case {open}",
                        new Dictionary<string, string> { ["customer_id"] = @case.CustomerId, ["open_case_id"] = open }, RefusalCode.AlreadyExists);
                }
            }

            return (await store.CommitAsync(CaseChanges.Open(@case, marker)), new Versioned<Case>(@case, 1));
        });

    private async Task<CustomerFacts> CustomerAsync(string customerId, CancellationToken cancellationToken) =>
        await registration.GetCustomerAsync(customerId, cancellationToken) ?? throw new EntityNotFoundException("customer", customerId);

    private async Task<IReadOnlyList<ProgressFact>> ProgressAsync(CancellationToken cancellationToken, params string?[] customerIds)
    {
        var all = new List<ProgressFact>();
        foreach (var id in customerIds.OfType<string>())
        {
            all.AddRange(await registration.ListProgressAsync(id, cancellationToken));
        }

        return all;
    }

    /// <summary>P-9 evidence of one party: the customer's filing if it is theirs, and their progress records.</summary>
    private static PartyEvidence Party(string employeeId, CustomerFacts customer, IReadOnlyList<ProgressFact> progress) =>
        new(employeeId, customer.OwnerId == employeeId ? [customer.Filing] : [], progress);

    private static Case NewCase(string kind, CustomerFacts customer, Caller caller, string? respondent, string description, DateTimeOffset now) => new()
    {
        Id = NewId(),
        Kind = kind,
        Status = CaseStatuses.Open,
        CustomerId = customer.CustomerId,
        IdentityKey = customer.IdentityKey,
        BranchId = customer.BranchId,
        RegionId = customer.RegionId,
        ClaimantId = caller.EmployeeId,
        RespondentId = respondent,
        OwnerId = customer.OwnerId,
        CoDeveloperIds = customer.CoDeveloperIds,
        OpenedBy = caller.EmployeeId,
        OpenedAt = now,
        Description = description,
    };

    /// <summary>Case ids: "case-" and 20 hex digits of randomness (no coordination, never reused).</summary>
    private static string NewId() => "case-" + Guid.NewGuid().ToString("N")[..20];
}
