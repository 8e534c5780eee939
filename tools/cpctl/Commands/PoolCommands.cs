using System.CommandLine;
using CustomerProtection.Cli.Core;
using CustomerProtection.Registration.V1;
using static CustomerProtection.Cli.Core.CommandKit;

namespace CustomerProtection.Cli.Commands;

/// <summary><c>cpctl pool …</c>: the branch's public pool — list, claim, the manager's reallocation and behind-target marks (P-12, P-13, X-2, X-5).</summary>
internal static class PoolCommands
{
    public static Command Create(CommandKit kit) => Group("pool", "公共客户池 / the branch's public pool (P-12, P-13, X-2)",
        List(kit), Claim(kit), Reallocate(kit), BehindTarget(kit));

    private static Command List(CommandKit kit)
    {
        var branch = Required("--branch", "分公司 / branch id");
        var search = Optional("--search", "名称的一部分或税号开头 / part of the invoice title or the start of the taxpayer id");
        var customerClass = new Option<string[]>("--class") { Description = "分类 / class (M-1): important, potential, ordinary；可重复 / repeatable", AllowMultipleArgumentsPerToken = true };
        var (size, token) = (PageSize(), PageToken());
        return kit.Command("list", "池中客户及谁可领取 / customers in the pool, searchable, with who may claim them (P-12 priority window, X-2 cool-down)", async (s, p, ct) =>
        {
            var request = new ListPoolRequest
            {
                BranchId = p.GetValue(branch)!,
                Query = p.GetValue(search) ?? "",
                PageSize = p.GetValue(size),
                PageToken = p.GetValue(token) ?? "",
            };
            request.CustomerClass.Add(CustomerCommands.EnumWords<CustomerClass>(p.GetValue(customerClass), "CUSTOMER_CLASS_", "--class"));
            var answer = await s.Customers.ListPoolAsync(request, s.Headers, cancellationToken: ct);
            s.Out.Table(answer, answer.Customers, "customer_id", "invoice_title", "customer_class", "stage", "previous_owner_id", "freed_on",
                "pool_claims.open_to_all_from", "pool_claims.previous_owner_may_claim_from", "disputed");
        }, branch, search, customerClass, size, token);
    }

    private static Command Claim(CommandKit kit)
    {
        var id = Id("customer-id", "客户编号 / customer id");
        return kit.Command("claim", "业务员领取池中客户 / a salesperson claims a pool customer (P-12, X-2 quota and cool-down, X-1 cap)", async (s, p, ct) =>
            s.Out.Record(await s.Customers.ClaimFromPoolAsync(new ClaimFromPoolRequest { CustomerId = p.GetValue(id)! }, s.Headers, cancellationToken: ct)), id);
    }

    private static Command Reallocate(CommandKit kit)
    {
        var id = Id("customer-id", "客户编号 / customer id");
        var to = Required("--to", "新负责人员工号 / the salesperson who gets it");
        var reason = Required("--reason", "理由 / reason");
        return kit.Command("reallocate", "经理重新分配客户 / the branch manager reallocates a customer (P-13)", async (s, p, ct) =>
            s.Out.Record(await s.Customers.ReallocateAsync(new ReallocateRequest
            {
                CustomerId = p.GetValue(id)!,
                ToEmployeeId = p.GetValue(to)!,
                Reason = p.GetValue(reason)!,
            }, s.Headers, cancellationToken: ct)), id, to, reason);
    }

    private static Command BehindTarget(CommandKit kit)
    {
        var employee = Id("employee-id", "员工号 / employee id");
        var off = Flag("--off", "取消标记 / clear the mark");
        return kit.Command("behind-target", "经理标记未完成指标的业务员（优先领取） / the branch manager marks a salesperson behind target: served first (P-12)", async (s, p, ct) =>
            s.Out.Record(await s.Customers.SetBehindTargetAsync(new SetBehindTargetRequest { EmployeeId = p.GetValue(employee)!, BehindTarget = !p.GetValue(off) },
                s.Headers, cancellationToken: ct)), employee, off);
    }
}
