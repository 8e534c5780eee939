using CustomerProtection.Arbitration.Domain;
using CustomerProtection.Arbitration.Persistence;
using CustomerProtection.Contracts.Arbitration;
using CustomerProtection.Contracts.Violations;

namespace CustomerProtection.Arbitration.Application;

public sealed record FindingInput(string ViolatorId, string RuleId, string Kind, string? ManagerFinding);

public sealed record DecisionInput(
    string CaseId,
    string? AwardTo,
    IReadOnlyList<string>? CoDeveloperIds,
    string? CreditTo,
    string Reason,
    IReadOnlyList<FindingInput> Violations);

/// <summary>
/// The decision of a case (P-9.3, P-4.5, P-8.2), by the branch manager or hq (P-13). A decision that
/// gives the customer to someone not active now (C-9, P-12) is refused, nothing written. Each violation
/// found becomes a ViolationConfirmed for the Penalty service, its party as Territory's directory has them
/// now, its id stable per case, violator and rule (a repeated delivery is fined once), with the customer's
/// annual shipments from our record of deals (P-8.1 major customer); a performance dispute's credit
/// becomes PerformanceCreditDecided.
/// </summary>
public sealed class DecideCase(ArbitrationStore store, IDirectoryReader directory, PolicyClock clock)
{
    public const int MaxFindings = 20;

    public async Task<Versioned<Case>> ExecuteAsync(Caller caller, DecisionInput input, CancellationToken cancellationToken)
    {
        CaseScopes.EnsureMayDecideCases(caller);
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

        return await CaseSteps.StepAsync(store, id, @case =>
        {
            var confirmed = input.Violations.Select(f => new ViolationConfirmed(
                ViolationRuleIds.For(@case.Id, f.ViolatorId, f.RuleId), f.RuleId, f.Kind, parties[f.ViolatorId], @case.Id, f.ManagerFinding!,
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
}
