using System.CommandLine;
using CustomerProtection.Cli.Core;
using CustomerProtection.Territory.V1;
using static CustomerProtection.Cli.Core.CommandKit;

namespace CustomerProtection.Cli.Commands;

/// <summary><c>cpctl cross-region …</c>: cross-region requests to sell in another region and their 24-hour clock (P-4.1, P-4.4, P-10).</summary>
internal static class CrossRegionCommands
{
    private const string RequestId = "cross-region-request-id";

    public static Command Create(CommandKit kit) => Group("cross-region", "跨区域销售申请（24小时内确认，否则上报） / cross-region requests: confirmed within 24 hours or escalated (P-10)",
        Submit(kit), Show(kit), Answer(kit), Decide(kit), List(kit));

    private static Command Submit(CommandKit kit)
    {
        var requestId = Optional("--request-id", "请求编号：重试时给同一个，只建一次 / request id: a retry with the same one makes one request (default: none)");
        var target = Required("--target-region", "目标大区 / the region the customer is in");
        var taxpayer = Optional("--taxpayer-id", "统一社会信用代码 / taxpayer id");
        var title = Optional("--title", "发票抬头 / invoice title");
        var reason = Required("--reason", "理由 / reason");
        return kit.Command("submit", "业务员提交跨区域销售申请 / a salesperson asks to sell in another region (P-4.1, P-10)", async (s, p, ct) =>
        {
            var request = new CreateCrossRegionRequestRequest
            {
                RequestId = p.GetValue(requestId) ?? "",
                TargetRegionId = p.GetValue(target)!,
                Customer = new CustomerRef { TaxpayerId = p.GetValue(taxpayer) ?? "", InvoiceTitle = p.GetValue(title) ?? "" },
                Reason = p.GetValue(reason)!,
            };
            s.Out.Record(await s.CrossRegion.CreateCrossRegionRequestAsync(request, s.Headers, cancellationToken: ct));
        }, requestId, target, taxpayer, title, reason);
    }

    private static Command Show(CommandKit kit)
    {
        var id = Id(RequestId, "申请编号 / cross-region request id");
        return kit.Command("show", "跨区域销售申请（状态即时计算） / one cross-region request, status evaluated against the clock now", async (s, p, ct) =>
            s.Out.Record(await s.CrossRegion.GetCrossRegionRequestAsync(new GetCrossRegionRequestRequest { CrossRegionRequestId = p.GetValue(id)! }, s.Headers, cancellationToken: ct)), id);
    }

    private static Command Answer(CommandKit kit)
    {
        var id = Id(RequestId, "申请编号 / cross-region request id");
        var confirm = Flag("--confirm", "确认 / confirm");
        var refuse = Flag("--refuse", "拒绝 / refuse");
        var reason = Optional("--reason", "理由 / reason");
        return kit.Command("answer", "目标大区秘书在截止前答复 / the target region's secretary answers before the deadline (P-10)", async (s, p, ct) =>
            s.Out.Record(await s.CrossRegion.AnswerCrossRegionRequestAsync(new AnswerCrossRegionRequestRequest
            {
                CrossRegionRequestId = p.GetValue(id)!,
                Confirm = Either(p, confirm, refuse),
                Reason = p.GetValue(reason) ?? "",
            }, s.Headers, cancellationToken: ct)), id, confirm, refuse, reason);
    }

    private static Command Decide(CommandKit kit)
    {
        var id = Id(RequestId, "申请编号 / cross-region request id");
        var approve = Flag("--approve", "批准 / approve");
        var refuse = Flag("--refuse", "拒绝 / refuse");
        var reason = Optional("--reason", "理由 / reason");
        return kit.Command("decide", "总部在秘书确认后批准；上报后总部和目标大区经理共同决定 / hq once the secretary confirmed; after escalation hq and the target regional manager both (P-4.1, P-10)", async (s, p, ct) =>
            s.Out.Record(await s.CrossRegion.DecideCrossRegionRequestAsync(new DecideCrossRegionRequestRequest
            {
                CrossRegionRequestId = p.GetValue(id)!,
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
        return kit.Command("list", "跨区域销售申请队列 / a queue of cross-region requests", async (s, p, ct) =>
        {
            var answer = await s.CrossRegion.ListCrossRegionRequestsAsync(new ListCrossRegionRequestsRequest
            {
                Queue = Vocabulary.Parse<CrossRegionRequestQueue>(p.GetValue(queue)!, "--queue"),
                PageSize = p.GetValue(size),
                PageToken = p.GetValue(token) ?? "",
            }, s.Headers, cancellationToken: ct);
            s.Out.Table(answer, answer.CrossRegionRequests, "id", "status", "stage", "requester_id", "target_region_id", "invoice_title", "submitted_at", "deadline", "decided_by");
        }, queue, size, token);
    }
}
