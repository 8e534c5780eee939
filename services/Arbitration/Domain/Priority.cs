using System.Globalization;

namespace CustomerProtection.Arbitration.Domain;

/// <summary>One step of the P-9 reasoning: what the rule found, and whom it favours (null: it does not separate them).</summary>
public sealed record PriorityReason(string RuleId, string Finding, string? Favours);

/// <summary>P-9: the recommendation and its reasons in the rule book's order.</summary>
public sealed record Priority(string? RecommendedId, string DecidingRule, IReadOnlyList<PriorityReason> Reasons, DateTimeOffset ComputedAt);

/// <summary>A filing of a party (Registration's record): when it was approved and whether it still holds.</summary>
public sealed record FilingFact(string CustomerId, DateOnly? ApprovedOn, bool Valid, string Status);

/// <summary>An M-2 progress record (Registration's): the evidence of P-9.2.</summary>
public sealed record ProgressFact(string CustomerId, string Kind, DateOnly On, string? Evidence, string RecordedBy);

/// <summary>
/// What a party brings to P-9: their filings of the customer, their progress records, and the rules
/// of the violations confirmed against them about this customer in earlier cases (P-6: who broke the process).
/// </summary>
public sealed record PartyEvidence(string EmployeeId, IReadOnlyList<FilingFact> Filings, IReadOnlyList<ProgressFact> Progress)
{
    public IReadOnlyList<string> Breaches { get; init; } = [];
}

/// <summary>
/// P-9 dispute priority, in order: P-9.1 was it filed (the earlier valid filing wins); then P-6
/// "in a conflict the party that followed the process is favoured"; P-9.2 documented development
/// progress, with evidence; P-9.3 otherwise the branch decides. Pure: the facts are read from
/// Registration (and Arbitration's own earlier cases) when the case opens and the result is stored
/// with the case.
/// </summary>
public static class PriorityRules
{
    public const string FiledFirst = "P-9.1";
    public const string FollowedProcess = "P-6";
    public const string Progress = "P-9.2";
    public const string BranchDecides = "P-9.3";

    /// <summary>
    /// Interpretation (docs/arbitration.md): a filing is valid while its protection holds — a lapsed
    /// one was given up (P-3.5) and a rejected or pending one never started. P-9.2 counts only records
    /// with evidence dated on or before the day the case opened, and ranks a party by the furthest
    /// stage its evidence shows (trial, then quote, then visit, then call or e-mail), then by how many
    /// such records it has.
    /// </summary>
    public static Priority Recommend(PartyEvidence claimant, PartyEvidence respondent, DateOnly asOf, DateTimeOffset now)
    {
        var reasons = new List<PriorityReason>();

        // P-9.1
        var a = EarliestValid(claimant);
        var b = EarliestValid(respondent);
        string? first = (a?.ApprovedOn, b?.ApprovedOn) switch
        {
            ({ } da, { } db) when da < db => claimant.EmployeeId,
            ({ } da, { } db) when db < da => respondent.EmployeeId,
            ({ }, null) => claimant.EmployeeId,
            (null, { }) => respondent.EmployeeId,
            _ => null,
        };
        reasons.Add(new PriorityReason(FiledFirst, $"{Describe(claimant, a)}; {Describe(respondent, b)}", first));
        if (first is not null)
        {
            return new Priority(first, FiledFirst, reasons, now);
        }

        // P-6: where no valid filing separates them, the party that followed the process is favoured.
        var sa = Standing(claimant);
        var sb = Standing(respondent);
        var followed = sa > sb ? claimant.EmployeeId : sb > sa ? respondent.EmployeeId : null;
        reasons.Add(new PriorityReason(FollowedProcess, $"{Describe(claimant, sa)}; {Describe(respondent, sb)}", followed));
        if (followed is not null)
        {
            return new Priority(followed, FollowedProcess, reasons, now);
        }

        // P-9.2
        var pa = Strength(claimant, asOf);
        var pb = Strength(respondent, asOf);
        var cmp = pa.Versus(pb);
        var ahead = cmp > 0 ? claimant.EmployeeId : cmp < 0 ? respondent.EmployeeId : null;
        reasons.Add(new PriorityReason(Progress, $"{Describe(claimant.EmployeeId, pa)}; {Describe(respondent.EmployeeId, pb)}", ahead));
        if (ahead is not null)
        {
            return new Priority(ahead, Progress, reasons, now);
        }

        // P-9.3
        reasons.Add(new PriorityReason(BranchDecides, "前两项不能区分双方，由分公司决定 / neither filing nor evidenced progress separates the parties: the branch decides", null));
        return new Priority(null, BranchDecides, reasons, now);
    }

    /// <summary>How a party stood towards the process, for P-6.</summary>
    public enum ProcessStanding
    {
        /// <summary>A violation about this customer was confirmed against them in an earlier case.</summary>
        Breached = -1,

        /// <summary>Neither filed nor found in breach: the facts say nothing either way.</summary>
        Unknown = 0,

        /// <summary>They filed the customer (pending, lapsed or holding): they went through the process.</summary>
        Filed = 1,
    }

    /// <summary>
    /// Interpretation of P-6 (docs/arbitration.md): a party followed the process when they filed the
    /// customer — a filing still pending or since lapsed counts, a rejected one does not — and no
    /// violation about this customer was confirmed against them; a confirmed violation outweighs a filing.
    /// </summary>
    public static ProcessStanding Standing(PartyEvidence party) =>
        party.Breaches.Count > 0 ? ProcessStanding.Breached
        : party.Filings.Any(f => f.Status != "rejected") ? ProcessStanding.Filed
        : ProcessStanding.Unknown;

    /// <summary>How far a kind of contact takes development (M-2 kinds): the P-9.2 ranking.</summary>
    public static int Rank(string kind) => kind switch
    {
        "trial" => 4,
        "quote" => 3,
        "visit" => 2,
        "call" or "email" => 1,
        _ => 0,
    };

    /// <summary>A party's evidenced progress: the furthest stage reached, then the number of records.</summary>
    public readonly record struct ProgressStrength(int Furthest, int Count, DateOnly? Latest, int WithoutEvidence)
    {
        /// <summary>Positive when this party is further ahead than <paramref name="other"/>, 0 when P-9.2 does not separate them.</summary>
        public int Versus(ProgressStrength other) =>
            Furthest != other.Furthest ? Furthest.CompareTo(other.Furthest) : Count.CompareTo(other.Count);
    }

    public static ProgressStrength Strength(PartyEvidence party, DateOnly asOf)
    {
        var mine = party.Progress.Where(p => p.RecordedBy == party.EmployeeId && p.On <= asOf).ToList();
        var evidenced = mine.Where(p => !string.IsNullOrWhiteSpace(p.Evidence) && Rank(p.Kind) > 0).ToList();
        return new ProgressStrength(
            evidenced.Count == 0 ? 0 : evidenced.Max(p => Rank(p.Kind)),
            evidenced.Count,
            evidenced.Count == 0 ? null : evidenced.Max(p => p.On),
            mine.Count - evidenced.Count);
    }

    private static FilingFact? EarliestValid(PartyEvidence party) =>
        party.Filings.Where(f => f.Valid && f.ApprovedOn is not null).OrderBy(f => f.ApprovedOn).FirstOrDefault();

    private static string Describe(PartyEvidence party, FilingFact? valid)
    {
        if (valid is not null)
        {
            return $"{party.EmployeeId} 有效备案 {valid.CustomerId}，{Iso(valid.ApprovedOn)} 批准 / {party.EmployeeId} holds a valid filing ({valid.CustomerId}) approved on {Iso(valid.ApprovedOn)}";
        }

        var invalid = party.Filings.OrderBy(f => f.ApprovedOn).FirstOrDefault();
        return invalid is null
            ? $"{party.EmployeeId} 无备案 / {party.EmployeeId} has no filing"
            : $"{party.EmployeeId} 的备案 {invalid.CustomerId} 已失效（{invalid.Status}）/ {party.EmployeeId}'s filing {invalid.CustomerId} no longer holds ({invalid.Status})";
    }

    private static string Describe(PartyEvidence party, ProcessStanding standing) => standing switch
    {
        ProcessStanding.Breached => $"{party.EmployeeId} 就此客户有已认定违规（{string.Join(", ", party.Breaches)}）/ {party.EmployeeId} was found in breach about this customer ({string.Join(", ", party.Breaches)})",
        ProcessStanding.Filed => $"{party.EmployeeId} 按流程备案了此客户 / {party.EmployeeId} filed this customer as the process requires",
        _ => $"{party.EmployeeId} 未备案此客户 / {party.EmployeeId} did not file this customer",
    };

    private static string Describe(string employeeId, ProgressStrength s)
    {
        var furthest = s.Furthest switch { 4 => "trial", 3 => "quote", 2 => "visit", 1 => "call/email", _ => "none" };
        var (zh, en) = s.WithoutEvidence > 0
            ? ($"，另有 {s.WithoutEvidence} 条无证据不计", $", {s.WithoutEvidence} without evidence not counted")
            : ("", "");
        return $"{employeeId}：有证据的进度 {s.Count} 条，最远 {furthest}，最近 {Iso(s.Latest)}{zh} / {employeeId}: {s.Count} evidenced records, furthest {furthest}, latest {Iso(s.Latest)}{en}";
    }

    private static string Iso(DateOnly? date) => date?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? "-";
}
