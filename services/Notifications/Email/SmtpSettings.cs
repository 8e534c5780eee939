using MailKit.Security;

namespace CustomerProtection.Notifications.Email;

/// <summary>
/// The SMTP relay the e-mails go through, section <c>Notifications:Smtp</c>: in Development the AppHost's
/// smtp4dev (host and port), in production the company's relay (host, port, TLS, account). A host is required:
/// the worker refuses to start without one, and the AppHost outside Development as well (X-3, docs/notifications.md).
/// </summary>
public sealed record SmtpSettings
{
    public const string SectionName = "Notifications:Smtp";

    public string Host { get; init; } = "";

    public int Port { get; init; } = 25;

    /// <summary>MailKit's <see cref="SecureSocketOptions"/>: StartTlsWhenAvailable unless set (SslOnConnect for port 465 relays, StartTls to insist).</summary>
    public SecureSocketOptions Security { get; init; } = SecureSocketOptions.StartTlsWhenAvailable;

    public string? UserName { get; init; }

    public string? Password { get; init; }

    public string FromAddress { get; init; } = "notifications@customerprotection.local";

    public string FromName { get; init; } = "客户保护系统 CustomerProtection";

    /// <summary>How long one connect, command or send may take before the attempt counts as failed.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(30);
}
