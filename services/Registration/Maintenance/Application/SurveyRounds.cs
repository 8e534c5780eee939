using System.Globalization;
using System.Text;
using CustomerProtection.Contracts.Registration;
using CustomerProtection.Registration.Application;
using CustomerProtection.Registration.Domain;
using CustomerProtection.Registration.Maintenance.Domain;
using CustomerProtection.Registration.Maintenance.Persistence;
using CustomerProtection.Registration.Persistence;

namespace CustomerProtection.Registration.Maintenance.Application;

/// <summary>A round with the members the caller may see and which of them answered.</summary>
public sealed record SurveyRoundView(SurveyRound Round, IReadOnlyList<(SurveyMember Member, bool Answered)> Members, int Answered);

/// <summary>An import's outcome: how many answers were recorded, and each refused line with its reason.</summary>
public sealed record SurveyImportResult(int Recorded, IReadOnlyList<(int Line, string CustomerId, string Reason)> Refusals);

/// <summary>
/// M-4 satisfaction surveys: rounds opened over branches (their customers due by their class's schedule),
/// answers recorded one by one or imported, and the report by branch and region. A low overall score
/// publishes <see cref="SurveyLowScoreRecorded"/> in the answer's own step; Arbitration records it as an
/// M-3 complaint to be answered and followed up.
/// </summary>
public sealed class SurveyRounds(CustomerStore store, MaintenanceStore maintenance, MaintainedCustomers customers, Organization organization, PolicyClock clock)
{
    public const int MaxBranches = 100;
    public const int MaxImportLines = 10_000;
    private const string Rule = "M-4";

    /// <summary>Opens a round over <paramref name="branchIds"/>: their protected customers not surveyed within their class's interval.</summary>
    /// <param name="requestId">Optional idempotency key of the caller (docs/api.md): a retry with it answers the round it opened.</param>
    public async Task<SurveyRoundView> OpenAsync(Caller caller, IReadOnlyList<string> branchIds, string? requestId = null)
    {
        var violations = new List<FieldViolation>();
        if (branchIds.Count is 0 or > MaxBranches)
        {
            violations.Add(new("branch_ids", $"1–{MaxBranches} 个分公司 / 1 to {MaxBranches} branches"));
        }

        for (var i = 0; i < branchIds.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(branchIds[i]) || branchIds[i].Length > 64)
            {
                violations.Add(new($"branch_ids[{i}]", "必填，最长 64 / required, at most 64 characters"));
            }
            else if (await organization.BranchAsync(branchIds[i]) is null)
            {
                violations.Add(new($"branch_ids[{i}]", "未知分公司 / unknown branch"));
            }
        }

        ServerIds.CheckRequestId(violations, requestId);
        RequestValidationException.ThrowIfAny(violations);
        var branches = branchIds.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        if (!SurveyScopes.CanOpen(caller, branches))
        {
            throw new ScopeDeniedException("总公司或本分公司秘书、经理开启调查 / hq, or a branch's secretary or manager for their branch, opens a survey round");
        }

        var opened = await OpenOverAsync(caller.EmployeeId, branches, requestId)
            ?? throw new PolicyRefusalException(Rule, "这些分公司没有到期需调查的客户 / no customer of these branches is due for a survey",
                new Dictionary<string, string> { ["branches"] = string.Join(',', branches) });
        return opened.Members is { } members ? new SurveyRoundView(opened.Round, members.Select(m => (m, false)).ToList(), 0) : await GetAsync(caller, opened.Round.Id);
    }

    /// <summary>
    /// M-4's schedule (<see cref="ScheduledSurveyRounds"/>): the system opens a round over <paramref name="branchIds"/> (at most
    /// <see cref="MaxBranches"/>, in id order) under <paramref name="key"/>; a pass run again with the same key answers the round it
    /// opened. Null when nobody of these branches is due.
    /// </summary>
    public async Task<SurveyRound?> OpenScheduledAsync(IReadOnlyList<string> branchIds, string key) =>
        (await OpenOverAsync(ScheduledSurveyRounds.OpenedBy, branchIds, key))?.Round;

    /// <summary>
    /// The round over <paramref name="branches"/>: their protected customers not surveyed within their class's interval, as they
    /// stand now. Null when there are none; <c>Members</c> null when <paramref name="requestId"/> had opened the round already.
    /// </summary>
    private async Task<(SurveyRound Round, IReadOnlyList<SurveyMember>? Members)?> OpenOverAsync(string openedBy, IReadOnlyList<string> branches, string? requestId)
    {
        var today = clock.Today;
        var members = new List<SurveyMember>();
        foreach (var branch in branches)
        {
            var region = (await organization.BranchAsync(branch))?.RegionId;
            var held = await customers.BranchAsync(branch);
            var surveyed = await maintenance.SurveyedAsync(held.Select(c => c.Value.Id).ToList());
            members.AddRange(held.Zip(surveyed)
                .Where(p => p.Second is not { } last || MaintenanceRules.Deadline(clock, last, ps => MaintenanceRules.SurveyDays(ps, p.First.Value.Class)).IsOverdue(today))
                .Select(p => new SurveyMember(p.First.Value.Id, p.First.Value.Title, p.First.Value.Class, p.First.Value.OwnerId, branch, p.First.Value.RegionId ?? region)));
        }

        if (members.Count == 0)
        {
            return null;
        }

        var now = clock.UtcNow;
        var round = new SurveyRound(ServerIds.New("sv-", openedBy, requestId), branches, openedBy, now, clock.TodayDate, members.Count);
        var key = MaintenanceKeys.Round(round.Id);
        var change = new AtomicChange()
            .ExpectUnchanged(key, "")
            .Set(key, MaintenanceStore.Encode(round))
            .ReplaceHash(MaintenanceKeys.RoundMembers(round.Id), members.Select(m => KeyValuePair.Create(m.CustomerId, MaintenanceStore.Encode(m))).ToList())
            .IndexAdd(MaintenanceKeys.RoundsOver(branches), round.Id, now.ToUnixTimeMilliseconds());
        // A branch lists the rounds its customers are in (a scheduled round covers branches where nobody is due).
        foreach (var branch in members.Select(m => m.BranchId).Distinct())
        {
            change.IndexAdd(MaintenanceKeys.BranchRounds(branch), round.Id, now.ToUnixTimeMilliseconds());
        }

        if (!(await maintenance.CommitAsync(change)).Succeeded)
        {
            // The same request_id again (the id is made from it and the caller): the round it opened, as it stands now,
            // unless the key was reused for other branches.
            var first = string.IsNullOrEmpty(requestId) ? null : await maintenance.RoundAsync(round.Id);
            return first is null ? throw new ConcurrencyConflictException($"调查编号冲突，请重试 / round id {round.Id} was taken, please retry")
                : first.BranchIds.SequenceEqual(branches) ? (first, null)
                : throw ServerIds.ReusedRequestId(round.Id);
        }

        return (round, members);
    }

    /// <summary>
    /// The rounds <paramref name="branchId"/> is surveyed in, newest first (people's and the schedule's), for those who may read
    /// the branch; each with how many of its members answered. Paged as every list (docs/api.md: <see cref="PageSizes"/>, <see cref="PageTokens"/>).
    /// </summary>
    public async Task<MaintenancePage<(SurveyRound Round, int Answered)>> ListAsync(Caller caller, string? branchId, int pageSize, string? pageToken)
    {
        var violations = new List<FieldViolation>();
        var size = PageSizes.Read(violations, pageSize);
        var offset = PageTokens.Offset(violations, pageToken);
        if (string.IsNullOrWhiteSpace(branchId))
        {
            violations.Add(new("branch_id", "必填 / required"));
        }

        RequestValidationException.ThrowIfAny(violations);
        await customers.RequireBranchReaderAsync(caller, branchId!);
        var (rounds, more) = await maintenance.BranchRoundsAsync(branchId!, offset, size);
        var items = new List<(SurveyRound, int)>();
        foreach (var round in rounds)
        {
            items.Add((round, await maintenance.AnsweredCountAsync(round.Id)));
        }

        return new(items, more ? (offset + size).ToString(CultureInfo.InvariantCulture) : null);
    }

    /// <summary>The round with the members the caller may see (refused when none).</summary>
    public async Task<SurveyRoundView> GetAsync(Caller caller, string? roundId)
    {
        var round = await RoundAsync(roundId);
        var answers = await maintenance.AnswersAsync(round.Id);
        var visible = (await maintenance.MembersAsync(round.Id)).Where(m => SurveyScopes.CanSee(caller, m)).ToList();
        if (visible.Count == 0 && !caller.IsHq)
        {
            throw new ScopeDeniedException("本轮调查中没有你可查看的客户 / none of this round's customers is yours to see");
        }

        return new SurveyRoundView(round, visible.Select(m => (m, answers.ContainsKey(m.CustomerId))).ToList(), answers.Count);
    }

    /// <summary>Records one customer's answer (once per round).</summary>
    public async Task<SurveyAnswer> RecordAsync(Caller caller, string? roundId, string? customerId, IReadOnlyList<int> scores)
    {
        var round = await RoundAsync(roundId);
        return await RecordAsync(caller, round, customerId, scores, "scores.", imported: false);
    }

    /// <summary>
    /// Answers from a CSV (header <c>customer_id,product_quality,delivery,service,price,overall</c>), each line
    /// recorded as <see cref="RecordAsync(Caller, string?, string?, IReadOnlyList{int})"/> would by the importer
    /// (the branch's staff or hq); a line refused is reported with its reason, the others are kept.
    /// </summary>
    public async Task<SurveyImportResult> ImportAsync(Caller caller, string? roundId, byte[] content)
    {
        var round = await RoundAsync(roundId);
        var lines = Encoding.UTF8.GetString(content).Split('\n').Select(l => l.TrimEnd('\r')).ToList();
        var header = "customer_id," + string.Join(',', Questionnaire.Questions.Select(q => q.Field));
        if (lines.Count == 0 || lines[0].Trim().TrimStart('\uFEFF') != header)
        {
            throw new RequestValidationException(new FieldViolation("content", $"首行须为 {header} / the first line must be {header}"));
        }

        if (lines.Count > MaxImportLines + 1)
        {
            throw new RequestValidationException(new FieldViolation("content", $"最多 {MaxImportLines} 行 / at most {MaxImportLines} lines"));
        }

        var recorded = 0;
        var refusals = new List<(int, string, string)>();
        for (var i = 1; i < lines.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(lines[i]))
            {
                continue;
            }

            var cells = lines[i].Split(',').Select(c => c.Trim()).ToArray();
            var id = cells[0];
            try
            {
                if (cells.Length != Questionnaire.Questions.Count + 1)
                {
                    throw new RequestValidationException(new FieldViolation("content", $"须有 {Questionnaire.Questions.Count + 1} 列 / needs {Questionnaire.Questions.Count + 1} columns"));
                }

                var scores = cells.Skip(1).Select(c => int.TryParse(c, NumberStyles.None, CultureInfo.InvariantCulture, out var s) ? s : 0).ToList();
                await RecordAsync(caller, round, id, scores, "", imported: true);
                recorded++;
            }
            catch (Exception ex) when (ex is RequestValidationException or PolicyRefusalException or ScopeDeniedException or EntityNotFoundException)
            {
                var reason = ex is RequestValidationException v ? string.Join("; ", v.Violations.Select(f => $"{f.Field}: {f.Description}")) : ex.Message;
                refusals.Add((i + 1, Echo.Prefix(id), reason));
            }
        }

        return new SurveyImportResult(recorded, refusals);
    }

    /// <summary>The report by branch, region and the whole round, with the trend against the previous round over the same branches; only the lines the caller may see.</summary>
    public async Task<(SurveyRound Round, IReadOnlyList<SurveyGroupReport> Groups)> ReportAsync(Caller caller, string? roundId)
    {
        var round = await RoundAsync(roundId);
        var members = await maintenance.MembersAsync(round.Id);
        var answers = await maintenance.AnswersAsync(round.Id);
        (string, IReadOnlyList<SurveyMember>, IReadOnlyDictionary<string, SurveyAnswer>)? previous = null;
        if (await maintenance.PreviousRoundAsync(round) is { } previousId)
        {
            previous = (previousId, await maintenance.MembersAsync(previousId), await maintenance.AnswersAsync(previousId));
        }

        var groups = SurveyReporting.Report(members, answers, previous).Where(g => SurveyScopes.CanSeeGroup(caller, g, members)).ToList();
        if (groups.Count == 0)
        {
            throw new ScopeDeniedException("无权查看本轮调查报告 / not allowed to see this round's report");
        }

        return (round, groups);
    }

    private async Task<SurveyAnswer> RecordAsync(Caller caller, SurveyRound round, string? customerId, IReadOnlyList<int> scores, string scorePrefix, bool imported)
    {
        Lookup.RequireId(customerId);
        var violations = new List<FieldViolation>();
        Questionnaire.Check(violations, scorePrefix, scores);
        RequestValidationException.ThrowIfAny(violations);

        var member = await maintenance.MemberAsync(round.Id, customerId!)
            ?? throw new PolicyRefusalException(Rule, "该客户不在本轮调查中 / the customer is not surveyed in this round", new Dictionary<string, string> { ["round_id"] = round.Id });
        var current = await store.GetAsync(customerId!);
        if (imported ? !SurveyScopes.CanImport(caller, member) : !SurveyScopes.CanRecord(caller, member, current?.Value.OwnerId))
        {
            throw new ScopeDeniedException(imported
                ? "分公司秘书、经理或总公司导入答卷 / a branch's secretary or manager, or hq, imports answers"
                : "客户负责人或分公司秘书记录答卷 / the customer's owner or the branch's secretary records an answer");
        }

        var now = clock.UtcNow;
        var today = clock.TodayDate;
        var lowScore = clock.On(today).SurveyLowScore;
        var answer = new SurveyAnswer(round.Id, member.CustomerId, [.. scores], caller.EmployeeId, now, today, scores[Questionnaire.Overall] <= lowScore);
        var change = new AtomicChange()
            .ExpectFieldFree(MaintenanceKeys.RoundAnswers(round.Id), member.CustomerId, "")
            .SetField(MaintenanceKeys.RoundAnswers(round.Id), member.CustomerId, MaintenanceStore.Encode(answer))
            .SetField(MaintenanceKeys.Surveyed, member.CustomerId, Dates.Iso(today));
        if (answer.LowScore)
        {
            // M-4 → M-3: the complaint is recorded in Arbitration from this event, with the answer or not at all.
            change.Publish(new SurveyLowScoreRecorded(round.Id, member.CustomerId, member.BranchId, current?.Value.OwnerId ?? member.OwnerId,
                caller.EmployeeId, caller.Role, answer.OverallScore, lowScore, now));
        }

        if (!(await maintenance.CommitAsync(change)).Succeeded)
        {
            throw new PolicyRefusalException(Rule, "该客户本轮已回答 / the customer has answered this round already",
                new Dictionary<string, string> { ["round_id"] = round.Id, ["customer_id"] = member.CustomerId }, RefusalCode.AlreadyExists);
        }

        return answer;
    }

    private async Task<SurveyRound> RoundAsync(string? roundId)
    {
        MaintainedCustomers.RequireText("round_id", roundId);
        return await maintenance.RoundAsync(roundId!) ?? throw new EntityNotFoundException("survey round", roundId!);
    }
}
