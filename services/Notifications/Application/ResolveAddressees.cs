using CustomerProtection.Contracts.Organization;
using CustomerProtection.Notifications.Domain;
using CustomerProtection.Notifications.Persistence;

namespace CustomerProtection.Notifications.Application;

/// <summary>
/// What one attempt of a mail finds in the directory copy: the mailboxes to send it to; or why it cannot go yet
/// (<paramref name="NotYet"/>: the copy lags Territory — counted as a failed attempt, so it is tried again on the
/// retry schedule and failed with this reason after the last); or why it never will (<paramref name="Withdrawn"/>).
/// </summary>
public sealed record Addressees(IReadOnlyList<Mailbox> To, string? NotYet = null, string? Withdrawn = null);

/// <summary>
/// Resolves a mail's recipient at send time, not when the notice was recorded: the copy of the directory may not yet
/// have applied the event that brings the person (a salesperson who joined a second ago), their address, or the
/// holder of a role (<see cref="RoleRecipients"/>). Whoever has left is told nothing more (C-9, P-12).
/// </summary>
public sealed class ResolveAddressees(NotificationStore store)
{
    public const string NoAddress = "目录中没有该员工的电子邮件地址 / the directory has no e-mail address for this employee";
    public const string NotInDirectory = "目录副本中没有该员工 / the employee is not in the directory copy";
    public const string HasLeft = "收件人已离职，不再通知（C-9、P-12）/ the recipient has left and is told nothing more (C-9, P-12)";
    public const string HoldersTold = "该角色的担任者已各自收到或屏蔽此通知 / the role's holders got this notice on their own, or muted it";

    public static string NoHolder(string role) => $"目录副本中没有 {role} 的担任者 / no one holds {role} in the directory copy";

    public Task<Addressees> ResolveAsync(Delivery delivery) =>
        RoleRecipients.IsRole(delivery.RecipientId) ? OfRoleAsync(delivery) : OfPersonAsync(delivery.RecipientId);

    private async Task<Addressees> OfPersonAsync(string employeeId) =>
        (await store.GetEmployeeAsync(employeeId))?.Value switch
        {
            null => new([], NotYet: NotInDirectory),
            { Status: EmployeeStatuses.Left } => new([], Withdrawn: HasLeft),
            { Email: { Length: > 0 } email } employee => new([new(employee.Name, email)]),
            _ => new([], NotYet: NoAddress),
        };

    /// <summary>
    /// The role's holders now. Once per event and person: a holder with a delivery of their own for this event (named
    /// by it, or known when it was recorded), or who took it in their digest, is not told twice, and one who muted the
    /// kind chose not to hear it.
    /// </summary>
    private async Task<Addressees> OfRoleAsync(Delivery delivery)
    {
        var holders = await HoldersAsync(delivery.RecipientId);
        if (holders.Count == 0)
        {
            return new([], NotYet: NoHolder(delivery.RecipientId));
        }

        var muted = NoticeKinds.NeverMuted.ContainsKey(delivery.Kind)
            ? new HashSet<string>()
            : await store.MutedAsync([.. holders.Select(h => h.EmployeeId)], delivery.Kind);
        var untold = new List<EmployeeSnapshot>();
        foreach (var holder in holders.Where(h => !muted.Contains(h.EmployeeId)))
        {
            if (await store.GetDeliveryAsync(Delivery.IdOf(delivery.EventId, holder.EmployeeId, Channels.Email)) is null
                && !await store.TookInDigestAsync(delivery.EventId, holder.EmployeeId))
            {
                untold.Add(holder);
            }
        }

        if (untold.Count == 0)
        {
            return new([], Withdrawn: HoldersTold);
        }

        List<Mailbox> to = [.. untold.Where(h => h.Email is { Length: > 0 }).Select(h => new Mailbox(h.Name, h.Email!))];
        return to.Count > 0 ? new(to) : new([], NotYet: NoAddress);
    }

    /// <summary>Who holds the role in the copy now, those who have left excluded (the copy's sets hold the active only).</summary>
    private async Task<IReadOnlyList<EmployeeSnapshot>> HoldersAsync(string role)
    {
        if (RoleRecipients.ManagedBranch(role) is { } branch)
        {
            var manager = (await store.GetBranchAsync(branch))?.Value.ManagerId is { Length: > 0 } id ? (await store.GetEmployeeAsync(id))?.Value : null;
            return manager is null || manager.Status == EmployeeStatuses.Left ? [] : [manager];
        }

        var set = RoleRecipients.SecretariedBranch(role) is { } secretaried ? NotificationKeys.BranchSecretaries(secretaried) : NotificationKeys.Hq;
        return [.. (await store.GetEmployeesAsync([.. (await store.MembersAsync(set)).Order(StringComparer.Ordinal)]))];
    }
}
