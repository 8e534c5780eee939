using System.CommandLine;
using System.Globalization;
using CustomerProtection.Cli.Core;
using CustomerProtection.Registration.V1;
using Google.Protobuf;
using static CustomerProtection.Cli.Core.CommandKit;

namespace CustomerProtection.Cli.Commands;

/// <summary>
/// Registration's customer maintenance (docs/maintenance.md), three groups for its three jobs: <c>cpctl followup …</c>
/// (M-1 follow-ups by class), <c>cpctl survey …</c> (M-4 satisfaction surveys) and <c>cpctl verify …</c> (the periodic
/// re-verification of a customer's contacts).
/// </summary>
internal static class MaintenanceCommands
{
    private const string CustomerId = "customer-id";
    private const string RoundId = "round-id";

    public static Command FollowUp(CommandKit kit) => Group("followup", "客户跟进（按分类） / follow-ups by customer class (M-1)", FollowUpsDue(kit));

    public static Command Survey(CommandKit kit) => Group("survey", "满意度调查：发起、答卷、导入、报告 / satisfaction surveys: rounds, answers, import, report (M-4)",
        OpenRound(kit), ListRounds(kit), ShowRound(kit), Answer(kit), Import(kit), Report(kit));

    public static Command Verify(CommandKit kit) => Group("verify", "定期核实客户联系信息 / periodic re-verification of a customer's contacts",
        StaleVerifications(kit), Confirm(kit), Correct(kit));

    private static Command FollowUpsDue(CommandKit kit)
    {
        var branch = Optional("--branch", "分公司的客户（其人员、大区、总部） / a branch's customers (its staff, its region's roles, hq); default: my own");
        var (size, token) = (PageSize(), PageToken());
        return kit.Command("due", "逾期未跟进的受保护客户，逾期最久在前 / protected customers whose follow-up is overdue, most overdue first (M-1)", async (s, p, ct) =>
        {
            var answer = await s.Maintenance.ListFollowUpsDueAsync(new ListFollowUpsDueRequest
            {
                BranchId = p.GetValue(branch) ?? "",
                PageSize = p.GetValue(size),
                PageToken = p.GetValue(token) ?? "",
            }, s.Headers, cancellationToken: ct);
            s.Out.Table(answer, answer.FollowUpsDue, "customer_id", "invoice_title", "customer_class", "owner_id", "branch_id", "last_contact_on", "last_follow_up_day", "days_overdue");
        }, branch, size, token);
    }

    private static Command OpenRound(CommandKit kit)
    {
        var requestId = Optional("--request-id", "请求编号：重试时给同一个，只建一次 / request id: a retry with the same one creates once (default: none)");
        var branches = new Option<string[]>("--branch")
        {
            Description = "调查的分公司（可重复；总部任意，秘书或经理本分公司） / a branch surveyed (repeatable; hq any, a secretary or manager their own)",
            Required = true,
            AllowMultipleArgumentsPerToken = false,
        };
        return kit.Command("open", "发起一轮调查：到期未调查的受保护客户 / open a round over the protected customers due for a survey (M-4)", async (s, p, ct) =>
        {
            var request = new OpenSurveyRoundRequest { RequestId = p.GetValue(requestId) ?? "" };
            request.BranchIds.Add(p.GetValue(branches)!);
            PrintRound(s, await s.Maintenance.OpenSurveyRoundAsync(request, s.Headers, cancellationToken: ct));
        }, branches, requestId);
    }

    private static Command ListRounds(CommandKit kit)
    {
        var branch = Required("--branch", "分公司（其人员、大区、总部） / the branch (its staff, its region's roles, hq)");
        var (size, token) = (PageSize(), PageToken());
        return kit.Command("list", "分公司的调查轮次，最新在前（含按计划自动发起的） / a branch's survey rounds, newest first (with those the schedule opened, M-4)", async (s, p, ct) =>
        {
            var answer = await s.Maintenance.ListSurveyRoundsAsync(new ListSurveyRoundsRequest
            {
                BranchId = p.GetValue(branch)!,
                PageSize = p.GetValue(size),
                PageToken = p.GetValue(token) ?? "",
            }, s.Headers, cancellationToken: ct);
            s.Out.Table(answer, answer.SurveyRounds, "round_id", "branch_ids", "opened_by", "opened_on", "surveyed", "answered");
        }, branch, size, token);
    }

    private static Command ShowRound(CommandKit kit)
    {
        var id = Id(RoundId, "调查轮次 / round id");
        return kit.Command("show", "一轮调查及我可见的客户是否已答 / a round, with the customers I may see and whether each answered (M-4)", async (s, p, ct) =>
            PrintRound(s, await s.Maintenance.GetSurveyRoundAsync(new GetSurveyRoundRequest { RoundId = p.GetValue(id)! }, s.Headers, cancellationToken: ct)), id);
    }

    private static Command Answer(CommandKit kit)
    {
        var id = Id(RoundId, "调查轮次 / round id");
        var customer = Required("--customer", "客户编号 / customer id");
        var scores = new ScoreOptions();
        return kit.Command("answer", "记录一位客户的答卷（负责人或秘书，每轮一次） / record a customer's answer (its owner or the branch secretary; once per round, M-4)", async (s, p, ct) =>
            s.Out.Record(await s.Maintenance.RecordSurveyAnswerAsync(new RecordSurveyAnswerRequest
            {
                RoundId = p.GetValue(id)!,
                CustomerId = p.GetValue(customer)!,
                Scores = scores.Read(p),
            }, s.Headers, cancellationToken: ct)), [id, customer, .. scores.All]);
    }

    private static Command Import(CommandKit kit)
    {
        var id = Id(RoundId, "调查轮次 / round id");
        var file = new Option<FileInfo>("--file")
        {
            Description = "UTF-8 CSV 文件，表头 / UTF-8 CSV file, header: customer_id,product_quality,delivery,service,price,overall",
            Required = true,
        };
        return kit.Command("import", "从 CSV 导入答卷（秘书、经理或总部；逐行记录或拒绝） / import answers from a CSV (secretary, manager or hq; each line recorded or refused, M-4)", async (s, p, ct) =>
        {
            var input = p.GetValue(file)!;
            if (!input.Exists)
            {
                throw new CliException(ExitCodes.InvalidArgument, $"--file: {input.FullName} 不存在 / does not exist");
            }

            var answer = await s.Maintenance.ImportSurveyAnswersAsync(new ImportSurveyAnswersRequest
            {
                RoundId = p.GetValue(id)!,
                Content = ByteString.CopyFrom(await File.ReadAllBytesAsync(input.FullName, ct)),
            }, s.Headers, cancellationToken: ct);
            s.Out.Line($"已记录 / recorded {answer.Recorded}   拒绝 / refused {answer.Refusals.Count}");
            s.Out.Table(answer, answer.Refusals, "line", "customer_id", "reason");
        }, id, file);
    }

    private static Command Report(CommandKit kit)
    {
        var id = Id(RoundId, "调查轮次 / round id");
        return kit.Command("report", "按分公司、大区和全轮的平均分、回复率和趋势（只含我可见的） / averages, response rate and trend by branch, region and the whole round (the lines I may see, M-4)", async (s, p, ct) =>
        {
            var answer = await s.Maintenance.GetSurveyReportAsync(new GetSurveyReportRequest { RoundId = p.GetValue(id)! }, s.Headers, cancellationToken: ct);
            s.Out.Table(answer, answer.Groups, "kind", "id", "surveyed", "answered", "response_rate", "averages.product_quality", "averages.delivery",
                "averages.service", "averages.price", "averages.overall", "has_previous", "overall_change", "previous_round_id");
        }, id);
    }

    private static Command StaleVerifications(CommandKit kit)
    {
        var branch = Optional("--branch", "分公司的客户（经理、总部等） / a branch's customers (its readers: the manager, hq…); default: my own");
        var (size, token) = (PageSize(), PageToken());
        return kit.Command("stale", "联系信息逾期未核实的客户，逾期最久在前 / customers whose contacts are overdue for re-verification, most overdue first", async (s, p, ct) =>
        {
            var answer = await s.Maintenance.ListStaleVerificationsAsync(new ListStaleVerificationsRequest
            {
                BranchId = p.GetValue(branch) ?? "",
                PageSize = p.GetValue(size),
                PageToken = p.GetValue(token) ?? "",
            }, s.Headers, cancellationToken: ct);
            s.Out.Table(answer, answer.StaleVerifications, "customer_id", "invoice_title", "customer_class", "owner_id", "branch_id", "verified_on", "last_verification_day", "days_overdue");
        }, branch, size, token);
    }

    private static Command Confirm(CommandKit kit)
    {
        var id = Id(CustomerId, "客户编号 / customer id");
        return kit.Command("confirm", "负责人确认联系信息无误 / the owner confirms the contacts are still right (P-3.5: while protected)", async (s, p, ct) =>
            s.Out.Record(await s.Maintenance.ConfirmContactsAsync(new ConfirmContactsRequest { CustomerId = p.GetValue(id)! }, s.Headers, cancellationToken: ct)), id);
    }

    private static Command Correct(CommandKit kit)
    {
        var id = Id(CustomerId, "客户编号 / customer id");
        var name = Optional("--contact-name", "新联系人（保密） / new contact name (confidential, C-1)");
        var phone = Optional("--contact-phone", "新联系电话 / new contact phone");
        var email = Optional("--contact-email", "新邮箱 / new contact e-mail");
        var address = Optional("--contact-address", "新地址 / new contact address");
        return kit.Command("correct", "负责人更正联系信息（给出的字段替换原值，加密并审计） / the owner corrects the contacts: the fields given replace the stored ones, sealed and audited (C-4, C-5)", async (s, p, ct) =>
            s.Out.Record(await s.Maintenance.CorrectContactsAsync(new CorrectContactsRequest
            {
                CustomerId = p.GetValue(id)!,
                Contact = new ContactCorrection
                {
                    Name = p.GetValue(name) ?? "",
                    Phone = p.GetValue(phone) ?? "",
                    Email = p.GetValue(email) ?? "",
                    Address = p.GetValue(address) ?? "",
                },
            }, s.Headers, cancellationToken: ct)), id, name, phone, email, address);
    }

    /// <summary>A round: its counts on one line, then its members as a table (the whole answer with <c>--json</c>).</summary>
    private static void PrintRound(Session s, SurveyRound round)
    {
        s.Out.Line(string.Create(CultureInfo.InvariantCulture,
            $"轮次 / round {round.RoundId}   分公司 / branches {string.Join(",", round.BranchIds)}   发起 / opened {round.OpenedOn} {round.OpenedBy}   调查 / surveyed {round.Surveyed}   已答 / answered {round.Answered}"));
        s.Out.Table(round, round.Members, "customer_id", "invoice_title", "customer_class", "owner_id", "branch_id", "region_id", "answered");
    }

    /// <summary>The fixed questionnaire's five scores, each 1 (poor) to 5 (excellent); the server names a score out of range.</summary>
    private sealed class ScoreOptions
    {
        private readonly Option<int> _productQuality = Score("--product-quality", "产品质量 / product quality");
        private readonly Option<int> _delivery = Score("--delivery", "交付 / delivery");
        private readonly Option<int> _service = Score("--service", "服务 / service");
        private readonly Option<int> _price = Score("--price", "价格 / price");
        private readonly Option<int> _overall = Score("--overall", "总体满意度 / overall");

        public Option[] All => [_productQuality, _delivery, _service, _price, _overall];

        public SurveyScores Read(ParseResult p) => new()
        {
            ProductQuality = p.GetValue(_productQuality),
            Delivery = p.GetValue(_delivery),
            Service = p.GetValue(_service),
            Price = p.GetValue(_price),
            Overall = p.GetValue(_overall),
        };

        private static Option<int> Score(string name, string description) => new(name) { Description = description + " (1–5)", Required = true };
    }
}
