using System.CommandLine;
using CustomerProtection.Cli.Core;
using CustomerProtection.Penalty.V1;
using static CustomerProtection.Cli.Core.CommandKit;

namespace CustomerProtection.Cli.Commands;

/// <summary><c>cpctl violation …</c>: violations as Penalty holds them, and hq's finding on the manager (P-8.1).</summary>
internal static class ViolationCommands
{
    public static Command Create(CommandKit kit) => Group("violation", "违规及经理责任认定 / violations and the manager's liability (P-5, P-8.1, P-8.3)",
        Show(kit), List(kit), Report(kit), Finding(kit), Serious(kit));

    private static Command Show(CommandKit kit)
    {
        var id = Id("violation-id", "违规编号 / violation id");
        return kit.Command("show", "违规及其罚款 / one violation with its fines and findings", async (s, p, ct) =>
            s.Out.Record(await s.Penalties.GetViolationAsync(new GetViolationRequest { ViolationId = p.GetValue(id)! }, s.Headers, cancellationToken: ct)), id);
    }

    private static Command List(CommandKit kit)
    {
        var branch = Required("--branch", "分公司 / branch id");
        var violator = Optional("--violator", "违规人员工号 / only this violator's");
        var from = Optional("--from", "起 / from yyyy-MM-dd");
        var to = Optional("--to", "止 / to yyyy-MM-dd");
        var (size, token) = (PageSize(), PageToken());
        return kit.Command("list", "分公司的违规历史 / a branch's violation history, newest first", async (s, p, ct) =>
        {
            var answer = await s.Penalties.ListViolationsAsync(new ListViolationsRequest
            {
                BranchId = p.GetValue(branch)!,
                ViolatorId = p.GetValue(violator) ?? "",
                From = DayOrNull(p.GetValue(from), "--from"),
                To = DayOrNull(p.GetValue(to), "--to"),
                PageSize = p.GetValue(size),
                PageToken = p.GetValue(token) ?? "",
            }, s.Headers, cancellationToken: ct);
            s.Out.Table(answer, answer.Violations, "id", "rule_id", "kind", "violator.employee_id", "violator.manager_id", "violation_date", "serious_suggested", "serious", "fines");
        }, branch, violator, from, to, size, token);
    }

    private static Command Report(CommandKit kit)
    {
        var month = Required("--month", "月份 / the month yyyy-MM");
        return kit.Command("report", "月度违规与罚款（按分公司、大区） / a month's violations and fines by branch and region (P-8)", async (s, p, ct) =>
        {
            var text = p.GetValue(month)!;
            var first = Day(text + "-01", "--month");
            var answer = await s.Penalties.GetMonthlyViolationReportAsync(new GetMonthlyViolationReportRequest
            {
                Month = new Google.Type.Date { Year = first.Year, Month = first.Month },
            }, s.Headers, cancellationToken: ct);
            s.Out.Record(answer);
        }, month);
    }

    private static Command Finding(CommandKit kit)
    {
        var id = Id("violation-id", "违规编号 / violation id");
        var finding = Required("--finding", "经理责任 / the manager's liability: none, negligent (失职), involved (参与), inactive (不作为)");
        var reason = Required("--reason", "理由 / reason");
        var shipments = Optional("--annual-shipments", "流失客户年发货额（元） / the lost customer's annual shipments as hq established them (major customer, P-8.1)");
        return kit.Command("finding", "总部认定经理责任（失职则连带罚款） / hq's finding on the violator's manager: negligent, involved or inactive fines the manager (P-8.1)", async (s, p, ct) =>
            s.Out.Record(await s.Penalties.RecordManagerFindingAsync(new RecordManagerFindingRequest
            {
                ViolationId = p.GetValue(id)!,
                ManagerFinding = Vocabulary.Parse<ManagerFinding>(p.GetValue(finding)!, "--finding"),
                Reason = p.GetValue(reason)!,
                CustomerAnnualShipments = p.GetValue(shipments) ?? "",
            }, s.Headers, cancellationToken: ct)), id, finding, reason, shipments);
    }

    private static Command Serious(CommandKit kit)
    {
        var id = Id("violation-id", "违规编号 / violation id");
        var fine = Optional("--fine", "加重后的罚款（元，高于现额，无上限） / the heavier violator fine in CNY (above the current amount, no cap)");
        var dismiss = Flag("--dismiss", "辞退违规者（离职流程：客户回公海，权限即时终止） / dismiss the violator (leaver flow: customers to the pool, access ends, P-12, C-9)");
        var reason = Required("--reason", "理由 / reason");
        return kit.Command("serious", "总部认定严重情节：加重罚款和/或辞退 / hq declares a serious case: a heavier fine and/or dismissal (P-8.3)", async (s, p, ct) =>
            s.Out.Record(await s.Penalties.DeclareSeriousCaseAsync(new DeclareSeriousCaseRequest
            {
                ViolationId = p.GetValue(id)!,
                Fine = p.GetValue(fine) ?? "",
                Dismissal = p.GetValue(dismiss),
                Reason = p.GetValue(reason)!,
            }, s.Headers, cancellationToken: ct)), id, fine, dismiss, reason);
    }
}
