using System.CommandLine;
using CustomerProtection.Cli.Core;
using CustomerProtection.Territory.V1;
using static CustomerProtection.Cli.Core.CommandKit;

namespace CustomerProtection.Cli.Commands;

/// <summary><c>cpctl sale …</c>: Territory's sales ledger — the authorisation asked before quoting, recorded
/// shipments and the violations they break, performance credit and service support (P-3.6, P-3.7, P-4, P-5).</summary>
internal static class SaleCommands
{
    public static Command Create(CommandKit kit) => Group("sale", "销售：报价前授权、记录发货、违规、业绩 / sales: authorisation, shipments, violations, credit",
        Authorize(kit), Record(kit), Show(kit), Violations(kit), Credits(kit),
        Group("support", "服务支持协议 / service-support agreements (P-4.3)", AddSupport(kit), ListSupport(kit)));

    /// <summary>Territory's CustomerRef from --customer / --taxpayer-id / --title.</summary>
    internal static CustomerRef Ref(CustomerCommands.IdentityOptions options, ParseResult p)
    {
        var (id, taxpayer, title) = options.Read(p);
        return new CustomerRef { CustomerId = id, TaxpayerId = taxpayer, InvoiceTitle = title };
    }

    private static Command Authorize(CommandKit kit)
    {
        var customer = new CustomerCommands.IdentityOptions();
        var product = Required("--product", "产品编码 / product code");
        var price = Required("--price", "单价（元） / unit price, CNY");
        var region = Required("--region", "客户所在大区 / the region the customer is served in");
        var agent = Flag("--through-agent", "经代理或中间人 / quoted through an agent or middleman (P-5)");
        var seller = Optional("--seller", "总部代业务员询问 / hq asking for this salesperson");
        return kit.Command("authorize", "报价前询问：可否以此价格卖给该客户 / before quoting: may I sell this, at this price, to this customer? (allowed / needs approval / forbidden, every rule)", async (s, p, ct) =>
        {
            var answer = await s.Sales.AuthorizeSaleAsync(new AuthorizeSaleRequest
            {
                Customer = Ref(customer, p),
                ProductCode = p.GetValue(product)!,
                UnitPrice = p.GetValue(price)!,
                RegionId = p.GetValue(region)!,
                ThroughAgent = p.GetValue(agent),
                SellerId = p.GetValue(seller) ?? "",
            }, s.Headers, cancellationToken: ct);
            s.Out.Record(answer);
        }, [.. customer.All, product, price, region, agent, seller]);
    }

    private static Command Record(CommandKit kit)
    {
        var id = Optional("--id", "ERP 发货单号（幂等键） / the ERP's shipment id, the idempotency key (default: a new one)");
        var seller = Required("--seller", "销售员 / seller id");
        var customer = new CustomerCommands.IdentityOptions();
        var product = Required("--product", "产品编码 / product code");
        var price = Required("--price", "单价（元） / unit price, CNY");
        var quantity = Required("--quantity", "数量 / quantity");
        var shipped = Optional("--shipped-on", "发货日期 / shipping day yyyy-MM-dd (default: today)");
        var region = Required("--region", "客户所在大区 / the region the customer is served in");
        var agent = Optional("--agent", "代理或中间人名称 / the agent or middleman, when sold through one (P-5)");
        var kind = Required("--kind", "出货类型（必填）/ what was shipped (P-1.1, required): formal_purchase, sample, trial");
        return kit.Command("record", "总部（ERP）记录一次发货，检出违规 / hq (the ERP) records a shipment; the rules it breaks become violations (P-5, P-4.1, P-4.2, P-3.7)", async (s, p, ct) =>
            s.Out.Record(await s.Sales.RecordSaleAsync(new RecordSaleRequest
            {
                Id = NewId(p.GetValue(id), "SALE"),
                SellerId = p.GetValue(seller)!,
                Customer = Ref(customer, p),
                ProductCode = p.GetValue(product)!,
                UnitPrice = p.GetValue(price)!,
                Quantity = p.GetValue(quantity)!,
                ShippedOn = Day(p.GetValue(shipped) ?? await TodayAsync(s, ct), "--shipped-on"),
                RegionId = p.GetValue(region)!,
                ThroughAgent = p.GetValue(agent) is not null,
                AgentName = p.GetValue(agent) ?? "",
                Kind = Vocabulary.Parse<SaleKind>(p.GetValue(kind)!, "--kind"),
            }, s.Headers, cancellationToken: ct)), [id, seller, .. customer.All, product, price, quantity, shipped, region, agent, kind]);
    }

    private static Command Show(CommandKit kit)
    {
        var id = Id("sale-id", "发货单号 / sale id");
        return kit.Command("show", "一次发货及其违规 / one sale with its violations", async (s, p, ct) =>
            s.Out.Record(await s.Sales.GetSaleAsync(new GetSaleRequest { Id = p.GetValue(id)! }, s.Headers, cancellationToken: ct)), id);
    }

    private static Command Violations(CommandKit kit)
    {
        var sale = Optional("--sale", "仅此销售单 / only this sale's");
        var (size, token) = (PageSize(), PageToken());
        return kit.Command("violations", "台账检出的违规（最新在前） / the violations the ledger found, newest first", async (s, p, ct) =>
        {
            var answer = await s.Sales.ListViolationsAsync(new ListSaleViolationsRequest
            {
                SaleId = p.GetValue(sale) ?? "",
                PageSize = p.GetValue(size),
                PageToken = p.GetValue(token) ?? "",
            }, s.Headers, cancellationToken: ct);
            s.Out.Table(answer, answer.Violations, "violation_id", "rule_id", "kind", "violator_id", "violator_manager_id", "injured_employee_id", "sale_id", "customer_annual_shipments");
        }, sale, size, token);
    }

    private static Command Credits(CommandKit kit)
    {
        var employee = Optional("--employee", "员工号（默认自己） / employee id (default: the caller)");
        var from = Optional("--from", "起始日 / from yyyy-MM-dd (default: 365 days before --to)");
        var to = Optional("--to", "截止日 / to yyyy-MM-dd (default: today)");
        return kit.Command("credits", "业绩归属 / the sales credited to an employee (P-4.3)", async (s, p, ct) =>
        {
            var answer = await s.Sales.ListCreditsAsync(new ListCreditsRequest
            {
                EmployeeId = p.GetValue(employee) ?? "",
                From = DayOrNull(p.GetValue(from), "--from"),
                To = DayOrNull(p.GetValue(to), "--to"),
            }, s.Headers, cancellationToken: ct);
            s.Out.Table(answer, answer.Credits, "sale_id", "shipped_on", "amount", "seller_id");
            s.Out.Line($"合计 / total {answer.Total}");
        }, employee, from, to);
    }

    private static Command AddSupport(CommandKit kit)
    {
        var requestId = Optional("--request-id", "请求编号：重试时给同一个，只登记一次 / request id: a retry with the same one records once (default: none)");
        var customer = new CustomerCommands.IdentityOptions();
        var developer = Required("--developer", "开发业务员 / the developing salesperson (credited)");
        var branch = Required("--branch", "提供支持的分公司 / the supporting branch");
        var fee = Required("--fee", "支持费（元） / fee, CNY");
        var from = Required("--from", "起始日 / valid from yyyy-MM-dd");
        var until = Optional("--until", "截止日 / valid until yyyy-MM-dd");
        var terms = Optional("--terms", "条款 / terms");
        return kit.Command("add", "记录本地分公司的服务支持 / record the local branch's paid support of a customer developed elsewhere", async (s, p, ct) =>
            s.Out.Record(await s.Sales.RecordServiceSupportAsync(new RecordServiceSupportRequest
            {
                RequestId = p.GetValue(requestId) ?? "",
                Customer = Ref(customer, p),
                DeveloperId = p.GetValue(developer)!,
                SupportingBranchId = p.GetValue(branch)!,
                Fee = p.GetValue(fee)!,
                ValidFrom = Day(p.GetValue(from)!, "--from"),
                ValidUntil = DayOrNull(p.GetValue(until), "--until"),
                Terms = p.GetValue(terms) ?? "",
            }, s.Headers, cancellationToken: ct)), [requestId, .. customer.All, developer, branch, fee, from, until, terms]);
    }

    private static Command ListSupport(CommandKit kit)
    {
        var branch = Optional("--branch", "提供支持的分公司 / supporting branch");
        var developer = Optional("--developer", "开发业务员 / developer");
        return kit.Command("list", "服务支持协议 / service-support agreements", async (s, p, ct) =>
        {
            var answer = await s.Sales.ListServiceSupportAsync(new ListServiceSupportRequest
            {
                SupportingBranchId = p.GetValue(branch) ?? "",
                DeveloperId = p.GetValue(developer) ?? "",
            }, s.Headers, cancellationToken: ct);
            s.Out.Table(answer, answer.Agreements, "id", "customer_identity_key", "developer_id", "supporting_branch_id", "fee", "valid_from", "valid_until");
        }, branch, developer);
    }
}
