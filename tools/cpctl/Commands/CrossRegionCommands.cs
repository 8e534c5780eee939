using System.CommandLine;
using CustomerProtection.Cli.Core;
using CustomerProtection.Territory.V1;
using static CustomerProtection.Cli.Core.CommandKit;

namespace CustomerProtection.Cli.Commands;

/// <summary><c>cpctl cross-region …</c>: filings to sell in another region and their 24-hour clock (P-4.1, P-4.4, P-10).</summary>
internal static class CrossRegionCommands
{
    private const string FilingId = "filing-id";

    public static Command Create(CommandKit kit) => Group("cross-region", "跨区备案（24小时内确认，否则上报） / cross-region filings: confirmed within 24 hours or escalated (P-10)",
        Submit(kit), Show(kit), Answer(kit), Decide(kit), List(kit));

    private static Command Submit(CommandKit kit)
    {
        var id = Optional("--id", "备案编号（幂等） / filing id, idempotent (default: a new one)");
        var target = Required("--target-region", "目标大区 / the region the customer is in");
        var taxpayer = Optional("--taxpayer-id", "统一社会信用代码 / taxpayer id");
        var title = Optional("--title", "发票抬头 / invoice title");
        var reason = Required("--reason", "理由 / reason");
        return kit.Command("submit", "业务员提交跨区备案 / a salesperson files to sell in another region (P-4.1, P-10)", async (s, p, ct) =>
        {
            var request = new SubmitFilingRequest
            {
                Id = NewId(p.GetValue(id), "XR"),
                TargetRegionId = p.GetValue(target)!,
                Customer = new CustomerRef { TaxpayerId = p.GetValue(taxpayer) ?? "", InvoiceTitle = p.GetValue(title) ?? "" },
                Reason = p.GetValue(reason)!,
            };
            s.Out.Record(await s.CrossRegion.SubmitFilingAsync(request, s.Headers, cancellationToken: ct));
        }, id, target, taxpayer, title, reason);
    }

    private static Command Show(CommandKit kit)
    {
        var id = Id(FilingId, "备案编号 / filing id");
        return kit.Command("show", "跨区备案（状态即时计算） / one filing, status evaluated against the clock now", async (s, p, ct) =>
            s.Out.Record(await s.CrossRegion.GetFilingAsync(new GetFilingRequest { Id = p.GetValue(id)! }, s.Headers, cancellationToken: ct)), id);
    }

    private static Command Answer(CommandKit kit)
    {
        var id = Id(FilingId, "备案编号 / filing id");
        var confirm = Flag("--confirm", "确认 / confirm");
        var refuse = Flag("--refuse", "拒绝 / refuse");
        var reason = Optional("--reason", "理由 / reason");
        return kit.Command("answer", "目标大区秘书在截止前答复 / the target region's secretary answers before the deadline (P-10)", async (s, p, ct) =>
            s.Out.Record(await s.CrossRegion.AnswerFilingAsync(new AnswerFilingRequest
            {
                Id = p.GetValue(id)!,
                Confirm = Either(p, confirm, refuse),
                Reason = p.GetValue(reason) ?? "",
            }, s.Headers, cancellationToken: ct)), id, confirm, refuse, reason);
    }

    private static Command Decide(CommandKit kit)
    {
        var id = Id(FilingId, "备案编号 / filing id");
        var approve = Flag("--approve", "批准 / approve");
        var refuse = Flag("--refuse", "拒绝 / refuse");
        var reason = Optional("--reason", "理由 / reason");
        return kit.Command("decide", "总部在秘书确认后批准；上报后总部和目标大区经理共同决定 / hq once the secretary confirmed; after escalation hq and the target regional manager both (P-4.1, P-10)", async (s, p, ct) =>
            s.Out.Record(await s.CrossRegion.DecideFilingAsync(new DecideCrossRegionFilingRequest
            {
                Id = p.GetValue(id)!,
                Approve = Either(p, approve, refuse),
                Reason = p.GetValue(reason) ?? "",
            }, s.Headers, cancellationToken: ct)), id, approve, refuse, reason);
    }

    private static Command List(CommandKit kit)
    {
        var queue = new Option<string>("--queue")
        {
            Description = "队列 / queue: mine, to_confirm (regional secretary), to_approve (hq), escalated (hq, regional manager)",
            DefaultValueFactory = _ => "mine",
        };
        var (size, token) = (PageSize(), PageToken());
        return kit.Command("list", "跨区备案队列 / a queue of filings", async (s, p, ct) =>
        {
            var answer = await s.CrossRegion.ListFilingsAsync(new ListFilingsRequest
            {
                Queue = Vocabulary.Parse<FilingQueue>(p.GetValue(queue)!, "--queue"),
                PageSize = p.GetValue(size),
                PageToken = p.GetValue(token) ?? "",
            }, s.Headers, cancellationToken: ct);
            s.Out.Table(answer, answer.Filings, "id", "status", "stage", "requester_id", "target_region_id", "invoice_title", "submitted_at", "deadline", "decided_by");
        }, queue, size, token);
    }
}
