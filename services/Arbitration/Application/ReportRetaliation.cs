using CustomerProtection.Arbitration.Domain;
using CustomerProtection.Arbitration.Persistence;

namespace CustomerProtection.Arbitration.Application;

/// <param name="RequestId">Optional idempotency key of the caller (docs/api.md): a retry with it answers the case it opened.</param>
public sealed record RetaliationInput(string CaseId, string AccusedId, string Description, Google.Type.Date? DiscoveredOn, string? RequestId = null);

/// <summary>
/// P-4.5 "retaliation is itself a violation": reported by a party of a case — while it is open or after
/// it closed, since retaliation mostly follows a decision — as a case of its own for hq, whose decision
/// can confirm it as a violation (fined by Penalty). Like an encroachment complaint, it is made in
/// writing within 7 working days of its discovery (the window checked before anything is read).
/// </summary>
public sealed class ReportRetaliation(ArbitrationStore store, PolicyClock clock)
{
    public async Task<Versioned<Case>> ExecuteAsync(Caller caller, RetaliationInput input)
    {
        var violations = new List<FieldViolation>();
        var parentId = RequestFields.Id(violations, "case_id", input.CaseId)!;
        var accused = RequestFields.Id(violations, "accused_id", input.AccusedId)!;
        var description = RequestFields.Text(violations, "description", input.Description, required: true)!;
        var discovered = Dates.Parse(violations, "discovered_on", input.DiscoveredOn, required: true);
        var today = clock.TodayDate;
        if (discovered > today)
        {
            violations.Add(new("discovered_on", "不能晚于今天 / cannot be in the future"));
        }

        if (accused == caller.EmployeeId)
        {
            violations.Add(new("accused_id", "不能举报自己 / one cannot report oneself"));
        }

        ServerIds.CheckRequestId(violations, input.RequestId);
        RequestValidationException.ThrowIfAny(violations);
        CaseWindows.EnsureComplaintInTime(clock.Book, clock.Calendar, discovered!.Value, today);
        var window = CaseWindows.Complaint(clock.Book, clock.Calendar, discovered.Value, today);

        var parent = (await store.GetCaseAsync(parentId) ?? throw new EntityNotFoundException("case", parentId)).Value;
        if (!parent.IsParty(caller.EmployeeId))
        {
            throw new ScopeDeniedException("报复行为由案件当事人举报 / retaliation is reported by a party of the case");
        }

        var @case = new Case
        {
            Id = CaseOpeningSteps.NewId(caller, input.RequestId),
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
            DiscoveredOn = discovered,
            WindowDeadline = Dates.ToDateOnly(window.Deadline),
            Provisional = window.Provisional,
        };
        return await CaseOpeningSteps.CommitAsync(store, @case);
    }
}
