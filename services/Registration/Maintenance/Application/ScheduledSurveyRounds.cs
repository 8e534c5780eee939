using CustomerProtection.Registration.Application;
using CustomerProtection.Registration.Domain;
using CustomerProtection.Registration.Maintenance.Domain;
using CustomerProtection.Registration.Maintenance.Persistence;
using CustomerProtection.Registration.Persistence;

namespace CustomerProtection.Registration.Maintenance.Application;

/// <summary>
/// M-4 "periodic": every <see cref="PolicyParameters.SurveyRoundEveryDays"/> days (the parameter in force on the pass's day) the
/// system opens a round over every branch the organisation copy knows, its customers those due by their class's interval
/// (<see cref="SurveyRounds.OpenScheduledAsync"/>), so nobody has to remember to survey. Branches go in id order, at most
/// <see cref="SurveyRounds.MaxBranches"/> a round, so a round's report is by branch and region and its trend is against the
/// previous scheduled round over the same branches. The schedule is one entry of a due-queue at the next pass's start of day
/// (Asia/Shanghai); a pass re-arms it. The rounds of a pass are keyed by its day: a pass run again (a lease that ran out,
/// a second replica) answers the rounds already opened and opens nothing twice. People may still open rounds of their own.
/// </summary>
public sealed class ScheduledSurveyRounds(SurveyRounds surveys, MaintenanceStore maintenance, Organization organization, PolicyClock clock)
{
    /// <summary>Who opened a scheduled round: no person did.</summary>
    public const string OpenedBy = "system";

    /// <summary>
    /// Starts the schedule when it has none (the first pass the next day); a schedule running already is left as it is. The
    /// branches copied before the list of branches existed are listed first, so every branch is surveyed.
    /// </summary>
    public async Task<bool> StartAsync()
    {
        await organization.FillBranchListAsync();
        return await maintenance.StartSurveyScheduleAsync(StartOf(clock.Today.PlusDays(1)));
    }

    /// <summary>One pass: today's rounds (none with the parameter at 0), then the next pass armed.</summary>
    public async Task<IReadOnlyList<SurveyRound>> PassAsync()
    {
        var today = clock.Today;
        var every = clock.On(today).SurveyRoundEveryDays;
        var opened = new List<SurveyRound>();
        if (every > 0)
        {
            var chunks = (await organization.BranchIdsAsync()).Chunk(SurveyRounds.MaxBranches).ToList();
            for (var i = 0; i < chunks.Count; i++)
            {
                if (await surveys.OpenScheduledAsync(chunks[i], $"schedule:{today:yyyy-MM-dd}:{i}") is { } round)
                {
                    opened.Add(round);
                }
            }
        }

        // With the parameter at 0 the schedule looks again the next day: a later version of the policy may turn it on.
        await maintenance.CommitAsync(new AtomicChange().IndexAdd(MaintenanceKeys.SurveyScheduleDue, MaintenanceKeys.ScheduledRoundsEntry,
            StartOf(today.PlusDays(every > 0 ? every : 1))));
        return opened;
    }

    private static double StartOf(NodaTime.LocalDate day) => CustomerIndexes.Ms(PolicyTime.StartOfDay(day));
}
