using Microsoft.Extensions.Hosting;

namespace CustomerProtection.Notifications.Tests;

/// <summary>
/// X-3, defence in depth: the worker itself, not only the AppHost (which refuses outside Development), refuses to
/// start without an SMTP relay, whatever the environment: every notice would only pile up in its outbox.
/// </summary>
public sealed class SmtpRelayRequiredTests
{
    [Theory]
    [InlineData("Production")]
    [InlineData("Development")]
    public void X3_the_worker_refuses_to_start_without_an_smtp_relay_naming_the_setting_and_the_doc(string environment)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = environment, DisableDefaults = true });

        var refused = Assert.Throws<InvalidOperationException>(() => builder.AddNotificationServices());

        Assert.Contains("Notifications:Smtp:Host", refused.Message, StringComparison.Ordinal);
        Assert.Contains("docs/notifications.md", refused.Message, StringComparison.Ordinal);
    }
}
