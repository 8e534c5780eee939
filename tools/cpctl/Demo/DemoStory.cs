using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using CustomerProtection.Arbitration.V1;
using CustomerProtection.Cli.Core;
using CustomerProtection.Protos;
using CustomerProtection.Penalty.V1;
using CustomerProtection.Platform.V1;
using CustomerProtection.Registration.V1;
using CustomerProtection.Policy.Actors;
using CustomerProtection.Territory.V1;
using Google.Protobuf;
using Google.Rpc;
using Grpc.Core;
using NodaTime;
using Duration = Google.Protobuf.WellKnownTypes.Duration;

namespace CustomerProtection.Cli.Demo;

/// <summary>
/// The policy's story, step by step, against the running system. Every run has its own organisation (ids with a
/// fresh suffix), so it can be played again on the same system. Each step checks what the policy says must happen;
/// events cross RabbitMQ, so checks that depend on one poll until <c>timeout</c>. Deadlines are reached by moving the
/// shared clock (Clock/Advance), never by waiting.
/// </summary>
internal sealed class DemoStory
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(200);
    private static readonly DateTimeZone Shanghai = DateTimeZoneProviders.Tzdb["Asia/Shanghai"];

    private readonly Session _s;
    private readonly TimeSpan _timeout;
    private readonly TextWriter _out;
    private readonly string _x = Guid.NewGuid().ToString("N")[..6].ToUpperInvariant();
    private readonly Metadata _hq;
    private readonly Actor _s1, _s2, _s3, _secretary, _manager, _westManager;

    private sealed record Actor(string Id, string Name, Metadata Headers);

    public DemoStory(Session session, TimeSpan timeout)
    {
        _s = session;
        _timeout = timeout;
        _out = session.Environment.Out;
        _hq = session.As("HQ-DEMO", Roles.Hq);
        Actor Branch(string id, string name, string role) => new(id, name, session.As(id, role, BranchId, East));
        _s1 = Branch($"S1-{_x}", "张三", Roles.Salesperson);
        _s2 = Branch($"S2-{_x}", "李四", Roles.Salesperson);
        _s3 = Branch($"S3-{_x}", "王五", Roles.Salesperson);
        _secretary = Branch($"SEC-{_x}", "赵秘书", Roles.BranchSecretary);
        _manager = Branch($"M-{_x}", "陈经理", Roles.BranchManager);
        _westManager = new($"RM-{_x}", "西部刘经理", session.As($"RM-{_x}", Roles.RegionalManager, null, West));
    }

    private string East => $"R-EAST-{_x}";
    private string West => $"R-WEST-{_x}";
    private string BranchId => $"B-SH-{_x}";

    public async Task RunAsync(CancellationToken ct)
    {
        var time = await _s.Clock().GetTimeAsync(new GetTimeRequest(), _hq, cancellationToken: ct);
        if (!time.Controllable)
        {
            throw new CliException(ExitCodes.DemoFailed,
                "演示需要可调时钟 / the demo needs the controllable clock: start the system with ./run.sh (the http launch profile sets Clock:Controllable=true)");
        }

        Say($"客户保护政策演示 / CustomerProtection demo — run {_x}, business day {time.Today.ToIso()}");
        (string Title, Func<CancellationToken, Task> Play)[] steps =
        [
            ("导入组织 / an organisation is imported", ImportOrganisationAsync),
            ("两名业务员同时备案同一客户，只有一人成功 / two salespeople file the same customer at once: one wins (P-2.1, P-9.1)", RaceAsync),
            ("异议进入仲裁并裁决 / an objection goes to arbitration and is decided (P-2.2, P-9, P-13)", ObjectionAsync),
            ("潜在客户30天后失效 / a prospect lapses after its 30 days (P-3.5)", LapseAsync),
            ("跨区域销售申请24小时未确认即上报 / a cross-region request escalates after 24 hours (P-10)", CrossRegionAsync),
            ("抢单被检出并罚款，经理连带 / a poaching sale is detected and fined, the manager jointly liable (P-3.6, P-5, P-8.1)", PoachingAsync),
            ("离职员工的客户进入公共池 / a resignation sends the leaver's customers to the pool (P-12)", ResignationAsync),
        ];

        for (var i = 0; i < steps.Length; i++)
        {
            var (title, play) = steps[i];
            Say($"\n[{i + 1}/{steps.Length}] {title}");
            try
            {
                await play(ct);
            }
            catch (DemoCheckFailedException ex)
            {
                throw Failed(i + 1, title, ex.Message);
            }
            catch (RpcException ex)
            {
                var status = ex.GetRpcStatus();
                var info = status?.GetDetail<ErrorInfo>();
                throw Failed(i + 1, title, $"预期成功 / expected success; 实际 / actual: {ex.StatusCode} {status?.Message ?? ex.Status.Detail}" +
                    (info is null ? "" : $" [{info.Reason}] " + string.Join(", ", info.Metadata.Select(m => $"{m.Key}={m.Value}"))));
            }
        }

        await ShowMailsAsync(ct);
        Say($"\n✔ 演示完成，{steps.Length} 步全部符合政策 / demo complete: all {steps.Length} steps behaved as the policy says");
    }

    /// <summary>This run's people's e-mail addresses: the run's suffix in each, so its mails are told apart in a shared inbox.</summary>
    private static string Address(string employeeId) => $"{employeeId.ToLowerInvariant()}@demo.example.com";

    /// <summary>
    /// The story's ending: the notices it caused, as mails in development's inbox (smtp4dev's REST API), and the
    /// inbox's address for a person to open. A system that sends through a relay has no inbox to read: said, not failed.
    /// </summary>
    private async Task ShowMailsAsync(CancellationToken ct)
    {
        Say("\n通知邮件 / the notices the story e-mailed (docs/notifications.md)");
        if (_s.Inbox is not { } inbox)
        {
            Say("  没有开发收件箱（邮件经 SMTP 中继发出） / no development inbox here: the mails went through the configured SMTP relay");
            return;
        }

        // The last notices (the leaver's lapse) are still crossing RabbitMQ and the delivery loop, and a mail whose recipient the
        // worker's directory copy had not applied yet is tried again seconds later: wait until a mail of each notice the story
        // caused is there (the announcement, the lapse, the escalation, the fine), then until the count settles.
        string[] caused = ["[P-2.1]", "[X-3]", "[P-10]", "[P-8]"];
        var suffix = $"-{_x.ToLowerInvariant()}@demo.example.com";
        using var http = new HttpClient { BaseAddress = new Uri(inbox), Timeout = TimeSpan.FromSeconds(10) };
        List<(string To, string Subject)> mails = [];
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < _timeout)
        {
            using var page = JsonDocument.Parse(await http.GetStringAsync("/api/messages?pageSize=10000", ct));
            var now = page.RootElement.GetProperty("results").EnumerateArray()
                .SelectMany(m => m.GetProperty("to").EnumerateArray().Select(to => (To: to.GetString()!, Subject: m.GetProperty("subject").GetString()!)))
                .Where(m => m.To.EndsWith(suffix, StringComparison.Ordinal))
                .ToList();
            if (now.Count == mails.Count && caused.All(rule => now.Any(m => m.Subject.StartsWith(rule, StringComparison.Ordinal))))
            {
                break;
            }

            mails = now;
            await Task.Delay(TimeSpan.FromSeconds(2), ct);
        }

        foreach (var (to, subject) in mails.OrderBy(m => m.Subject, StringComparer.Ordinal).ThenBy(m => m.To, StringComparer.Ordinal))
        {
            Say($"  {to,-36} {subject}");
        }

        if (mails.Count == 0)
        {
            throw new CliException(ExitCodes.DemoFailed, $"✘ 收件箱中没有本次演示的通知邮件 / no mail of this run reached the inbox {inbox} within {_timeout.TotalSeconds:0} s");
        }

        Say($"  共 {mails.Count} 封；收件箱 / {mails.Count} mails; open the inbox: {inbox}");
    }

    private static CliException Failed(int step, string title, string detail) =>
        new(ExitCodes.DemoFailed, $"✘ 第 {step} 步失败 / step {step} failed: {title}\n  {detail}");

    // ---- 1. The organisation ------------------------------------------------------------------------

    private async Task ImportOrganisationAsync(CancellationToken ct)
    {
        // Each person has an address (Address), so the notices the story causes arrive in the inbox it ends with.
        static string Employee(string id, string name, string role, string? branch = null, string? region = null, string? manager = null) =>
            $$"""{"id":"{{id}}","name":"{{name}}","role":"{{role}}"{{(branch is null ? "" : $",\"branch_id\":\"{branch}\"")}}{{(region is null ? "" : $",\"region_id\":\"{region}\"")}}{{(manager is null ? "" : $",\"manager_id\":\"{manager}\"")}},"hire_date":"2020-01-02","email":"{{Address(id)}}"}""";
        var json = $$"""
            {"regions":[{"id":"{{East}}","name":"华东大区"},{"id":"{{West}}","name":"西部大区"}],
             "branches":[{"id":"{{BranchId}}","region_id":"{{East}}","name":"上海分公司","kind":"branch","direct":true,"manager_id":"{{_manager.Id}}"}],
             "employees":[{{Employee(_manager.Id, _manager.Name, Roles.BranchManager, BranchId)}},
                          {{Employee(_s1.Id, _s1.Name, Roles.Salesperson, BranchId, manager: _manager.Id)}},
                          {{Employee(_s2.Id, _s2.Name, Roles.Salesperson, BranchId, manager: _manager.Id)}},
                          {{Employee(_s3.Id, _s3.Name, Roles.Salesperson, BranchId, manager: _manager.Id)}},
                          {{Employee(_secretary.Id, _secretary.Name, Roles.BranchSecretary, BranchId)}},
                          {{Employee($"RS-{_x}", "西部秘书", Roles.RegionalSecretary, region: West)}},
                          {{Employee(_westManager.Id, _westManager.Name, Roles.RegionalManager, region: West)}}]}
            """;
        var imported = await _s.Directory.ImportOrganizationAsync(new ImportOrganizationRequest
        {
            Format = ImportFormat.Json,
            Content = ByteString.CopyFrom(json, Encoding.UTF8),
        }, _hq, cancellationToken: ct);
        Expect("新建大区 / regions created", 2, imported.Regions.Created);
        Expect("新建分公司 / branches created", 1, imported.Branches.Created);
        Expect("新建员工 / employees created", 7, imported.Employees.Created);
        Say($"  总部导入：华东大区 {East}、西部大区 {West}，上海分公司 {BranchId}（经理 {_manager.Name}，秘书 {_secretary.Name}，" +
            $"业务员 {_s1.Name} {_s1.Id}、{_s2.Name} {_s2.Id}、{_s3.Name} {_s3.Id}），西部大区经理 {_westManager.Name}");
        Say($"  hq imported 2 regions, 1 branch, 7 employees; {imported.EventsPublished} events published");

        // Registration learns the organisation from Territory's events (RabbitMQ), not by asking.
        foreach (var actor in new[] { _s1, _s2, _s3, _secretary, _manager })
        {
            await WaitAsync($"备案服务收到员工 / Registration's copy of {actor.Id}",
                () => _s.Replica.GetEmployeeAsync(new GetEmployeeReplicaRequest { EmployeeId = actor.Id }, _hq, cancellationToken: ct).ResponseAsync,
                e => e.Status == Territory.V1.EmployeeStatus.Active, e => $"status {Vocabulary.Word(e.Status)}", ct);
        }

        await WaitAsync($"备案服务收到分公司 / Registration's copy of {BranchId}",
            () => _s.Replica.GetBranchAsync(new GetBranchReplicaRequest { BranchId = BranchId }, _hq, cancellationToken: ct).ResponseAsync,
            b => b.ManagerId == _manager.Id, b => $"manager {b.ManagerId}", ct);
        Ok("备案服务已通过事件收到组织副本 / Registration has its copy of the organisation (events over RabbitMQ)");
    }

    // ---- 2. Two filings of one customer at once -----------------------------------------------------

    private CustomerView _raced = null!;
    private Actor _winner = null!, _loser = null!;

    private async Task RaceAsync(CancellationToken ct)
    {
        var title = $"华光精密{_x}有限公司";
        var today = await TodayAsync(ct);
        Say($"  {_s1.Name} 与 {_s2.Name} 同时备案「{title}」/ both file it at the same moment");
        var attempts = await Task.WhenAll(TryFileAsync(_s1, title, today, ct), TryFileAsync(_s2, title, today, ct));

        var won = attempts.Where(a => a.View is not null).ToList();
        Expect("成功备案的人数 / filings that succeeded", 1, won.Count);
        var (winner, view, _) = won[0];
        var (loser, _, error) = attempts.Single(a => a.View is null);
        Expect("落败者的状态码 / the loser's status", StatusCode.AlreadyExists, error!.StatusCode);
        var info = error.GetRpcStatus()?.GetDetail<ErrorInfo>();
        Expect("落败者收到的规则 / the rule the loser is told", "P-9.1", info?.Reason);
        Expect("落败者被告知的占有人 / the holder the loser is told", winner.Id, info?.Metadata.GetValueOrDefault("ownerId"));
        Say($"  ✔ {winner.Name} 备案成功 / filed: customer {view!.CustomerId}, {view.Status}");
        Say($"  ✔ {loser.Name} 被拒 / refused: {error.StatusCode} [{info!.Reason}] {string.Join(", ", info.Metadata.OrderBy(m => m.Key, StringComparer.Ordinal).Select(m => $"{m.Key}={m.Value}"))}");

        _raced = await ApproveAsync(view, ct);
        _winner = winner;
        _loser = loser;
        Expect("批准后的状态 / status after approval", CustomerStatus.Protected, _raced.Status);
        Ok($"{_secretary.Name} 批准并公示 / approved and announced: protected until {_raced.LastProtectedDay}, objections until {_raced.ObjectionWindowEnds}");
    }

    private async Task<(Actor Actor, CustomerView? View, RpcException? Error)> TryFileAsync(Actor actor, string title, string today, CancellationToken ct)
    {
        try
        {
            return (actor, await FileAsync(actor, title, today, ct), null);
        }
        catch (RpcException ex)
        {
            return (actor, null, ex);
        }
    }

    // ---- 3. An objection, decided ---------------------------------------------------------------------

    private async Task ObjectionAsync(CancellationToken ct)
    {
        var opened = await _s.Cases.FileObjectionAsync(new FileObjectionRequest
        {
            CustomerId = _raced.CustomerId,
            Reason = "我上周已拜访过该客户 / I visited this customer last week",
        }, _loser.Headers, cancellationToken: ct);
        Expect("案件类型 / case kind", "objection", Vocabulary.Word(opened.Kind));
        Expect("案件状态 / case status", "open", Vocabulary.Word(opened.Status));
        var recommendation = opened.Recommendation;
        Say($"  {_loser.Name} 在公示期内提出异议 / objects within the window: case {opened.CaseId}");
        Say($"  P-9 建议 / recommendation: {(recommendation.RecommendedId.Length == 0 ? "分公司决定 / the branch decides" : recommendation.RecommendedId)} " +
            $"(依 / by {recommendation.DecidingRule}: {recommendation.Reasons.FirstOrDefault(r => r.RuleId == recommendation.DecidingRule)?.Finding})");

        await WaitAsync("备案服务显示客户有争议 / Registration shows the customer disputed",
            () => _s.Ownership.GetOwnershipAsync(new GetOwnershipRequest { CustomerId = _raced.CustomerId }, _hq, cancellationToken: ct).ResponseAsync,
            o => o.Disputed && o.OpenCaseId == opened.CaseId, o => $"disputed={o.Disputed}, open_case_id={o.OpenCaseId}", ct);
        Say("  ✔ 争议期间客户被锁定 / while the case is open the customer is marked disputed in Registration");

        var awardTo = recommendation.RecommendedId.Length > 0 ? recommendation.RecommendedId : _winner.Id;
        var decided = await _s.Cases.DecideAsync(new DecideRequest
        {
            CaseId = opened.CaseId,
            AwardTo = awardTo,
            Reason = "先有效备案者优先 / the earlier valid filing wins (P-9.1)",
        }, _manager.Headers, cancellationToken: ct);
        Expect("裁决后案件状态 / case status after the decision", "closed", Vocabulary.Word(decided.Status));
        Expect("裁决后的负责人 / owner after the decision", awardTo, decided.OwnerId);

        var owner = await WaitAsync("备案服务解除争议 / Registration lifts the dispute",
            () => _s.Ownership.GetOwnershipAsync(new GetOwnershipRequest { CustomerId = _raced.CustomerId }, _hq, cancellationToken: ct).ResponseAsync,
            o => !o.Disputed && o.OwnerId == awardTo, o => $"disputed={o.Disputed}, owner={o.OwnerId}", ct);
        Ok($"{_manager.Name} 裁决归 {owner.OwnerName}（{owner.OwnerId}），案件结案 / decided for {owner.OwnerId}; case {Vocabulary.Word(decided.Outcome)}, customer no longer disputed");
    }

    // ---- 4. A prospect lapses -------------------------------------------------------------------------

    private async Task LapseAsync(CancellationToken ct)
    {
        var filed = await ApproveAsync(await FileAsync(_s3, $"东方机电{_x}有限公司", await TodayAsync(ct), ct), ct);
        Expect("批准后的状态 / status after approval", CustomerStatus.Protected, filed.Status);
        Say($"  {_s3.Name} 的潜在客户 / prospect {filed.CustomerId}: protected from {filed.PeriodStart} to {filed.LastProtectedDay}, no purchase, no extension");

        // Past the last protected day: at least 31 days, more when the last day was rolled past a rest day.
        var now = await _s.Clock().GetTimeAsync(new GetTimeRequest(), _hq, cancellationToken: ct);
        var endsAt = new LocalDate(filed.LastProtectedDay.Year, filed.LastProtectedDay.Month, filed.LastProtectedDay.Day)
            .PlusDays(1).AtStartOfDayInZone(Shanghai).ToDateTimeOffset();
        var by = TimeSpan.FromTicks(Math.Max(TimeSpan.FromDays(31).Ticks, (endsAt - now.Now.ToDateTimeOffset() + TimeSpan.FromMinutes(1)).Ticks));
        var today = await AdvanceAsync(by, ct);
        Say($"  总部拨快时钟 / hq moves the clock {by.TotalDays:0.#} days: today is {today}");

        var ownership = await _s.Ownership.GetOwnershipAsync(new GetOwnershipRequest { CustomerId = filed.CustomerId }, _hq, cancellationToken: ct);
        Expect("失效后的状态 / status after the last day", CustomerStatus.Lapsed, ownership.Status);
        Expect("仍受保护 / protected now", false, ownership.ProtectedNow);
        Expect("原负责人 / previous owner", _s3.Id, ownership.PreviousOwnerId);
        Say($"  ✔ 到期即失效（按时计算，不等任何任务） / lapsed at midnight by computation: status {ownership.Status}, previous owner {ownership.PreviousOwnerId}");

        await WaitAsync("历史记录中的失效 / the lapse in the ownership history (the due-queue)",
            () => _s.Customers.GetOwnershipHistoryAsync(new GetOwnershipHistoryRequest { CustomerId = filed.CustomerId }, _secretary.Headers, cancellationToken: ct).ResponseAsync,
            h => h.Events.Any(e => e.Change == OwnershipChange.Lapsed), h => string.Join(" → ", h.Events.Select(e => Vocabulary.Word(e.Change))), ct);
        await WaitAsync("公共池中的客户 / the customer in the branch's pool",
            () => _s.Customers.ListPoolAsync(new ListPoolRequest { BranchId = BranchId, PageSize = 500 }, _s1.Headers, cancellationToken: ct).ResponseAsync,
            pool => pool.Customers.Any(c => c.CustomerId == filed.CustomerId), pool => $"{pool.Customers.Count} customers, not {filed.CustomerId}", ct);
        Ok("失效已记入历史，客户进入公共池，其他人可以领取 / the lapse is in the history (X-6) and the customer is in the pool for others to claim");
    }

    // ---- 5. A cross-region request escalates -----------------------------------------------------------

    private async Task CrossRegionAsync(CancellationToken ct)
    {
        var submitted = await _s.CrossRegion.CreateCrossRegionRequestAsync(new CreateCrossRegionRequestRequest
        {
            RequestId = $"XR-{_x}",
            TargetRegionId = West,
            Customer = new Territory.V1.CustomerRef { InvoiceTitle = $"成都天府{_x}机械有限公司" },
            Reason = "客户总部在上海，工厂在成都 / headquarters in Shanghai, plant in Chengdu",
        }, _s1.Headers, cancellationToken: ct);
        Expect("提交后的状态 / status when submitted", CrossRegionRequestStatus.Pending, submitted.Status);
        Expect("确认期限 / deadline", submitted.SubmittedAt.ToDateTimeOffset().AddHours(24), submitted.Deadline.ToDateTimeOffset());
        Say($"  {_s1.Name} 提交跨区域销售申请 / asks to sell in {West}: {submitted.Id}, the western secretary must answer by {Instant(submitted.Deadline)}");

        var today = await AdvanceAsync(TimeSpan.FromHours(24), ct);
        Say($"  西部秘书未答复；总部拨快24小时 / the secretary does not answer; hq moves the clock 24 hours: today is {today}");

        var escalated = await WaitAsync("自动上报 / the escalation by the worker",
            () => _s.CrossRegion.GetCrossRegionRequestAsync(new GetCrossRegionRequestRequest { CrossRegionRequestId = submitted.Id }, _hq, cancellationToken: ct).ResponseAsync,
            f => f.EscalatedAt is not null, f => $"status {Vocabulary.Word(f.Status)}, not escalated", ct);
        Expect("上报后的状态 / status after the deadline", CrossRegionRequestStatus.Escalated, escalated.Status);
        var queue = await _s.CrossRegion.ListCrossRegionRequestsAsync(new ListCrossRegionRequestsRequest { Queue = CrossRegionRequestQueue.Escalated }, _westManager.Headers, cancellationToken: ct);
        Expect("在西部大区经理的待办中 / in the western regional manager's queue", true, queue.CrossRegionRequests.Any(f => f.Id == submitted.Id));
        Say($"  ✔ 已上报总部和目标大区经理 / escalated at {Instant(escalated.EscalatedAt)} to hq and {_westManager.Name}");

        // P-10: after escalation hq and the target regional manager decide together; approved when both approved.
        var halfway = await _s.CrossRegion.DecideCrossRegionRequestAsync(new DecideCrossRegionRequestRequest { CrossRegionRequestId = submitted.Id, Approve = true, Reason = "同意 / agreed" },
            _westManager.Headers, cancellationToken: ct);
        Expect("大区经理决定后 / status after the regional manager's decision", CrossRegionRequestStatus.Escalated, halfway.Status);
        Expect("等待总部 / waiting for hq", CrossRegionRequestStage.EscalatedAwaitingHq, halfway.Stage);
        var approved = await _s.CrossRegion.DecideCrossRegionRequestAsync(new DecideCrossRegionRequestRequest { CrossRegionRequestId = submitted.Id, Approve = true, Reason = "同意 / agreed" },
            _hq, cancellationToken: ct);
        Expect("总部决定后 / status after hq's decision", CrossRegionRequestStatus.Approved, approved.Status);
        Ok($"{_westManager.Name} 和总部共同批准 / approved by {approved.RegionalManagerDecision.DecidedBy} and {approved.HqDecision.DecidedBy} together");
    }

    // ---- 6. Poaching, fined ----------------------------------------------------------------------------

    private async Task PoachingAsync(CancellationToken ct)
    {
        var title = $"华东精工{_x}有限公司";
        var owned = await ApproveAsync(await FileAsync(_s1, title, await TodayAsync(ct), ct), ct);
        Expect("批准后的状态 / status after approval", CustomerStatus.Protected, owned.Status);
        Say($"  {_s1.Name} 保护的客户 / protects {owned.CustomerId} 「{title}」");

        var customer = new Territory.V1.CustomerRef { InvoiceTitle = title };
        var asked = await _s.Sales.AuthorizeSaleAsync(new AuthorizeSaleRequest { Customer = customer, ProductCode = "P-100", UnitPrice = "120.00", RegionId = East },
            _s2.Headers, cancellationToken: ct);
        Expect("报价前授权 / the authorisation asked before quoting", SaleDecision.Forbidden, asked.Decision);
        var finding = asked.Findings.FirstOrDefault(f => f.RuleId == "P-3.6");
        Expect("禁止的规则 / the rule that forbids it", "P-3.6", finding?.RuleId);
        Say($"  {_s2.Name} 询问能否报价 / asks to quote: forbidden [P-3.6] owner_id={finding!.Metadata.GetValueOrDefault("owner_id")}");

        var sale = await _s.Sales.RecordSaleAsync(new RecordSaleRequest
        {
            Id = $"ERP-{_x}-1",
            SellerId = _s2.Id,
            Customer = customer,
            ProductCode = "P-100",
            UnitPrice = "120.00",
            Quantity = "50",
            ShippedOn = CommandKit.Day(await TodayAsync(ct), "today"),
            RegionId = East,
            Kind = SaleKind.FormalPurchase,
        }, _hq, cancellationToken: ct);
        var violation = sale.Violations.FirstOrDefault(v => v.RuleId == "P-5");
        Expect("检出的违规 / the violation found", "P-5 poaching", violation is null ? "none" : $"{violation.RuleId} {Vocabulary.Word(violation.Kind)}");
        Expect("违规人 / violator", _s2.Id, violation!.ViolatorId);
        Expect("受害人 / injured party", _s1.Id, violation.InjuredEmployeeId);
        Say($"  {_s2.Name} 仍然发货 / ships anyway: sale {sale.Id}, {sale.Amount} 元 → violation {violation.ViolationId} [{violation.RuleId} {Vocabulary.Word(violation.Kind)}], credit to {sale.CreditedTo}");

        var fine = await WaitAsync("违规人的罚款 / the violator's fine (ViolationDetected → Penalty)",
            () => _s.Penalties.GetFineAsync(new GetFineRequest { FineId = violation.ViolationId + ".violator" }, _hq, cancellationToken: ct).ResponseAsync,
            f => f.Status == FineStatus.Proposed, f => $"status {Vocabulary.Word(f.Status)}", ct);
        Expect("被罚人 / fined employee", _s2.Id, fine.EmployeeId);
        Say($"  ✔ 罚款 / fine {fine.Id}: {fine.Amount} 元 ({fine.MinAmount}–{(fine.MaxAmount == "" ? "∞" : fine.MaxAmount)}), {Vocabulary.Word(fine.Status)}; {fine.Basis}");

        var found = await _s.Penalties.RecordManagerFindingAsync(new RecordManagerFindingRequest
        {
            ViolationId = violation.ViolationId,
            ManagerFinding = Penalty.V1.ManagerFinding.Negligent,
            Reason = "经理知情未制止 / the manager knew and did not stop it",
        }, _hq, cancellationToken: ct);
        var managerFine = found.Fines.FirstOrDefault(f => f.Liability == Liability.Manager);
        Expect("经理的连带罚款 / the manager's joint fine", _manager.Id, managerFine?.EmployeeId);
        Ok($"总部认定经理失职，连带罚款 / hq finds the manager negligent: fine {managerFine!.Id}: {managerFine.Amount} 元 for {managerFine.EmployeeId}");
    }

    // ---- 7. A resignation -------------------------------------------------------------------------------

    private async Task ResignationAsync(CancellationToken ct)
    {
        var held = await ApproveAsync(await FileAsync(_s3, $"西湖电子{_x}有限公司", await TodayAsync(ct), ct), ct);
        Expect("批准后的状态 / status after approval", CustomerStatus.Protected, held.Status);
        Say($"  {_s3.Name} 保护的客户 / protects {held.CustomerId}");

        var left = await _s.Directory.RecordEmployeeLeftAsync(new RecordEmployeeLeftRequest { EmployeeId = _s3.Id, Reason = "辞职 / resigned" }, _manager.Headers, cancellationToken: ct);
        Expect("离职后的状态 / employee status", EmployeeStatus.Left, left.Status);
        Say($"  {_manager.Name} 记录 {_s3.Name} 离职 / records the resignation ({CustomerProtection.Protos.ProtoDates.ToIso(left.LeftOn)}); EmployeeLeft goes to Registration");

        var pooled = await WaitAsync("客户进入公共池 / the customer moved to the pool",
            () => _s.Customers.GetCustomerAsync(new GetCustomerRequest { CustomerId = held.CustomerId }, _secretary.Headers, cancellationToken: ct).ResponseAsync,
            c => c.Status == CustomerStatus.Pool, c => $"status {Vocabulary.Word(c.Status)}, owner {c.OwnerId}", ct);
        Expect("池中客户的负责人 / owner in the pool", "", pooled.OwnerId);
        Expect("原负责人 / previous owner", _s3.Id, pooled.PreviousOwnerId);
        var pool = await _s.Customers.ListPoolAsync(new ListPoolRequest { BranchId = BranchId, PageSize = 500 }, _s1.Headers, cancellationToken: ct);
        Expect("在分公司公共池中 / listed in the branch's pool", true, pool.Customers.Any(c => c.CustomerId == held.CustomerId));
        Ok($"客户 {held.CustomerId} 已进入公共池，优先给新员工和未完成指标者 / in the pool, served first to new hires and those behind target");
    }

    // ---- Helpers ------------------------------------------------------------------------------------------

    private async Task<CustomerView> FileAsync(Actor actor, string title, string today, CancellationToken ct) =>
        await _s.Customers.FileCustomerAsync(new FileCustomerRequest
        {
            InvoiceTitle = title,
            CustomerClass = CustomerClass.Potential,
            // Below the P-3.4 tiers: the plain 30-day prospect period of P-3.2.
            DeclaredAnnualSales = "100000",
            Contact = new Contact { Name = "周经理", Phone = "13812345678" },
            EvidenceKind = FilingEvidenceKind.Visit,
            EvidenceDate = CommandKit.Day(today, "today"),
            Evidence = "拜访纪要 / visit report DEMO-" + _x,
        }, actor.Headers, cancellationToken: ct);

    /// <summary>The branch secretary approves a pending filing (a branch may auto-approve conflict-free ones).</summary>
    private async Task<CustomerView> ApproveAsync(CustomerView filed, CancellationToken ct) =>
        filed.Status == CustomerStatus.PendingApproval
            ? await _s.Customers.ApproveFilingAsync(new Registration.V1.ApproveFilingRequest { CustomerId = filed.CustomerId }, _secretary.Headers, cancellationToken: ct)
            : filed;

    private async Task<string> TodayAsync(CancellationToken ct) =>
        (await _s.Clock().GetTimeAsync(new GetTimeRequest(), _hq, cancellationToken: ct)).Today.ToIso();

    /// <summary>Moves the shared clock and waits until every service has followed; returns the new business day.</summary>
    private async Task<string> AdvanceAsync(TimeSpan by, CancellationToken ct)
    {
        var moved = await _s.Clock().AdvanceAsync(new AdvanceRequest { By = Duration.FromTimeSpan(by) }, _hq, cancellationToken: ct);
        foreach (var service in new[] { ResourceNames.Registration, ResourceNames.Territory, ResourceNames.Arbitration, ResourceNames.Penalty })
        {
            await WaitAsync($"{service} 跟上时钟 / follows the clock",
                () => _s.Clock(service).GetTimeAsync(new GetTimeRequest(), _hq, cancellationToken: ct).ResponseAsync,
                t => t.Offset.ToTimeSpan() >= moved.Offset.ToTimeSpan(), t => $"offset {t.Offset.ToTimeSpan()}", ct);
        }

        return moved.Today.ToIso();
    }

    /// <summary>Polls until the condition holds (an event crossing RabbitMQ); NotFound counts as "not yet".</summary>
    private async Task<T> WaitAsync<T>(string what, Func<Task<T>> read, Func<T, bool> condition, Func<T, string> describe, CancellationToken ct)
    {
        var watch = Stopwatch.StartNew();
        var last = "未找到 / not found";
        while (true)
        {
            try
            {
                var value = await read();
                if (condition(value))
                {
                    return value;
                }

                last = describe(value);
            }
            catch (RpcException ex) when (ex.StatusCode == StatusCode.NotFound)
            {
                last = "未找到 / not found";
            }

            if (watch.Elapsed >= _timeout)
            {
                throw new DemoCheckFailedException($"{what}: {_timeout.TotalSeconds:0} 秒内未发生 / did not happen within {_timeout.TotalSeconds:0} s; 最后看到 / last seen: {last}");
            }

            await Task.Delay(PollInterval, ct);
        }
    }

    private static void Expect<T>(string what, T expected, T actual)
    {
        if (!EqualityComparer<T>.Default.Equals(expected, actual))
        {
            throw new DemoCheckFailedException($"{what}: 预期 / expected {Show(expected)}, 实际 / actual {Show(actual)}");
        }
    }

    private static string Show<T>(T value) => value switch
    {
        null => "(none)",
        string { Length: 0 } => "(empty)",
        Enum e => Vocabulary.Word(e),
        DateTimeOffset d => d.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
        _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "",
    };

    private static string Instant(Google.Protobuf.WellKnownTypes.Timestamp t) => Show(t.ToDateTimeOffset());

    private void Say(string line) => _out.WriteLine(line);

    private void Ok(string line) => _out.WriteLine("  ✔ " + line);

    private sealed class DemoCheckFailedException(string message) : Exception(message);
}
