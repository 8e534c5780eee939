using MailKit.Net.Smtp;
using CustomerProtection.Notifications.Domain;
using MimeKit;

namespace CustomerProtection.Notifications.Email;

/// <summary>Sends one delivery as an e-mail over SMTP (MailKit): a plain-text and an HTML body, Chinese with English beside it.</summary>
public sealed class EmailSender(SmtpSettings settings)
{
    /// <summary>The header that names the delivery, so a mailbox (or a test) can tell one notice from another.</summary>
    public const string DeliveryHeader = "X-CustomerProtection-Delivery";

    /// <summary>
    /// Sends the delivery to <paramref name="to"/> (resolved from the directory copy for this attempt), greeting them.
    /// Throws on any failure (connection refused, a 4xx/5xx reply, a timeout): the caller counts the attempt.
    /// </summary>
    public async Task SendAsync(Delivery delivery, IReadOnlyList<Mailbox> to, CancellationToken cancellationToken)
    {
        var mail = NoticeRendering.Addressed(delivery, to);
        var message = new MimeMessage();
        message.From.Add(new MailboxAddress(settings.FromName, settings.FromAddress));
        message.To.AddRange(to.Select(m => new MailboxAddress(m.Name, m.Address)));
        message.Subject = mail.Subject;
        message.Headers.Add(DeliveryHeader, delivery.DeliveryId);
        message.Body = new BodyBuilder { TextBody = mail.Text, HtmlBody = mail.Html }.ToMessageBody();

        using var client = new SmtpClient { Timeout = (int)settings.Timeout.TotalMilliseconds };
        await client.ConnectAsync(settings.Host, settings.Port, settings.Security, cancellationToken);
        if (settings.UserName is { Length: > 0 } user)
        {
            await client.AuthenticateAsync(user, settings.Password ?? "", cancellationToken);
        }

        await client.SendAsync(message, cancellationToken);
        await client.DisconnectAsync(quit: true, cancellationToken);
    }
}
