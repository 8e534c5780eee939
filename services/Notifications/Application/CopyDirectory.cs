using CustomerProtection.Contracts.Organization;
using CustomerProtection.Notifications.Persistence;

namespace CustomerProtection.Notifications.Application;

/// <summary>
/// The worker's own copy of Territory's directory (architecture.md: events, not calls, and no service reads
/// another's keys): who a notice's recipients are and where they are reached. A copy is replaced only by a
/// newer version, so a redelivered or late event changes nothing; the sets of a branch's secretaries and of
/// hq change in the same step as the employee's copy.
/// </summary>
public sealed class CopyDirectory(NotificationStore store)
{
    public Task ApplyAsync(EmployeeSnapshot employee, long version) =>
        OptimisticConcurrency.TryAsync(async () =>
        {
            var current = await store.GetEmployeeAsync(employee.EmployeeId);
            if (current is not null && current.Version >= version)
            {
                return (ChangeResult.Applied, false);
            }

            var change = new AtomicChange().Expect(NotificationKeys.Employee(employee.EmployeeId), current?.Version ?? 0);
            store.PutEmployee(change, employee, version);
            if (current?.Value is { } previous && GroupOf(previous) is { } formerGroup)
            {
                change.SetRemove(formerGroup, employee.EmployeeId);
            }

            if (employee.Status != EmployeeStatuses.Left && GroupOf(employee) is { } group)
            {
                change.SetAdd(group, employee.EmployeeId);
            }

            return (await store.CommitAsync(change), true);
        }, retryOn: r => r.Failure == ChangeFailure.VersionMoved);

    public Task ApplyAsync(BranchSnapshot branch, long version) =>
        OptimisticConcurrency.TryAsync(async () =>
        {
            var current = await store.GetBranchAsync(branch.BranchId);
            if (current is not null && current.Version >= version)
            {
                return (ChangeResult.Applied, false);
            }

            var change = new AtomicChange().Expect(NotificationKeys.Branch(branch.BranchId), current?.Version ?? 0);
            return (await store.CommitAsync(store.PutBranch(change, branch, version)), true);
        }, retryOn: r => r.Failure == ChangeFailure.VersionMoved);

    /// <summary>The set an employee is found by when a notice names a role rather than a person.</summary>
    private static StackExchange.Redis.RedisKey? GroupOf(EmployeeSnapshot employee) => employee switch
    {
        { Role: Roles.Hq } => NotificationKeys.Hq,
        { Role: Roles.BranchSecretary, BranchId: { Length: > 0 } branch } => NotificationKeys.BranchSecretaries(branch),
        _ => (StackExchange.Redis.RedisKey?)null,
    };
}

/// <summary>The directory's employee statuses (the token vocabulary of the organisation events).</summary>
public static class EmployeeStatuses
{
    public const string Left = "left";
}
