using CustomerProtection.Arbitration.Domain;

namespace CustomerProtection.Arbitration.Application;

/// <summary>What Arbitration reads from Territory's organisation directory (<c>Clients/TerritoryDirectoryReader</c>).</summary>
public interface IDirectoryReader
{
    /// <summary>The employee as the directory has them now, or null when unknown.</summary>
    Task<EmployeeFacts?> GetEmployeeAsync(string employeeId, CancellationToken cancellationToken);

    /// <summary>The branch's manager, or null when the branch has none (or is unknown).</summary>
    Task<string?> GetBranchManagerAsync(string branchId, CancellationToken cancellationToken);

    /// <summary>A dealer (role dealer, status active or terminated) as the directory has them now, or null when unknown.</summary>
    Task<EmployeeFacts?> GetDealerAsync(string dealerId, CancellationToken cancellationToken);
}

public static class DirectoryReaderExtensions
{
    /// <summary>
    /// C-9, P-12: the status now of each person a step may make the owner — an employee, else a dealer
    /// (dealers file and object too, P-6, P-2.2); <see cref="PersonStatuses.Unknown"/> when neither.
    /// </summary>
    public static async Task<HolderStatuses> HolderStatusesAsync(this IDirectoryReader directory, IEnumerable<string> personIds, CancellationToken cancellationToken)
    {
        var reads = personIds.Distinct().Select(async id =>
        {
            var person = await directory.GetEmployeeAsync(id, cancellationToken) ?? await directory.GetDealerAsync(id, cancellationToken);
            return (Id: id, Status: person?.Status ?? PersonStatuses.Unknown);
        });
        return new HolderStatuses((await Task.WhenAll(reads)).ToDictionary(p => p.Id, p => p.Status));
    }
}
