using System.Globalization;
using CustomerProtection.Registration.Domain;
using CustomerProtection.Registration.Persistence;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace CustomerProtection.Registration.Application;

/// <summary>
/// What ListCustomers filters by, in the domain's words: the status computed now (P-3.5), the stage, the
/// class (M-1), and "protected and ending within N days" (0: no expiry filter). An empty set does not filter.
/// </summary>
public sealed record CustomerFilter(
    IReadOnlySet<string> Statuses,
    IReadOnlySet<string> Stages,
    IReadOnlySet<string> Classes,
    int ExpiresWithinDays,
    string? Text = null)
{
    public static readonly CustomerFilter None = new(new HashSet<string>(), new HashSet<string>(), new HashSet<string>(), 0);

    /// <summary><see cref="Text"/>: part of the invoice title (any case) or the start of the taxpayer id.</summary>
    public bool Matches(Customer customer, ProtectionState state) =>
        (Statuses.Count == 0 || Statuses.Contains(state.Status))
        && (Stages.Count == 0 || Stages.Contains(customer.Stage))
        && (Classes.Count == 0 || Classes.Contains(customer.Class))
        && (ExpiresWithinDays == 0 || state.DaysRemaining <= ExpiresWithinDays)
        && (string.IsNullOrWhiteSpace(Text)
            || customer.Title.Contains(Text.Trim(), StringComparison.OrdinalIgnoreCase)
            || customer.TaxpayerId?.StartsWith(Text.Trim().ToUpperInvariant(), StringComparison.Ordinal) == true);
}

/// <summary>
/// The customers people ask for every day: a branch's, an owner's or the company's, filtered by status,
/// stage, class and expiry. The expiry filter reads the index by the end of protection (one range:
/// soonest first, whatever the size of the scope); the others walk the scope's index and test each
/// customer against its state computed now (P-3.5: a period that ended is lapsed at once, so lapsed
/// customers are found without waiting for the due-queue). A page reads at most <see cref="ScanFactor"/>
/// times its size, so a rare filter costs bounded time per page: such a page may come back short with a
/// next token.
/// </summary>
public sealed class ListCustomers(CustomerStore store, Organization organization, PolicyClock clock, QueryCustomers query, IOptions<PoolOptions> poolOptions)
{
    public const int ScanFactor = 20;

    /// <summary>Ten years: beyond any protection period with its extensions (P-3.1, P-3.3).</summary>
    public const int MaxExpiresWithinDays = 3660;

    /// <summary>Ids from a position: each with the position that resumes after it (the page token).</summary>
    private delegate Task<IReadOnlyList<(string Id, string After)>> Source(string? position, int count);

    public async Task<CustomerPage> ExecuteAsync(Caller caller, string? branchId, string? ownerId, CustomerFilter filter, int pageSize, string? pageToken)
    {
        var violations = new List<FieldViolation>();
        if (!string.IsNullOrEmpty(branchId) && !string.IsNullOrEmpty(ownerId))
        {
            violations.Add(new("owner_id", "branch_id 与 owner_id 至多给一个 / give at most one of branch_id and owner_id"));
        }

        var size = PageSizes.Read(violations, pageSize);
        if (filter.ExpiresWithinDays is < 0 or > MaxExpiresWithinDays)
        {
            violations.Add(new("expires_within_days", $"0 到 {MaxExpiresWithinDays} / 0 to {MaxExpiresWithinDays}"));
        }

        RequestValidationException.ThrowIfAny(violations);
        var scope = await ScopeAsync(caller, NullIfEmpty(branchId), NullIfEmpty(ownerId));
        if (filter.ExpiresWithinDays > 0 && filter.Statuses.Count > 0 && !filter.Statuses.Contains(CustomerStatus.Protected))
        {
            return new CustomerPage([], null); // only protected customers expire
        }

        var (source, start) = filter.ExpiresWithinDays > 0 ? Expiring(scope, filter.ExpiresWithinDays, pageToken) : Walk(scope, pageToken);
        return await PageAsync(source, start, filter, size);
    }

    /// <summary>
    /// P-12: the branch's public pool (its salespeople may see it too), the longest free first, filtered by text and
    /// class, each customer with who may claim it today (P-12 priority window, X-2 cool-down) as the claim rules compute it.
    /// </summary>
    public async Task<CustomerPage> PoolAsync(Caller caller, string? branchId, CustomerFilter filter, int pageSize, string? pageToken)
    {
        var size = PageSizes.Read(pageSize);
        var branch = await query.RequireBranchAsync(caller, branchId, pool: true);
        var start = string.IsNullOrEmpty(pageToken) ? 0
            : pageToken.Split('.') is ["p", var o] && Number(o) is { } offset ? offset : throw InvalidToken();
        Source source = async (position, count) =>
        {
            var skip = position is null ? start : Number(position[2..])!.Value;
            var ids = await store.Db.SortedSetRangeByRankAsync(RegistrationKeys.BranchPool(branch), skip, skip + count - 1);
            return [.. ids.Select((id, i) => ((string)id!, $"p.{skip + i + 1}"))];
        };
        var page = await PageAsync(source, null, filter, size);
        var today = clock.Today;
        var parameters = clock.On(today);
        return page with { Items = [.. page.Items.Select(item => item with { PoolClaims = Claims(item, today, parameters) })] };
    }

    private PoolClaims Claims(CustomerDetails item, NodaTime.LocalDate today, Policy.PolicyParameters parameters)
    {
        var (previousOwner, freedAt) = item.State.FreedOf(item.Customer.Value);
        var openFrom = PoolRules.PriorityEnds(item.Customer.Value, freedAt, poolOptions.Value) is { } o && o > today ? Protection.Date(o) : (DateOnly?)null;
        var reclaimFrom = previousOwner is not null && PoolRules.CooldownEnds(freedAt, parameters) is { } c && c > today ? Protection.Date(c) : (DateOnly?)null;
        return new PoolClaims(openFrom, previousOwner, reclaimFrom);
    }

    /// <summary>Reads the source a page at a time, keeps what matches, stops when the page is full or the scan budget spent.</summary>
    private async Task<CustomerPage> PageAsync(Source source, string? position, CustomerFilter filter, int size)
    {
        var matched = new List<CustomerDetails>(size);
        var budget = size * ScanFactor;
        while (matched.Count < size && budget > 0)
        {
            var requested = Math.Min(size, budget);
            var ids = await source(position, requested);
            budget -= ids.Count;
            var customers = (await store.GetManyAsync(ids.Select(i => i.Id))).ToDictionary(c => c.Value.Id);
            foreach (var (id, after) in ids)
            {
                position = after;
                if (customers.TryGetValue(id, out var customer) && clock.Evaluate(customer.Value) is var state && filter.Matches(customer.Value, state))
                {
                    matched.Add(new CustomerDetails(customer, state, null, false));
                    if (matched.Count == size)
                    {
                        // Full: the next page resumes after this one, unless the source has nothing after it.
                        return new CustomerPage(matched, id == ids[^1].Id && ids.Count < requested ? null : position);
                    }
                }
            }

            if (ids.Count < requested)
            {
                return new CustomerPage(matched, null);
            }
        }

        return new CustomerPage(matched, position);
    }

    private enum ScopeKind { Company, Branch, Owner }

    private sealed record Scope(ScopeKind Kind, string Id);

    /// <summary>
    /// Who may list what: hq the company, a branch's staff (and regional roles of its region, hq) the branch,
    /// an owner their own (their branch's staff, regional roles, hq theirs). Without branch and owner: hq the
    /// company, branch staff their branch, anyone else their own.
    /// </summary>
    private async Task<Scope> ScopeAsync(Caller caller, string? branchId, string? ownerId)
    {
        if (branchId is null && ownerId is null)
        {
            return caller.IsHq ? new Scope(ScopeKind.Company, "")
                : RegistrationScopes.IsBranchStaff(caller, caller.BranchId ?? "") ? new Scope(ScopeKind.Branch, caller.BranchId!)
                : new Scope(ScopeKind.Owner, caller.EmployeeId);
        }

        if (branchId is not null)
        {
            return new Scope(ScopeKind.Branch, await query.RequireBranchAsync(caller, branchId, pool: false));
        }

        if (ownerId!.Length > 64)
        {
            throw new RequestValidationException(new FieldViolation("owner_id", "最长 64 / at most 64 characters"));
        }

        if (caller.EmployeeId != ownerId && !caller.IsHq)
        {
            var owner = await organization.EmployeeAsync(ownerId) ?? await organization.DealerAsync(ownerId);
            if (owner is null || !RegistrationScopes.CanReadBranch(caller, owner.BranchId, owner.RegionId))
            {
                throw new ScopeDeniedException("无权查看该员工的客户 / not allowed to see this employee's customers");
            }
        }

        return new Scope(ScopeKind.Owner, ownerId);
    }

    /// <summary>
    /// P-3.5: the scope's protected customers whose last protected day is today or within N days, soonest
    /// first: a branch's or the company's from the sets of each last day (in id order within a day), an
    /// owner's from their index by the end of protection. The window is fixed by the first page (the token
    /// carries it), so later pages continue the same range.
    /// </summary>
    private (Source, string?) Expiring(Scope scope, int days, string? token)
    {
        if (scope.Kind == ScopeKind.Owner)
        {
            return OwnerExpiring(scope.Id, days, token);
        }

        int from, to;
        (int Day, string? After)? start = null;
        if (string.IsNullOrEmpty(token))
        {
            from = clock.TodayDate.DayNumber;
            to = from + days;
        }
        else if (token.Split('.', 5) is ["d", var f, var t, var d, var after] && Number(f) is { } pf && Number(t) is { } pt && Number(d) is { } pd
                 && pf <= pd && pd <= pt && pt - pf <= MaxExpiresWithinDays && after.Length > 0)
        {
            (from, to, start) = ((int)pf, (int)pt, ((int)pd, after));
        }
        else
        {
            throw InvalidToken();
        }

        Func<DateOnly, RedisKey> day = scope.Kind == ScopeKind.Company
            ? RegistrationKeys.CompanyEnding
            : lastDay => RegistrationKeys.BranchEnding(scope.Id, lastDay);
        return (async (position, count) =>
        {
            var (first, after) = position is null ? start ?? (from, null) : ((int)Number(position.Split('.', 5)[3])!, position.Split('.', 5)[4]);
            var ids = new List<(string, string)>(count);
            // One day first (a page seldom needs more), then twice as many days a round trip.
            for (int at = first, width = 1; at <= to && ids.Count < count; at += width, width = Math.Min(width * 2, MaxDaysPerRead))
            {
                var batch = store.Db.CreateBatch();
                var reads = Enumerable.Range(at, Math.Min(width, to - at + 1))
                    .Select(n => (Day: n, Members: batch.SetMembersAsync(day(DateOnly.FromDayNumber(n))))).ToList();
                batch.Execute();
                foreach (var (n, members) in reads)
                {
                    var ordered = (await members).Select(m => (string)m!).OrderBy(IdOrder.Key).ThenBy(id => id, StringComparer.Ordinal)
                        .SkipWhile(id => n == first && after is not null && IdOrder.Compare(id, after) <= 0);
                    foreach (var id in ordered.Take(count - ids.Count))
                    {
                        ids.Add((id, $"d.{from}.{to}.{n}.{id}"));
                    }
                }
            }

            return ids;
        }, null);
    }

    /// <summary>At most this many day sets a round trip in <see cref="Expiring"/>.</summary>
    private const int MaxDaysPerRead = 32;

    /// <summary>An owner's protected customers ending by the end of day N, from their index scored by the end (pending filings, +inf, fall outside).</summary>
    private (Source, string?) OwnerExpiring(string ownerId, int days, string? token)
    {
        long from, to, offset;
        if (string.IsNullOrEmpty(token))
        {
            from = clock.Now.ToUnixTimeMilliseconds();
            to = Policy.PolicyTime.StartOfDay(clock.Today.PlusDays(days + 1)).ToUnixTimeMilliseconds();
            offset = 0;
        }
        else if (token.Split('.') is ["e", var f, var t, var o] && Number(f) is { } pf && Number(t) is { } pt && Number(o) is { } po)
        {
            (from, to, offset) = (pf, pt, po);
        }
        else
        {
            throw InvalidToken();
        }

        return (async (position, count) =>
        {
            var skip = position is null ? offset : Number(position.Split('.')[3])!.Value;
            var ids = await store.Db.SortedSetRangeByScoreAsync(RegistrationKeys.OwnerCustomers(ownerId), from, to, Exclude.Start, Order.Ascending, skip, count);
            return [.. ids.Select((id, i) => ((string)id!, $"e.{from}.{to}.{skip + i + 1}"))];
        }, null);
    }

    /// <summary>Ids in the branch listing's order: integers by value, then the others in ordinal order.</summary>
    private static class IdOrder
    {
        public static (int, long) Key(string id) => RegistrationKeys.IntegerId(id) is { } n ? (0, n) : (1, 0);

        public static int Compare(string x, string y) =>
            Key(x).CompareTo(Key(y)) is var byKey and not 0 ? byKey : string.CompareOrdinal(x, y);
    }

    /// <summary>Every customer of the scope: a branch's in id order, an owner's by the end of protection, the company's by id.</summary>
    private (Source, string?) Walk(Scope scope, string? token)
    {
        (string? prefix, string? start) = string.IsNullOrEmpty(token) ? (null, null)
            : token.IndexOf('.') is > 0 and var dot ? (token[..dot], token[(dot + 1)..]) : throw InvalidToken();
        var expected = scope.Kind switch { ScopeKind.Company => "c", ScopeKind.Branch => "b", _ => "o" };
        if (prefix is not null && (prefix != expected || start!.Length == 0 || (scope.Kind != ScopeKind.Branch && Number(start) is null)))
        {
            throw InvalidToken();
        }

        Source source = scope.Kind switch
        {
            ScopeKind.Branch => async (position, count) =>
                [.. (await store.BranchCustomerIdsAsync(scope.Id, position?[2..] ?? start, count)).Select(id => (id, "b." + id))],
            ScopeKind.Owner => async (position, count) =>
            {
                var skip = Number(position?[2..] ?? start) ?? 0;
                var ids = await store.Db.SortedSetRangeByRankAsync(RegistrationKeys.OwnerCustomers(scope.Id), skip, skip + count - 1);
                return [.. ids.Select((id, i) => ((string)id!, $"o.{skip + i + 1}"))];
            },
            _ => async (position, count) =>
            {
                // Ids are integers from the allocator (CustomerIdAllocator): the company is the ids up to its counter.
                var after = Number(position?[2..] ?? start) ?? -1;
                var last = (long?)await store.Db.StringGetAsync(CustomerIdAllocator.Counter) ?? -1;
                var count64 = Math.Max(0, Math.Min(count, last - after));
                return [.. Enumerable.Range(1, (int)count64).Select(i => (after + i).ToString(CultureInfo.InvariantCulture)).Select(id => (id, "c." + id))];
            },
        };
        return (source, null);
    }

    private static long? Number(string? text) =>
        long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : null;

    private static RequestValidationException InvalidToken() =>
        new(new FieldViolation("page_token", "不是本列表（同样筛选条件）的分页标记 / not a page token of this list with these filters"));

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
