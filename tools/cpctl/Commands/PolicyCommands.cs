using System.CommandLine;
using System.Text.Encodings.Web;
using System.Text.Json;
using CustomerProtection.Cli.Core;
using CustomerProtection.Platform.V1;
using CustomerProtection.Protos;
using static CustomerProtection.Cli.Core.CommandKit;

namespace CustomerProtection.Cli.Commands;

/// <summary><c>cpctl policy …</c>: the parameters in force on a day and the working-day calendar (P-14).</summary>
internal static class PolicyCommands
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static Command Create(CommandKit kit) => Group("policy", "政策参数与工作日历 / policy parameters and the working-day calendar (P-14)",
        Params(kit), Calendar(kit), Reload(kit));

    private static Command Params(CommandKit kit)
    {
        var date = Optional("--date", "日期 / day yyyy-MM-dd (default: today)");
        var service = ClockCommands.Service();
        return kit.Command("params", "某日生效的政策参数 / the parameters in force on a day", async (s, p, ct) =>
        {
            var answer = await s.Policy(p.GetValue(service)!).GetParametersAsync(new GetParametersRequest { Date = p.GetValue(date) is { } day ? Day(day, "--date") : null }, s.Headers, cancellationToken: ct);
            if (s.Out.Json)
            {
                s.Out.WriteJson(answer);
                return;
            }

            s.Out.Line($"生效自 / effective from {answer.EffectiveFrom.ToIso()}");
            s.Out.Line(JsonSerializer.Serialize(JsonDocument.Parse(answer.ParametersJson).RootElement, Indented));
        }, date, service);
    }

    private static Command Calendar(CommandKit kit)
    {
        var service = ClockCommands.Service();
        return kit.Command("calendar", "工作日历来源及年份 / the calendar in force: source and years with data", async (s, p, ct) =>
            s.Out.Record(await s.Policy(p.GetValue(service)!).GetCalendarAsync(new GetCalendarRequest(), s.Headers, cancellationToken: ct)), service);
    }

    private static Command Reload(CommandKit kit)
    {
        var service = ClockCommands.Service();
        return kit.Command("reload-calendar", "总部重新读取日历目录（每年11月发布） / hq re-reads the calendar folder (each November's new year)", async (s, p, ct) =>
            s.Out.Record(await s.Policy(p.GetValue(service)!).ReloadCalendarAsync(new ReloadCalendarRequest(), s.Headers, cancellationToken: ct)), service);
    }
}
