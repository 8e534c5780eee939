using CustomerProtection.Contracts.Organization;
using CustomerProtection.Contracts.Registration;
using CustomerProtection.Registration.Confidentiality.Application;
using CustomerProtection.Registration.Confidentiality.Domain;
using CustomerProtection.Registration.Domain;
using CustomerProtection.Registration.Persistence;
using NodaTime;

namespace CustomerProtection.Registration.Application;

/// <summary>
/// P-2.1: a salesperson or dealer files a customer after a visit, a phone appointment or a referral.
/// The ownership gate (docs/ownership.md) decides and guards it: every record of the same customer
/// (P-2.5) must be free (else ALREADY_EXISTS naming the holder and the rule that matched, P-9.1), a
/// leaver's pool customer is taken by filing only as by a claim (P-12, X-2), the previous owner waits
/// out the cool-down, a salesperson at the holding cap is refused. The identity is reserved
/// in the same atomic step that writes the customer, its contact, indexes, history and events: of
/// concurrent filings of one customer exactly one wins. Dealers may not file dealers (P-6); a lapsed
/// customer is filed again as usual (P-2.3). Branches may auto-approve filings without conflict.
/// </summary>
public sealed class FileCustomer(
    CustomerStore store,
    CustomerIdAllocator ids,
    CustomerWriter writer,
    Organization organization,
    NearDuplicates nearDuplicates,
    OwnershipGate gate,
    PolicyClock clock)
{
    private const int Attempts = 8;

    /// <returns>The customer as filed (or approved at once) and the contact as stored.</returns>
    public async Task<(Versioned<Customer> Customer, CustomerContact Contact)> ExecuteAsync(Caller caller, FilingInput input)
    {
        if (!RegistrationScopes.CanFile(caller))
        {
            throw new ScopeDeniedException("只有销售员和经销商可以备案 / only salespeople and dealers file customers");
        }

        var today = clock.Today;
        var violations = new List<FieldViolation>();
        var filing = FilingRules.Validate(violations, "", input, today) ?? throw new RequestValidationException(violations);

        // Every read the decision needs, sent together (one round trip): the filer, their branch as the
        // token names it, every record of the same customer, and for a dealer whether the identity is a dealer's.
        var filerRead = organization.FilerAsync(caller);
        var branchRead = caller.BranchId is { } tokenBranch ? organization.BranchAsync(tokenBranch) : Task.FromResult<BranchSnapshot?>(null);
        var identityRead = gate.ReadAsync(filing.IdentityKey, filing.Title);
        var dealerRead = caller.Role == Roles.Dealer ? organization.DealerWithIdentityAsync(filing.IdentityKey) : Task.FromResult<string?>(null);
        await Task.WhenAll(filerRead, branchRead, identityRead, dealerRead);
        var filer = filerRead.Result;
        if (filer.Role == Roles.Dealer && dealerRead.Result is { } dealerId)
        {
            throw await DealerFiledDealerAsync(filer, dealerId, filing, today);
        }

        var parameters = clock.On(today);
        var branch = filer.BranchId == caller.BranchId ? branchRead.Result : await organization.BranchAsync(filer.BranchId);
        var autoApproval = branch?.AutoApproveFilings == true || parameters.AutoApproval;

        try
        {
            return await FileAsync(caller, filing, filer, identityRead.Result, autoApproval, today);
        }
        catch (PolicyRefusalException taken) when (taken.Code == RefusalCode.AlreadyExists)
        {
            await RecordTakenAsync(filer, filing, taken, today);
            throw;
        }
    }

    /// <summary>
    /// P-9.1: the refusal is kept for the filer (ListRefusedFilings), once per filer, identity and day, as P-6's
    /// refused dealer filings are; a second refusal the same day writes nothing (its step expects no record).
    /// </summary>
    private async Task RecordTakenAsync(Person filer, ValidFiling filing, PolicyRefusalException taken, LocalDate today)
    {
        var day = Protection.Date(today);
        var refused = new RefusedFiling(ViolationIds.For("P-9.1", filer.Id, filing.IdentityKey, day), filer.Id, filer.BranchId, "P-9.1",
            filing.IdentityKey, filing.Title, taken.Metadata.GetValueOrDefault("customerId", ""), NullIfEmpty(taken.Metadata.GetValueOrDefault("ownerId")),
            taken.Message, day, clock.UtcNow);
        await store.CommitAsync(CustomerStore.RecordRefusedFiling(new AtomicChange(), refused, once: true));
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;

    private async Task<(Versioned<Customer> Customer, CustomerContact Contact)> FileAsync(
        Caller caller, ValidFiling filing, Person filer, IdentityRecords identity, bool autoApproval, LocalDate today)
    {
        var retry = new ConflictRetry(Attempts);
        for (var first = true; ; first = false)
        {
            if (!first)
            {
                identity = await gate.ReadAsync(filing.IdentityKey, filing.Title);
            }

            var existing = identity.Primary;
            var admission = await gate.AdmitAsync(OwnerChangeKind.File, existing, filer, filer.BranchId, identity);
            var now = clock.Now;

            // P-2.3: the previous owner of the customer (on this record, or another record of it) may object.
            var previousOwner = (existing is null ? admission.Others : admission.Others.Prepend(existing))
                .Select(r => clock.Evaluate(r.Value, now).FreedOf(r.Value).PreviousOwnerId)
                .FirstOrDefault(o => o is not null);
            var filed = Filed(existing is null ? NewCustomer(await ids.NextAsync(), filing, filer) : AsFreed(existing.Value, now), filing, filer, now, previousOwner);

            // P-2.1: auto-approval only for a filing without conflict: no identity review asked for,
            // no near-duplicate title for the secretary to look at.
            var approve = autoApproval && !filing.ManualReview && (await nearDuplicates.FindAsync(filing.Title, filed.Id, 1)).Count == 0;
            var next = approve ? writer.StartProtection(filed, filer, today, now, "auto", announce: true) with { PreviousOwnerId = previousOwner } : filed;
            var at = now.ToDateTimeOffset();
            var history = new List<HistoryEntry> { new(at, Changes.Filed, CustomerStatus.Pending, null, filer.Id, filing.EvidenceKind, filer.Id) };
            var events = new List<object> { new FilingSubmitted(next.Id, next.IdentityKey, filer.Id, filer.BranchId, at) };
            if (approve)
            {
                history.Add(new(at, Changes.Approved, CustomerStatus.Protected, previousOwner, filer.Id, "auto-approval", "auto"));
                events.Add(writer.Announcement(next, at));
                events.Add(CustomerWriter.OwnerChange(previousOwner, next, Changes.Approved, filer.Id, at));
            }

            var change = admission.Guard(writer.Change(existing, next, now, history, events,
                new ConfidentialWrite(caller, filing.Contact, filing.Consent.RecordedBy(filer.Id, at), Purposes.SalesDevelopment)), next);
            var outcome = await writer.CommitAsync(change);
            if (outcome.Succeeded)
            {
                return (new Versioned<Customer>(next, (existing?.Version ?? 0) + 1), filing.Contact);
            }

            // Someone else reserved or changed it first: look again, and name them if they hold it now.
            if (retry.IsFinal(outcome, Changed))
            {
                throw Changed(outcome)
                    ? new ConcurrencyConflictException("并发修改冲突，请重试 / changed concurrently, please retry")
                    : CustomerWriter.Refusal(outcome, admission.Parameters, today);
            }
        }
    }

    private static bool Changed(ChangeResult outcome) => outcome.Failure is ChangeFailure.FieldTaken or ChangeFailure.VersionMoved;

    private static Customer NewCustomer(string id, ValidFiling filing, Person filer) => new()
    {
        Id = id,
        IdentityKey = filing.IdentityKey,
        Title = filing.Title,
        Class = filing.Class,
        BranchId = filer.BranchId,
        Status = CustomerStatus.Pending,
        FiledBy = filer.Id,
    };

    /// <summary>The pending filing: of a new customer, or a new filing of a free one (same id: X-6 history continues).</summary>
    /// <summary>
    /// A protection that ended before the due-queue lapsed it is lapsed all the same (P-3.5): the record says so
    /// before the new filing, so that a rejection gives back a lapsed customer with its cool-down.
    /// </summary>
    private Customer AsFreed(Customer record, Instant now)
    {
        var state = clock.Evaluate(record, now);
        return record.Status == CustomerStatus.Protected && state.Status == CustomerStatus.Lapsed ? OwnershipRules.Lapsed(record, state) : record;
    }

    private static Customer Filed(Customer basis, ValidFiling filing, Person filer, Instant now, string? previousOwner) =>
        basis with
        {
            Class = filing.Class,
            Sales = filing.Sales,
            BranchId = filer.BranchId,
            RegionId = filer.RegionId,
            Status = CustomerStatus.Pending,
            OwnerId = filer.Id,
            OwnerName = filer.Name,
            FiledBy = filer.Id,
            FiledAt = now.ToDateTimeOffset(),
            EvidenceKind = filing.EvidenceKind,
            EvidenceDate = filing.EvidenceDate,
            Evidence = filing.Evidence,
            ManualReview = filing.ManualReview,
            ApprovedOn = null,
            ApprovedBy = null,
            PeriodStart = null,
            ExtensionDays = 0,
            PendingExtension = null,
            ObjectionWindowEnds = null,
            CoDevelopers = null,
            PreviousOwnerId = previousOwner ?? basis.PreviousOwnerId,
        };

    /// <summary>
    /// P-6: dealers file end customers, never another dealer. The attempt is refused and kept for the dealer's
    /// branch manager (<see cref="ListRefusedDealerFilings"/>, <see cref="DealerFilingRefused"/>) — not reported
    /// as a violation: nothing was filed, so there is nothing to fine. Its id is stable per dealer, identity
    /// and day, so the same attempt repeated is recorded once (the step expects the record absent).
    /// </summary>
    private async Task<PolicyRefusalException> DealerFiledDealerAsync(Person filer, string dealerId, ValidFiling filing, LocalDate today)
    {
        var attemptId = ViolationIds.For("P-6", filer.Id, filing.IdentityKey, Protection.Date(today));
        var at = clock.UtcNow;
        var attempt = new RefusedDealerFiling(attemptId, filer.Id, filer.BranchId, dealerId, filing.IdentityKey, filing.Title, Protection.Date(today), at);
        var key = RegistrationKeys.RefusedDealerFiling(attemptId);
        var change = new AtomicChange()
            .Expect(key, 0)
            .Put(key, 1, System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(attempt, RefusedFilingJsonContext.Default.RefusedDealerFiling))
            .Publish(new DealerFilingRefused(attemptId, filer.Id, filer.BranchId, filer.ManagerId, dealerId, filing.IdentityKey, filing.Title, attempt.On, at));
        if (filer.BranchId is { } branch)
        {
            change.IndexAdd(RegistrationKeys.BranchRefusedDealerFilings(branch), attemptId, at.ToUnixTimeMilliseconds());
        }

        await store.CommitAsync(change);
        return new PolicyRefusalException(
            "P-6",
            "经销商只能备案最终客户，不能备案其他经销商 / dealers file end customers only, never another dealer",
            new Dictionary<string, string> { ["dealerId"] = dealerId, ["identityKey"] = filing.IdentityKey, ["attemptId"] = attemptId });
    }
}
