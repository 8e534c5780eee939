using CustomerProtection.Contracts.Arbitration;
using CustomerProtection.Contracts.Registration;
using CustomerProtection.Territory.Persistence;

namespace CustomerProtection.Territory.Reports;

/// <summary>
/// Turns the facts other services publish into the report's counts, each once (a redelivered event changes
/// nothing). Where an event names a person but no branch, Territory, which owns the organisation, puts it in that
/// person's branch as the directory has it when the event arrives; a person it does not know counts in the row
/// with no branch. Violations and fines are not counted here: they are Penalty's (<see cref="IViolationFigures"/>).
/// </summary>
public sealed class CountReportFacts(ReportStore store, DirectoryStore directory)
{
    /// <summary>Registration's words (OwnershipChanged.Reason and .Status) the report counts.</summary>
    public const string Approved = "approved";
    public const string Claimed = "claimed";
    public const string InPool = "pool";

    /// <summary>Arbitration's outcome of a case its claimant withdrew: closed, not decided.</summary>
    public const string Withdrawn = "withdrawn";

    /// <summary>P-2.1 approvals, P-12 pool entries, exits and claims. <paramref name="messageId"/>: the event's id, the same on every delivery.</summary>
    public async Task ExecuteAsync(OwnershipChanged change, string messageId)
    {
        if (change.Status == InPool)
        {
            var branch = await BranchOfAsync(change.FromOwnerId);
            await store.CountAsync(new ReportFact(Figures.PoolEntry, messageId, branch, change.OccurredAt),
                step => step.SetField(ReportKeys.PoolMembers, change.CustomerId, branch));
        }
        else
        {
            await LeavePoolAsync(change.CustomerId, messageId, change.OccurredAt);
        }

        if (change.Reason == Approved)
        {
            await store.CountAsync(new ReportFact(Figures.Approval, messageId, await BranchOfAsync(change.ToOwnerId), change.OccurredAt));
        }
        else if (change.Reason == Claimed)
        {
            await store.CountAsync(new ReportFact(Figures.Claim, messageId, await BranchOfAsync(change.ToOwnerId), change.OccurredAt));
        }
    }

    /// <summary>P-2.1: a filing counts in the filer's branch; a customer filed again after it lapsed is another filing (the instant tells them apart).</summary>
    public Task ExecuteAsync(FilingSubmitted filed) =>
        store.CountAsync(new ReportFact(Figures.Filing, $"{filed.CustomerId}@{filed.OccurredAt.UtcTicks}", filed.BranchId, filed.OccurredAt));

    public Task ExecuteAsync(FilingRejected rejected) =>
        store.CountAsync(new ReportFact(Figures.Rejection, $"{rejected.CustomerId}@{rejected.OccurredAt.UtcTicks}", rejected.BranchId, rejected.OccurredAt));

    public Task ExecuteAsync(ProtectionLapsed lapsed) =>
        store.CountAsync(new ReportFact(Figures.Lapse, $"{lapsed.CustomerId}@{Dates.Iso(lapsed.LastProtectedDay)}", lapsed.BranchId, lapsed.OccurredAt));

    /// <summary>A reopened case is opened again (its own fact: the reopening instant).</summary>
    public Task ExecuteAsync(CaseOpened opened) =>
        store.CountAsync(new ReportFact(Figures.CaseOpened, $"{opened.CaseId}@{opened.OpenedAt.UtcTicks}", opened.BranchId ?? "", opened.OpenedAt));

    public async Task ExecuteAsync(CaseClosed closed)
    {
        var id = $"{closed.CaseId}@{closed.ClosedAt.UtcTicks}";
        await store.CountAsync(new ReportFact(Figures.CaseClosed, id, closed.BranchId ?? "", closed.ClosedAt));
        if (closed.Outcome != Withdrawn)
        {
            await store.CountAsync(new ReportFact(Figures.CaseDecided, id, closed.BranchId ?? "", closed.ClosedAt));
        }
    }

    /// <summary>An exit counts only for a customer the report saw enter the pool; the membership read is guarded in the same step.</summary>
    private async Task LeavePoolAsync(string customerId, string messageId, DateTimeOffset at)
    {
        for (var attempt = 0; attempt < 3; attempt++)
        {
            var branch = await store.PoolOfAsync(customerId);
            if (branch.Length == 0)
            {
                return;
            }

            var result = await store.CountAsync(new ReportFact(Figures.PoolExit, messageId, branch, at),
                step => step.ExpectFieldUnchanged(ReportKeys.PoolMembers, customerId, branch).SetField(ReportKeys.PoolMembers, customerId, ""));
            if (result.Failure != ChangeFailure.VersionMoved)
            {
                return;
            }
        }
    }

    private async Task<string> BranchOfAsync(string? personId)
    {
        if (string.IsNullOrEmpty(personId))
        {
            return "";
        }

        if (await directory.GetEmployeeAsync(personId) is { Value.BranchId: { } branch })
        {
            return branch;
        }

        return (await directory.GetDealerAsync(personId))?.Value.BranchId ?? "";
    }
}
