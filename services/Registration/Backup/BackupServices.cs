using StackExchange.Redis;

namespace CustomerProtection.Registration.Backup;

public static class BackupServices
{
    /// <summary>
    /// C-8 scheduled, encrypted backups. In Registration because it holds the key ring (C-4): the key never
    /// leaves the one service trusted with it, and a backup of every customer is encrypted by it.
    /// </summary>
    public static IHostApplicationBuilder AddBackups(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<BackupOptions>().BindConfiguration(BackupOptions.SectionName, o => o.ErrorOnUnknownConfiguration = true)
            .Validate(o => !o.Enabled || !string.IsNullOrWhiteSpace(o.Directory), "Backup:Directory is required while Backup:Enabled (C-8)")
            .Validate(o => o.KeepLast >= 1 && o.KeepDays >= 0, "Backup needs KeepLast >= 1 and KeepDays >= 0")
            .ValidateOnStart();
        if (!builder.Configuration.GetValue(BackupOptions.SectionName + ":Enabled", defaultValue: true))
        {
            return builder;
        }

        // The service's own Redis connection string and CA: the snapshot goes to the same server, with the same TLS and password.
        var connection = ConfigurationOptions.Parse(builder.Configuration.GetConnectionString(ResourceNames.Redis) ?? "");
        var certificate = builder.Configuration[SharedConfigKeys.TransportCaCertificatePath] is { Length: > 0 } ca ? PrivateCa.Validator(ca) : null;
        builder.Services.AddSingleton(sp => new TakeScheduledBackup(
            sp.GetRequiredService<IConnectionMultiplexer>(), connection, certificate, sp.GetRequiredService<CustomerProtection.ServiceDefaults.Encryption.KeyRing>(),
            sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<BackupOptions>>(),
            sp.GetRequiredService<ILogger<TakeScheduledBackup>>()));
        builder.Services.AddHostedService<BackupWorker>();
        return builder;
    }
}
