using System.CommandLine;
using CustomerProtection.Cli.Core;
using CustomerProtection.Notifications.V1;
using static CustomerProtection.Cli.Core.CommandKit;

namespace CustomerProtection.Cli.Commands;

/// <summary><c>cpctl notify …</c>: the notices the system sends (docs/notifications.md).</summary>
internal static class NotifyCommands
{
    public static Command Create(CommandKit kit) => Group("notify", "通知 / notices by e-mail (X-3, P-2.1, P-10, P-2.4, P-9, P-8, M-3)",
        Failed(kit), Preferences(kit), Mute(kit), Unmute(kit), Digest(kit));

    private const string Kinds = "protection_reminder, protection_lapsed, filing_announced, cross_region_escalated, complaint_escalated, follow_up_overdue, dealer_review_due " +
        "(不能屏蔽 / never: penalty_imposed P-8, ownership_awarded P-9)";

    private static Command Preferences(CommandKit kit) =>
        kit.Command("preferences", "我屏蔽的通知 / the kinds of notice I muted", async (s, p, ct) =>
            s.Out.Record(await s.Notifications.GetNoticePreferencesAsync(new GetNoticePreferencesRequest(), s.Headers, cancellationToken: ct)));

    private static Command Mute(CommandKit kit)
    {
        var kind = Required("--kind", "通知种类 / the kind: " + Kinds);
        return kit.Command("mute", "屏蔽一类通知 / stop getting one kind of notice", async (s, p, ct) =>
            s.Out.Record(await s.Notifications.MuteNoticesAsync(new MuteNoticesRequest { Kind = p.GetValue(kind)! }, s.Headers, cancellationToken: ct)), kind);
    }

    private static Command Unmute(CommandKit kit)
    {
        var kind = Required("--kind", "通知种类 / the kind");
        return kit.Command("unmute", "恢复一类通知 / get one kind of notice again", async (s, p, ct) =>
            s.Out.Record(await s.Notifications.UnmuteNoticesAsync(new UnmuteNoticesRequest { Kind = p.GetValue(kind)! }, s.Headers, cancellationToken: ct)), kind);
    }

    private static Command Digest(CommandKit kit)
    {
        var onOff = Id("on|off", "on：每天一封摘要代替单封提醒、公示和升级通知（罚款和裁决仍即时发送） / on: one daily digest instead of single " +
            "reminders, announcements and escalations (fines and decisions still come at once); off: single mails again");
        onOff.AcceptOnlyFromAmong("on", "off");
        return kit.Command("digest", "每日摘要 / the daily digest, on or off", async (s, p, ct) =>
            s.Out.Record(await s.Notifications.SetNoticeDigestAsync(new SetNoticeDigestRequest { DailyDigest = p.GetValue(onOff) == "on" }, s.Headers,
                cancellationToken: ct)), onOff);
    }

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
