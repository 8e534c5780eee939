using CustomerProtection.Registration.Domain;

namespace CustomerProtection.Registration.Maintenance.Domain;

/// <summary>M-4: the fixed questionnaire — five questions, each scored 1 (poor) to 5 (excellent).</summary>
public static class Questionnaire
{
    public const int MinScore = 1;
    public const int MaxScore = 5;

    /// <summary>The questions in the order of <see cref="SurveyAnswer.Scores"/> and the CSV columns.</summary>
    public static readonly IReadOnlyList<(string Field, string Question)> Questions =
    [
        ("product_quality", "产品质量 / product quality"),
        ("delivery", "交付 / delivery"),
        ("service", "服务 / service"),
        ("price", "价格 / price"),
        ("overall", "总体满意度 / overall satisfaction"),
    ];

    public const int Overall = 4;

    /// <summary>Each score within 1–5, or a violation naming its field under <paramref name="prefix"/>.</summary>
    public static void Check(ICollection<FieldViolation> violations, string prefix, IReadOnlyList<int> scores)
    {
        for (var i = 0; i < Questions.Count; i++)
        {
            var score = i < scores.Count ? scores[i] : 0;
            if (score is < MinScore or > MaxScore)
            {
                violations.Add(new(prefix + Questions[i].Field, $"评分 {MinScore}–{MaxScore} / a score from {MinScore} to {MaxScore}"));
            }
        }
    }
}

/// <summary>M-4: a survey round over some branches, opened by hq or a branch's staff on a day.</summary>
public sealed record SurveyRound(string Id, IReadOnlyList<string> BranchIds, string OpenedBy, DateTimeOffset OpenedAt, DateOnly OpenedOn, int Surveyed);

/// <summary>A customer surveyed in a round, as it stood when the round opened (the report groups by these).</summary>
public sealed record SurveyMember(string CustomerId, string Title, string Class, string? OwnerId, string BranchId, string? RegionId);

/// <summary>An answer: the five scores, who recorded it (the owner, the branch's secretary, or an import) and when. No confidential field (C-1).</summary>
public sealed record SurveyAnswer(string RoundId, string CustomerId, IReadOnlyList<int> Scores, string RecordedBy, DateTimeOffset RecordedAt, DateOnly RecordedOn, bool LowScore)
{
    public int OverallScore => Scores[Questionnaire.Overall];
}

/// <summary>One line of the M-4 report: a branch, a region or the whole round.</summary>
public sealed record SurveyGroupReport(string Kind, string Id, int Surveyed, int Answered, double ResponseRate, IReadOnlyList<double>? Averages, double? PreviousOverall, string? PreviousRoundId)
{
    public double? OverallChange => Averages is { } a && PreviousOverall is { } p ? Math.Round(a[Questionnaire.Overall] - p, 2) : null;
}

/// <summary>M-4 "reported by branch": the report of a round, pure.</summary>
public static class SurveyReporting
{
    public const string Branch = "branch";
    public const string Region = "region";
    public const string All = "all";

    /// <summary>
    /// Groups by branch, by region and the whole round: answered / surveyed, the average of each question
    /// (two decimals), and the overall average's change against <paramref name="previous"/> (the previous
    /// round over the same branches) in the same group, when that group had answers there.
    /// </summary>
    public static IReadOnlyList<SurveyGroupReport> Report(
        IReadOnlyList<SurveyMember> members,
        IReadOnlyDictionary<string, SurveyAnswer> answers,
        (string RoundId, IReadOnlyList<SurveyMember> Members, IReadOnlyDictionary<string, SurveyAnswer> Answers)? previous)
    {
        var result = new List<SurveyGroupReport>();
        foreach (var (kind, key) in new (string, Func<SurveyMember, string?>)[] { (Branch, m => m.BranchId), (Region, m => m.RegionId), (All, _ => All) })
        {
            var before = previous is { } p ? Averages(p.Members, p.Answers, key) : null;
            foreach (var group in members.GroupBy(m => key(m) ?? "").OrderBy(g => g.Key, StringComparer.Ordinal))
            {
                var answered = group.Where(m => answers.ContainsKey(m.CustomerId)).Select(m => answers[m.CustomerId]).ToList();
                var averages = answered.Count == 0 ? null : Mean(answered);
                double? previousOverall = before is not null && before.TryGetValue(group.Key, out var a) ? a[Questionnaire.Overall] : null;
                result.Add(new SurveyGroupReport(kind, group.Key, group.Count(), answered.Count, Math.Round((double)answered.Count / group.Count(), 4),
                    averages, previousOverall, previousOverall is null ? null : previous!.Value.RoundId));
            }
        }

        return result;
    }

    private static Dictionary<string, IReadOnlyList<double>> Averages(IReadOnlyList<SurveyMember> members, IReadOnlyDictionary<string, SurveyAnswer> answers, Func<SurveyMember, string?> key) =>
        members.Where(m => answers.ContainsKey(m.CustomerId))
            .GroupBy(m => key(m) ?? "")
            .ToDictionary(g => g.Key, g => Mean(g.Select(m => answers[m.CustomerId]).ToList()), StringComparer.Ordinal);

    private static IReadOnlyList<double> Mean(IReadOnlyList<SurveyAnswer> answers) =>
        Enumerable.Range(0, Questionnaire.Questions.Count).Select(i => Math.Round(answers.Average(a => a.Scores[i]), 2)).ToList();
}

/// <summary>Who may run surveys (the existing scopes: a branch's staff within it, hq everywhere).</summary>
public static class SurveyScopes
{
    /// <summary>hq opens a round over any branches; a branch's secretary or manager over their own.</summary>
    public static bool CanOpen(Caller caller, IReadOnlyList<string> branchIds) =>
        caller.IsHq || branchIds.All(b => RegistrationScopes.IsBranchStaff(caller, b));

    /// <summary>The owner records their customer's answer, the branch's secretary any of the branch's (hq too).</summary>
    public static bool CanRecord(Caller caller, SurveyMember member, string? currentOwnerId) =>
        caller.IsHq
        || caller.EmployeeId == currentOwnerId
        || (caller.Role == Roles.BranchSecretary && caller.BranchId == member.BranchId);

    /// <summary>An import is the branch staff's or hq's .</summary>
    public static bool CanImport(Caller caller, SurveyMember member) => RegistrationScopes.CanImport(caller, member.BranchId);

    /// <summary>A member is visible to whoever may read its branch, and to its owner.</summary>
    public static bool CanSee(Caller caller, SurveyMember member) =>
        caller.EmployeeId == member.OwnerId || RegistrationScopes.CanReadBranch(caller, member.BranchId, member.RegionId);

    /// <summary>A report line: a branch's to whoever reads the branch; a region's to hq and that region's roles; the whole round's to hq.</summary>
    public static bool CanSeeGroup(Caller caller, SurveyGroupReport group, IReadOnlyList<SurveyMember> members) => group.Kind switch
    {
        SurveyReporting.Branch => RegistrationScopes.CanReadBranch(caller, group.Id, members.First(m => m.BranchId == group.Id).RegionId),
        SurveyReporting.Region => caller.IsHq || (caller.Role is Roles.RegionalManager or Roles.RegionalSecretary && caller.RegionId == group.Id),
        _ => caller.IsHq,
    };
}
