using System.Globalization;
using System.Text;
using NodaTime;

namespace CustomerProtection.Registration.Tests.Ownership;

// The reference model of issue 18's model-based test: who holds which customer record, written from
// the rule book (docs/policy.md P-2.1, P-2.2, P-2.3, P-2.5, P-3.2, P-3.5, P-9, P-12 with its
// Interpretation, P-13, X-1, X-2, C-9) and docs/ownership.md (the gate's invariants) alone — not from
// the service's code. Plain C#: no Redis, no service type. The only outside help is P-3.2's period
// arithmetic (Civil Code art. 201/203 with the holiday calendar), which the test passes in as
// functions of CustomerProtection.Policy (the policy core, not the gate).
//
// A decision is a set of DEFINITE violations (the service must refuse, with one of their rule ids) and
// a set of MAYBE violations: points the rule book leaves open (a window's or cool-down's last day under
// art. 201/203 versus "N days from", a record freed by a rejection, an award to another branch ...):
// with no definite violation the service may accept, or refuse with a maybe rule id. Every such point
// is marked "unsettled" in its reason; the report lists them for the gate's author.

/// <summary>One company of the test's small universe: its taxpayer id (P-2.5) and its title group (companies with the same normalised invoice title share one).</summary>
public sealed record Company(int Index, string TaxpayerId, int TitleGroup, IReadOnlyList<string> Spellings);

public enum RecordStatus
{
    Pending,
    Protected,
    Lapsed,
    Pool,
    Rejected,
}

/// <summary>How a free record was last freed: never held, given up (P-3.5), or left behind by a leaver (P-12).</summary>
public enum FreedKind
{
    Never,
    Lapsed,
    LeaversPool,
}

public sealed class ModelPerson
{
    public required string Id { get; init; }
    public required string Branch { get; init; }
    public required LocalDate Hired { get; init; }
    public bool BehindTarget { get; set; }
    public bool Left { get; set; }

    public ModelPerson Clone() => (ModelPerson)MemberwiseClone();
}

/// <summary>One customer record: one identity key (a taxpayer id, or a normalised title without one).</summary>
public sealed class ModelRecord
{
    public required string Key { get; init; }
    public string? TaxpayerId { get; init; }
    public required int TitleGroup { get; init; }

    /// <summary>The service's id of the record, learned from the answer that created it.</summary>
    public string? Id { get; set; }

    public RecordStatus Status { get; set; }
    public string? Owner { get; set; }
    public required string Branch { get; set; }

    /// <summary>Unsettled: a rejected filing's record belongs to the branch it was freed in, or to the rejected filer's.</summary>
    public string? AltBranch { get; set; }

    public LocalDate? PeriodStart { get; set; }
    public Instant? EndsAt { get; set; }

    public FreedKind Freed { get; set; }
    public string? PreviousOwner { get; set; }
    public Instant? FreedAt { get; set; }

    /// <summary>While pending: how the record was free before the filing (a rejection puts it back).</summary>
    public (FreedKind Kind, string? PreviousOwner, Instant? FreedAt, string Branch, RecordStatus Status, string? AltBranch)? Prior { get; set; }

    public string? OpenCase { get; set; }

    public bool Held => Status is RecordStatus.Pending or RecordStatus.Protected;

    public ModelRecord Clone() => (ModelRecord)MemberwiseClone();

    public override string ToString() =>
        $"{Key}#{Id ?? "?"} {Status}{(Owner is null ? "" : " " + Owner)} @{Branch}{(AltBranch is null ? "" : "|" + AltBranch)}"
        + (PeriodStart is { } s ? $" from {s:yyyy-MM-dd}" : "")
        + (Status is RecordStatus.Lapsed or RecordStatus.Pool or RecordStatus.Rejected ? $" freed={Freed}/{PreviousOwner}/{FreedAt?.ToString() ?? "-"}" : "")
        + (OpenCase is null ? "" : " case=" + OpenCase);
}

/// <summary>A violated rule: the ids the service may give for it (a refusal names one) and why.</summary>
public sealed record Violation(IReadOnlyList<string> Rules, string Why)
{
    public override string ToString() => $"{string.Join("|", Rules)} ({Why})";
}

/// <summary>What the service may answer, and in the service's words an accepted or refused outcome.</summary>
public sealed class Decision
{
    public List<Violation> Definite { get; } = [];
    public List<Violation> Maybe { get; } = [];

    /// <summary>For a leaver's release: how many records it moves.</summary>
    public int? ExpectedCount { get; set; }

    public bool MustRefuse => Definite.Count > 0;

    public IEnumerable<string> RefusalRules => Definite.Concat(Maybe).SelectMany(v => v.Rules);

    public bool Admits(Outcome outcome)
    {
        if (outcome.Accepted)
        {
            return !MustRefuse && (ExpectedCount is not { } n || outcome.Count == n);
        }

        return outcome.Rule is { } rule && RefusalRules.Contains(rule, StringComparer.Ordinal);
    }

    public override string ToString() =>
        MustRefuse ? $"refuse [{string.Join("; ", Definite)}]{(Maybe.Count > 0 ? $" or [{string.Join("; ", Maybe)}]" : "")}"
        : Maybe.Count > 0 ? $"accept or refuse [{string.Join("; ", Maybe)}]"
        : ExpectedCount is { } n ? $"accept ({n})" : "accept";

    /// <summary>A stable name of the decision for grouping failures (no ids, no dates).</summary>
    public string Category =>
        (MustRefuse ? "refuse{" + string.Join(", ", Definite.Select(v => v.ToString()).Distinct().Order(StringComparer.Ordinal)) + "}" : "accept")
        + (Maybe.Count > 0 ? " or refuse{" + string.Join(", ", Maybe.Select(v => v.ToString()).Distinct().Order(StringComparer.Ordinal)) + "}" : "");
}

/// <summary>The service's answer to one operation: accepted (with the record id or a count), or refused with a rule id ("scope", "invalid", "conflict" ...).</summary>
public sealed record Outcome(bool Accepted, string? Rule, string? CustomerId = null, int? Count = null, string? Detail = null)
{
    public static Outcome Accept(string? customerId = null, int? count = null) => new(true, null, customerId, count);

    public static Outcome Refuse(string rule, string? detail = null) => new(false, rule, Detail: detail);

    public override string ToString() => Accepted ? "accepted" + (Count is { } n ? $" ({n})" : "") : $"refused {Rule}";
}

// The operations: each names records by their identity key (the test maps keys to the service's ids).
public abstract record Op
{
    public abstract string Kind { get; }
}

public sealed record FileOp(string Salesperson, int Company, bool WithTaxpayerId, int Spelling) : Op
{
    public override string Kind => "file";
}

public sealed record ImportOp(string Owner, int Company, bool WithTaxpayerId, int Spelling) : Op
{
    public override string Kind => "import";
}

/// <summary>The branch secretary's approval; <paramref name="Branch"/> is the secretary's branch (the record's when the step was chosen).</summary>
public sealed record ApproveOp(string Key, string? Branch = null) : Op
{
    public override string Kind => "approve";
}

public sealed record RejectOp(string Key, string? Branch = null) : Op
{
    public override string Kind => "reject";
}

public sealed record ClaimOp(string Salesperson, string Key) : Op
{
    public override string Kind => "claim";
}

/// <summary>The branch manager's reallocation (P-13); <paramref name="Branch"/> is the manager's branch.</summary>
public sealed record ReallocateOp(string Key, string To, string? Branch = null) : Op
{
    public override string Kind => "reallocate";
}

/// <summary>Arbitration's award of the record's open case (opened by this step when none is), then optionally its CaseClosed.</summary>
public sealed record AwardOp(string Key, string Winner, string CaseId, bool CloseAfter) : Op
{
    public override string Kind => "award";
}

public sealed record OpenCaseOp(string Key, string CaseId, string Claimant) : Op
{
    public override string Kind => "open-case";
}

public sealed record CloseCaseOp(string Key) : Op
{
    public override string Kind => "close-case";
}

/// <summary>
/// The clock moves by whole days to the given hour (lapses happen by themselves, P-3.5), then the
/// due-queue drains — or not yet (<paramref name="Drain"/> false: the worker's timer has not run).
/// </summary>
public sealed record AdvanceOp(int Days, int Hour, bool Drain = true) : Op
{
    public override string Kind => "advance";
}

public sealed record LeaveOp(string Salesperson) : Op
{
    public override string Kind => "leave";
}

/// <summary>The first half of a leave as concurrent steps see it: the organisation copy says the salesperson left.</summary>
public sealed record DepartOp(string Salesperson) : Op
{
    public override string Kind => "depart";
}

/// <summary>The second half: the leaver's release (P-12) moves their customers, after the departure is recorded.</summary>
public sealed record ReleaseOp(string Salesperson) : Op
{
    public override string Kind => "release";
}

public sealed record MarkBehindTargetOp(string Salesperson, bool BehindTarget) : Op
{
    public override string Kind => "mark";
}

/// <summary>The parameters the model needs, as the rule book names them.</summary>
public sealed record ModelParameters(
    int HoldingCap,
    int PoolClaimsPerDay,
    int CooldownDays,
    int PriorityDays,
    int NewEmployeeDays,
    Func<LocalDate, Instant> ProspectPeriodEnd,
    Func<LocalDate, LocalDate> NextWorkingDayOnOrAfter);

public sealed class OwnershipModel
{
    private const string AnyLeaverRule = "C-9";

    private readonly ModelParameters _p;

    public OwnershipModel(ModelParameters parameters, IReadOnlyList<Company> companies, IReadOnlyList<string> titleKeys, IEnumerable<ModelPerson> people, Instant now)
    {
        _p = parameters;
        Companies = companies;
        TitleKeys = titleKeys;
        People = people.ToDictionary(p => p.Id, StringComparer.Ordinal);
        Now = now;
    }

    private OwnershipModel(OwnershipModel other)
    {
        _p = other._p;
        Companies = other.Companies;
        TitleKeys = other.TitleKeys;
        People = other.People.ToDictionary(kv => kv.Key, kv => kv.Value.Clone(), StringComparer.Ordinal);
        Records = other.Records.ToDictionary(kv => kv.Key, kv => kv.Value.Clone(), StringComparer.Ordinal);
        Takings = new Dictionary<string, int>(other.Takings, StringComparer.Ordinal);
        Now = other.Now;
    }

    public IReadOnlyList<Company> Companies { get; }

    /// <summary>The identity key of each title group without a taxpayer id ("title:" + the normalised title).</summary>
    public IReadOnlyList<string> TitleKeys { get; }

    public Dictionary<string, ModelPerson> People { get; }

    public Dictionary<string, ModelRecord> Records { get; } = new(StringComparer.Ordinal);

    /// <summary>X-2: takings per person and day (claims, and filings of a leaver's pool customer).</summary>
    public Dictionary<string, int> Takings { get; } = new(StringComparer.Ordinal);

    public Instant Now { get; private set; }

    public LocalDate Today => Now.InZone(Shanghai).Date;

    public static readonly DateTimeZone Shanghai = DateTimeZoneProviders.Tzdb["Asia/Shanghai"];

    public OwnershipModel Clone() => new(this);

    public string KeyOf(int company, bool withTaxpayerId) =>
        withTaxpayerId ? "uscc:" + Companies[company].TaxpayerId : TitleKeys[Companies[company].TitleGroup];

    /// <summary>P-2.5: the same customer iff equal taxpayer ids, or, where either lacks one, equal normalised titles.</summary>
    public static bool SameCustomer(string? taxpayerA, int titleA, string? taxpayerB, int titleB) =>
        taxpayerA is not null && taxpayerB is not null ? taxpayerA == taxpayerB : titleA == titleB;

    /// <summary>Every existing record of the same customer as the identity (the identity's own record included).</summary>
    public IEnumerable<ModelRecord> Meeting(string? taxpayerId, int titleGroup) =>
        Records.Values.Where(r => SameCustomer(taxpayerId, titleGroup, r.TaxpayerId, r.TitleGroup));

    public bool IsPriority(ModelPerson person) =>
        person.BehindTarget || Today < person.Hired.PlusDays(_p.NewEmployeeDays);

    public int ProtectedCount(string owner, string? except = null) =>
        Records.Values.Count(r => r.Status == RecordStatus.Protected && r.Owner == owner && r.Key != except);

    private int TakingsToday(string person) => Takings.GetValueOrDefault(TakingKey(person));

    private string TakingKey(string person) => person + "|" + Today.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>P-3.5: the clock moves; a protected record whose period has ended is lapsed (given up) from its end.</summary>
    public void SetNow(Instant now)
    {
        Now = now;
        foreach (var r in Records.Values.Where(r => r.Status == RecordStatus.Protected && r.EndsAt <= now))
        {
            r.Status = RecordStatus.Lapsed;
            r.Freed = FreedKind.Lapsed;
            r.PreviousOwner = r.Owner;
            r.FreedAt = r.EndsAt;
            r.Owner = null;
            r.AltBranch = null;
        }
    }

    private enum Span
    {
        Inside,
        Unsettled,
        Outside,
    }

    /// <summary>
    /// "N days from" day D: inside through D+N−1 on every reading; D+N up to the next working day on or
    /// after it is unsettled (policy.md's period arithmetic makes D+N the last day, rolled forward by
    /// art. 203; "N days from the move" can also be read as open from D+N); outside after.
    /// </summary>
    private Span Within(Instant from, int days)
    {
        var start = from.InZone(Shanghai).Date;
        var nominal = start.PlusDays(days);
        var today = Today;
        if (today < nominal)
        {
            return Span.Inside;
        }

        return today <= _p.NextWorkingDayOnOrAfter(nominal) ? Span.Unsettled : Span.Outside;
    }

    private static void Add(Decision d, Span span, Violation v)
    {
        if (span == Span.Inside)
        {
            d.Definite.Add(v);
        }
        else if (span == Span.Unsettled)
        {
            d.Maybe.Add(v);
        }
    }

    private enum Membership
    {
        Yes,
        Unsettled,
        No,
    }

    private static Membership InBranch(ModelRecord r, string branch) =>
        r.AltBranch is null ? (r.Branch == branch ? Membership.Yes : Membership.No)
        : r.Branch == branch || r.AltBranch == branch ? Membership.Unsettled : Membership.No;

    // ---- the decisions ----

    public Decision Decide(Op op) => op switch
    {
        FileOp f => DecideTaking(f.Salesperson, KeyOf(f.Company, f.WithTaxpayerId), f.Company, f.WithTaxpayerId, TakingPath.Filing),
        ImportOp i => DecideTaking(i.Owner, KeyOf(i.Company, i.WithTaxpayerId), i.Company, i.WithTaxpayerId, TakingPath.Import),
        ApproveOp a => DecideApprove(a),
        RejectOp r => DecideReject(r),
        ClaimOp c => DecideClaim(c),
        ReallocateOp r => DecideReallocate(r),
        AwardOp a => DecideAward(a),
        OpenCaseOp => new Decision(),
        CloseCaseOp => new Decision(),
        AdvanceOp => new Decision(),
        MarkBehindTargetOp => new Decision(),
        LeaveOp l => new Decision { ExpectedCount = Records.Values.Count(r => r.Held && r.Owner == l.Salesperson) },
        DepartOp => new Decision(),
        ReleaseOp l => new Decision { ExpectedCount = Records.Values.Count(r => r.Held && r.Owner == l.Salesperson) },
        _ => throw new ArgumentOutOfRangeException(nameof(op)),
    };

    private enum TakingPath
    {
        Filing,
        Import,
    }

    /// <summary>A filing (P-2.1, P-2.3) or an import row (X-7): the named person would hold the identity.</summary>
    private Decision DecideTaking(string personId, string key, int company, bool withTaxpayerId, TakingPath path)
    {
        var d = new Decision();
        var person = People[personId];
        var taxpayerId = withTaxpayerId ? Companies[company].TaxpayerId : null;
        var titleGroup = Companies[company].TitleGroup;
        var meeting = Meeting(taxpayerId, titleGroup).ToList();
        var self = Records.GetValueOrDefault(key);

        // C-9, P-12, P-13: the new owner is active (an import row's owner is of the importing branch by construction).
        if (person.Left)
        {
            d.Definite.Add(new([AnyLeaverRule, "P-12", "P-13", "scope"], $"{path} by/for a leaver"));
        }

        // P-2.5 / P-9.1: one holder per customer.
        if (self is { Held: true })
        {
            d.Definite.Add(new(["P-9.1"], "the identity's own record is held"));
        }

        if (meeting.Any(r => r != self && r.Held))
        {
            d.Definite.Add(new(["P-9.1"], "another record of the same customer is held (P-2.5)"));
        }

        // P-9: a disputed customer stays put.
        if (meeting.Any(r => r.OpenCase is not null))
        {
            d.Definite.Add(new(["P-9"], "a case is open on a record of the customer"));
        }

        // X-2: the previous owner's cool-down, on every record of the same customer.
        foreach (var r in meeting.Where(r => !r.Held && r.Freed != FreedKind.Never && r.PreviousOwner == personId && r.FreedAt is not null))
        {
            Add(d, Within(r.FreedAt!.Value, _p.CooldownDays), new(["X-2"], $"previous owner's cool-down on {path}{(Within(r.FreedAt!.Value, _p.CooldownDays) == Span.Unsettled ? " (unsettled: last day)" : "")}"));
        }

        // P-12 / X-2: a leaver's pool customer is taken only by the branch, priority claimants first, within the quota.
        var pool = meeting.Where(r => !r.Held && r.Freed == FreedKind.LeaversPool).ToList();
        foreach (var r in pool)
        {
            switch (InBranch(r, person.Branch))
            {
                case Membership.No:
                    d.Definite.Add(new(["P-12"], $"another branch takes a leaver's pool customer by {path}"));
                    break;
                case Membership.Unsettled:
                    d.Maybe.Add(new(["P-12", "scope"], "branch of a rejected filing's record (unsettled)"));
                    break;
            }

            if (!IsPriority(person))
            {
                var span = Within(r.FreedAt!.Value, _p.PriorityDays);
                if (path == TakingPath.Import)
                {
                    if (span != Span.Outside)
                    {
                        d.Maybe.Add(new(["P-12"], "import inside the priority window (unsettled)"));
                    }
                }
                else
                {
                    Add(d, span, new(["P-12"], $"non-priority filing inside the priority window{(span == Span.Unsettled ? " (unsettled: last day)" : "")}"));
                }
            }
        }

        if (pool.Count > 0 && path == TakingPath.Filing && TakingsToday(personId) >= _p.PoolClaimsPerDay)
        {
            d.Definite.Add(new(["X-2"], "daily quota: a filing of a leaver's pool customer is a claim"));
        }

        // X-1: protected customers only; a filer at the cap is refused too.
        if (ProtectedCount(personId) >= _p.HoldingCap)
        {
            d.Definite.Add(new(["X-1"], $"{path} at the holding cap"));
        }

        return d;
    }

    private Decision DecideApprove(ApproveOp op)
    {
        var d = new Decision();
        var r = Records[op.Key];
        if (op.Branch is { } branch && branch != r.Branch)
        {
            d.Definite.Add(new(["scope"], "the secretary is not of the record's branch (moved by a concurrent step)"));
        }

        if (r.AltBranch is not null)
        {
            d.Maybe.Add(new(["scope"], "branch of a rejected filing's record (unsettled)"));
        }

        if (r.Status != RecordStatus.Pending)
        {
            d.Definite.Add(new(["P-2.1"], "approval of a record that is not pending"));
            return d;
        }

        var owner = People[r.Owner!];
        if (owner.Left)
        {
            d.Definite.Add(new([AnyLeaverRule, "P-12", "P-13"], "approval of a leaver's filing"));
        }

        if (Meeting(r.TaxpayerId, r.TitleGroup).Any(o => o != r && o.Held))
        {
            d.Definite.Add(new(["P-9.1"], "approval while another record of the same customer is held (P-2.5)"));
        }

        if (ProtectedCount(owner.Id) >= _p.HoldingCap)
        {
            d.Definite.Add(new(["X-1"], "approval at the holding cap"));
        }

        return d;
    }

    private Decision DecideReject(RejectOp op)
    {
        var d = new Decision();
        if (op.Branch is { } branch && branch != Records[op.Key].Branch)
        {
            d.Definite.Add(new(["scope"], "the secretary is not of the record's branch (moved by a concurrent step)"));
        }

        if (Records[op.Key].AltBranch is not null)
        {
            d.Maybe.Add(new(["scope"], "branch of a rejected filing's record (unsettled)"));
        }

        if (Records[op.Key].Status != RecordStatus.Pending)
        {
            d.Definite.Add(new(["P-2.1"], "rejection of a record that is not pending"));
        }

        return d;
    }

    private Decision DecideClaim(ClaimOp op)
    {
        var d = new Decision();
        var person = People[op.Salesperson];
        var r = Records[op.Key];
        var meeting = Meeting(r.TaxpayerId, r.TitleGroup).ToList();
        if (person.Left)
        {
            d.Definite.Add(new([AnyLeaverRule, "P-12", "P-13", "scope"], "claim by a leaver"));
        }

        if (r.Held)
        {
            d.Definite.Add(new(["P-9.1"], "claim of a held record"));
            if (r.Branch != person.Branch)
            {
                d.Definite.Add(new(["P-12", "scope"], "claim from another branch"));
            }
        }
        else if (r.Freed == FreedKind.Never)
        {
            d.Definite.Add(new(["P-12"], "claim of a record that was never in the pool"));
        }
        else if (r.Status == RecordStatus.Rejected)
        {
            d.Maybe.Add(new(["P-12", "P-2.1"], "claim of a rejected filing's record that was freed before (unsettled)"));
        }

        if (meeting.Any(o => o != r && o.Held))
        {
            d.Definite.Add(new(["P-9.1"], "another record of the same customer is held (P-2.5)"));
        }

        if (meeting.Any(o => o.OpenCase is not null))
        {
            d.Definite.Add(new(["P-9"], "a case is open on a record of the customer"));
        }

        // P-12: a claim is by the branch's own salespeople (the pool list is the branch's).
        foreach (var o in meeting.Where(o => !o.Held && (o == r || o.Freed == FreedKind.LeaversPool)))
        {
            switch (InBranch(o, person.Branch))
            {
                case Membership.No:
                    d.Definite.Add(new(["P-12", "scope"], "claim from another branch's pool"));
                    break;
                case Membership.Unsettled:
                    d.Maybe.Add(new(["P-12", "scope"], "branch of a rejected filing's record (unsettled)"));
                    break;
            }

            if (o.Freed == FreedKind.LeaversPool && !IsPriority(person))
            {
                var span = Within(o.FreedAt!.Value, _p.PriorityDays);
                Add(d, span, new(["P-12"], $"non-priority claim inside the priority window{(span == Span.Unsettled ? " (unsettled: last day)" : "")}"));
            }
        }

        foreach (var o in meeting.Where(o => !o.Held && o.Freed != FreedKind.Never && o.PreviousOwner == op.Salesperson && o.FreedAt is not null))
        {
            var span = Within(o.FreedAt!.Value, _p.CooldownDays);
            Add(d, span, new(["X-2"], $"previous owner's cool-down on claim{(span == Span.Unsettled ? " (unsettled: last day)" : "")}"));
        }

        if (TakingsToday(op.Salesperson) >= _p.PoolClaimsPerDay)
        {
            d.Definite.Add(new(["X-2"], "daily claim quota"));
        }

        if (ProtectedCount(op.Salesperson) >= _p.HoldingCap)
        {
            d.Definite.Add(new(["X-1"], "claim at the holding cap"));
        }

        return d;
    }

    private Decision DecideReallocate(ReallocateOp op)
    {
        var d = new Decision();
        var r = Records[op.Key];
        var to = People[op.To];
        if (op.Branch is { } branch && branch != r.Branch)
        {
            d.Definite.Add(new(["scope"], "the manager is not of the record's branch (moved by a concurrent step)"));
        }

        if (r.AltBranch is not null)
        {
            d.Maybe.Add(new(["scope"], "branch of a rejected filing's record (unsettled)"));
        }

        if (to.Left || to.Branch != r.Branch)
        {
            d.Definite.Add(new(["P-13", AnyLeaverRule, "P-12"], to.Left ? "reallocation to a leaver" : "reallocation to another branch's salesperson"));
        }

        if (r.Status == RecordStatus.Pending)
        {
            d.Definite.Add(new(["P-2.1"], "reallocation of a pending filing (decide it first; unsettled by the rule book)"));
        }
        else if (!r.Held && r.Freed == FreedKind.Never)
        {
            d.Maybe.Add(new(["P-13", "P-2.1", "P-12"], "reallocation of a record that was never held (unsettled)"));
        }

        var meeting = Meeting(r.TaxpayerId, r.TitleGroup).ToList();
        if (meeting.Any(o => o != r && o.Held))
        {
            d.Definite.Add(new(["P-9.1"], "reallocation while another record of the same customer is held (P-2.5)"));
        }

        if (meeting.Any(o => o.OpenCase is not null))
        {
            d.Definite.Add(new(["P-9"], "a case is open on a record of the customer"));
        }

        if (ProtectedCount(op.To, except: op.Key) >= _p.HoldingCap)
        {
            d.Definite.Add(new(["X-1"], "reallocation at the holding cap"));
        }

        return d;
    }

    private Decision DecideAward(AwardOp op)
    {
        var d = new Decision();
        var r = Records[op.Key];
        var winner = People[op.Winner];
        if (winner.Left)
        {
            d.Definite.Add(new([AnyLeaverRule, "P-12", "P-13"], "award to a leaver"));
        }
        else if (winner.Branch != r.Branch)
        {
            d.Maybe.Add(new(["P-12", "P-13"], "award to another branch's salesperson (unsettled)"));
        }

        var meeting = Meeting(r.TaxpayerId, r.TitleGroup).ToList();
        if (meeting.Any(o => o != r && o.Held))
        {
            d.Definite.Add(new(["P-9.1"], "award while another record of the same customer is held (P-2.5)"));
        }

        if (meeting.Any(o => o != r && o.OpenCase is not null))
        {
            d.Maybe.Add(new(["P-9"], "award while another record of the customer is disputed (unsettled)"));
        }

        if (ProtectedCount(op.Winner, except: op.Key) >= _p.HoldingCap)
        {
            d.Definite.Add(new(["X-1"], "award at the holding cap"));
        }

        return d;
    }

    // ---- the transitions ----

    /// <summary>Applies an operation with the service's outcome; returns a mismatch that the decision cannot see (a record id), or null.</summary>
    public string? Apply(Op op, Outcome outcome)
    {
        switch (op)
        {
            case FileOp f when outcome.Accepted:
                return Take(f.Salesperson, KeyOf(f.Company, f.WithTaxpayerId), f.Company, f.WithTaxpayerId, pending: true, outcome.CustomerId, countsAsTaking: true);
            case ImportOp i when outcome.Accepted:
                return Take(i.Owner, KeyOf(i.Company, i.WithTaxpayerId), i.Company, i.WithTaxpayerId, pending: false, outcome.CustomerId, countsAsTaking: false);
            case ApproveOp a when outcome.Accepted:
                {
                    var r = Records[a.Key];
                    Protect(r, r.Owner!);
                    return null;
                }

            case RejectOp x when outcome.Accepted:
                Unfile(Records[x.Key]);
                return null;
            case ClaimOp c when outcome.Accepted:
                {
                    var r = Records[c.Key];
                    Protect(r, c.Salesperson);
                    Takings[TakingKey(c.Salesperson)] = TakingsToday(c.Salesperson) + 1;
                    return null;
                }

            case ReallocateOp m when outcome.Accepted:
                Protect(Records[m.Key], m.To);
                return null;
            case AwardOp w:
                {
                    var r = Records[w.Key];
                    r.OpenCase = w.CaseId;
                    if (outcome.Accepted)
                    {
                        Protect(r, w.Winner);
                        r.Branch = People[w.Winner].Branch;
                    }

                    if (w.CloseAfter)
                    {
                        r.OpenCase = null;
                    }

                    return null;
                }

            case OpenCaseOp o when outcome.Accepted:
                Records[o.Key].OpenCase = o.CaseId;
                return null;
            case CloseCaseOp c when outcome.Accepted:
                Records[c.Key].OpenCase = null;
                return null;
            case LeaveOp l:
                People[l.Salesperson].Left = true;
                Release(l.Salesperson);
                return null;
            case DepartOp l:
                People[l.Salesperson].Left = true;
                return null;
            case ReleaseOp l:
                Release(l.Salesperson);
                return null;
            case MarkBehindTargetOp m:
                People[m.Salesperson].BehindTarget = m.BehindTarget;
                return null;
            default:
                return null;
        }
    }

    private string? Take(string personId, string key, int company, bool withTaxpayerId, bool pending, string? id, bool countsAsTaking)
    {
        var person = People[personId];
        var taxpayerId = withTaxpayerId ? Companies[company].TaxpayerId : null;
        var titleGroup = Companies[company].TitleGroup;
        if (countsAsTaking && Meeting(taxpayerId, titleGroup).Any(r => !r.Held && r.Freed == FreedKind.LeaversPool))
        {
            Takings[TakingKey(personId)] = TakingsToday(personId) + 1;
        }

        string? mismatch = null;
        if (!Records.TryGetValue(key, out var r))
        {
            r = new ModelRecord { Key = key, TaxpayerId = taxpayerId, TitleGroup = titleGroup, Branch = person.Branch, Status = RecordStatus.Rejected, Freed = FreedKind.Never, Id = id };
            Records[key] = r;
        }
        else if (id is not null && r.Id is not null && r.Id != id)
        {
            mismatch = $"the service answered with record {id} for {key}, whose record is {r.Id}: a re-filing of a free record reuses it";
        }

        r.Id ??= id;
        if (pending)
        {
            r.Prior = (r.Freed, r.PreviousOwner, r.FreedAt, r.Branch, r.Status, r.AltBranch);
            r.Status = RecordStatus.Pending;
            r.Owner = personId;
            r.Branch = person.Branch;
            r.AltBranch = null;
            r.PeriodStart = null;
            r.EndsAt = null;
        }
        else
        {
            r.Branch = person.Branch;
            Protect(r, personId);
        }

        return mismatch;
    }

    /// <summary>A new protection period for the owner from today (P-2.1 approval, claim, reallocation, award, import; P-3.2).</summary>
    private void Protect(ModelRecord r, string owner)
    {
        r.Status = RecordStatus.Protected;
        r.Owner = owner;
        r.PeriodStart = Today;
        r.EndsAt = _p.ProspectPeriodEnd(Today);
        r.Prior = null;
        r.AltBranch = null;
        r.Freed = FreedKind.Never;
        r.PreviousOwner = null;
        r.FreedAt = null;
    }

    /// <summary>A rejected (or released) pending filing: the record is free again as it was before the filing, with its status.</summary>
    private static void Unfile(ModelRecord r)
    {
        var filerBranch = r.Branch;
        if (r.Prior is { } prior)
        {
            (r.Freed, r.PreviousOwner, r.FreedAt, r.Branch, _, r.AltBranch) = prior;
        }
        else
        {
            r.Freed = FreedKind.Never;
        }

        // docs/ownership.md: the record stays in the branch of the filing (a lapsed customer may be filed from any
        // branch; a leaver's is filed from its own branch only, so nothing moves).
        r.Branch = filerBranch;
        r.AltBranch = null;

        // docs/ownership.md: a rejected filing gives the record back as it was — a leaver's customer is in its
        // branch's pool again (P-12), a lapsed one lapsed with its cool-down (X-2); only a record never held is "rejected".
        r.Status = r.Freed switch
        {
            FreedKind.LeaversPool => RecordStatus.Pool,
            FreedKind.Lapsed => RecordStatus.Lapsed,
            _ => RecordStatus.Rejected,
        };
        r.Owner = null;
        r.Prior = null;
    }

    /// <summary>P-12, C-9: the leaver's protected customers go to their branch's pool now; their pending filings are rejected.</summary>
    private void Release(string personId)
    {
        foreach (var r in Records.Values.Where(r => r.Held && r.Owner == personId))
        {
            if (r.Status == RecordStatus.Pending)
            {
                Unfile(r);
                continue;
            }

            r.Status = RecordStatus.Pool;
            r.Owner = null;
            r.Freed = FreedKind.LeaversPool;
            r.PreviousOwner = personId;
            r.FreedAt = Now;
        }
    }

    public string Describe()
    {
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"  model at {Now.InZone(Shanghai):yyyy-MM-dd HH:mm}: ");
        sb.AppendJoin("; ", People.Values.Where(p => p.Left || p.BehindTarget).Select(p => p.Id + (p.Left ? " left" : " behind")));
        sb.AppendLine();
        foreach (var r in Records.Values.OrderBy(r => r.Key, StringComparer.Ordinal))
        {
            sb.Append("    ").AppendLine(r.ToString());
        }

        return sb.ToString();
    }
}
