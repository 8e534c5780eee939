using System.Globalization;
using System.Net;
using System.Text;

namespace CustomerProtection.Notifications.Domain;

/// <summary>A notice's mail: the subject, a plain-text body and an HTML body, each Chinese with English beside it.</summary>
public sealed record RenderedNotice(string Subject, string Text, string Html);

public static class NoticeRendering
{
    /// <summary>The notice for a team chat: the subject, then each line in Chinese with the English below it (markdown).</summary>
    public static RenderedNotice RenderForChat(Notice notice)
    {
        var subject = $"[{notice.RuleId}] {notice.Subject.Zh} / {notice.Subject.En}";
        var text = new StringBuilder();
        foreach (var line in notice.Lines)
        {
            text.Append(line.Zh).Append("\n> ").Append(line.En).Append("\n\n");
        }

        return new(subject, text.ToString().TrimEnd('\n'), "");
    }

    /// <summary>
    /// A notice's mail as recorded: the subject and its lines, no greeting yet — whom it greets is known when it is sent
    /// (<see cref="Addressed"/>), as the directory copy may learn the recipient only later.
    /// </summary>
    public static RenderedNotice Render(Notice notice) =>
        new($"[{notice.RuleId}] {notice.Subject.Zh} / {notice.Subject.En}", Text(notice.Lines), Html(notice.Lines));

    /// <summary>
    /// A person's daily digest of <paramref name="day"/>: the notices held back for it, by section (what lapses, what
    /// waits for their decision, the rest), each as its subject with the rule id.
    /// </summary>
    public static RenderedNotice RenderDigest(DateOnly day, IReadOnlyList<DigestItem> items)
    {
        var date = day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var lines = new List<Bilingual> { new($"以下是 {date} 的每日通知摘要，共 {items.Count} 条。", $"Your daily digest of {date}: {items.Count} notices.") };
        foreach (var (section, heading) in DigestSections.Ordered)
        {
            var inSection = items.Where(i => i.Section == section).ToList();
            if (inSection.Count > 0)
            {
                lines.Add(heading);
                lines.AddRange(inSection.Select(i => new Bilingual($"· [{i.RuleId}] {i.Subject.Zh}", $"· [{i.RuleId}] {i.Subject.En}")));
            }
        }

        return new($"[摘要 Digest] {date} 每日通知摘要 / Daily digest", Text(lines), Html(lines));
    }

    /// <summary>
    /// The mail as sent to <paramref name="to"/>: the greeting, the recorded lines, the closing; the plain text, and the
    /// HTML as a whole document.
    /// </summary>
    public static RenderedNotice Addressed(Delivery delivery, IReadOnlyList<Mailbox> to)
    {
        var names = to.Select(m => m.Name).ToList();
        Bilingual[] greeting = [new($"{string.Join("、", names)}，您好：", $"Dear {string.Join(", ", names)},")];
        Bilingual closing = new("客户保护系统（此邮件自动发送）", "CustomerProtection (sent automatically)");

        var text = new StringBuilder(Text(greeting)).Append(delivery.Text)
            .Append("— ").Append(closing.Zh).Append(" / ").Append(closing.En).Append('\n');
        var html = new StringBuilder("<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>")
            .Append(WebUtility.HtmlEncode(delivery.Subject)).Append("</title></head><body>")
            .Append(Html(greeting)).Append(delivery.Html)
            .Append("<p>— ").Append(WebUtility.HtmlEncode(closing.Zh)).Append(" / <span lang=\"en\">")
            .Append(WebUtility.HtmlEncode(closing.En)).Append("</span></p></body></html>");
        return new(delivery.Subject, text.ToString(), html.ToString());
    }

    private static string Text(IEnumerable<Bilingual> lines)
    {
        var text = new StringBuilder();
        foreach (var line in lines)
        {
            text.Append(line.Zh).Append('\n').Append(line.En).Append("\n\n");
        }

        return text.ToString();
    }

    private static string Html(IEnumerable<Bilingual> lines)
    {
        var html = new StringBuilder();
        foreach (var line in lines)
        {
            html.Append("<p>").Append(WebUtility.HtmlEncode(line.Zh)).Append("<br><span lang=\"en\">")
                .Append(WebUtility.HtmlEncode(line.En)).Append("</span></p>");
        }

        return html.ToString();
    }
}
