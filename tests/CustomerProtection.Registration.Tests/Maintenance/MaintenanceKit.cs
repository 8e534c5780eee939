using CustomerProtection.Policy;
using CustomerProtection.Policy.Actors;
using CustomerProtection.Registration.Confidentiality.Application;
using CustomerProtection.Registration.Domain;
using CustomerProtection.Registration.Maintenance.Application;
using CustomerProtection.Registration.Maintenance.Domain;
using CustomerProtection.Registration.Maintenance.Persistence;
using CustomerProtection.Registration.Maintenance.Workers;
using CustomerProtection.Storage;
using Microsoft.Extensions.Logging.Abstractions;

namespace CustomerProtection.Registration.Tests.Maintenance;

/// <summary>
/// The customer maintenance use cases wired over a <see cref="Harness"/> as the service wires them. The
/// policy book keeps prospects protected for 400 days, so that a class's interval (up to a year) can run
/// out while the customer is still held; every maintenance parameter keeps its rule-book default.
/// </summary>
public sealed class MaintenanceKit
{
    public static readonly PolicyBook LongProtection =
        new([new PolicyVersion(PolicyBook.PolicyStart, PolicyParameters.Defaults with { ProspectProtectionDays = 400 })]);

    public MaintenanceKit(Harness h)
    {
        H = h;
        Store = new MaintenanceStore(h.Redis.Connection, h.Store);
        Customers = new MaintainedCustomers(h.Store, h.Organization, h.Clock);
        FollowUps = new FollowUps(h.Store, Customers, h.Clock);
        Reminders = new FollowUpReminders(h.Store, Store, FollowUps, Customers, h.Organization, h.Clock);
        Surveys = new SurveyRounds(h.Store, Store, Customers, h.Organization, h.Clock);
        Schedule = new ScheduledSurveyRounds(Surveys, Store, h.Organization, h.Clock);
        Verifications = new ContactVerifications(h.Store, Store, Customers, h.Confidential, new ConfidentialWriter(h.Confidential, Harness.Rpc), h.Audit, h.Clock);
    }

    public Harness H { get; }
    public MaintenanceStore Store { get; }
    public MaintainedCustomers Customers { get; }
    public FollowUps FollowUps { get; }
    public FollowUpReminders Reminders { get; }
    public SurveyRounds Surveys { get; }
    public ScheduledSurveyRounds Schedule { get; }
    public ContactVerifications Verifications { get; }

    /// <summary>A customer of <paramref name="customerClass"/> filed by <paramref name="salesperson"/> and approved on the harness's day.</summary>
    public async Task<Customer> HeldAsync(string salesperson, string title, string customerClass, string branch = "B-SH")
    {
        var (filed, _) = await H.File.ExecuteAsync(Harness.Salesperson(salesperson, branch), Harness.Filing(title) with { Class = customerClass });
        return (await H.Decide.ApproveAsync(Harness.Secretary(branch), filed.Value.Id)).Value;
    }

    /// <summary>Runs M-4's schedule as its worker does, without its timer: null when it is not due now, else the rounds its pass opened.</summary>
    public async Task<IReadOnlyList<SurveyRound>?> RunScheduleAsync()
    {
        var worker = new SurveyScheduleWorker(Store, Schedule, H.Clock, new LoopHealth(), NullLogger<SurveyScheduleWorker>.Instance);
        return await worker.TakeAsync() ? await Schedule.PassAsync() : null;
    }

    /// <summary>Runs the follow-up due-queue until nothing is due (as the worker does, without its timer).</summary>
    public async Task DrainFollowUpsAsync()
    {
        var worker = new FollowUpReminderWorker(Store, Reminders, H.Clock, new LoopHealth(), NullLogger<FollowUpReminderWorker>.Instance);
        while (await worker.TakeAsync() is { Count: > 0 } due)
        {
            foreach (var id in due)
            {
                await Reminders.HandleAsync(id);
            }
        }
    }

    public static Caller Manager(string branch = "B-SH") => Harness.Manager(branch);
}
