using CustomerProtection.Registration.Maintenance.Application;
using CustomerProtection.Registration.Maintenance.Persistence;

namespace CustomerProtection.Registration.Maintenance.Workers;

/// <summary>
/// Runs M-4's schedule (<see cref="ScheduledSurveyRounds"/>): starts it once, then claims its one entry when due with a lease
/// long enough for a pass over every branch and runs the pass, which re-arms it; a pass that fails is run again when its
/// lease ends (its rounds are keyed by the day, so nothing opens twice). "Now" is the shared business clock.
/// </summary>
public sealed class SurveyScheduleWorker(MaintenanceStore store, ScheduledSurveyRounds schedule, PolicyClock clock, LoopHealth health, ILogger<SurveyScheduleWorker> logger)
    : SupervisedLoop(health, logger)
{
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(10);
    private static readonly TimeSpan Poll = TimeSpan.FromSeconds(1);
    private bool _started;

    protected override string Name => "survey-schedule";

    protected override async Task PassAsync(CancellationToken stoppingToken)
    {
        if (!_started)
        {
            await schedule.StartAsync();
            _started = true;
        }

        if (await TakeAsync())
        {
            var opened = await schedule.PassAsync();
            logger.LogInformation("M-4 scheduled pass opened {Rounds} survey round(s)", opened.Count);
        }

        await Task.Delay(Poll, stoppingToken);
    }

    /// <summary>Whether the schedule is due now (then leased to this replica).</summary>
    public async Task<bool> TakeAsync() => (await store.SurveySchedule.ClaimAsync(clock.UtcNow, 1, Lease)).Count > 0;
}
