using NodaTime;

namespace CustomerProtection.Registration.Domain;

/// <summary>The paths that give a customer an owner (docs/ownership.md); lapse, rejection and a leaver's release only free it.</summary>
public enum OwnerChangeKind
{
    File,
    Import,
    Approve,
    Claim,
    Reallocate,
    Award,
}

/// <summary>How a record was found to be the same customer (P-2.5): equal taxpayer ids, or equal titles where one lacks an id.</summary>
public static class MatchedBy
{
    public const string TaxpayerId = "taxpayer_id";
    public const string InvoiceTitle = "invoice_title";
}

/// <summary>Another record of the same customer (P-2.5) as it stands now, and the rule that matched it.</summary>
public sealed record SameCustomer(Customer Record, ProtectionState State, string MatchedBy)
{
    /// <summary>Pending approval or protected now: it holds the customer.</summary>
    public bool IsHeld => State.Status is CustomerStatus.Pending or CustomerStatus.Protected;
}

/// <summary>The person who would own the customer, as the organisation copy knows them (P-12's priority from the branch manager's marks).</summary>
public sealed record Candidate(string Id, string Role, string Status, string BranchId, DateOnly? HireDate, bool BehindTarget);

/// <summary>
/// A proposed change of owner: the record it changes (null for a new record), its state now, the new
/// owner, the branch that will hold the customer, and every other record of the same customer.
/// </summary>
public sealed record OwnerChange(
    OwnerChangeKind Kind,
    Customer? Target,
    ProtectionState? TargetState,
    Candidate Owner,
    string HoldingBranchId,
    IReadOnlyList<SameCustomer> Others);

/// <summary>What the gate decided: the change may go ahead, held to these counters in its atomic step.</summary>
/// <param name="Held">Set when another record of the same customer holds it (P-2.5, P-9.1): the change is refused.</param>
/// <param name="Refusal">Any other refusal, with its rule id and numbers.</param>
/// <param name="PoolTaking">X-2: the change takes a customer from the pool and counts against the daily quota.</param>
/// <param name="Capped">X-1: the change gives a salesperson a protected customer they do not hold yet, so the cap is checked in the step.</param>
public sealed record OwnershipVerdict(SameCustomer? Held, PolicyRefusalException? Refusal, bool PoolTaking, bool Capped)
{
    public bool Allowed => Held is null && Refusal is null;
}

/// <summary>
/// The invariants every change of owner keeps (docs/ownership.md), as one pure function of the
/// records of the customer, the new owner and the day: P-9 (no transfer of a disputed customer),
/// P-2.5 (at most one held record per customer), C-9/P-12/P-13 (the owner is an active salesperson or
/// dealer of the branch that holds the customer), P-12 with X-2 (a leaver's pool customer is its
/// branch's, priority claimants first, the daily quota, the previous owner's cool-down) and X-1 (the
/// holding cap, counted in the atomic step). Checked in that order; the first refusal is the answer.
/// </summary>
public static class OwnershipRules
{
    // P-13 reallocates to salespeople; a filing, claim, import or award may make a dealer the owner of an end customer (P-6).
    private static readonly string[] SalespeopleOnly = [Roles.Salesperson];
    private static readonly string[] Filers = [Roles.Salesperson, Roles.Dealer];

    public static OwnershipVerdict Check(OwnerChange change, LocalDate today, Policy.PolicyParameters parameters, PoolOptions pool)
    {
        // P-9: while a case is open nobody else may transfer the customer; an award is that case's own decision,
        // and an approval finishes a filing that already holds the customer (the pending filer is its holder).
        if (change.Kind is not (OwnerChangeKind.Award or OwnerChangeKind.Approve) && change.Target?.OpenCaseId is { } caseId)
        {
            return Refused(Disputed(change.Target.Id, caseId));
        }

        foreach (var other in change.Others)
        {
            if (change.Kind != OwnerChangeKind.Approve && other.Record.OpenCaseId is { } otherCase)
            {
                return Refused(Disputed(other.Record.Id, otherCase));
            }
        }

        // P-2.5, P-9.1: the earlier valid filing of the same customer wins, whichever record it is on
        // (a filing or an import may also find its own record held).
        var records = change.Target is { } target && change.TargetState is { } targetState
            ? change.Others.Prepend(new SameCustomer(target, targetState, MatchOf(target))).ToList()
            : change.Others;
        var heldRecords = change.Kind is OwnerChangeKind.File or OwnerChangeKind.Import ? records : change.Others;
        if (heldRecords.FirstOrDefault(o => o.IsHeld) is { } held)
        {
            return new OwnershipVerdict(held, null, false, false);
        }

        if (OwnerRefusal(change) is { } ownerRefusal)
        {
            return Refused(ownerRefusal);
        }

        var poolTaking = change.Kind == OwnerChangeKind.Claim;
        if (change.Kind is OwnerChangeKind.File or OwnerChangeKind.Import or OwnerChangeKind.Claim)
        {
            foreach (var record in records)
            {
                if (PoolRefusal(change.Owner, record, today, parameters, pool) is { } poolRefusal)
                {
                    return Refused(poolRefusal);
                }

                // P-12: taking a leaver's customer by filing it is a claim (X-2's quota counts it). An import is the
                // branch staff's act, not the owner's own taking: its branch, window and cool-down hold, not the quota.
                poolTaking |= change.Kind == OwnerChangeKind.File && record.State.Status == CustomerStatus.Pool;
            }
        }

        return new OwnershipVerdict(null, null, poolTaking, IsCapped(change));
    }

    /// <summary>C-9, P-12, P-13: the new owner is an active salesperson (or dealer, who files end customers) of the holding branch.</summary>
    private static PolicyRefusalException? OwnerRefusal(OwnerChange change)
    {
        var owner = change.Owner;
        if (owner.Status != "active")
        {
            return new PolicyRefusalException(
                owner.Status == "left" ? "C-9" : "P-12",
                $"{owner.Id} 状态为 {owner.Status}，不能成为客户的归属人 / {owner.Id} is {owner.Status} and cannot own a customer",
                new Dictionary<string, string> { ["employeeId"] = owner.Id, ["status"] = owner.Status });
        }

        var roles = change.Kind == OwnerChangeKind.Reallocate ? SalespeopleOnly : Filers;
        if (!roles.Contains(owner.Role) || owner.BranchId != change.HoldingBranchId)
        {
            return new PolicyRefusalException(
                "P-13",
                $"{owner.Id} 不是 {change.HoldingBranchId} 在职的销售员{(roles.Length > 1 ? "或经销商" : "")} / {owner.Id} is not an active {string.Join(" or ", roles)} of {change.HoldingBranchId}",
                new Dictionary<string, string> { ["employeeId"] = owner.Id, ["role"] = owner.Role, ["branchId"] = owner.BranchId, ["holdingBranchId"] = change.HoldingBranchId });
        }

        return null;
    }

    /// <summary>
    /// P-12 with X-2 for one record of the customer that is free: the previous owner's cool-down (a lapse
    /// or a pool move alike), and for a leaver's pool customer its branch and the priority window.
    /// </summary>
    private static PolicyRefusalException? PoolRefusal(Candidate taker, SameCustomer record, LocalDate today, Policy.PolicyParameters parameters, PoolOptions pool)
    {
        if (record.State.Status is not (CustomerStatus.Pool or CustomerStatus.Lapsed))
        {
            return null;
        }

        var (previousOwner, freedAt) = record.State.FreedOf(record.Record);
        if (PoolRules.CheckCooldown(taker.Id, previousOwner, freedAt, parameters, today) is { } cooldown)
        {
            return cooldown;
        }

        if (record.State.Status != CustomerStatus.Pool)
        {
            return null;
        }

        if (taker.BranchId != record.Record.BranchId)
        {
            return new PolicyRefusalException(
                "P-12",
                $"离职人员的客户属于 {record.Record.BranchId} 的公海，其他分公司不能备案或领取（可由该分公司经理重新分配）/ a leaver's customer is in the pool of {record.Record.BranchId}: other branches cannot file or claim it (its branch manager may reallocate it)",
                new Dictionary<string, string> { ["customerId"] = record.Record.Id, ["poolBranchId"] = record.Record.BranchId, ["branchId"] = taker.BranchId });
        }

        return PoolRules.CheckPriority(record.Record, freedAt, new Claimant(taker.Id, taker.HireDate, taker.BehindTarget), today, pool);
    }

    /// <summary>X-1 caps salespeople; a change that renews a customer its owner already holds adds no holding.</summary>
    private static bool IsCapped(OwnerChange change) =>
        change.Owner.Role == Roles.Salesperson
        && !(change.Target?.OwnerId == change.Owner.Id && change.TargetState?.Status == CustomerStatus.Protected);

    /// <summary>
    /// P-3.5 (and P-3.4's sanction): the protection ended, so the owner gave the customer up. It is free, the
    /// previous owner's cool-down (X-2) counting from the end; co-developments and a waiting extension end with it.
    /// </summary>
    public static Customer Lapsed(Customer customer, ProtectionState state) => customer with
    {
        Status = CustomerStatus.Lapsed,
        OwnerId = null,
        OwnerName = null,
        PreviousOwnerId = customer.OwnerId,
        FreedAt = state.End!.EndsAt.ToDateTimeOffset(),
        FreedReason = Changes.Lapsed,
        CoDevelopers = null,
        PendingExtension = null,
    };

    /// <summary>
    /// P-12, C-9: the owner left while protecting the customer: it goes to its branch's pool now, reserved for
    /// the branch's priority claimants for the window that starts here.
    /// </summary>
    public static Customer LeftBehind(Customer customer, DateTimeOffset at) => customer with
    {
        Status = CustomerStatus.Pool,
        OwnerId = null,
        OwnerName = null,
        PreviousOwnerId = customer.OwnerId,
        FreedAt = at,
        FreedReason = Changes.Pool,
        CoDevelopers = null,
        PendingExtension = null,
    };

    /// <summary>
    /// A pending filing rejected (by the secretary, or because the filer left): the record is given back as it
    /// was before the filing. A customer that was freed stays freed — a leaver's pool customer with its branch,
    /// priority window and previous owner (P-12), a lapsed one with the previous owner's cool-down (X-2) — so a
    /// rejected filing is never a way round the pool's rules; a record that was never held is rejected.
    /// </summary>
    public static Customer Rejected(Customer pending) => pending with
    {
        Status = pending.FreedReason switch
        {
            Changes.Pool => CustomerStatus.Pool,
            Changes.Lapsed => CustomerStatus.Lapsed,
            _ => CustomerStatus.Rejected,
        },
        OwnerId = null,
        OwnerName = null,
    };

    /// <summary>The rule by which a record's own identity key matches (its taxpayer id, or its title when it has none).</summary>
    public static string MatchOf(Customer record) => record.TaxpayerId is null ? MatchedBy.InvoiceTitle : MatchedBy.TaxpayerId;

    private static OwnershipVerdict Refused(PolicyRefusalException refusal) => new(null, refusal, false, false);

    public static PolicyRefusalException Disputed(string customerId, string caseId) => new(
        "P-9",
        $"客户处于归属争议中（案件 {caseId}），待裁决 / the customer is in an open ownership case ({caseId}) until it is decided",
        new Dictionary<string, string> { ["customerId"] = customerId, ["caseId"] = caseId });
}
