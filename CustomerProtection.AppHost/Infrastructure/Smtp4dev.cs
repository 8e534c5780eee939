using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;

namespace CustomerProtection.AppHost.Infrastructure;

/// <summary>
/// Development's SMTP server with a web inbox: smtp4dev (the <c>Rnwood.Smtp4dev</c> dotnet tool, installed into
/// <c>.tools/</c> by run.sh and .ci/run), run on loopback ports with an in-memory database, so that the notices the
/// system sends land in an inbox a person can open from the dashboard. A deployment gives an SMTP relay instead
/// (<c>Notifications:Smtp:Host</c>, docs/notifications.md) and runs none.
/// </summary>
internal static class Smtp4dev
{
    /// <summary>The relay's host; set, the AppHost runs no smtp4dev.</summary>
    public const string RelayHostKey = "Notifications:Smtp:Host";

    public const string ResourceName = "smtp4dev";
    public const string InboxEndpoint = "inbox";
    public const string SmtpEndpoint = "smtp";
    public const string ToolVersion = "3.15.0";

    /// <summary>
    /// outside Development the notices must reach people, so an AppHost without a relay refuses to start
    /// instead of sending them into a throwaway inbox nobody reads (as C-4's checks refuse what only Development may do).
    /// </summary>
    public static void Check(IConfiguration configuration, IHostEnvironment environment)
    {
        if (environment.IsDevelopment() || !string.IsNullOrWhiteSpace(configuration[RelayHostKey]))
        {
            return;
        }

        throw new InfrastructureSetupException(
            $"X-3: 开发环境以外必须配置 SMTP 中继 / {RelayHostKey} is required outside Development (this is {environment.EnvironmentName}): the SMTP relay the notices are " +
            $"sent through, e.g. --{RelayHostKey}=smtp.example.com --Notifications:Smtp:Port=587 --Notifications:Smtp:Security=StartTls " +
            "(docs/notifications.md, Production). Only Development runs smtp4dev's inbox instead.");
    }

    /// <summary>Where run.sh and .ci/run install the tool: <c>&lt;repository&gt;/.tools/smtp4dev</c>.</summary>
    public static string ToolPath(IDistributedApplicationBuilder builder) =>
        Path.GetFullPath(Path.Combine(builder.AppHostDirectory, "..", ".tools", "smtp4dev"));

    public static IResourceBuilder<ExecutableResource> AddSmtp4dev(this IDistributedApplicationBuilder builder, DataDirectory? data)
    {
        var tool = ToolPath(builder);
        if (!File.Exists(tool))
        {
            throw new InfrastructureSetupException(
                $"smtp4dev not found at {tool}: install it with `dotnet tool install --tool-path .tools Rnwood.Smtp4dev --version {ToolVersion}` " +
                "(or run ./run.sh, which installs what is missing). Or give an SMTP relay: --Notifications:Smtp:Host=<relay> (docs/notifications.md).");
        }

        // Its settings and (empty) app data in a folder of its own: the in-memory database keeps the mails.
        var home = data is null ? Directory.CreateTempSubdirectory("cp-smtp4dev-").FullName : Path.Combine(data.Root, "smtp4dev");
        Directory.CreateDirectory(home);
        var ports = LocalPorts.TakeFree(4); // inbox, SMTP, and the IMAP and POP3 servers it always starts
        return builder.AddExecutable(ResourceName, tool, home)
            // A .NET 8 tool on the .NET 10 runtime.
            .WithEnvironment("DOTNET_ROLL_FORWARD", "Major")
            .WithHttpEndpoint(name: InboxEndpoint, port: ports[0], targetPort: ports[0], isProxied: false)
            .WithEndpoint(name: SmtpEndpoint, scheme: "tcp", port: ports[1], targetPort: ports[1], isProxied: false)
            .WithArgs(
                $"--urls=http://127.0.0.1:{ports[0]}",
                $"--smtpport={ports[1]}",
                $"--imapport={ports[2]}",
                $"--pop3port={ports[3]}",
                "--bindaddress=127.0.0.1",
                "--hostname=localhost",
                "--tlsmode=None",
                "--db=",
                "--nousersettings",
                $"--baseappdatapath={home}")
            .WithHttpHealthCheck("/", endpointName: InboxEndpoint)
            .WithUrlForEndpoint(InboxEndpoint, url => url.DisplayText = "收件箱 / inbox");
    }

    /// <summary>
    /// The worker's SMTP relay: the configured one (the whole <c>Notifications</c> section is passed on), else
    /// smtp4dev started here (Development only: <see cref="Check"/>). Returns smtp4dev, or null when a relay is configured.
    /// </summary>
    public static IResourceBuilder<ExecutableResource>? WithSmtp(this IResourceBuilder<ProjectResource> worker, IConfiguration configuration, DataDirectory? data)
    {
        foreach (var (key, value) in configuration.GetSection("Notifications").AsEnumerable())
        {
            if (value is not null)
            {
                worker.WithEnvironment(key.Replace(":", "__", StringComparison.Ordinal), value);
            }
        }

        if (!string.IsNullOrWhiteSpace(configuration[RelayHostKey]))
        {
            return null;
        }

        var smtp4dev = worker.ApplicationBuilder.AddSmtp4dev(data);
        var smtp = smtp4dev.GetEndpoint(SmtpEndpoint);
        worker.WithEnvironment("Notifications__Smtp__Host", "127.0.0.1")
            .WithEnvironment("Notifications__Smtp__Port", smtp.Property(EndpointProperty.TargetPort))
            .WithEnvironment("Notifications__Smtp__Security", "None")
            .WaitFor(smtp4dev);
        return smtp4dev;
    }
}
