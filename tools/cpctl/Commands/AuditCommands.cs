using System.CommandLine;
using System.Globalization;
using CustomerProtection.Cli.Core;
using CustomerProtection.Registration.V1;
using static CustomerProtection.Cli.Core.CommandKit;

namespace CustomerProtection.Cli.Commands;

/// <summary><c>cpctl audit …</c>: the hash-chained log of every clear read and every change of confidential data — who, when,
/// which customer, which fields, why — and the chain's verification (C-5).</summary>
internal static class AuditCommands
{
    public static Command Create(CommandKit kit) => Group("audit", "审计日志：谁在何时为何查看或修改了保密信息 / the audit log: who read or changed confidential data, when and why (C-5)",
        Query(kit), Verify(kit));

    private static Command Query(CommandKit kit)
    {
        var customer = Optional("--customer", "客户编号 / customer id");
        var employee = Optional("--employee", "员工号 / employee id");
        var from = Optional("--from", "起（含） / from, inclusive: yyyy-MM-dd (start of day, Asia/Shanghai) or an ISO instant; default: the start");
        var to = Optional("--to", "止（不含） / to, exclusive: yyyy-MM-dd or an ISO instant; default: now");
        var (size, token) = (PageSize(), PageToken());
        return kit.Command("query", "按客户、员工、时段查询（总部；分公司经理查本分公司） / entries by customer, employee and period, oldest first " +
            "(hq; a branch manager for the branch's customers and employees)", async (s, p, ct) =>
        {
            var answer = await s.Audit.ListAuditEntriesAsync(new ListAuditEntriesRequest
            {
                CustomerId = p.GetValue(customer) ?? "",
                EmployeeId = p.GetValue(employee) ?? "",
                From = Timestamp(p.GetValue(from), "--from"),
                To = Timestamp(p.GetValue(to), "--to"),
                PageSize = p.GetValue(size),
                PageToken = p.GetValue(token) ?? "",
            }, s.Headers, cancellationToken: ct);
            s.Out.Table(answer, answer.AuditEntries, "sequence", "at", "employee_id", "role", "customer_id", "kind", "fields", "purpose", "rpc", "detail");
        }, customer, employee, from, to, size, token);
    }

    private static Command Verify(CommandKit kit) =>
        kit.Command("verify", "重新计算哈希链，指出第一个断点（总部；断链时退出码 11） / re-compute the hash chain and name the first broken link " +
            "(hq; exit 11 when broken)", async (s, _, ct) =>
        {
            var verification = await s.Audit.VerifyAuditAsync(new VerifyAuditRequest(), s.Headers, cancellationToken: ct);
            s.Out.Record(verification);
            if (!verification.Intact)
            {
                // The answer is printed either way; the exit code is what a scheduled check acts on.
                throw new CliException(ExitCodes.AuditChainBroken, string.Create(CultureInfo.InvariantCulture,
                    $"审计链断裂 / the audit chain is broken at {verification.BrokenSequence} ({verification.BrokenEntryId}): {Vocabulary.Word(verification.BrokenReason)}"));
            }

            s.Out.Line("链完整 / chain intact: 保存 head_hash 于系统之外 / keep head_hash outside the system");
        });
}
