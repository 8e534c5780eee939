using System.CommandLine;
using CustomerProtection.Cli.Core;
using CustomerProtection.Platform.V1;

namespace CustomerProtection.Cli.Commands;

/// <summary><c>cpctl status</c>: is every service answering, where, and on which business day.</summary>
internal static class StatusCommand
{
    private static readonly string[] Services = [ResourceNames.Registration, ResourceNames.Territory, ResourceNames.Arbitration, ResourceNames.Penalty];

    public static Command Create(CommandKit kit) => kit.Command("status", "各服务是否在线及其业务日期 / is every service answering, and its business day", async (s, _, ct) =>
    {
        var answers = new GetTimeResponse[Services.Length];
        for (var i = 0; i < Services.Length; i++)
        {
            answers[i] = await s.Clock(Services[i]).GetTimeAsync(new GetTimeRequest(), s.Headers, cancellationToken: ct);
        }

        s.Out.Rows(answers, "service", "today", "now", "offset", "controllable");
        s.Out.Line(s.DescribeAddresses());
    });
}
