using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;

namespace CustomerProtection.EndToEnd.Tests;

/// <summary>
/// X-3 outside development: the notices must reach people, so the AppHost refuses to start without an SMTP relay
/// (smtp4dev's inbox is Development's only), and with one it runs no smtp4dev. Only the AppHost's model is built
/// here; no system starts.
/// </summary>
public sealed class SmtpRelayTests
{
    /// <summary>Production as DashboardTests runs it (the launch profile's anonymous dashboard switched off).</summary>
    private static readonly string[] Production =
        ["--environment=Production", "--ASPIRE_DASHBOARD_UNSECURED_ALLOW_ANONYMOUS=false", "--Infrastructure:Ephemeral=true", "--Infrastructure:Mode=local"];

    [Fact]
    public async Task X3_outside_development_an_apphost_without_an_smtp_relay_refuses_to_start_naming_the_setting_and_the_doc()
    {
        var refused = await Assert.ThrowsAnyAsync<Exception>(async () =>
            await DistributedApplicationTestingBuilder.CreateAsync<Projects.CustomerProtection_AppHost>(Production));

        Assert.Equal("InfrastructureSetupException", refused.GetType().Name);
        Assert.Contains("X-3", refused.Message, StringComparison.Ordinal);
        Assert.Contains("Notifications:Smtp:Host", refused.Message, StringComparison.Ordinal);
        Assert.Contains("docs/notifications.md", refused.Message, StringComparison.Ordinal);
        Assert.Contains("Production", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task X3_outside_development_an_apphost_given_an_smtp_relay_starts_without_smtp4dev()
    {
        await using var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.CustomerProtection_AppHost>(
            [.. Production, "--Notifications:Smtp:Host=smtp.example.com"]);

        Assert.Contains(builder.Resources, r => r.Name == ResourceNames.Notifications && r is ProjectResource);
        Assert.DoesNotContain(builder.Resources, r => r.Name == "smtp4dev");
    }

    [Fact]
    public async Task X3_in_development_an_apphost_without_a_relay_runs_smtp4dev_for_the_worker()
    {
        await using var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.CustomerProtection_AppHost>(
            ["--environment=Development", "--Infrastructure:Ephemeral=true", "--Infrastructure:Mode=local"]);

        Assert.Contains(builder.Resources, r => r.Name == "smtp4dev" && r is ExecutableResource);
    }
}
