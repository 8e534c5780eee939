using System.Globalization;
using NodaTime;

namespace CustomerProtection.Registration.Domain;

/// <summary>
/// Registration's own numbers for the pool's priority (P-12 names no numbers; configuration section
/// <c>Registration:Pool</c>): customers left behind by a leaver are reserved for priority claimants
/// (new employees and those the branch manager marked behind target) for <see cref="PriorityDays"/>
/// days; an employee is new for <see cref="NewEmployeeDays"/> days after the hire date.
/// </summary>
public sealed record PoolOptions
{
    public const string SectionName = "Registration:Pool";

    public int PriorityDays { get; init; } = 3;

    public int NewEmployeeDays { get; init; } = 90;
}

/// <summary>Who claims from the pool, as the organisation copy and the branch manager describe them.</summary>
public sealed record Claimant(string EmployeeId, DateOnly? HireDate, bool BehindTarget);

/// <summary>The public pool's rules (P-12, X-2).</summary>
public static class PoolRules
{
    /// <summary>P-12: the pool serves new employees and those behind on their targets first.</summary>
    public static bool IsPriority(Claimant claimant, LocalDate today, PoolOptions options) =>
        claimant.BehindTarget || (claimant.HireDate is { } hired && Protection.Local(hired).PlusDays(options.NewEmployeeDays) > today);

    /// <summary>
    /// a previous owner may not take back a customer that was freed from them (a lapse or a
    /// pool move) for N days: by a claim or by a new filing alike. Allowed again from the day the
    /// customer was freed + N.
    /// </summary>
    public static PolicyRefusalException? CheckCooldown(string employeeId, string? previousOwnerId, Instant? freedAt, PolicyParameters parameters, LocalDate today)
    {
        if (previousOwnerId != employeeId || CooldownEnds(freedAt, parameters) is not { } allowedFrom)
        {
            return null;
        }

        var freedOn = PolicyTime.DateOf(freedAt!.Value);
        if (today >= allowedFrom)
        {
            return null;
        }

        return new PolicyRefusalException(
            "X-2",
            $"该客户于 {Iso(freedOn)} 从您名下释放，{Iso(allowedFrom)} 起才能再领取 / this customer was freed from you on {Iso(freedOn)}; you may take it back from {Iso(allowedFrom)}",
            new Dictionary<string, string>
            {
                ["freedOn"] = Iso(freedOn),
                ["cooldownDays"] = parameters.PoolReclaimCooldownDays.ToString(CultureInfo.InvariantCulture),
                ["allowedFrom"] = Iso(allowedFrom),
                ["daysLeft"] = Period.Between(today, allowedFrom, PeriodUnits.Days).Days.ToString(CultureInfo.InvariantCulture),
            });
    }

    /// <summary>X-2: the first day the previous owner may take the customer back (the day it was freed + N); null when nothing was freed.</summary>
    public static LocalDate? CooldownEnds(Instant? freedAt, PolicyParameters parameters) =>
        freedAt is { } at ? PolicyTime.DateOf(at).PlusDays(parameters.PoolReclaimCooldownDays) : null;

    /// <summary>P-12: the first day a leaver's pool customer is open to every salesperson of its branch; null for any other free customer.</summary>
    public static LocalDate? PriorityEnds(Customer customer, Instant? freedAt, PoolOptions options) =>
        customer.FreedReason == Changes.Pool && freedAt is { } at ? PolicyTime.DateOf(at).PlusDays(options.PriorityDays) : null;

    /// <summary>P-12: a leaver's customers are offered to priority claimants first.</summary>
    public static PolicyRefusalException? CheckPriority(Customer customer, Instant? freedAt, Claimant claimant, LocalDate today, PoolOptions options)
    {
        if (PriorityEnds(customer, freedAt, options) is not { } openFrom || IsPriority(claimant, today, options))
        {
            return null;
        }

        return today >= openFrom
            ? null
            : new PolicyRefusalException(
                "P-12",
                $"离职人员的客户 {Iso(openFrom)} 前优先分配给新员工和未达标员工 / a leaver's customers go to new and behind-target employees first, until {Iso(openFrom)}",
                new Dictionary<string, string>
                {
                    ["openToAllFrom"] = Iso(openFrom),
                    ["priorityDays"] = options.PriorityDays.ToString(CultureInfo.InvariantCulture),
                });
    }

    public static PolicyRefusalException QuotaExhausted(int claimsToday, PolicyParameters parameters, LocalDate today) => new(
        "X-2",
        $"今日已领取 {claimsToday} 个，每日上限 {parameters.PoolClaimsPerDay} / {claimsToday} claims today, the daily limit is {parameters.PoolClaimsPerDay}",
        new Dictionary<string, string>
        {
            ["claimsToday"] = claimsToday.ToString(CultureInfo.InvariantCulture),
            ["dailyLimit"] = parameters.PoolClaimsPerDay.ToString(CultureInfo.InvariantCulture),
            ["day"] = Iso(today),
        });

    /// <summary>X-1: the holding cap was reached.</summary>
    public static PolicyRefusalException HoldingCapReached(long held, PolicyParameters parameters) => new(
        "X-1",
        $"已保有 {held} 个受保护客户，上限 {parameters.HoldingCap} / you hold {held} protected customers, the cap is {parameters.HoldingCap}",
        new Dictionary<string, string>
        {
            ["held"] = held.ToString(CultureInfo.InvariantCulture),
            ["cap"] = parameters.HoldingCap.ToString(CultureInfo.InvariantCulture),
            ["formalCustomersCount"] = parameters.HoldingCapCountsFormalCustomers ? "true" : "false",
        });

    private static string Iso(LocalDate date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
