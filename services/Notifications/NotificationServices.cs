using CustomerProtection.Notifications.Application;
using CustomerProtection.Notifications.Domain;
using CustomerProtection.Notifications.Email;
using CustomerProtection.Notifications.Persistence;
using CustomerProtection.Notifications.Robots;
using CustomerProtection.Notifications.Workers;
using CustomerProtection.ServiceDefaults.Security;

namespace CustomerProtection.Notifications;

public static class NotificationServices
{
    /// <summary>The service account the worker asks Registration with (each caller's account state, C-7, C-9).</summary>
    public const string ServiceAccountKey = "Notifications:ServiceAccount";

    /// <summary>
    /// The worker's parts: the SMTP relay (<see cref="SmtpSettings"/>; a start without a host fails, since
    /// every notice would only pile up), the retry schedule, the store, the use cases and the delivery loop.
    /// </summary>
    public static IHostApplicationBuilder AddNotificationServices(this IHostApplicationBuilder builder)
    {
        var smtp = builder.Configuration.GetSection(SmtpSettings.SectionName).Get<SmtpSettings>(o => o.ErrorOnUnknownConfiguration = true) ?? new();
        if (smtp.Host.Length == 0)
        {
            throw new InvalidOperationException($"{SmtpSettings.SectionName}:Host is required: the SMTP relay the notices are sent through (docs/notifications.md)");
        }

        builder.Services.AddSingleton(smtp);
        builder.Services.AddSingleton(builder.Configuration.GetSection(RetrySchedule.SectionName).Get<RetrySchedule>(o => o.ErrorOnUnknownConfiguration = true) ?? new());
        var digest = builder.Configuration.GetSection(DigestSchedule.SectionName).Get<DigestSchedule>(o => o.ErrorOnUnknownConfiguration = true) ?? new();
        if (digest.Hour is < 0 or > 23)
        {
            throw new InvalidOperationException($"{DigestSchedule.SectionName}:Hour must be 0 to 23 (the local hour the daily digests go out, docs/notifications.md)");
        }

        builder.Services.AddSingleton(digest);
        builder.Services.AddSingleton<NotificationStore>();
        builder.Services.AddSingleton<EmailSender>();
        builder.Services.AddSingleton(new RobotBook(builder.Configuration.GetSection(RobotBook.SectionName).Get<List<Robot>>(o => o.ErrorOnUnknownConfiguration = true) ?? []));
        // The robots' signatures carry the wall clock's time: the platforms check it against theirs (within an hour).
        builder.Services.AddHttpClient(nameof(RobotSender)).Lean(); // one POST per outbox attempt: the outbox owns the retry
        builder.Services.AddSingleton(services => new RobotSender(
            services.GetRequiredService<IHttpClientFactory>().CreateClient(nameof(RobotSender)), services.GetRequiredService<RobotBook>(), TimeProvider.System));
        builder.Services.AddSingleton<CopyDirectory>();
        builder.Services.AddSingleton<RecordNotice>();
        builder.Services.AddSingleton<ResolveAddressees>();
        builder.Services.AddSingleton<SendDueDeliveries>();
        builder.Services.AddSingleton<SendDueDigests>();
        builder.Services.AddSingleton<ListFailedDeliveries>();
        builder.Services.AddSingleton<NoticePreferences>();
        builder.Services.AddHostedService<DeliveryWorker>();

        builder.AddServiceAccount(ServiceAccountKey, "svc-notifications");
        builder.AddAccountStatesFromRegistration();
        return builder;
    }
}
