using System.Globalization;
using CustomerProtection.Registration.Confidentiality.Application;
using CustomerProtection.Registration.Confidentiality.Domain;
using CustomerProtection.Registration.Domain;
using CustomerProtection.Registration.Persistence;
using StackExchange.Redis;

namespace CustomerProtection.Registration.Application;

/// <summary>
/// A customer as a caller sees it: its protection evaluated now, its contact in clear or masked per
/// C-2 (or destroyed, C-10) and, with a clear contact, the consent it was given under (C-6).
/// </summary>
public sealed record CustomerDetails(Versioned<Customer> Customer, ProtectionState State, CustomerContact? Contact, bool ContactMasked,
    bool ContactDestroyed = false, Consent? Consent = null, PoolClaims? PoolClaims = null);

/// <summary>
/// P-12, X-2 for a pool customer today: open to every salesperson of the branch from <paramref name="OpenToAllFrom"/>
/// (null: already), and the previous owner may take it back from <paramref name="PreviousOwnerMayClaimFrom"/> (null: already).
/// </summary>
public sealed record PoolClaims(DateOnly? OpenToAllFrom, string? PreviousOwnerId, DateOnly? PreviousOwnerMayClaimFrom);

/// <summary>One page of customers.</summary>
public sealed record CustomerPage(IReadOnlyList<CustomerDetails> Items, string? NextPageToken);

/// <summary>X-4: the answer to a duplicate check.</summary>
public sealed record DuplicateCheck(string IdentityKey, string Verdict, HolderInfo? Holder, IReadOnlyList<NearDuplicateMatch> NearDuplicates, string? MatchedBy);

public static class Verdicts
{
    public const string Free = "free";
    public const string Taken = "taken";
    public const string InCase = "in_case";
}

/// <summary>Reads: details, lists, history, progress, ownership and the duplicate check. Status is computed at the time of the answer.</summary>
public sealed class QueryCustomers(CustomerStore store, NearDuplicates nearDuplicates, Organization organization, OwnershipGate gate, PolicyClock clock, ConfidentialAccess confidential)
{
    /// <summary>
    /// anyone authenticated; names and dates only (C-1). The answer is the ownership gate's (P-2.5):
    /// the record that holds the customer, whichever rule matched it, so the check never says "free"
    /// where a filing would be refused.
    /// </summary>
    public async Task<DuplicateCheck> CheckDuplicateAsync(string? taxpayerId, string? invoiceTitle, bool manualReview)
    {
        var violations = new List<FieldViolation>();
        var key = FilingRules.Identity(violations, "", taxpayerId, invoiceTitle, manualReview) ?? throw new RequestValidationException(violations);

        // The records of the customer and the near-duplicate candidates, side by side.
        var existingRead = gate.ResolveAsync(key, invoiceTitle);
        var candidatesRead = string.IsNullOrWhiteSpace(invoiceTitle) ? null : nearDuplicates.CandidatesAsync(invoiceTitle);
        var existing = await existingRead;
        HolderInfo? holder = null;
        var verdict = Verdicts.Free;
        if (existing is var (record, state, _))
        {
            holder = HolderInfo.Of(record.Value, state);
            verdict = !CustomerStatus.IsFree(state.Status) ? Verdicts.Taken : record.Value.OpenCaseId is not null ? Verdicts.InCase : Verdicts.Free;
        }

        var near = candidatesRead is null ? [] : await nearDuplicates.ScoreAsync(invoiceTitle!, await candidatesRead, existing?.Record.Value.Id);
        return new DuplicateCheck(key, verdict, holder, near, existing?.MatchedBy);
    }

    /// <summary>
    /// The customer with its contact as the caller may see it: in clear for those C-2 names or a C-3
    /// grant clears (audited, C-5), masked for the others who may read the customer. Anyone else
    /// holding a live grant may read it too (C-3: that is what the grant is for).
    /// <paramref name="purpose"/> (C-6) defaults to the caller's usual one.
    /// </summary>
    public async Task<CustomerDetails> GetAsync(Caller caller, string customerId, string? purpose = null)
    {
        Lookup.RequireId(customerId);
        var violations = new List<FieldViolation>();
        var validPurpose = ConsentRules.ValidPurpose(violations, "purpose", purpose);
        RequestValidationException.ThrowIfAny(violations);

        // The envelope and the caller's grant slot are read beside the customer: no extra round trip.
        var loading = confidential.LoadAsync(caller, customerId);
        var customer = await store.GetAsync(customerId) ?? throw new EntityNotFoundException("customer", customerId);
        var stored = await loading;
        if (!RegistrationScopes.CanReadCustomer(caller, customer.Value) && stored.Grant?.IsLive(clock.UtcNow) != true)
        {
            throw new ScopeDeniedException("无权查看该客户 / not allowed to see this customer");
        }

        var disclosed = await confidential.DiscloseAsync(caller, customer.Value, stored, validPurpose);
        return new CustomerDetails(customer, clock.Evaluate(customer.Value), disclosed.Contact, disclosed.Masked, disclosed.Destroyed, disclosed.Consent);
    }

    /// <summary>The customer, if the caller may read it (history, progress: no confidential field).</summary>
    private async Task<Versioned<Customer>> ReadableAsync(Caller caller, string customerId)
    {
        Lookup.RequireId(customerId);
        var customer = await store.GetAsync(customerId) ?? throw new EntityNotFoundException("customer", customerId);
        return RegistrationScopes.CanReadCustomer(caller, customer.Value)
            ? customer
            : throw new ScopeDeniedException("无权查看该客户 / not allowed to see this customer");
    }

    /// <summary>A customer just written, as <paramref name="caller"/> sees it (no read back).</summary>
    public CustomerDetails Written(Caller caller, Versioned<Customer> customer, CustomerContact contact)
    {
        var (shown, masked) = ConfidentialFields.For(caller, customer.Value, contact);
        return new CustomerDetails(customer, clock.Evaluate(customer.Value), shown, masked);
    }

    /// <summary>A customer just changed, without its contact (the answer to a change RPC: no clear read, no audit entry).</summary>
    public CustomerDetails Changed(Versioned<Customer> customer) => new(customer, clock.Evaluate(customer.Value), null, false);

    /// <summary>
    /// What Territory and Arbitration ask (Ownership.GetOwnership): internal-level facts only. Resolved like
    /// the ownership gate resolves identity (P-2.5): the record that holds the customer, whichever rule
    /// matched, so a sale to a title-only customer named with its taxpayer id finds the holder. Asked by
    /// id, the record itself unless another record of the same customer holds it.
    /// </summary>
    public async Task<(Versioned<Customer> Customer, ProtectionState State, string MatchedBy)?> OwnershipAsync(string? customerId, string? taxpayerId, string? invoiceTitle)
    {
        if (!string.IsNullOrWhiteSpace(customerId))
        {
            Lookup.RequireId(customerId);
            if (await store.GetAsync(customerId) is not { } customer)
            {
                return null;
            }

            var state = clock.Evaluate(customer.Value);
            return state.Status is CustomerStatus.Pending or CustomerStatus.Protected
                || await gate.ResolveAsync(customer.Value.IdentityKey, customer.Value.Title) is not { } holder
                || holder.State.Status is not (CustomerStatus.Pending or CustomerStatus.Protected)
                ? (customer, state, "customer_id")
                : holder;
        }

        var violations = new List<FieldViolation>();
        var key = FilingRules.Identity(violations, "", taxpayerId, invoiceTitle, manualReview: true) ?? throw new RequestValidationException(violations);
        return await gate.ResolveAsync(key, invoiceTitle);
    }

    public async Task<IReadOnlyList<HistoryEntry>> HistoryAsync(Caller caller, string customerId)
    {
        await ReadableAsync(caller, customerId);
        return await store.HistoryAsync(customerId);
    }

    public async Task<IReadOnlyList<ProgressEntry>> ProgressAsync(Caller caller, string customerId)
    {
        await ReadableAsync(caller, customerId);
        return await store.ProgressAsync(customerId);
    }

    /// <summary>P-2.1: the secretary's queue, oldest first.</summary>
    public Task<CustomerPage> PendingAsync(Caller caller, string? branchId, int pageSize, string? pageToken) =>
        TimeIndexAsync(caller, branchId, RegistrationKeys.BranchPending, double.NegativeInfinity, pageSize, pageToken, pool: false);

    /// <summary>P-2.2: the announcements whose objection window is still open.</summary>
    public Task<CustomerPage> AnnouncementsAsync(Caller caller, string? branchId, int pageSize, string? pageToken) =>
        TimeIndexAsync(caller, branchId, RegistrationKeys.BranchAnnouncements, clock.Now.ToUnixTimeMilliseconds(), pageSize, pageToken, pool: true);

    /// <summary>
    /// P-3.3: the extension requests waiting in a branch (the caller's when none is given), the longest waiting
    /// first, from the index kept with the customers (scored by the request day).
    /// </summary>
    public Task<CustomerPage> ExtensionRequestsAsync(Caller caller, string? branchId, int pageSize, string? pageToken)
    {
        return TimeIndexAsync(caller, string.IsNullOrEmpty(branchId) ? caller.BranchId : branchId, RegistrationKeys.BranchExtensions,
            double.NegativeInfinity, pageSize, pageToken, pool: false);
    }

    private async Task<CustomerPage> TimeIndexAsync(Caller caller, string? branchId, Func<string, RedisKey> index, double after, int pageSize, string? pageToken, bool pool)
    {
        var branch = await RequireBranchAsync(caller, branchId, pool);
        var size = PageSizes.Read(pageSize);
        var offset = Offset(pageToken);
        var ids = await store.IdsByScoreAsync(index(branch), after, offset, size);
        return new CustomerPage(await DetailsAsync(caller, ids), ids.Count == size ? (offset + size).ToString(CultureInfo.InvariantCulture) : null);
    }

    /// <summary>Customers of a list, without contacts (lists never show confidential fields).</summary>
    public async Task<IReadOnlyList<CustomerDetails>> DetailsAsync(Caller caller, IReadOnlyList<string> ids) =>
        (await store.GetManyAsync(ids)).Select(customer => new CustomerDetails(customer, clock.Evaluate(customer.Value), null, false)).ToList();

    /// <summary>The branch, when the caller may read its lists (the pool and announcements: its salespeople too).</summary>
    public async Task<string> RequireBranchAsync(Caller caller, string? branchId, bool pool)
    {
        if (string.IsNullOrWhiteSpace(branchId) || branchId.Length > 64)
        {
            throw new RequestValidationException(new FieldViolation("branch_id", "必填，最长 64 / required, at most 64 characters"));
        }

        var region = (await organization.BranchAsync(branchId))?.RegionId;
        var allowed = pool ? RegistrationScopes.CanSeeBranchPool(caller, branchId, region) : RegistrationScopes.CanReadBranch(caller, branchId, region);
        if (!allowed)
        {
            throw new ScopeDeniedException($"无权查看分公司 {branchId} 的客户 / not allowed to see the customers of {branchId}");
        }

        return branchId;
    }


    private static long Offset(string? token) =>
        string.IsNullOrEmpty(token) ? 0
        : long.TryParse(token, NumberStyles.None, CultureInfo.InvariantCulture, out var offset) ? offset
        : throw new RequestValidationException(new FieldViolation("page_token", "无效 / invalid"));

    /// <summary>X-4, P-2.5: the near-duplicates of a pending filing, for the secretary's review.</summary>
    public Task<IReadOnlyList<NearDuplicateMatch>> NearDuplicatesOfAsync(Customer customer) => nearDuplicates.FindAsync(customer.Title, customer.Id);
}
