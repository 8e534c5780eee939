using System.CommandLine;
using CustomerProtection.Cli.Core;
using CustomerProtection.Registration.V1;
using static CustomerProtection.Cli.Core.CommandKit;

namespace CustomerProtection.Cli.Commands;

/// <summary><c>cpctl incident …</c>: a suspected leak — the accounts named are frozen at once, the customers they touched are
/// listed from the audit log for notification, every step is recorded (C-7; hq only).</summary>
internal static class IncidentCommands
{
    private const string IncidentId = "incident-id";

    public static Command Create(CommandKit kit) => Group("incident", "泄露事件：冻结账号、受影响客户、处理步骤（总部） / leak incidents: frozen accounts, affected customers, steps (hq; C-7)",
        Record(kit), Show(kit), Affected(kit), Step(kit), Unfreeze(kit), Close(kit));

    private static Command Record(CommandKit kit)
    {
        var requestId = Optional("--request-id", "请求编号：重试时给同一个，只建一次 / request id: a retry with the same one creates once (default: none)");
        var description = Required("--description", "经过 / what is suspected");
        var employees = new Option<string[]>("--employee")
        {
            Description = "涉及的账号，立即冻结（可重复） / an account involved, frozen at once (repeatable)",
            Required = true,
            AllowMultipleArgumentsPerToken = false,
        };
        var since = Optional("--suspected-from", "怀疑起始 / suspected from: yyyy-MM-dd (Asia/Shanghai) or an ISO instant; default: ever");
        return kit.Command("record", "登记泄露事件并冻结账号 / record a suspected leak and freeze the accounts named (C-7)", async (s, p, ct) =>
        {
            var request = new RecordIncidentRequest { Description = p.GetValue(description)!, SuspectedFrom = Timestamp(p.GetValue(since), "--suspected-from"), RequestId = p.GetValue(requestId) ?? "" };
            request.EmployeeIds.Add(p.GetValue(employees)!);
            s.Out.Record(await s.Incidents.RecordIncidentAsync(request, s.Headers, cancellationToken: ct));
        }, description, employees, since, requestId);
    }

    private static Command Show(CommandKit kit)
    {
        var id = Id(IncidentId, "事件编号 / incident id");
        return kit.Command("show", "事件详情及每一步 / one incident with every step", async (s, p, ct) =>
            s.Out.Record(await s.Incidents.GetIncidentAsync(new GetIncidentRequest { IncidentId = p.GetValue(id)! }, s.Headers, cancellationToken: ct)), id);
    }

    private static Command Affected(CommandKit kit)
    {
        var id = Id(IncidentId, "事件编号 / incident id");
        var (size, token) = (PageSize(), PageToken());
        return kit.Command("affected", "受影响的客户（须通知）及接触过的账号 / the customers to notify and which frozen accounts touched each", async (s, p, ct) =>
        {
            var answer = await s.Incidents.ListAffectedCustomersAsync(new ListAffectedCustomersRequest
            {
                IncidentId = p.GetValue(id)!,
                PageSize = p.GetValue(size),
                PageToken = p.GetValue(token) ?? "",
            }, s.Headers, cancellationToken: ct);
            s.Out.Table(answer, answer.AffectedCustomers, "customer_id", "employee_ids");
        }, id, size, token);
    }

    private static Command Step(CommandKit kit)
    {
        var id = Id(IncidentId, "事件编号 / incident id");
        var note = Required("--note", "所做的事 / what was done (customers notified, regulator informed …)");
        var requestId = Optional("--request-id", "请求编号：重试时给同一个，只记一次 / request id: a retry with the same one records the step once (default: none)");
        return kit.Command("step", "记录一个处理步骤 / record a step taken", async (s, p, ct) =>
            s.Out.Record(await s.Incidents.AddIncidentStepAsync(
                new AddIncidentStepRequest { IncidentId = p.GetValue(id)!, Note = p.GetValue(note)!, RequestId = p.GetValue(requestId) ?? "" },
                s.Headers, cancellationToken: ct)), id, note, requestId);
    }

    private static Command Unfreeze(CommandKit kit)
    {
        var id = Id(IncidentId, "事件编号 / incident id");
        var employee = Required("--employee", "账号 / the account");
        var reason = Required("--reason", "理由 / reason");
        return kit.Command("unfreeze", "本事件不再冻结该账号（其他事件仍可冻结） / this incident stops freezing the account (another incident may still)", async (s, p, ct) =>
            s.Out.Record(await s.Incidents.UnfreezeAccountAsync(new UnfreezeAccountRequest
            {
                IncidentId = p.GetValue(id)!,
                EmployeeId = p.GetValue(employee)!,
                Reason = p.GetValue(reason)!,
            }, s.Headers, cancellationToken: ct)), id, employee, reason);
    }

    private static Command Close(CommandKit kit)
    {
        var id = Id(IncidentId, "事件编号 / incident id");
        var resolution = Required("--resolution", "结论 / resolution");
        return kit.Command("close", "关闭事件（仍冻结的账号保持冻结） / close the incident (accounts it still freezes stay frozen until unfrozen)", async (s, p, ct) =>
            s.Out.Record(await s.Incidents.CloseIncidentAsync(new CloseIncidentRequest { IncidentId = p.GetValue(id)!, Resolution = p.GetValue(resolution)! },
                s.Headers, cancellationToken: ct)), id, resolution);
    }
}
