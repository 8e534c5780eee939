using CustomerProtection.Arbitration.Application;
using CustomerProtection.Arbitration.Domain;
using CustomerProtection.Territory.V1;
using Grpc.Core;

namespace CustomerProtection.Arbitration.Clients;

/// <summary>Territory's <c>OrganizationDirectory/GetEmployee</c>, <c>GetDealer</c> and <c>GetBranch</c>, under the service's own identity.</summary>
public sealed class TerritoryDirectoryReader(OrganizationDirectory.OrganizationDirectoryClient client) : IDirectoryReader
{
    public async Task<EmployeeFacts?> GetEmployeeAsync(string employeeId, CancellationToken cancellationToken)
    {
        try
        {
            var e = await client.GetEmployeeAsync(new GetEmployeeRequest { EmployeeId = employeeId }, cancellationToken: cancellationToken);
            return new EmployeeFacts(e.Id, RoleName(e.Role), NullIfEmpty(e.BranchId), NullIfEmpty(e.RegionId), NullIfEmpty(e.ManagerId), StatusName(e.Status));
        }
        catch (RpcException ex) when (ex.StatusCode == StatusCode.NotFound)
        {
            return null;
        }
    }

    public async Task<EmployeeFacts?> GetDealerAsync(string dealerId, CancellationToken cancellationToken)
    {
        try
        {
            var d = await client.GetDealerAsync(new GetDealerRequest { DealerId = dealerId }, cancellationToken: cancellationToken);
            return new EmployeeFacts(d.Id, Roles.Dealer, NullIfEmpty(d.BranchId), NullIfEmpty(d.RegionId), null, StatusName(d.Status));
        }
        catch (RpcException ex) when (ex.StatusCode == StatusCode.NotFound)
        {
            return null;
        }
    }

    public async Task<string?> GetBranchManagerAsync(string branchId, CancellationToken cancellationToken)
    {
        try
        {
            return NullIfEmpty((await client.GetBranchAsync(new GetBranchRequest { BranchId = branchId }, cancellationToken: cancellationToken)).ManagerId);
        }
        catch (RpcException ex) when (ex.StatusCode == StatusCode.NotFound)
        {
            return null;
        }
    }

    /// <summary>The directory's enum in the token vocabulary that events carry (docs/design.md).</summary>
    public static string RoleName(Role role) => role switch
    {
        Role.Salesperson => Roles.Salesperson,
        Role.Dealer => Roles.Dealer,
        Role.BranchSecretary => Roles.BranchSecretary,
        Role.BranchManager => Roles.BranchManager,
        Role.RegionalSecretary => Roles.RegionalSecretary,
        Role.RegionalManager => Roles.RegionalManager,
        Role.Hq => Roles.Hq,
        _ => "unknown",
    };

    /// <summary>The directory's status in its own vocabulary (docs/design.md); an unspecified one is not active.</summary>
    public static string StatusName(EmployeeStatus status) => status switch
    {
        EmployeeStatus.Active => PersonStatuses.Active,
        EmployeeStatus.OnLeave => "on_leave",
        EmployeeStatus.Left => "left",
        _ => "unspecified",
    };

    public static string StatusName(DealerStatus status) => status switch
    {
        DealerStatus.Active => PersonStatuses.Active,
        DealerStatus.Terminated => "terminated",
        _ => "unspecified",
    };

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
