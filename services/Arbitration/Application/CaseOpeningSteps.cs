using CustomerProtection.Arbitration.Domain;
using CustomerProtection.Arbitration.Persistence;

namespace CustomerProtection.Arbitration.Application;

/// <summary>
/// What the ways of opening a case share (issue 6, item 1): the customer and the progress records read
/// from Registration, the new case, and its atomic opening. A case about who holds the customer takes the
/// customer's dispute marker (one open at a time) and publishes CaseOpened, so Registration shows the
/// customer as disputed and blocks transfers meanwhile.
/// </summary>
public static class CaseOpeningSteps
{
    /// <summary>
    /// Opens the case; one about who holds the customer first takes the customer's dispute marker, refused while another
    /// case holds it. A retry with the same request_id (the id is made from it, <see cref="ServerIds"/>) finds the case it
    /// opened before and answers it before the marker is looked at, so it is not refused by its own case; the key reused
    /// for another kind, customer or respondent is the caller's mistake. Two retries at once meet at the case's version.
    /// </summary>
    public static async Task<Versioned<Case>> CommitAsync(ArbitrationStore store, Case @case) =>
        await OptimisticConcurrency.RetryAsync(async () =>
        {
            if (await store.GetCaseAsync(@case.Id) is { } existing)
            {
                var first = existing.Value;
                return first.Kind == @case.Kind && first.CustomerId == @case.CustomerId && first.RespondentId == @case.RespondentId && first.ParentCaseId == @case.ParentCaseId
                    ? (ChangeResult.Applied, existing)
                    : throw ServerIds.ReusedRequestId(first.Id);
            }

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

    /// <summary>The customer as Registration has it now; a case about an unknown customer is NOT_FOUND.</summary>
    public static async Task<CustomerFacts> CustomerAsync(IRegistrationReader registration, string customerId, CancellationToken cancellationToken) =>
        await registration.GetCustomerAsync(customerId, cancellationToken) ?? throw new EntityNotFoundException("customer", customerId);

    /// <summary>P-9 evidence: the progress records of the given customers (a null id, no such filing, skipped), as Registration has them now.</summary>
    public static async Task<IReadOnlyList<ProgressFact>> ProgressAsync(IRegistrationReader registration, CancellationToken cancellationToken, params string?[] customerIds)
    {
        var all = new List<ProgressFact>();
        foreach (var id in customerIds.OfType<string>())
        {
            all.AddRange(await registration.ListProgressAsync(id, cancellationToken));
        }

        return all;
    }

    /// <summary>
    /// P-6: the rules of the violations confirmed against a party about this customer in the cases they
    /// were a party of (each decision's violation ids name the case, violator and rule).
    /// </summary>
    public static async Task<IReadOnlyList<string>> BreachesAsync(ArbitrationStore store, string customerId, string employeeId)
    {
        var cases = await store.GetManyAsync<Case>(ArbitrationKeys.Case, await store.AllAsync(ArbitrationKeys.PersonCases(employeeId)));
        return
        [
            .. cases.Select(c => c.Value)
                .Where(c => c.CustomerId == customerId)
                .SelectMany(c => c.ViolationIds.Select(v => ViolationRuleIds.RuleOf(v, c.Id, employeeId)))
                .OfType<string>()
                .Distinct(),
        ];
    }

    /// <summary>
    /// P-9 with P-6: the recommendation for two parties. The parties' breaches (Arbitration's earlier cases) are
    /// read only when no valid filing decides (P-9.1), so the usual case costs no read more.
    /// </summary>
    public static async Task<Priority> RecommendAsync(ArbitrationStore store, string customerId, PartyEvidence claimant, PartyEvidence respondent, DateOnly asOf, DateTimeOffset now)
    {
        var byFiling = PriorityRules.Recommend(claimant, respondent, asOf, now);
        if (byFiling.DecidingRule == PriorityRules.FiledFirst)
        {
            return byFiling;
        }

        var claimantBreaches = BreachesAsync(store, customerId, claimant.EmployeeId);
        var respondentBreaches = BreachesAsync(store, customerId, respondent.EmployeeId);
        return PriorityRules.Recommend(claimant with { Breaches = await claimantBreaches }, respondent with { Breaches = await respondentBreaches }, asOf, now);
    }

    /// <summary>An open case about the customer, its parties and organisation as Registration has them now.</summary>
    public static Case NewCase(string kind, CustomerFacts customer, Caller caller, string? respondent, string description, DateTimeOffset now, string? requestId) => new()
    {
        Id = NewId(caller, requestId),
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

    /// <summary>Case ids are the server's (docs/api.md): "case-" and 24 hex digits, random, or the caller's and request_id's.</summary>
    public static string NewId(Caller caller, string? requestId) => ServerIds.New("case-", caller.EmployeeId, requestId);
}
