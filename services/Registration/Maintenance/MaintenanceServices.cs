using CustomerProtection.Registration.Maintenance.Application;
using CustomerProtection.Registration.Maintenance.Grpc;
using CustomerProtection.Registration.Maintenance.Persistence;
using CustomerProtection.Registration.Maintenance.Workers;

namespace CustomerProtection.Registration.Maintenance;

public static class MaintenanceServices
{
    /// <summary>
    /// Customer maintenance (docs/maintenance.md): M-1 follow-ups and their reminders (a due-queue and its
    /// worker), M-4 survey rounds and reports and their schedule (a due-queue and its worker), the re-verification of contacts. Its consumer
    /// (<see cref="Consumers.ArmFollowUpConsumer"/>) is found with Registration's other consumers.
    /// </summary>
    public static IHostApplicationBuilder AddCustomerMaintenance(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<MaintenanceStore>();
        builder.Services.AddSingleton<MaintainedCustomers>();
        builder.Services.AddSingleton<FollowUps>();
        builder.Services.AddSingleton<FollowUpReminders>();
        builder.Services.AddSingleton<SurveyRounds>();
        builder.Services.AddSingleton<ScheduledSurveyRounds>();
        builder.Services.AddSingleton<ContactVerifications>();
        builder.Services.AddHostedService<FollowUpReminderWorker>();
        builder.Services.AddHostedService<SurveyScheduleWorker>();
        return builder;
    }

    public static WebApplication MapCustomerMaintenance(this WebApplication app)
    {
        app.MapGrpcService<CustomerMaintenanceService>();
        return app;
    }
}
