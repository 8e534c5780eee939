using System.CommandLine;
using CustomerProtection.Cli.Core;
using CustomerProtection.Notifications.V1;
using static CustomerProtection.Cli.Core.CommandKit;

namespace CustomerProtection.Cli.Commands;

/// <summary><c>cpctl notify …</c>: the notices the system sends (docs/notifications.md).</summary>
internal static class NotifyCommands
{
    public static Command Create(CommandKit kit) => Group("notify", "通知 / notices by e-mail (X-3, P-2.1, P-10, P-2.4, P-9, P-8, M-3)",
        Failed(kit));

    private static Command Failed(CommandKit kit)
    {
        var (size, token) = (PageSize(), PageToken());
        return kit.Command("failed", "投递失败的通知（总公司） / the notices that failed for good (hq), latest first", async (s, p, ct) =>
        {
            var answer = await s.Notifications.ListFailedDeliveriesAsync(new ListFailedDeliveriesRequest
            {
                PageSize = p.GetValue(size),
                PageToken = p.GetValue(token) ?? "",
            }, s.Headers, cancellationToken: ct);
            s.Out.Table(answer, answer.Deliveries, "failed_at", "rule_id", "kind", "recipient_id", "address", "attempts", "last_error", "delivery_id");
        }, size, token);
    }
}
