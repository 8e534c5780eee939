using System.CommandLine;
using CustomerProtection.Arbitration.V1;
using CustomerProtection.Cli.Core;
using static CustomerProtection.Cli.Core.CommandKit;

namespace CustomerProtection.Cli.Commands;

/// <summary><c>cpctl case …</c>: Arbitration's ownership cases — objections, encroachment complaints, disputes, the
/// P-2.4 resolutions (joint development, surpassing claim, auction and bids), decisions, the deposit ledger (P-2.2–P-2.4, P-4.5, P-8.2, P-9, P-13).</summary>
internal static class CaseCommands
{
    private const string CaseId = "case-id";

    public static Command Create(CommandKit kit) => Group("case", "归属案件：异议、投诉、争议、裁决 / ownership cases: objections, complaints, disputes, decisions",
        Object(kit), Complain(kit), Dispute(kit), Retaliation(kit), Show(kit), List(kit),
        Group("resolve", "经理或总部选择解决方式 / the branch manager or hq chooses a resolution (P-2.4)", Joint(kit), Claim(kit), Auction(kit)),
        Bid(kit), Decide(kit), Withdraw(kit), Ledger(kit), Milestone(kit));

    private static Command Object(CommandKit kit)
    {
        var requestId = Optional("--request-id", "请求编号：重试时给同一个，只建一次 / request id: a retry with the same one creates once (default: none)");
        var customer = Id("customer-id", "被公示客户 / the announced customer");
        var reason = Required("--reason", "理由 / reason");
        var own = Optional("--own-customer", "自己对同一客户的备案 / your own filing of the same customer (P-9.1)");
        return kit.Command("object", "公示期内提出异议 / object to an announced filing within the window (P-2.2; previous owner: P-2.3)", async (s, p, ct) =>
            s.Out.Record(await s.Cases.FileObjectionAsync(new FileObjectionRequest
            {
                CustomerId = p.GetValue(customer)!,
                Reason = p.GetValue(reason)!,
                OwnCustomerId = p.GetValue(own) ?? "",
                RequestId = p.GetValue(requestId) ?? "",
            }, s.Headers, cancellationToken: ct)), customer, reason, own, requestId);
    }

    private static Command Complain(CommandKit kit)
    {
        var requestId = Optional("--request-id", "请求编号：重试时给同一个，只建一次 / request id: a retry with the same one creates once (default: none)");
        var customer = Id("customer-id", "客户编号 / customer id");
        var accused = Required("--accused", "被投诉员工 / the employee said to have taken the customer");
        var discovered = Optional("--discovered-on", "发现日期 / day of discovery yyyy-MM-dd (default: today)");
        var description = Required("--description", "经过 / what happened");
        return kit.Command("complain", "书面投诉抢单（发现后7个工作日内） / complain to hq about an encroachment within 7 working days (P-4.5)", async (s, p, ct) =>
            s.Out.Record(await s.Cases.FileEncroachmentComplaintAsync(new FileEncroachmentComplaintRequest
            {
                CustomerId = p.GetValue(customer)!,
                AccusedId = p.GetValue(accused)!,
                DiscoveredOn = p.GetValue(discovered) is { } on ? Day(on, "--discovered-on") : await TodayDateAsync(s, ct),
                Description = p.GetValue(description)!,
                RequestId = p.GetValue(requestId) ?? "",
            }, s.Headers, cancellationToken: ct)), customer, accused, discovered, description, requestId);
    }

    private static Command Dispute(CommandKit kit)
    {
        var requestId = Optional("--request-id", "请求编号：重试时给同一个，只建一次 / request id: a retry with the same one creates once (default: none)");
        var kind = Required("--kind", "类型 / kind: co_development (P-3.6), performance (P-8.2)");
        var customer = Required("--customer", "客户编号 / customer id");
        var respondent = Required("--respondent", "对方员工号 / the other party");
        var sale = Optional("--sale", "业绩争议的销售单 / performance: the disputed sale");
        var description = Required("--description", "经过 / description");
        return kit.Command("dispute", "共同开发或业绩争议 / a co-development or performance-credit dispute (P-3.6, P-8.2)", async (s, p, ct) =>
            s.Out.Record(await s.Cases.OpenDisputeAsync(new OpenDisputeRequest
            {
                Kind = Vocabulary.Parse<DisputeKind>(p.GetValue(kind)!, "--kind"),
                CustomerId = p.GetValue(customer)!,
                RespondentId = p.GetValue(respondent)!,
                SaleId = p.GetValue(sale) ?? "",
                Description = p.GetValue(description)!,
                RequestId = p.GetValue(requestId) ?? "",
            }, s.Headers, cancellationToken: ct)), kind, customer, respondent, sale, description, requestId);
    }

    private static Command Retaliation(CommandKit kit)
    {
        var requestId = Optional("--request-id", "请求编号：重试时给同一个，只建一次 / request id: a retry with the same one creates once (default: none)");
        var id = Id(CaseId, "报复所针对的案件（进行中或已结案）/ the case it retaliates for (open or closed)");
        var accused = Required("--accused", "报复者 / the employee retaliating");
        var description = Required("--description", "经过 / what happened");
        var discovered = Optional("--discovered-on", "发现日期 / day of discovery yyyy-MM-dd (default: today; reported within 7 working days)");
        return kit.Command("retaliation", "举报报复行为（本身即违规）/ report retaliation, a violation of its own (P-4.5)", async (s, p, ct) =>
            s.Out.Record(await s.Cases.ReportRetaliationAsync(new ReportRetaliationRequest
            {
                CaseId = p.GetValue(id)!,
                AccusedId = p.GetValue(accused)!,
                Description = p.GetValue(description)!,
                DiscoveredOn = p.GetValue(discovered) is { } on ? Day(on, "--discovered-on") : await TodayDateAsync(s, ct),
                RequestId = p.GetValue(requestId) ?? "",
            }, s.Headers, cancellationToken: ct)), id, accused, description, discovered, requestId);
    }

    private static Command Show(CommandKit kit)
    {
        var id = Id(CaseId, "案件编号 / case id");
        return kit.Command("show", "案件详情及 P-9 建议 / a case with its P-9 recommendation", async (s, p, ct) =>
            s.Out.Record(await s.Cases.GetCaseAsync(new GetCaseRequest { CaseId = p.GetValue(id)! }, s.Headers, cancellationToken: ct)), id);
    }

    private static Command List(CommandKit kit)
    {
        var branch = Optional("--branch", "分公司的案件 / a branch's cases");
        var hq = Flag("--hq-queue", "总部待办 / hq's queue");
        var (size, token) = (PageSize(), PageToken());
        return kit.Command("list", "案件列表（默认：我的） / cases: mine by default, a branch's, or hq's queue", async (s, p, ct) =>
        {
            var answer = await s.Cases.ListCasesAsync(new ListCasesRequest
            {
                BranchId = p.GetValue(branch) ?? "",
                HqQueue = p.GetValue(hq),
                PageSize = p.GetValue(size),
                PageToken = p.GetValue(token) ?? "",
            }, s.Headers, cancellationToken: ct);
            s.Out.Table(answer, answer.Cases, "case_id", "kind", "status", "customer_id", "claimant_id", "respondent_id", "owner_id", "recommendation.recommended_id", "next_deadline");
        }, branch, hq, size, token);
    }

    private static Command Joint(CommandKit kit)
    {
        var id = Id(CaseId, "案件编号 / case id");
        var reason = Required("--reason", "理由 / reason");
        return kit.Command("joint", "(a) 共同开发 / (a) joint development: both become co-developers", async (s, p, ct) =>
            s.Out.Record(await s.Cases.ResolveJointDevelopmentAsync(new ResolveJointDevelopmentRequest { CaseId = p.GetValue(id)!, Reason = p.GetValue(reason)! },
                s.Headers, cancellationToken: ct)), id, reason);
    }

    private static Command Claim(CommandKit kit)
    {
        var id = Id(CaseId, "案件编号 / case id");
        var milestone = Required("--milestone", "里程碑 / milestone: trial, deal");
        var due = Required("--due-on", "到期日 / due day yyyy-MM-dd (after today)");
        var reason = Required("--reason", "理由 / reason");
        return kit.Command("claim", "(b) 交保证金的超越进度主张 / (b) the claimant's surpassing-progress claim, deposit posted", async (s, p, ct) =>
            s.Out.Record(await s.Cases.ResolveBySurpassingClaimAsync(new ResolveBySurpassingClaimRequest
            {
                CaseId = p.GetValue(id)!,
                Milestone = Vocabulary.Parse<Milestone>(p.GetValue(milestone)!, "--milestone"),
                DueOn = Day(p.GetValue(due)!, "--due-on"),
                Reason = p.GetValue(reason)!,
            }, s.Headers, cancellationToken: ct)), id, milestone, due, reason);
    }

    private static Command Auction(CommandKit kit)
    {
        var id = Id(CaseId, "案件编号 / case id");
        var closes = Required("--closes-on", "截止日 / bidding closes at 24:00 of yyyy-MM-dd (after today)");
        var reason = Required("--reason", "理由 / reason");
        return kit.Command("auction", "(c) 竞拍 / (c) an auction: the highest bid wins", async (s, p, ct) =>
            s.Out.Record(await s.Cases.ResolveByAuctionAsync(new ResolveByAuctionRequest
            {
                CaseId = p.GetValue(id)!,
                ClosesOn = Day(p.GetValue(closes)!, "--closes-on"),
                Reason = p.GetValue(reason)!,
            }, s.Headers, cancellationToken: ct)), id, closes, reason);
    }

    private static Command Bid(CommandKit kit)
    {
        var id = Id(CaseId, "案件编号 / case id");
        var amount = Required("--amount", "金额（元） / amount, CNY");
        var milestone = Required("--milestone", "承诺 / commitment: trial, deal");
        return kit.Command("bid", "出价竞拍 / bid in an auction (P-2.4 c)", async (s, p, ct) =>
            s.Out.Record(await s.Cases.PlaceBidAsync(new PlaceBidRequest
            {
                CaseId = p.GetValue(id)!,
                Amount = p.GetValue(amount)!,
                Milestone = Vocabulary.Parse<Milestone>(p.GetValue(milestone)!, "--milestone"),
            }, s.Headers, cancellationToken: ct)), id, amount, milestone);
    }

    private static Command Decide(CommandKit kit)
    {
        var id = Id(CaseId, "案件编号 / case id");
        var award = Optional("--award-to", "归属给（案件一方） / who owns the customer from now on (a party; empty: unchanged)");
        var coDevelopers = Optional("--co-developers", "共同开发人（逗号分隔，可为空） / the co-developers from now on, comma separated (P-3.6)");
        var credit = Optional("--credit-to", "业绩归属 / whom the sale's credit goes to (P-8.2)");
        var reason = Required("--reason", "理由 / reason");
        var violations = new Option<string[]>("--violation")
        {
            Description = "认定的违规 / a violation found: violator:rule:kind[:manager_finding], e.g. S-002:P-4.5:encroachment:negligent (repeatable)",
            AllowMultipleArgumentsPerToken = false,
        };
        return kit.Command("decide", "裁决（经理或总部） / decide a case (branch manager or hq; P-9.3, P-13, P-4.5, P-8.2)", async (s, p, ct) =>
        {
            var request = new DecideRequest
            {
                CaseId = p.GetValue(id)!,
                AwardTo = p.GetValue(award) ?? "",
                CreditTo = p.GetValue(credit) ?? "",
                Reason = p.GetValue(reason)!,
            };
            if (p.GetValue(coDevelopers) is { } list)
            {
                request.ChangeCoDevelopers = true;
                request.CoDeveloperIds.Add(list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
            }

            request.Violations.Add((p.GetValue(violations) ?? []).Select(Finding));
            s.Out.Record(await s.Cases.DecideAsync(request, s.Headers, cancellationToken: ct));
        }, id, award, coDevelopers, credit, reason, violations);
    }

    private static ViolationFinding Finding(string text)
    {
        var parts = text.Split(':', StringSplitOptions.TrimEntries);
        if (parts.Length is < 3 or > 4 || parts.Take(3).Any(p => p.Length == 0))
        {
            throw new CliException(ExitCodes.InvalidArgument, $"--violation: '{text}' 应为 / should be violator:rule:kind[:manager_finding]");
        }

        return new ViolationFinding { ViolatorId = parts[0], RuleId = parts[1], Kind = parts[2], ManagerFinding = parts.Length == 4 ? Vocabulary.Parse<ManagerFinding>(parts[3], "--violation") : ManagerFinding.Unspecified };
    }

    private static Command Withdraw(CommandKit kit)
    {
        var id = Id(CaseId, "案件编号 / case id");
        var reason = Required("--reason", "理由 / reason");
        return kit.Command("withdraw", "主张人撤回案件 / the claimant withdraws the case", async (s, p, ct) =>
            s.Out.Record(await s.Cases.WithdrawAsync(new WithdrawRequest { CaseId = p.GetValue(id)!, Reason = p.GetValue(reason)! }, s.Headers, cancellationToken: ct)), id, reason);
    }

    private static Command Ledger(CommandKit kit)
    {
        var caseId = Optional("--case", "案件编号 / case id");
        var person = Optional("--person", "员工号 / person id");
        return kit.Command("ledger", "保证金和竞拍台账 / deposits and bids: held, refunded, forfeited (P-2.4)", async (s, p, ct) =>
        {
            var answer = await s.Cases.GetLedgerAsync(new GetLedgerRequest { CaseId = p.GetValue(caseId) ?? "", PersonId = p.GetValue(person) ?? "" },
                s.Headers, cancellationToken: ct);
            s.Out.Table(answer, answer.Entries, "entry_id", "case_id", "person_id", "kind", "amount", "milestone", "status", "posted_at", "settlement");
            s.Out.Line($"held {answer.Held}   refunded {answer.Refunded}   forfeited {answer.Forfeited}");
        }, caseId, person);
    }

    private static Command Milestone(CommandKit kit)
    {
        var id = Id(CaseId, "案件编号 / case id");
        return kit.Command("milestone", "进行中的里程碑是否已达成 / the milestone under way, evaluated now (P-2.4 b, c)", async (s, p, ct) =>
            s.Out.Record(await s.Cases.GetMilestoneProgressAsync(new GetMilestoneProgressRequest { CaseId = p.GetValue(id)! }, s.Headers, cancellationToken: ct)), id);
    }
}
