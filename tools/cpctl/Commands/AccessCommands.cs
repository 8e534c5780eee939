using System.CommandLine;
using CustomerProtection.Cli.Core;
using CustomerProtection.Registration.V1;
using static CustomerProtection.Cli.Core.CommandKit;

namespace CustomerProtection.Cli.Commands;

/// <summary><c>cpctl access …</c>: Registration's access grants — time-limited access to one customer's confidential data for
/// someone C-2 does not clear, decided by the manager of the customer's branch, expiring by itself (C-3).</summary>
internal static class AccessCommands
{
    private const string GrantId = "grant-id";

    /// <summary>The purposes of C-6 (the Purpose enum), as words.</summary>
    internal static readonly string Purposes = string.Join(", ", Vocabulary.Words<Purpose>());

    public static Command Create(CommandKit kit) => Group("access", "查看保密信息的授权：申请、审批、撤销 / access grants to a customer's confidential data: request, decide, revoke (C-3)",
        Request(kit), Decide(kit), Revoke(kit), Show(kit), List(kit));

    private static Command Request(CommandKit kit)
    {
        var requestId = Optional("--request-id", "请求编号：重试时给同一个，只建一次 / request id: a retry with the same one creates once (default: none)");
        var customer = Id("customer-id", "客户编号 / customer id");
        var purpose = Required("--purpose", "用途（须在客户同意范围内） / purpose, within the customer's consent (C-6): " + Purposes);
        var reason = Required("--reason", "理由（给经理看） / why, for the branch manager");
        var days = Number("--days", "天数（0 为默认 7 天，最多 30） / days of access (0: the default, 7; at most 30)");
        return kit.Command("request", "申请限时查看某客户的保密信息 / ask for time-limited access to one customer's confidential data (C-3)", async (s, p, ct) =>
            s.Out.Record(await s.AccessGrants.RequestAccessAsync(new RequestAccessRequest
            {
                CustomerId = p.GetValue(customer)!,
                Purpose = Vocabulary.Parse<Purpose>(p.GetValue(purpose)!, "--purpose"),
                Reason = p.GetValue(reason)!,
                Days = p.GetValue(days),
                RequestId = p.GetValue(requestId) ?? "",
            }, s.Headers, cancellationToken: ct)), customer, purpose, reason, days, requestId);
    }

    private static Command Decide(CommandKit kit)
    {
        var id = Id(GrantId, "申请编号 / grant id");
        var approve = Flag("--approve", "批准：授权即日起生效 / approve: access from now for the requested days");
        var refuse = Flag("--refuse", "拒绝（须说明理由） / refuse (a reason is required)");
        var reason = Optional("--reason", "理由 / reason");
        return kit.Command("decide", "客户所属分公司经理审批 / the manager of the customer's branch decides (C-3)", async (s, p, ct) =>
            s.Out.Record(await s.AccessGrants.DecideAccessAsync(new DecideAccessRequest
            {
                GrantId = p.GetValue(id)!,
                Approve = Either(p, approve, refuse),
                Reason = p.GetValue(reason) ?? "",
            }, s.Headers, cancellationToken: ct)), id, approve, refuse, reason);
    }

    private static Command Revoke(CommandKit kit)
    {
        var id = Id(GrantId, "申请编号 / grant id");
        var reason = Optional("--reason", "理由 / reason");
        return kit.Command("revoke", "提前结束授权（经理、总部或申请人本人） / end a grant or request early (the branch manager, hq, or the grantee)", async (s, p, ct) =>
            s.Out.Record(await s.AccessGrants.RevokeAccessAsync(new RevokeAccessRequest { GrantId = p.GetValue(id)!, Reason = p.GetValue(reason) ?? "" },
                s.Headers, cancellationToken: ct)), id, reason);
    }

    private static Command Show(CommandKit kit)
    {
        var id = Id(GrantId, "申请编号 / grant id");
        return kit.Command("show", "授权详情（状态即时计算） / one grant, status computed now: pending, refused, active, expired, revoked, ended", async (s, p, ct) =>
            s.Out.Record(await s.AccessGrants.GetAccessGrantAsync(new GetAccessGrantRequest { GrantId = p.GetValue(id)! }, s.Headers, cancellationToken: ct)), id);
    }

    private static Command List(CommandKit kit)
    {
        var branch = Optional("--branch", "分公司的申请（经理、总部） / a branch's requests (its manager, hq); default: your own");
        var (size, token) = (PageSize(), PageToken());
        return kit.Command("list", "授权申请列表（默认：我的） / access requests: your own, or a branch's", async (s, p, ct) =>
        {
            var answer = await s.AccessGrants.ListAccessGrantsAsync(new ListAccessGrantsRequest
            {
                BranchId = p.GetValue(branch) ?? "",
                PageSize = p.GetValue(size),
                PageToken = p.GetValue(token) ?? "",
            }, s.Headers, cancellationToken: ct);
            s.Out.Table(answer, answer.AccessGrants, "grant_id", "customer_id", "employee_id", "employee_role", "purpose", "days", "status", "requested_at", "decided_by", "expires_at");
        }, branch, size, token);
    }
}
