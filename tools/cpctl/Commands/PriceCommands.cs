using System.CommandLine;
using CustomerProtection.Cli.Core;
using CustomerProtection.Territory.V1;
using static CustomerProtection.Cli.Core.CommandKit;

namespace CustomerProtection.Cli.Commands;

/// <summary><c>cpctl price …</c>: asking prices per region and product, and hq's approval of a price below a floor (P-3.7, P-4.2).</summary>
internal static class PriceCommands
{
    public static Command Create(CommandKit kit) => Group("price", "价格：大区报价与低价审批 / prices: asking prices and below-floor approvals (P-3.7, P-4.2)",
        Set(kit), Show(kit), RequestApproval(kit), Decide(kit), Approval(kit));

    private static Command Set(CommandKit kit)
    {
        var region = Required("--region", "大区 / region id");
        var product = Required("--product", "产品编码 / product code");
        var price = Required("--price", "单价（元） / price, CNY");
        var from = Optional("--from", "生效日（今天或以后） / effective from yyyy-MM-dd, today or later (default: today)");
        return kit.Command("set", "设定大区报价（总部或大区经理） / set a region's asking price (hq or the regional manager; never retroactive)", async (s, p, ct) =>
            s.Out.Record(await s.Pricing.SetAskingPriceAsync(new SetAskingPriceRequest
            {
                RegionId = p.GetValue(region)!,
                ProductCode = p.GetValue(product)!,
                Price = p.GetValue(price)!,
                EffectiveFrom = DayOrNull(p.GetValue(from), "--from"),
            }, s.Headers, cancellationToken: ct)), region, product, price, from);
    }

    private static Command Show(CommandKit kit)
    {
        var region = Required("--region", "大区 / region id");
        var product = Required("--product", "产品编码 / product code");
        var on = Optional("--on", "日期 / day yyyy-MM-dd (default: today)");
        return kit.Command("show", "报价的各版本及当日生效价 / the price's versions and the one in force on a day", async (s, p, ct) =>
            s.Out.Record(await s.Pricing.GetAskingPriceAsync(new GetAskingPriceRequest
            {
                RegionId = p.GetValue(region)!,
                ProductCode = p.GetValue(product)!,
                On = DayOrNull(p.GetValue(on), "--on"),
            }, s.Headers, cancellationToken: ct)), region, product, on);
    }

    private static Command RequestApproval(CommandKit kit)
    {
        var requestId = Optional("--request-id", "请求编号：重试时给同一个，只建一次 / request id: a retry with the same one makes one request (default: none)");
        var customer = new CustomerCommands.IdentityOptions();
        var product = Required("--product", "产品编码 / product code");
        var region = Required("--region", "大区 / region id");
        var price = Required("--price", "申请单价 / requested price, CNY");
        var reason = Required("--reason", "理由 / reason");
        return kit.Command("request-approval", "申请低于底价销售 / ask hq to sell below a floor (P-3.7, P-4.2)", async (s, p, ct) =>
            s.Out.Record(await s.Pricing.RequestPriceApprovalAsync(new RequestPriceApprovalRequest
            {
                RequestId = p.GetValue(requestId) ?? "",
                Customer = SaleCommands.Ref(customer, p),
                ProductCode = p.GetValue(product)!,
                RegionId = p.GetValue(region)!,
                RequestedPrice = p.GetValue(price)!,
                Reason = p.GetValue(reason)!,
            }, s.Headers, cancellationToken: ct)), [requestId, .. customer.All, product, region, price, reason]);
    }

    private static Command Decide(CommandKit kit)
    {
        var id = Id("approval-id", "申请编号 / approval id");
        var approve = Flag("--approve", "批准 / approve");
        var refuse = Flag("--refuse", "拒绝 / refuse");
        var final = Optional("--final-price", "最终价格（批准时必填） / the final price, required when approving");
        var until = Optional("--valid-until", "有效期至 / valid until yyyy-MM-dd");
        var reason = Optional("--reason", "理由 / reason");
        return kit.Command("decide", "总部审批低价申请 / hq decides a price approval: the company sets the final price (P-3.7)", async (s, p, ct) =>
            s.Out.Record(await s.Pricing.DecidePriceApprovalAsync(new DecidePriceApprovalRequest
            {
                Id = p.GetValue(id)!,
                Approve = Either(p, approve, refuse),
                FinalPrice = p.GetValue(final) ?? "",
                ValidUntil = DayOrNull(p.GetValue(until), "--valid-until"),
                Reason = p.GetValue(reason) ?? "",
            }, s.Headers, cancellationToken: ct)), id, approve, refuse, final, until, reason);
    }

    private static Command Approval(CommandKit kit)
    {
        var id = Id("approval-id", "申请编号 / approval id");
        return kit.Command("approval", "低价申请详情 / one price approval", async (s, p, ct) =>
            s.Out.Record(await s.Pricing.GetPriceApprovalAsync(new GetPriceApprovalRequest { Id = p.GetValue(id)! }, s.Headers, cancellationToken: ct)), id);
    }
}
