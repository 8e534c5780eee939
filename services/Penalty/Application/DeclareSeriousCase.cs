using CustomerProtection.Contracts.Penalty;
using CustomerProtection.Penalty.Domain;
using CustomerProtection.Penalty.Persistence;

namespace CustomerProtection.Penalty.Application;

public sealed record SeriousCaseInput(string ViolationId, string? Fine, bool Dismissal, string? Reason);

/// <summary>
/// P-8.3 "serious cases: heavier fines or dismissal": hq declares a violation a serious case, with a
/// heavier violator fine that hq sets (no cap: the rule book has none) and/or the violator's
/// dismissal. A dismissal is published (SeriousCaseDeclared) and Territory records the departure, so
/// the leaver flow follows: the customers return to the branch's pool (P-12) and all access ends (C-9).
/// The repeat-violation count only suggests a serious case (<see cref="FineRules.SuggestsSerious"/>).
/// A violation is declared serious once; a second declaration is refused and changes nothing.
/// </summary>
public sealed class DeclareSeriousCase(PenaltyStore store, PolicyClock clock)
{
    public async Task<Versioned<Violation>> ExecuteAsync(Caller caller, SeriousCaseInput input)
    {
        if (!PenaltyScopes.CanDecide(caller))
        {
            throw new ScopeDeniedException("严重情节由总公司认定 / hq declares a serious case (P-8.3)");
        }

        var violations = new List<FieldViolation>();
        ViolationReports.CheckId(violations, "violation_id", input.ViolationId, required: true);
        var fine = Money.Parse(violations, "fine", input.Fine, required: false);
        ViolationReports.CheckText(violations, "reason", input.Reason, ViolationReports.MaxTextLength, required: true);
        if (fine is null && !input.Dismissal && !violations.Any(v => v.Field == "fine"))
        {
            violations.Add(new("fine", "严重情节须加重罚款或辞退（或两者）/ a serious case needs a heavier fine or a dismissal (or both)"));
        }

        RequestValidationException.ThrowIfAny(violations);

        return await OptimisticConcurrency.RetryAsync(async () =>
        {
            var current = await store.GetViolationAsync(input.ViolationId) ?? throw new EntityNotFoundException("violation", input.ViolationId);
            var violation = current.Value;
            if (violation.Serious is { } declared)
            {
                throw new PolicyRefusalException(FineLifecycle.SeriousRule,
                    $"违规 {violation.Id} 已认定为严重情节 / violation {violation.Id} was already declared a serious case",
                    new Dictionary<string, string> { ["violation_id"] = violation.Id, ["declared_by"] = declared.By, ["declared_at"] = declared.At.ToString("O") });
            }

            if (input.Dismissal && violation.Violator.Role == Roles.Dealer)
            {
                throw new PolicyRefusalException(FineLifecycle.SeriousRule,
                    "经销商不是员工，不能辞退：由总公司终止其委任 / a dealer is not an employee and cannot be dismissed: hq ends its appointment",
                    new Dictionary<string, string> { ["violation_id"] = violation.Id, ["violator_id"] = violation.Violator.EmployeeId });
            }

            var now = clock.UtcNow;
            Versioned<Fine>? violatorFine = null;
            Fine? heavier = null;
            if (fine is { } amount)
            {
                var fineId = Liabilities.FineId(violation.Id, Liabilities.Violator);
                violatorFine = await store.GetFineAsync(fineId) ?? throw new EntityNotFoundException("fine", fineId);
                heavier = FineLifecycle.DeclareSerious(violatorFine.Value, new Actor(caller.EmployeeId, caller.Role, now), amount, input.Reason!);
            }

            var next = violation with { Serious = new SeriousCase(caller.EmployeeId, now, input.Reason!, fine, input.Dismissal) };
            var declaredEvent = new SeriousCaseDeclared(violation.Id, violation.RuleId, violation.Violator.EmployeeId, violation.Violator.Role,
                violation.Violator.BranchId, fine, input.Dismissal, input.Reason!, caller.EmployeeId, now);
            var result = await store.CommitAsync(PenaltyChanges.SeriousCase(current, next, violatorFine, heavier, declaredEvent));
            return (result, new Versioned<Violation>(next, current.Version + 1));
        }, PenaltyConcurrency.Attempts);
    }
}
