using CustomerProtection.Arbitration.Domain;
using CustomerProtection.Arbitration.Persistence;

namespace CustomerProtection.Arbitration.Application;

public sealed record RetaliationInput(string CaseId, string AccusedId, string Description);

/// <summary>P-4.5: retaliation reported by a party of a case while that case is open, as a case of its own for hq.</summary>
public sealed class ReportRetaliation(ArbitrationStore store, PolicyClock clock)
{
    public async Task<Versioned<Case>> ExecuteAsync(Caller caller, RetaliationInput input)
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
            Id = CaseOpeningSteps.NewId(),
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
        return await CaseOpeningSteps.CommitAsync(store, @case);
    }
}
