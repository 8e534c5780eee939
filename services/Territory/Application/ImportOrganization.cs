using CustomerProtection.Contracts.Organization;
using CustomerProtection.Policy.Identity;
using CustomerProtection.Territory.Domain;
using CustomerProtection.Territory.Persistence;

namespace CustomerProtection.Territory.Application;

public sealed record ImportCounts(int Created, int Updated, int Unchanged);

public sealed record ImportSummary(ImportCounts Regions, ImportCounts Branches, ImportCounts Employees, ImportCounts Dealers, int EventsPublished);

/// <summary>
/// A whole organisation in one call (hq). Every row is validated against the stored directory
/// merged with the import before anything is written: one bad row refuses the import and nothing
/// changes. Then each entity is written in its own atomic step with its event; unchanged ones are
/// skipped, so importing the same file twice publishes nothing the second time.
/// </summary>
public sealed class ImportOrganization(DirectoryStore store, PolicyClock clock)
{
    public async Task<ImportSummary> ExecuteAsync(Caller caller, ImportDocument doc)
    {
        if (!caller.IsHq)
        {
            throw new ScopeDeniedException("只有总公司可以导入组织 / only hq imports an organisation");
        }

        var regions = (await store.GetAllAsync<Region>(DirectoryKeys.Region)).ToDictionary(r => r.Value.Id);
        var branches = (await store.GetAllAsync<Branch>(DirectoryKeys.Branch)).ToDictionary(b => b.Value.Id);
        var employees = (await store.GetAllAsync<Employee>(DirectoryKeys.Employee)).ToDictionary(e => e.Value.Id);
        var dealers = (await store.GetAllAsync<Dealer>(DirectoryKeys.Dealer)).ToDictionary(d => d.Value.Id);

        var today = clock.TodayDate;
        var plan = Validate(doc, regions, branches, employees, dealers, today);

        var at = clock.UtcNow;
        var regionCounts = await ApplyAsync(plan.Regions, id => store.GetRegionAsync(id), (old, next) => Task.FromResult(DirectoryChanges.Region(old, next, at)), r => r.Id);
        var branchCounts = await ApplyAsync(plan.Branches, id => store.GetBranchAsync(id), async (old, next) =>
            DirectoryChanges.Branch(old, next, (await store.GetRegionAsync(next.RegionId))!, at), b => b.Id);
        var employeeCounts = await ApplyAsync(plan.Employees, id => store.GetEmployeeAsync(id), (old, next) =>
            Task.FromResult(DirectoryChanges.Employee(old, next, (s, v) => (old, next.Status) switch
            {
                (null, _) => new EmployeeJoined(s, v, at),
                ({ Value.Status: not EmployeeStatuses.Left }, EmployeeStatuses.Left) => new EmployeeLeft(s, "import", v, at),
                _ => (object)new EmployeeChanged(s, v, at),
            })), e => e.Id);
        var dealerCounts = await ApplyAsync(plan.Dealers, id => store.GetDealerAsync(id), async (old, next) =>
            DirectoryChanges.Dealer(old, next, CustomerIdentity.Key(next.TaxpayerId, next.InvoiceTitle),
                next.Kind == DealerKinds.PointToArea ? await store.GetRegionAsync(next.RegionId) : null,
                (s, v) => next.Status == DealerStatuses.Terminated ? new DealerTerminated(s, "import", v, at) : new DealerAppointed(s, v, at)), d => d.Id);

        var events = regionCounts.Created + regionCounts.Updated + branchCounts.Created + branchCounts.Updated
            + employeeCounts.Created + employeeCounts.Updated + dealerCounts.Created + dealerCounts.Updated;
        return new ImportSummary(regionCounts, branchCounts, employeeCounts, dealerCounts, events);
    }

    private sealed record Plan(List<Region> Regions, List<Branch> Branches, List<Employee> Employees, List<Dealer> Dealers);

    private static Plan Validate(
        ImportDocument doc,
        Dictionary<string, Versioned<Region>> storedRegions,
        Dictionary<string, Versioned<Branch>> storedBranches,
        Dictionary<string, Versioned<Employee>> storedEmployees,
        Dictionary<string, Versioned<Dealer>> storedDealers,
        DateOnly today)
    {
        var violations = new List<FieldViolation>();
        CheckUnique(violations, doc.Regions.Select(r => (r.Label, r.Input.Id)));
        CheckUnique(violations, doc.Branches.Select(r => (r.Label, r.Input.Id)));
        CheckUnique(violations, doc.Employees.Select(r => (r.Label, r.Input.Id)));
        CheckUnique(violations, doc.Dealers.Select(r => (r.Label, r.Input.Id)));

        var regionIds = storedRegions.Keys.Concat(doc.Regions.Select(r => r.Input.Id)).ToHashSet();
        var regions = new List<Region>();
        foreach (var (label, input) in doc.Regions)
        {
            DirectoryRules.CheckId(violations, label + "id", input.Id);
            DirectoryRules.CheckName(violations, label + "name", input.Name);
            regions.Add(new Region(input.Id, input.Name.Trim()));
        }

        var branches = new List<Branch>();
        foreach (var (label, input) in doc.Branches)
        {
            DirectoryRules.CheckId(violations, label + "id", input.Id);
            DirectoryRules.CheckName(violations, label + "name", input.Name);
            DirectoryRules.CheckOneOf(violations, label + "kind", input.Kind, BranchKinds.All);
            if (!regionIds.Contains(input.RegionId))
            {
                violations.Add(new(label + "region_id", $"大区 {input.RegionId} 不存在 / region {input.RegionId} does not exist"));
            }

            if (storedBranches.TryGetValue(input.Id, out var existing) && existing.Value.RegionId != input.RegionId)
            {
                violations.Add(new(label + "region_id", $"分公司不能换大区（现属 {existing.Value.RegionId}）/ a branch cannot move region (now in {existing.Value.RegionId})"));
            }

            branches.Add(new Branch(input.Id, input.RegionId, input.Name.Trim(), input.Kind, input.Direct, NullIfEmpty(input.ManagerId), input.AutoApproveFilings));
        }

        var allBranches = storedBranches.ToDictionary(b => b.Key, b => b.Value.Value);
        foreach (var b in branches)
        {
            allBranches[b.Id] = b;
        }

        // Employees are placed against the merged directory, so a manager may appear later in the file.
        var allEmployees = storedEmployees.ToDictionary(e => e.Key, e => e.Value.Value);
        var employees = new List<Employee>();
        foreach (var (label, input) in doc.Employees)
        {
            DirectoryChecks.CheckEmployeeFormat(violations, label, input);
            DirectoryRules.CheckDate(violations, label + "hire_date", input.HireDate, out var hireDate);
            var status = input.Status ?? EmployeeStatuses.Active;
            DirectoryRules.CheckOneOf(violations, label + "status", status, [EmployeeStatuses.Active, EmployeeStatuses.OnLeave, EmployeeStatuses.Left]);
            var region = DirectoryRules.IsKnownRole(input.Role)
                ? DirectoryRules.PlaceEmployee(violations, label, input.Role, NullIfEmpty(input.BranchId), NullIfEmpty(input.RegionId), id => allBranches.GetValueOrDefault(id))
                : null;
            if (region is not null && !regionIds.Contains(region))
            {
                violations.Add(new(label + "region_id", $"大区 {region} 不存在 / region {region} does not exist"));
            }

            storedEmployees.TryGetValue(input.Id, out var old);
            var employee = new Employee(input.Id, input.Name.Trim(), input.Role, NullIfEmpty(input.BranchId), region, NullIfEmpty(input.ManagerId), status,
                hireDate ?? old?.Value.HireDate ?? today,
                status == EmployeeStatuses.Left ? old?.Value.LeftOn ?? today : null, NullIfEmpty(input.Email));
            employees.Add(employee);
            allEmployees[employee.Id] = employee;
        }

        foreach (var ((label, input), employee) in doc.Employees.Zip(employees))
        {
            DirectoryRules.CheckManager(violations, label + "manager_id", input.Id, employee.ManagerId, id => allEmployees.GetValueOrDefault(id));
        }

        foreach (var (label, input) in doc.Branches)
        {
            DirectoryRules.CheckManager(violations, label + "manager_id", "", NullIfEmpty(input.ManagerId), id => allEmployees.GetValueOrDefault(id));
        }

        var dealers = new List<Dealer>();
        var refusals = new List<string>();
        foreach (var (label, input) in doc.Dealers)
        {
            DirectoryChecks.CheckDealerFormat(violations, label, input);
            var (taxpayerId, _) = DealerIdentity.Resolve(violations, label, input.TaxpayerId, input.InvoiceTitle);
            var branch = allBranches.GetValueOrDefault(input.BranchId);
            if (branch is null)
            {
                violations.Add(new(label + "branch_id", $"分公司 {input.BranchId} 不存在 / branch {input.BranchId} does not exist"));
                continue;
            }

            var regionId = NullIfEmpty(input.RegionId) ?? branch.RegionId;
            if (!regionIds.Contains(regionId))
            {
                violations.Add(new(label + "region_id", $"大区 {regionId} 不存在 / region {regionId} does not exist"));
            }

            storedDealers.TryGetValue(input.Id, out var old);
            // P-7 applies to appointments: a dealer that already was point-to-area stays.
            if (old?.Value.Kind != DealerKinds.PointToArea
                && DirectoryRules.CheckDealerAppointment(input.Kind, regionId, allBranches.Values.Where(b => b.RegionId == regionId)) is { } refusal)
            {
                refusals.Add($"{label.TrimEnd('.')}: {refusal.Message}");
            }

            dealers.Add(new Dealer(input.Id, input.Name.Trim(), branch.Id, regionId, input.Kind, taxpayerId, input.InvoiceTitle.Trim(),
                old?.Value.Status ?? DealerStatuses.Active, old?.Value.AppointedOn ?? today));
        }

        RequestValidationException.ThrowIfAny(violations);
        if (refusals.Count > 0)
        {
            throw new PolicyRefusalException("P-7", string.Join("; ", refusals), new Dictionary<string, string> { ["refused_rows"] = refusals.Count.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        }

        return new Plan(regions, branches, employees, dealers);
    }

    private async Task<ImportCounts> ApplyAsync<T>(
        List<T> items,
        Func<string, Task<Versioned<T>?>> load,
        Func<Versioned<T>?, T, Task<AtomicChange>> change,
        Func<T, string> id)
    {
        int created = 0, updated = 0, unchanged = 0;
        foreach (var item in items)
        {
            var outcome = await OptimisticConcurrency.RetryAsync(async () =>
            {
                var old = await load(id(item));
                if (old is not null && EqualityComparer<T>.Default.Equals(old.Value, item))
                {
                    return (ChangeResult.Applied, 0);
                }

                return (await store.CommitAsync(await change(old, item)), old is null ? 1 : 2);
            });
            switch (outcome)
            {
                case 0: unchanged++; break;
                case 1: created++; break;
                default: updated++; break;
            }
        }

        return new ImportCounts(created, updated, unchanged);
    }

    private static void CheckUnique(List<FieldViolation> violations, IEnumerable<(string Label, string Id)> rows)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (label, id) in rows)
        {
            if (!string.IsNullOrEmpty(id) && !seen.Add(id))
            {
                violations.Add(new(label + "id", $"编号 {id} 在导入中重复 / id {id} appears twice in the import"));
            }
        }
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
