using CustomerProtection.Messaging;
using CustomerProtection.Contracts.Arbitration;
using CustomerProtection.Contracts.Registration;
using MassTransit;

namespace CustomerProtection.Territory.Reports;

// The monthly report's consumers: each hands one event to CountReportFacts, which counts it once.

public sealed class ReportOwnershipChangedConsumer(CountReportFacts count) : IConsumer<OwnershipChanged>
{
    /// <summary>The event has no id of its own: its message id, stamped by Registration's outbox, is the same on every delivery.</summary>
    public Task Consume(ConsumeContext<OwnershipChanged> context) =>
        count.ExecuteAsync(context.Message, EventIds.Of(context));
}

public sealed class ReportFilingSubmittedConsumer(CountReportFacts count) : IConsumer<FilingSubmitted>
{
    public Task Consume(ConsumeContext<FilingSubmitted> context) => count.ExecuteAsync(context.Message);
}

public sealed class ReportFilingRejectedConsumer(CountReportFacts count) : IConsumer<FilingRejected>
{
    public Task Consume(ConsumeContext<FilingRejected> context) => count.ExecuteAsync(context.Message);
}

public sealed class ReportProtectionLapsedConsumer(CountReportFacts count) : IConsumer<ProtectionLapsed>
{
    public Task Consume(ConsumeContext<ProtectionLapsed> context) => count.ExecuteAsync(context.Message);
}

public sealed class ReportCaseOpenedConsumer(CountReportFacts count) : IConsumer<CaseOpened>
{
    public Task Consume(ConsumeContext<CaseOpened> context) => count.ExecuteAsync(context.Message);
}

public sealed class ReportCaseClosedConsumer(CountReportFacts count) : IConsumer<CaseClosed>
{
    public Task Consume(ConsumeContext<CaseClosed> context) => count.ExecuteAsync(context.Message);
}

/// <summary>The report's part of Territory: its store, use cases and consumers, added by Program.cs with one line each.</summary>
public static class ReportsRegistration
{
    public static IHostApplicationBuilder AddReports(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<ReportStore>();
        builder.Services.AddSingleton<CountReportFacts>();
        builder.Services.AddSingleton<GetMonthlyReport>();
        return builder;
    }

    public static void AddReportConsumers(this IBusRegistrationConfigurator bus)
    {
        bus.AddConsumer<ReportOwnershipChangedConsumer>();
        bus.AddConsumer<ReportFilingSubmittedConsumer>();
        bus.AddConsumer<ReportFilingRejectedConsumer>();
        bus.AddConsumer<ReportProtectionLapsedConsumer>();
        bus.AddConsumer<ReportCaseOpenedConsumer>();
        bus.AddConsumer<ReportCaseClosedConsumer>();
    }
}
