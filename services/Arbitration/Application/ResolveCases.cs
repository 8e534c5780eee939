using CustomerProtection.Arbitration.Domain;
using CustomerProtection.Arbitration.Persistence;
using CustomerProtection.Contracts.Arbitration;
using CustomerProtection.Contracts.Violations;

namespace CustomerProtection.Arbitration.Application;

public sealed record FindingInput(string ViolatorId, string RuleId, string Kind, string ManagerFinding);

public sealed record DecisionInput(
    string CaseId,
    string? AwardTo,
    IReadOnlyList<string>? CoDeveloperIds,
    string? CreditTo,
    string Reason,
    IReadOnlyList<FindingInput> Violations);

/// <summary>
/// Resolving a case (issue 6, item 3): P-2.4 (a) joint development, (b) the surpassing-progress
/// claim, (c) the auction and its bids, chosen by the branch manager of the customer's branch or hq
/// (P-13); the decision (P-9.3, P-4.5, P-8.2) with the violations found; the claimant's withdrawal.
/// A decision that gives the customer to someone not active now (C-9, P-12) is refused, nothing written.
/// Each is decided by <see cref="CaseRules"/> and written in one atomic step with its events.
/// </summary>
public sealed class ResolveCases(ArbitrationStore store, IRegistrationReader registration, IDirectoryReader directory, PolicyClock clock)
{
    public const int MaxFindings = 20;

    public async Task<Versioned<Case>> JointDevelopmentAsync(Caller caller, string caseId, string? reason, CancellationToken cancellationToken)
    {
        var (id, why) = Check(caseId, reason);
        return await StepAsync(id, async @case =>
        {
            // P-3.6: the co-developers as Registration has them now; the claimant joins them.
            var customer = await registration.GetCustomerAsync(@case.CustomerId, cancellationToken);
            return (CaseRules.JointDevelopment(@case, caller, customer?.CoDeveloperIds ?? @case.CoDeveloperIds, why, clock.UtcNow), []);
        });
    }

    public async Task<Versioned<Case>> SurpassingClaimAsync(Caller caller, string caseId, string milestone, string dueOn, string? reason)
    {
        var violations = new List<FieldViolation>();
        var id = RequestFields.Id(violations, "case_id", caseId)!;
        var chosen = RequestFields.OneOf(violations, "milestone", milestone, Milestones.All)!;
        var due = Dates.Parse(violations, "due_on", dueOn, required: true);
        var why = RequestFields.Text(violations, "reason", reason, required: false) ?? "P-2.4(b)";
        RequestValidationException.ThrowIfAny(violations);
        return await StepAsync(id, @case =>
        {
            var today = clock.TodayDate;
            return Task.FromResult((CaseRules.SurpassingClaim(@case, caller, chosen, due!.Value, why, clock.On(today), today, clock.UtcNow), Array.Empty<object>()));
        });
    }

    public async Task<Versioned<Case>> AuctionAsync(Caller caller, string caseId, string closesOn, string? reason)
    {
        var violations = new List<FieldViolation>();
        var id = RequestFields.Id(violations, "case_id", caseId)!;
        var closes = Dates.Parse(violations, "closes_on", closesOn, required: true);
        var why = RequestFields.Text(violations, "reason", reason, required: false) ?? "P-2.4(c)";
        RequestValidationException.ThrowIfAny(violations);
        return await StepAsync(id, @case =>
        {
            var today = clock.TodayDate;
            return Task.FromResult((CaseRules.Auction(@case, caller, closes!.Value, why, clock.On(today), today, clock.UtcNow), Array.Empty<object>()));
        });
    }

    public async Task<Versioned<Case>> PlaceBidAsync(Caller caller, string caseId, string amount, string milestone)
    {
        var violations = new List<FieldViolation>();
        var id = RequestFields.Id(violations, "case_id", caseId)!;
        var value = Money.Parse(violations, "amount", amount);
        var chosen = RequestFields.OneOf(violations, "milestone", milestone, Milestones.All)!;
        RequestValidationException.ThrowIfAny(violations);
        return await StepAsync(id, @case => Task.FromResult((CaseRules.PlaceBid(@case, caller, value!.Value, chosen, clock.UtcNow), Array.Empty<object>())));
    }

    public async Task<Versioned<Case>> WithdrawAsync(Caller caller, string caseId, string? reason)
    {
        var (id, why) = Check(caseId, reason);
        return await StepAsync(id, @case => Task.FromResult((CaseRules.Withdraw(@case, caller, why, clock.UtcNow), Array.Empty<object>())));
    }

    /// <summary>
    /// The decision. Each violation found becomes a ViolationConfirmed for the Penalty service, its
    /// party as Territory's directory has them now, its id stable per case, violator and rule (a
    /// repeated delivery is fined once), with the customer's annual shipments from our record of
    /// deals (P-8.1 major customer); a performance dispute's credit becomes PerformanceCreditDecided.
    /// </summary>
    public async Task<Versioned<Case>> DecideAsync(Caller caller, DecisionInput input, CancellationToken cancellationToken)
    {
        var violations = new List<FieldViolation>();
        var id = RequestFields.Id(violations, "case_id", input.CaseId)!;
        var awardTo = RequestFields.Id(violations, "award_to", input.AwardTo, required: false);
        var creditTo = RequestFields.Id(violations, "credit_to", input.CreditTo, required: false);
        var reason = RequestFields.Text(violations, "reason", input.Reason, required: true)!;
        var coDevelopers = input.CoDeveloperIds?.Select((c, i) => RequestFields.Id(violations, $"co_developer_ids[{i}]", c)).OfType<string>().ToList();
        if (input.Violations.Count > MaxFindings)
        {
            violations.Add(new("violations", $"最多 {MaxFindings} 项 / at most {MaxFindings}"));
        }

        for (var i = 0; i < Math.Min(input.Violations.Count, MaxFindings); i++)
        {
            var f = input.Violations[i];
            RequestFields.Id(violations, $"violations[{i}].violator_id", f.ViolatorId);
            if (!ViolationRuleIds.IsWellFormed(f.RuleId))
            {
                violations.Add(new($"violations[{i}].rule_id", "规则编号如 P-4.5 / a rule id such as P-4.5"));
            }

            RequestFields.Text(violations, $"violations[{i}].kind", f.Kind, required: true, max: 64);
            RequestFields.OneOf(violations, $"violations[{i}].manager_finding", f.ManagerFinding, ManagerFindings.All);
        }

        RequestValidationException.ThrowIfAny(violations);

        var current = await store.GetCaseAsync(id) ?? throw new EntityNotFoundException("case", id);
        CaseScopes.EnsureMayDecide(caller, current.Value);
        var parties = await PartiesAsync(input.Violations, cancellationToken);
        // C-9, P-12: whether the one the decision names may be given the customer, as the directory has them now.
        var holders = awardTo is null ? HolderStatuses.None : await directory.HolderStatusesAsync([awardTo], cancellationToken);
        var now = clock.UtcNow;
        var today = clock.TodayDate;
        var annual = input.Violations.Count == 0 || current.Value.IdentityKey is null
            ? 0m
            : MilestoneRules.AnnualShipments(await store.DealsAsync(current.Value.IdentityKey, today.AddDays(-364), today), today);

        return await StepAsync(id, @case =>
        {
            var confirmed = input.Violations.Select(f => new ViolationConfirmed(
                ViolationRuleIds.For(@case.Id, f.ViolatorId, f.RuleId), f.RuleId, f.Kind, parties[f.ViolatorId], @case.Id, f.ManagerFinding,
                annual, reason, caller.EmployeeId, now)).ToList();
            var transition = CaseRules.Decide(@case, caller, new CaseRules.Decision(awardTo, coDevelopers, creditTo, reason, [.. confirmed.Select(v => v.ViolationId)]), holders, now);
            var events = new List<object>(confirmed);
            if (creditTo is not null)
            {
                events.Add(new PerformanceCreditDecided(@case.Id, @case.SaleId!, @case.CustomerId, creditTo, reason, caller.EmployeeId, now));
            }

            return Task.FromResult((transition, events.ToArray()));
        });
    }

    /// <summary>Reads, decides, commits guarded by the version read (and the customer's marker when the step closes the case); on a conflict decides again.</summary>
    private async Task<Versioned<Case>> StepAsync(string caseId, Func<Case, Task<(Transition Transition, object[] Events)>> decide) =>
        await OptimisticConcurrency.RetryAsync(async () =>
        {
            var current = await store.GetCaseAsync(caseId) ?? throw new EntityNotFoundException("case", caseId);
            var (transition, events) = await decide(current.Value);
            var marker = transition.Closed ? await store.GetMarkerAsync(current.Value.CustomerId) : null;
            var result = await store.CommitAsync(CaseChanges.Apply(current, transition, marker, events));
            return (result, new Versioned<Case>(transition.Next, current.Version + 1));
        });

    /// <summary>P-8.1: each violator as the organisation stands now — role, branch, region and manager (the branch's when none is named).</summary>
    private async Task<Dictionary<string, ViolationParty>> PartiesAsync(IReadOnlyList<FindingInput> findings, CancellationToken cancellationToken)
    {
        var parties = new Dictionary<string, ViolationParty>();
        foreach (var (violator, i) in findings.Select((f, i) => (f.ViolatorId, i)))
        {
            if (parties.ContainsKey(violator))
            {
                continue;
            }

            var employee = await directory.GetEmployeeAsync(violator, cancellationToken)
                ?? throw new RequestValidationException(new FieldViolation($"violations[{i}].violator_id", $"员工 {violator} 不存在 / employee {violator} does not exist"));
            var manager = employee.ManagerId ?? (employee.BranchId is { } branch ? await directory.GetBranchManagerAsync(branch, cancellationToken) : null);
            parties[violator] = new ViolationParty(employee.EmployeeId, employee.Role, employee.BranchId, employee.RegionId, manager == employee.EmployeeId ? null : manager);
        }

        return parties;
    }

    private static (string Id, string Reason) Check(string caseId, string? reason)
    {
        var violations = new List<FieldViolation>();
        var id = RequestFields.Id(violations, "case_id", caseId)!;
        var why = RequestFields.Text(violations, "reason", reason, required: true)!;
        RequestValidationException.ThrowIfAny(violations);
        return (id, why);
    }
}
