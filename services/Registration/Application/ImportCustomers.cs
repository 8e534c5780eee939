using System.Collections.Concurrent;
using CustomerProtection.Registration.Confidentiality.Application;
using CustomerProtection.Registration.Confidentiality.Domain;
using CustomerProtection.Registration.Domain;
using CustomerProtection.Registration.Persistence;
using NodaTime;

namespace CustomerProtection.Registration.Application;

public static class ImportOutcomes
{
    public const string Filed = "filed";
    public const string Duplicate = "duplicate";
    public const string Refused = "refused";
}

/// <summary>The result of one imported row: filed (the new customer), duplicate (the holder) or refused (the rule and why).</summary>
public sealed record ImportRowOutcome(int Row, string Outcome, string? CustomerId, HolderInfo? Holder, string? RuleId, string? Reason);

public sealed record ImportReport(int Rows, IReadOnlyList<ImportRowOutcome> Results)
{
    public int Count(string outcome) => Results.Count(r => r.Outcome == outcome);
}

/// <summary>
/// X-7: a branch imports its existing customer list. Each row is an approved filing of the branch
/// (its owner a salesperson or dealer of the branch, approved on the given day or today, a formal
/// customer's period counted from its last shipment, P-3.1), reserved like any filing: a held
/// identity is reported as a duplicate with its holder, a refused row with the rule (P-2.5, P-6,
/// X-1, P-13). Rows are independent (one bad row never blocks the others), a file's own repeated
/// identities are duplicates of their first row, and rows run in bounded parallel.
/// </summary>
public sealed class ImportCustomers(CustomerIdAllocator ids, CustomerWriter writer, Organization organization, OwnershipGate gate, PolicyClock clock)
{
    public const int MaxBytes = 64 * 1024 * 1024;
    public const int MaxRows = 100_000;
    private const int Attempts = 8;
    private static readonly ParallelOptions Parallelism = new() { MaxDegreeOfParallelism = 16 };

    public async Task<ImportReport> ExecuteAsync(Caller caller, string? branchId, Stream csv)
    {
        if (string.IsNullOrWhiteSpace(branchId) || branchId.Length > 64)
        {
            throw new RequestValidationException(new FieldViolation("branch_id", "必填，最长 64 / required, at most 64 characters"));
        }

        if (!RegistrationScopes.CanImport(caller, branchId))
        {
            throw new ScopeDeniedException($"只有 {branchId} 的秘书、经理或总公司可以导入 / only the secretary or manager of {branchId}, or hq, import its list");
        }

        if (await organization.BranchAsync(branchId) is null)
        {
            throw new EntityNotFoundException("branch", branchId);
        }

        var rows = CustomerCsv.Parse(csv, MaxRows);
        var today = clock.Today;
        var results = new ConcurrentDictionary<int, ImportRowOutcome>();
        var firstByIdentity = new Dictionary<string, int>(StringComparer.Ordinal);
        var work = new List<(ImportRow Row, ValidFiling Filing, LocalDate ApprovedOn, DateOnly? LastShipment, string Stage)>();
        var repeats = new List<(ImportRow Row, int First)>();
        foreach (var row in rows)
        {
            var violations = new List<FieldViolation>();
            var filing = FilingRules.Validate(violations, "", row.Filing, today, evidenceRequired: false);
            if (string.IsNullOrWhiteSpace(row.OwnerId))
            {
                violations.Add(new("owner_id", "必填 / required"));
            }

            var stage = row.Stage ?? Stages.Prospect;
            FilingRules.CheckOneOf(violations, "stage", stage, [Stages.Prospect, Stages.Formal]);
            var approvedOn = FilingRules.PastDate(violations, "approved_on", row.ApprovedOn, today, required: false);
            var lastShipment = FilingRules.PastDate(violations, "last_shipment_on", row.LastShipmentOn, today, required: stage == Stages.Formal);
            if (violations.Count > 0 || filing is null)
            {
                results[row.Row] = new(row.Row, ImportOutcomes.Refused, null, null, "invalid", string.Join("; ", violations.Select(v => $"{v.Field}: {v.Description}")));
            }
            else if (firstByIdentity.TryGetValue(filing.IdentityKey, out var first))
            {
                repeats.Add((row, first));
            }
            else
            {
                firstByIdentity[filing.IdentityKey] = row.Row;
                work.Add((row, filing, approvedOn is { } d ? Protection.Local(d) : today, lastShipment, stage));
            }
        }

        await Parallel.ForEachAsync(work, Parallelism, async (item, _) =>
            results[item.Row.Row] = await ImportRowAsync(caller, branchId, item.Row, item.Filing, item.ApprovedOn, item.LastShipment, item.Stage));

        foreach (var (row, first) in repeats)
        {
            var original = results[first];
            results[row.Row] = new(row.Row, ImportOutcomes.Duplicate, original.CustomerId, original.Holder, "P-9.1", $"与第 {first} 行是同一客户 / the same customer as row {first}");
        }

        return new ImportReport(rows.Count, results.Values.OrderBy(r => r.Row).ToList());
    }

    private async Task<ImportRowOutcome> ImportRowAsync(Caller caller, string branchId, ImportRow row, ValidFiling filing, LocalDate approvedOn, DateOnly? lastShipment, string stage)
    {
        var owner = await organization.EmployeeAsync(row.OwnerId!) ?? await organization.DealerAsync(row.OwnerId!);
        if (owner is null)
        {
            return Refused(row, "P-13", $"{row.OwnerId} 不是 {branchId} 在职的销售员或经销商 / {row.OwnerId} is not an active salesperson or dealer of {branchId}");
        }

        if (owner.Role == Roles.Dealer && await organization.DealerWithIdentityAsync(filing.IdentityKey) is { } dealerId)
        {
            return Refused(row, "P-6", $"经销商不能拥有经销商 {dealerId} / a dealer cannot hold dealer {dealerId}");
        }

        // Another writer first: decide the row again. X-1's cap or X-2's quota: refuse it, fresh data cannot lift them.
        Policy.PolicyParameters? admitted = null;
        var (outcome, imported) = await OptimisticConcurrency.TryAsync<ImportRowOutcome>(async () =>
        {
            var identity = await gate.ReadAsync(filing.IdentityKey, filing.Title);
            var existing = identity.Primary;

            // The ownership gate, as for a filing: every record of the same customer free (P-2.5), a
            // leaver's pool customer only within its branch's rules and the previous owner's cool-down
            // (P-12, X-2), the owner active and of the branch (C-9, P-13), the holding cap (X-1).
            var (admission, held, refusal) = await gate.DecideAsync(OwnerChangeKind.Import, existing, owner, branchId, identity);
            if (held is not null)
            {
                var holder = HolderInfo.Of(held.Record, held.State);
                return (ChangeResult.Applied, new(row.Row, ImportOutcomes.Duplicate, holder.CustomerId, holder, "P-9.1",
                    $"已被 {holder.OwnerName} 持有（按{(held.MatchedBy == MatchedBy.TaxpayerId ? "纳税人识别号" : "开票抬头")}匹配）/ held by {holder.OwnerName} (matched by {held.MatchedBy})"));
            }

            if (admission is null)
            {
                return (ChangeResult.Applied, Refused(row, refusal!.RuleId, refusal.Message));
            }

            var now = clock.Now;
            var at = now.ToDateTimeOffset();
            var previousOwner = existing is null ? null : clock.Evaluate(existing.Value, now).FreedOf(existing.Value).PreviousOwnerId;
            var basis = existing?.Value ?? new Customer
            {
                Id = await ids.NextAsync(),
                IdentityKey = filing.IdentityKey,
                Title = filing.Title,
                Class = filing.Class,
                BranchId = branchId,
                Status = CustomerStatus.Protected,
                FiledBy = caller.EmployeeId,
            };
            // P-3.1: the row's owner is formal only when the row says so (their own last shipment); a record that
            // was formal under an earlier owner keeps its purchases (LastShipmentOn) but its new owner starts as a prospect.
            var formal = stage == Stages.Formal;
            var imported = basis with
            {
                Class = filing.Class,
                Sales = filing.Sales,
                FiledBy = caller.EmployeeId,
                FiledAt = at,
                Evidence = filing.Evidence,
                LastShipmentOn = lastShipment ?? basis.LastShipmentOn,
                CoDevelopers = null,
            };
            var next = writer.StartProtection(imported, owner, approvedOn, now, caller.EmployeeId, announce: false) with { PreviousOwnerId = previousOwner };
            if (formal && lastShipment is { } shipped)
            {
                // P-3.1: a formal customer's period counts from its last shipment.
                next = next with { Stage = Stages.Formal, PeriodStart = shipped };
            }

            var change = admission.Guard(writer.Change(existing, next, now,
                [new(at, Changes.Imported, CustomerStatus.Protected, previousOwner, owner.Id, $"X-7 import row {row.Row}", caller.EmployeeId)],
                [writer.Announcement(next, at), CustomerWriter.OwnerChange(previousOwner, next, Changes.Imported, caller.EmployeeId, at)],
                new ConfidentialWrite(caller, filing.Contact, filing.Consent.RecordedBy(caller.EmployeeId, at), Purposes.Administration)), next);
            admitted = admission.Parameters;
            return (await writer.CommitAsync(change), new(row.Row, ImportOutcomes.Filed, next.Id, null, null, null));
        }, Attempts, retryOn: r => r.Failure is not (ChangeFailure.CapReached or ChangeFailure.QuotaUsed));

        if (outcome.Succeeded)
        {
            return imported;
        }

        if (outcome.Failure is ChangeFailure.CapReached or ChangeFailure.QuotaUsed)
        {
            var counted = (PolicyRefusalException)CustomerWriter.Refusal(outcome, admitted!, clock.Today);
            return Refused(row, counted.RuleId, counted.Message);
        }

        return Refused(row, "conflict", "并发修改冲突，请重试 / changed concurrently, please retry");
    }

    private static ImportRowOutcome Refused(ImportRow row, string ruleId, string reason) => new(row.Row, ImportOutcomes.Refused, null, null, ruleId, reason);
}
