using System.Globalization;
using System.Text;
using CustomerProtection.Penalty.Domain;
using CustomerProtection.Penalty.Persistence;
using CustomerProtection.Protos;
using NodaTime;
using StackExchange.Redis;

namespace CustomerProtection.Penalty.Application;

/// <summary>A filter on fines: every given field must match. Dates are violation dates (Asia/Shanghai), inclusive.</summary>
public sealed record FineQuery(string? EmployeeId, string? BranchId, string? RegionId, string? Status, string? Liability, Google.Type.Date? From, Google.Type.Date? To);

public sealed record Page<T>(IReadOnlyList<T> Items, string? NextPageToken);

public sealed record StatusTotal(string Status, long Count, decimal Amount);

/// <summary>Totals of a set of fines: standing (not overturned) amount, paid, outstanding, serious cases, and by status.</summary>
public sealed record FineTotals(long Count, decimal Amount, decimal Paid, decimal Outstanding, long Serious, IReadOnlyList<StatusTotal> ByStatus);

/// <summary>Violations (each once), their fines, the standing amount, what was paid, and serious cases (P-8.3).</summary>
public sealed record ViolationFigures(long Violations, long Fines, decimal Amount, decimal Paid, long Serious);

public sealed record BranchFigures(string BranchId, string RegionId, ViolationFigures Figures);

public sealed record RegionFigures(string RegionId, ViolationFigures Figures);

/// <summary>One month's violations and fines by branch and region (P-8; <see cref="QueryPenalties.MonthlyReportAsync"/>).</summary>
public sealed record MonthlyViolationReport(DateOnly Month, IReadOnlyList<BranchFigures> Branches, IReadOnlyList<RegionFigures> Regions, ViolationFigures Total);

/// <summary>
/// Reading fines and violations, each caller within their reach (<see cref="PenaltyScopes"/>):
/// a filter is narrowed to the caller's region, branch or self, and asking for someone else's is
/// PermissionDenied. Lists are newest first (by the violation's instant) and paged by a cursor.
/// </summary>
public sealed class QueryPenalties(PenaltyStore store)
{
    private const int ScanChunk = 500;

    public async Task<Versioned<Fine>> GetFineAsync(Caller caller, string fineId)
    {
        var violations = new List<FieldViolation>();
        ViolationReports.CheckId(violations, "fine_id", fineId, required: true);
        RequestValidationException.ThrowIfAny(violations);
        var fine = await store.GetFineAsync(fineId) ?? throw new EntityNotFoundException("fine", fineId);
        return PenaltyScopes.CanSee(caller, fine.Value) ? fine : throw new ScopeDeniedException("无权查看该罚款 / not allowed to see this fine");
    }

    public async Task<(Versioned<Violation> Violation, IReadOnlyList<Versioned<Fine>> Fines)> GetViolationAsync(Caller caller, string violationId)
    {
        var violations = new List<FieldViolation>();
        ViolationReports.CheckId(violations, "violation_id", violationId, required: true);
        RequestValidationException.ThrowIfAny(violations);
        var violation = await store.GetViolationAsync(violationId) ?? throw new EntityNotFoundException("violation", violationId);
        if (!PenaltyScopes.CanSee(caller, violation.Value))
        {
            throw new ScopeDeniedException("无权查看该违规 / not allowed to see this violation");
        }

        return (violation, await store.GetFinesAsync(violation.Value.FineIds));
    }

    public async Task<Page<Versioned<Fine>>> ListFinesAsync(Caller caller, FineQuery query, int pageSize, string? pageToken)
    {
        var violations = new List<FieldViolation>();
        var size = PageSizes.Read(violations, pageSize);
        var after = DecodeToken(violations, pageToken);
        var (filter, min, max) = Prepare(violations, caller, query);
        var index = IndexFor(filter);
        var items = new List<Versioned<Fine>>();
        IndexEntry? last = after;
        // Filters without an index are applied while reading on, so a page is full unless the end came.
        while (items.Count < size)
        {
            var entries = await store.PageAsync(index, min, max, last, size);
            if (entries.Count == 0)
            {
                return new Page<Versioned<Fine>>(items, null);
            }

            var fines = await store.GetFinesAsync([.. entries.Select(e => e.Id)]);
            var byId = fines.ToDictionary(f => f.Value.Id, StringComparer.Ordinal);
            foreach (var entry in entries)
            {
                last = entry;
                if (byId.TryGetValue(entry.Id, out var fine) && Matches(caller, filter, fine.Value))
                {
                    items.Add(fine);
                    if (items.Count == size)
                    {
                        break;
                    }
                }
            }

            if (entries.Count < size && items.Count < size)
            {
                return new Page<Versioned<Fine>>(items, null);
            }
        }

        return new Page<Versioned<Fine>>(items, EncodeToken(last!.Value));
    }

    /// <summary>Totals over every fine of the filter (read in chunks; the cost grows with the indexed set the filter picks).</summary>
    public async Task<FineTotals> TotalsAsync(Caller caller, FineQuery query)
    {
        var violations = new List<FieldViolation>();
        var (filter, min, max) = Prepare(violations, caller, query);
        var byStatus = FineStatuses.All.ToDictionary(s => s, _ => (Count: 0L, Amount: 0m));
        long count = 0, serious = 0;
        await ScanAsync(caller, filter, min, max, fine =>
        {
            count++;
            serious += fine.Serious ? 1 : 0;
            var (c, a) = byStatus[fine.Status];
            byStatus[fine.Status] = (c + 1, a + fine.Amount);
        });

        var standing = byStatus.Where(s => FineStatuses.Stands(s.Key)).Sum(s => s.Value.Amount);
        var paid = byStatus[FineStatuses.Paid].Amount;
        return new FineTotals(count, standing, paid, standing - paid, serious,
            [.. FineStatuses.All.Select(s => new StatusTotal(s, byStatus[s].Count, byStatus[s].Amount))]);
    }

    /// <summary>
    /// hq's monthly figures (P-8): the violations of one month (by violation day, Asia/Shanghai) and their
    /// fines, by branch and by region, from the fines (each carries its violation's branch and region). A
    /// regional role sees its region, a branch manager or secretary its branch; others may not ask.
    /// </summary>
    public async Task<MonthlyViolationReport> MonthlyReportAsync(Caller caller, Google.Type.Date? month)
    {
        if (!PenaltyScopes.CanReadReports(caller))
        {
            throw new ScopeDeniedException("月度违规报表供总公司、大区和分公司管理者查看 / the monthly report is for hq, regional and branch management");
        }

        var violations = new List<FieldViolation>();
        var first = Dates.ParseMonth(violations, "month", month);
        RequestValidationException.ThrowIfAny(violations);
        var (filter, min, max) = Prepare(violations, caller,
            new FineQuery(null, null, null, null, null, first!.Value.ToProtoDate(), first.Value.AddMonths(1).AddDays(-1).ToProtoDate()));
        var branches = new SortedDictionary<(string Branch, string Region), ViolationTally>();
        var regions = new SortedDictionary<string, ViolationTally>(StringComparer.Ordinal);
        var total = new ViolationTally();
        await ScanAsync(caller, filter, min, max, fine =>
        {
            var branch = (fine.BranchId ?? "", fine.RegionId ?? "");
            (branches.TryGetValue(branch, out var b) ? b : branches[branch] = new()).Add(fine);
            (regions.TryGetValue(branch.Item2, out var r) ? r : regions[branch.Item2] = new()).Add(fine);
            total.Add(fine);
        });

        return new MonthlyViolationReport(first.Value,
            [.. branches.Select(b => new BranchFigures(b.Key.Branch, b.Key.Region, b.Value.Figures()))],
            [.. regions.Select(r => new RegionFigures(r.Key, r.Value.Figures()))],
            total.Figures());
    }

    /// <summary>Every fine of the (already narrowed) filter in the score range, read in chunks of the index it picks.</summary>
    private async Task ScanAsync(Caller caller, FineQuery filter, double min, double max, Action<Fine> visit)
    {
        var index = IndexFor(filter);
        IndexEntry? last = null;
        while (true)
        {
            var entries = await store.PageAsync(index, min, max, last, ScanChunk);
            foreach (var fine in await store.GetFinesAsync([.. entries.Select(e => e.Id)]))
            {
                if (Matches(caller, filter, fine.Value))
                {
                    visit(fine.Value);
                }
            }

            if (entries.Count < ScanChunk)
            {
                return;
            }

            last = entries[^1];
        }
    }

    /// <summary>One line of the monthly report: violations counted once however many fines they carry.</summary>
    private sealed class ViolationTally
    {
        private readonly HashSet<string> _violations = new(StringComparer.Ordinal);
        private readonly HashSet<string> _serious = new(StringComparer.Ordinal);
        private long _fines;
        private decimal _amount;
        private decimal _paid;

        public void Add(Fine fine)
        {
            _violations.Add(fine.ViolationId);
            if (fine.Serious)
            {
                _serious.Add(fine.ViolationId);
            }

            _fines++;
            _amount += FineStatuses.Stands(fine.Status) ? fine.Amount : 0m;
            _paid += fine.Status == FineStatuses.Paid ? fine.Amount : 0m;
        }

        public ViolationFigures Figures() => new(_violations.Count, _fines, _amount, _paid, _serious.Count);
    }

    /// <summary>A branch's violations, newest first, with each violation's fines; a violator filter is applied while reading on.</summary>
    public async Task<Page<(Versioned<Violation> Violation, IReadOnlyList<Versioned<Fine>> Fines)>> ListViolationsAsync(
        Caller caller, string branchId, string? violatorId, Google.Type.Date? from, Google.Type.Date? to, int pageSize, string? pageToken)
    {
        var violations = new List<FieldViolation>();
        ViolationReports.CheckId(violations, "branch_id", branchId, required: true);
        ViolationReports.CheckId(violations, "violator_id", violatorId, required: false);
        var size = PageSizes.Read(violations, pageSize);
        var after = DecodeToken(violations, pageToken);
        var (min, max) = Period(violations, from, to);
        RequestValidationException.ThrowIfAny(violations);
        if (!PenaltyScopes.CanListBranch(caller, branchId))
        {
            throw new ScopeDeniedException("无权查看该分公司的违规记录 / not allowed to see this branch's violations");
        }

        var visible = new List<Versioned<Violation>>();
        var last = after;
        var exhausted = false;
        while (visible.Count < size && !exhausted)
        {
            var entries = await store.PageAsync(PenaltyKeys.ViolationsByBranch(branchId), min, max, last, size);
            var byId = (await store.GetViolationsAsync([.. entries.Select(e => e.Id)])).ToDictionary(v => v.Value.Id, StringComparer.Ordinal);
            var consumed = 0;
            foreach (var entry in entries)
            {
                last = entry;
                consumed++;
                if (byId.TryGetValue(entry.Id, out var v) && PenaltyScopes.CanSee(caller, v.Value)
                    && (violatorId is null || v.Value.Violator.EmployeeId == violatorId))
                {
                    visible.Add(v);
                    if (visible.Count == size)
                    {
                        break;
                    }
                }
            }

            exhausted = entries.Count < size && consumed == entries.Count;
        }

        var fines = await store.GetFinesAsync([.. visible.SelectMany(v => v.Value.FineIds)]);
        var finesByViolation = fines.ToLookup(f => f.Value.ViolationId, StringComparer.Ordinal);
        var items = visible.Select(v => (v, (IReadOnlyList<Versioned<Fine>>)[.. finesByViolation[v.Value.Id]])).ToList();
        return new Page<(Versioned<Violation>, IReadOnlyList<Versioned<Fine>>)>(items, exhausted ? null : EncodeToken(last!.Value));
    }

    /// <summary>Narrows the filter to what the caller may see; asking for more is PermissionDenied.</summary>
    private static (FineQuery Filter, double Min, double Max) Prepare(List<FieldViolation> violations, Caller caller, FineQuery query)
    {
        ViolationReports.CheckId(violations, "filter.employee_id", query.EmployeeId, required: false);
        ViolationReports.CheckId(violations, "filter.branch_id", query.BranchId, required: false);
        ViolationReports.CheckId(violations, "filter.region_id", query.RegionId, required: false);
        if (query.Status is not null && !FineStatuses.All.Contains(query.Status))
        {
            violations.Add(new("filter.status", "未知状态 / unknown status"));
        }

        var (min, max) = Period(violations, query.From, query.To, "filter.");
        RequestValidationException.ThrowIfAny(violations);

        var filter = caller.Role switch
        {
            Roles.Hq => query,
            Roles.RegionalManager or Roles.RegionalSecretary => query with { RegionId = Narrow(query.RegionId, caller.RegionId, "region") },
            Roles.BranchManager or Roles.BranchSecretary => query with { BranchId = Narrow(query.BranchId, caller.BranchId, "branch") },
            _ => query with { EmployeeId = Narrow(query.EmployeeId, caller.EmployeeId, "employee") },
        };
        return (filter, min, max);
    }

    private static string Narrow(string? asked, string? own, string what)
    {
        if (own is null || (asked is not null && asked != own))
        {
            throw new ScopeDeniedException($"只能查看本人范围内的罚款（{what}）/ fines outside your {what} are not visible to you");
        }

        return own;
    }

    private static bool Matches(Caller caller, FineQuery filter, Fine fine) =>
        (filter.EmployeeId is null || fine.EmployeeId == filter.EmployeeId)
        && (filter.BranchId is null || fine.BranchId == filter.BranchId)
        && (filter.RegionId is null || fine.RegionId == filter.RegionId)
        && (filter.Status is null || fine.Status == filter.Status)
        && (filter.Liability is null || fine.Liability == filter.Liability)
        && PenaltyScopes.CanSee(caller, fine);

    private static RedisKey IndexFor(FineQuery filter) => filter switch
    {
        { EmployeeId: { } employee } => PenaltyKeys.FinesByEmployee(employee),
        { BranchId: { } branch } => PenaltyKeys.FinesByBranch(branch),
        { RegionId: { } region } => PenaltyKeys.FinesByRegion(region),
        _ => PenaltyKeys.AllFines,
    };

    /// <summary>Violation dates from..to (Asia/Shanghai, inclusive) as a score range of instants.</summary>
    private static (double Min, double Max) Period(List<FieldViolation> violations, Google.Type.Date? from, Google.Type.Date? to, string prefix = "")
    {
        var min = double.NegativeInfinity;
        var max = double.PositiveInfinity;
        if (ParseDate(violations, prefix + "from", from) is { } start)
        {
            min = PenaltyKeys.Score(PolicyTime.StartOfDay(start).ToDateTimeOffset());
        }

        if (ParseDate(violations, prefix + "to", to) is { } end)
        {
            max = PenaltyKeys.Score(PolicyTime.StartOfDay(end.PlusDays(1)).ToDateTimeOffset()) - 1;
        }

        if (min > max)
        {
            violations.Add(new(prefix + "to", "不能早于起始日期 / must not be before from"));
        }

        return (min, max);
    }

    private static LocalDate? ParseDate(List<FieldViolation> violations, string field, Google.Type.Date? day) =>
        Dates.Parse(violations, field, day) is { } date ? Dates.ToLocalDate(date) : null;


    private static string EncodeToken(IndexEntry entry) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes(entry.Score.ToString("R", CultureInfo.InvariantCulture) + "|" + entry.Id));

    private static IndexEntry? DecodeToken(List<FieldViolation> violations, string? token)
    {
        if (string.IsNullOrEmpty(token))
        {
            return null;
        }

        try
        {
            var parts = Encoding.UTF8.GetString(Convert.FromBase64String(token)).Split('|', 2);
            if (parts.Length == 2 && double.TryParse(parts[0], NumberStyles.Float, CultureInfo.InvariantCulture, out var score))
            {
                return new IndexEntry(parts[1], score);
            }
        }
        catch (FormatException)
        {
            // Falls through to the field violation below.
        }

        violations.Add(new("page_token", "无效的分页标记 / not a page token from a previous answer"));
        return null;
    }
}
