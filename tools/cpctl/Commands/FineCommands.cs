using System.CommandLine;
using CustomerProtection.Cli.Core;
using CustomerProtection.Penalty.V1;
using static CustomerProtection.Cli.Core.CommandKit;

namespace CustomerProtection.Cli.Commands;

/// <summary><c>cpctl fine …</c>: fines from proposal to payment or appeal (P-8.1–P-8.3).</summary>
internal static class FineCommands
{
    private const string FineId = "fine-id";

    public static Command Create(CommandKit kit) => Group("fine", "罚款：确认、调整、申诉、缴纳 / fines: confirm, adjust, appeal, pay (P-8)",
        Show(kit), List(kit), Totals(kit), Confirm(kit), Adjust(kit), Appeal(kit), DecideAppeal(kit), Pay(kit));

    private static Command Show(CommandKit kit)
    {
        var id = Id(FineId, "罚款编号 / fine id (<violation>.violator or <violation>.manager)");
        return kit.Command("show", "罚款详情及每一步 / one fine with every step", async (s, p, ct) =>
            s.Out.Record(await s.Penalties.GetFineAsync(new GetFineRequest { FineId = p.GetValue(id)! }, s.Headers, cancellationToken: ct)), id);
    }

    private sealed class FilterOptions
    {
        private readonly Option<string?> _employee = Optional("--employee", "员工号 / employee id");
        private readonly Option<string?> _branch = Optional("--branch", "分公司 / branch id");
        private readonly Option<string?> _region = Optional("--region", "大区 / region id");
        private readonly Option<string?> _status = Optional("--status", "状态 / status: " + string.Join(", ", Vocabulary.Words<FineStatus>()));
        private readonly Option<string?> _liability = Optional("--liability", "责任 / liability: violator, manager");
        private readonly Option<string?> _from = Optional("--from", "违规日期起 / violation date from yyyy-MM-dd");
        private readonly Option<string?> _to = Optional("--to", "违规日期止 / violation date to yyyy-MM-dd");

        public Option[] All => [_employee, _branch, _region, _status, _liability, _from, _to];

        public FineFilter Read(ParseResult p) => new()
        {
            EmployeeId = p.GetValue(_employee) ?? "",
            BranchId = p.GetValue(_branch) ?? "",
            RegionId = p.GetValue(_region) ?? "",
            Status = p.GetValue(_status) is { } status ? Vocabulary.Parse<FineStatus>(status, "--status") : FineStatus.Unspecified,
            Liability = p.GetValue(_liability) is { } liability ? Vocabulary.Parse<Liability>(liability, "--liability") : Liability.Unspecified,
            From = DayOrNull(p.GetValue(_from), "--from"),
            To = DayOrNull(p.GetValue(_to), "--to"),
        };
    }

    private static Command List(CommandKit kit)
    {
        var filter = new FilterOptions();
        var (size, token) = (PageSize(), PageToken());
        return kit.Command("list", "罚款列表（按角色可见范围） / fines the caller may see, newest first", async (s, p, ct) =>
        {
            var answer = await s.Penalties.ListFinesAsync(new ListFinesRequest { Filter = filter.Read(p), PageSize = p.GetValue(size), PageToken = p.GetValue(token) ?? "" },
                s.Headers, cancellationToken: ct);
            s.Out.Table(answer, answer.Fines, "id", "employee_id", "liability", "rule_id", "kind", "amount", "status", "serious", "violation_date");
        }, [.. filter.All, size, token]);
    }

    private static Command Totals(CommandKit kit)
    {
        var filter = new FilterOptions();
        return kit.Command("totals", "罚款合计 / totals: standing, paid, outstanding, serious", async (s, p, ct) =>
            s.Out.Record(await s.Penalties.GetFineTotalsAsync(new GetFineTotalsRequest { Filter = filter.Read(p) }, s.Headers, cancellationToken: ct)), filter.All);
    }

    private static Command Confirm(CommandKit kit)
    {
        var id = Id(FineId, "罚款编号 / fine id");
        var reason = Optional("--reason", "理由 / reason");
        var version = Version();
        return kit.Command("confirm", "总部确认建议金额 / hq confirms the proposed amount", async (s, p, ct) =>
            s.Out.Record(await s.Penalties.ConfirmFineAsync(new ConfirmFineRequest { FineId = p.GetValue(id)!, Reason = p.GetValue(reason) ?? "", ExpectedVersion = p.GetValue(version) },
                s.Headers, cancellationToken: ct)), id, reason, version);
    }

    private static Command Adjust(CommandKit kit)
    {
        var id = Id(FineId, "罚款编号 / fine id");
        var amount = Required("--amount", "新金额（元，范围内） / new amount, CNY, within the fine's range (P-8.1)");
        var reason = Required("--reason", "理由 / reason");
        var version = Version();
        return kit.Command("adjust", "总部在范围内调整金额 / hq adjusts the amount within the range", async (s, p, ct) =>
            s.Out.Record(await s.Penalties.AdjustFineAsync(new AdjustFineRequest
            {
                FineId = p.GetValue(id)!,
                Amount = p.GetValue(amount)!,
                Reason = p.GetValue(reason)!,
                ExpectedVersion = p.GetValue(version),
            }, s.Headers, cancellationToken: ct)), id, amount, reason, version);
    }

    private static Command Appeal(CommandKit kit)
    {
        var id = Id(FineId, "罚款编号 / fine id");
        var reason = Required("--reason", "理由 / reason");
        return kit.Command("appeal", "被罚人申诉（缴纳前一次） / the fined employee appeals, once, before payment", async (s, p, ct) =>
            s.Out.Record(await s.Penalties.AppealFineAsync(new AppealFineRequest { FineId = p.GetValue(id)!, Reason = p.GetValue(reason)! }, s.Headers, cancellationToken: ct)), id, reason);
    }

    private static Command DecideAppeal(CommandKit kit)
    {
        var id = Id(FineId, "罚款编号 / fine id");
        var uphold = Flag("--uphold", "维持 / uphold: the fine stands");
        var overturn = Flag("--overturn", "撤销 / overturn: the fine ends");
        var reason = Required("--reason", "理由 / reason");
        return kit.Command("decide-appeal", "总部裁决申诉 / hq decides an appeal", async (s, p, ct) =>
            s.Out.Record(await s.Penalties.DecideAppealAsync(new DecideAppealRequest
            {
                FineId = p.GetValue(id)!,
                Outcome = Either(p, uphold, overturn) ? AppealOutcome.Upheld : AppealOutcome.Overturned,
                Reason = p.GetValue(reason)!,
            }, s.Headers, cancellationToken: ct)), id, uphold, overturn, reason);
    }

    private static Command Pay(CommandKit kit)
    {
        var id = Id(FineId, "罚款编号 / fine id");
        var reason = Optional("--reason", "付款凭证 / payment reference");
        var version = Version();
        return kit.Command("pay", "总部记录缴纳 / hq records the payment", async (s, p, ct) =>
            s.Out.Record(await s.Penalties.RecordPaymentAsync(new RecordPaymentRequest { FineId = p.GetValue(id)!, Reason = p.GetValue(reason) ?? "", ExpectedVersion = p.GetValue(version) },
                s.Headers, cancellationToken: ct)), id, reason, version);
    }
}
