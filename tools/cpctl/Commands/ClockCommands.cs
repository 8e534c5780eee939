using System.CommandLine;
using CustomerProtection.Cli.Core;
using CustomerProtection.Platform.V1;
using static CustomerProtection.Cli.Core.CommandKit;

namespace CustomerProtection.Cli.Commands;

/// <summary><c>cpctl clock …</c>: the shared business clock; moving it (hq, controllable clock only) moves the whole system.</summary>
internal static class ClockCommands
{
    public static Command Create(CommandKit kit) => Group("clock", "业务时钟 / the shared business clock",
        Now(kit), Advance(kit));

    internal static Option<string> Service() => new("--service")
    {
        Description = "由哪个服务回答 / which service answers: registration, territory, arbitration, penalty",
        DefaultValueFactory = _ => ResourceNames.Registration,
    };

    private static Command Now(CommandKit kit)
    {
        var service = Service();
        return kit.Command("now", "现在（上海日期）及偏移 / now, today in Asia/Shanghai, and the offset", async (s, p, ct) =>
            s.Out.Record(await s.Clock(p.GetValue(service)!).GetTimeAsync(new GetTimeRequest(), s.Headers, cancellationToken: ct)), service);
    }

    private static Command Advance(CommandKit kit)
    {
        var by = Required("--by", "拨快多少 / how far: 30d, 24h, 90m, 45s");
        return kit.Command("advance", "拨快整个系统的时钟（仅演示和测试，总部） / move the whole system's clock forward (demos and tests only; hq)", async (s, p, ct) =>
            s.Out.Record(await s.Clock().AdvanceAsync(new AdvanceRequest
            {
                By = Google.Protobuf.WellKnownTypes.Duration.FromTimeSpan(Duration(p.GetValue(by)!, "--by")),
            }, s.Headers, cancellationToken: ct)), by);
    }
}
