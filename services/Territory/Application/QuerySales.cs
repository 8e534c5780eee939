using System.Globalization;
using CustomerProtection.Territory.Domain;
using CustomerProtection.Territory.Persistence;
using StackExchange.Redis;

namespace CustomerProtection.Territory.Application;

public sealed record CreditReport(string EmployeeId, IReadOnlyList<Sale> Credits, decimal Total);

/// <summary>Reads of the ledger: a sale, the violations found (within the caller's scope), performance credit.</summary>
public sealed class QuerySales(SalesStore store, PolicyClock clock)
{

    public async Task<RecordedSale> GetSaleAsync(Caller caller, string id)
    {
        var violations = new List<FieldViolation>();
        DirectoryRules.CheckId(violations, "id", id);
        RequestValidationException.ThrowIfAny(violations);
        var sale = await store.GetAsync<Sale>(SalesKeys.Sale, id) ?? throw new EntityNotFoundException("sale", id);
        if (!LedgerScopes.MaySeeSale(caller, sale.Value))
        {
            throw new ScopeDeniedException($"无权查看出货 {id} / not allowed to see sale {id}");
        }

        var found = await store.GetManyAsync<Violation>(SalesKeys.Violation, sale.Value.ViolationIds);
        return new RecordedSale(sale, [.. found.Select(v => v.Value)]);
    }

    /// <summary>
    /// Newest first. hq sees all; a regional manager or secretary their region's violators; a branch
    /// manager or secretary their branch's; everyone else the violations where they are the violator
    /// or the injured party.
    /// </summary>
    public async Task<(IReadOnlyList<Violation> Items, string? NextPageToken)> ListViolationsAsync(Caller caller, string? saleId, int pageSize, string? pageToken)
    {
        var violations = new List<FieldViolation>();
        DirectoryRules.CheckId(violations, "sale_id", saleId, required: false);
        var (size, skip) = Paging(violations, pageSize, pageToken);
        RequestValidationException.ThrowIfAny(violations);

        if (!string.IsNullOrEmpty(saleId))
        {
            var sale = await GetSaleAsync(caller, saleId);
            return (sale.Violations, null);
        }

        RedisKey index = caller.Role switch
        {
            Roles.Hq => SalesKeys.AllViolations,
            Roles.RegionalManager or Roles.RegionalSecretary when caller.RegionId is { } region => SalesKeys.ViolationsOfRegion(region),
            Roles.BranchManager or Roles.BranchSecretary when caller.BranchId is { } branch => SalesKeys.ViolationsOfBranch(branch),
            _ => SalesKeys.ViolationsOfEmployee(caller.EmployeeId),
        };
        var ids = await store.NewestAsync(index, skip, size + 1);
        var items = await store.GetManyAsync<Violation>(SalesKeys.Violation, ids.Take(size));
        return ([.. items.Select(v => v.Value)], ids.Count > size ? (skip + size).ToString(CultureInfo.InvariantCulture) : null);
    }

    /// <summary>P-4.3: the sales credited to an employee (their own, or anyone's for hq and managers).</summary>
    public async Task<CreditReport> CreditsAsync(Caller caller, string? employeeId, Google.Type.Date? from, Google.Type.Date? to)
    {
        var violations = new List<FieldViolation>();
        DirectoryRules.CheckId(violations, "employee_id", employeeId, required: false);
        var toDay = Dates.Parse(violations, "to", to) ?? clock.TodayDate;
        var fromDay = Dates.Parse(violations, "from", from) ?? toDay.AddDays(-364);
        if (fromDay > toDay)
        {
            violations.Add(new("from", "不能晚于 to / must not be after to"));
        }

        RequestValidationException.ThrowIfAny(violations);
        var who = string.IsNullOrEmpty(employeeId) ? caller.EmployeeId : employeeId;
        if (who != caller.EmployeeId && caller.Role is not (Roles.Hq or Roles.RegionalManager or Roles.BranchManager))
        {
            throw new ScopeDeniedException("只能查看自己的业绩 / only one's own credit");
        }

        var credits = await store.CreditsAsync(who, fromDay, toDay);
        return new CreditReport(who, credits, credits.Sum(c => c.Amount));
    }

    internal static (int Size, long Skip) Paging(List<FieldViolation> violations, int pageSize, string? pageToken)
    {
        var size = PageSizes.Read(violations, pageSize);
        long skip = PageTokens.Offset(violations, pageToken);

        return (size, skip);
    }
}
