using System.Globalization;
using CustomerProtection.Arbitration.Domain;
using CustomerProtection.Arbitration.Persistence;
using StackExchange.Redis;

namespace CustomerProtection.Arbitration.Application;

/// <summary>A ledger view (issue 6, item 4): the entries and their sums by status.</summary>
public sealed record LedgerView(IReadOnlyList<LedgerEntry> Entries)
{
    public decimal Sum(string status) => Entries.Where(e => e.Status == status).Sum(e => e.Amount);
}

/// <summary>Reading cases and ledgers, within the caller's scope.</summary>
public sealed class QueryCases(ArbitrationStore store)
{

    public async Task<Versioned<Case>> GetAsync(Caller caller, string caseId)
    {
        var violations = new List<FieldViolation>();
        var id = RequestFields.Id(violations, "case_id", caseId)!;
        RequestValidationException.ThrowIfAny(violations);
        var found = await store.GetCaseAsync(id) ?? throw new EntityNotFoundException("case", id);
        if (!CaseScopes.MayRead(caller, found.Value))
        {
            throw new ScopeDeniedException($"无权查看案件 {id} / not allowed to see case {id}");
        }

        return found;
    }

    /// <summary>A branch's cases (its manager and secretary, hq), hq's queue (hq), or the caller's own; newest first.</summary>
    public async Task<(IReadOnlyList<Versioned<Case>> Items, string? NextPageToken)> ListAsync(Caller caller, string? branchId, bool hqQueue, int pageSize, string? pageToken)
    {
        var violations = new List<FieldViolation>();
        var branch = RequestFields.Id(violations, "branch_id", branchId, required: false);
        var (size, skip) = Paging(violations, pageSize, pageToken);
        RequestValidationException.ThrowIfAny(violations);

        RedisKey index;
        if (hqQueue)
        {
            index = caller.IsHq ? ArbitrationKeys.HqCases : throw new ScopeDeniedException("总公司队列 / hq's queue is for hq");
        }
        else if (branch is not null)
        {
            var staff = caller.Role is Roles.BranchManager or Roles.BranchSecretary && caller.BranchId == branch;
            index = caller.IsHq || staff ? ArbitrationKeys.BranchCases(branch) : throw new ScopeDeniedException($"无权查看分公司 {branch} 的案件 / not allowed to list branch {branch}'s cases");
        }
        else
        {
            index = ArbitrationKeys.PersonCases(caller.EmployeeId);
        }

        var ids = await store.NewestAsync(index, skip, size + 1);
        var items = await store.GetManyAsync<Case>(ArbitrationKeys.Case, ids.Take(size));
        return (items, ids.Count > size ? (skip + size).ToString(CultureInfo.InvariantCulture) : null);
    }

    /// <summary>One case's ledger (whoever may read the case) or one person's across cases (the person, hq).</summary>
    public async Task<LedgerView> LedgerAsync(Caller caller, string? caseId, string? personId)
    {
        var violations = new List<FieldViolation>();
        var id = RequestFields.Id(violations, "case_id", caseId, required: false);
        var person = RequestFields.Id(violations, "person_id", personId, required: false);
        if ((id is null) == (person is null) && violations.Count == 0)
        {
            violations.Add(new("case_id", "给出 case_id 或 person_id 之一 / give one of case_id, person_id"));
        }

        RequestValidationException.ThrowIfAny(violations);
        if (id is not null)
        {
            return new LedgerView((await GetAsync(caller, id)).Value.Ledger);
        }

        if (!caller.IsHq && caller.EmployeeId != person)
        {
            throw new ScopeDeniedException("个人台账限本人和总公司 / a person's ledger is for that person and hq");
        }

        var cases = await store.GetManyAsync<Case>(ArbitrationKeys.Case, await store.AllAsync(ArbitrationKeys.PersonLedger(person!)));
        return new LedgerView([.. cases.SelectMany(c => c.Value.Ledger).Where(e => e.PersonId == person).OrderBy(e => e.PostedAt)]);
    }

    public static (int Size, long Skip) Paging(List<FieldViolation> violations, int pageSize, string? pageToken)
    {
        var size = PageSizes.Read(violations, pageSize);

        long skip = PageTokens.Offset(violations, pageToken);

        return (size, skip);
    }
}
