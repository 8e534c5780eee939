using CustomerProtection.Contracts.Organization;
using CustomerProtection.Registration.Persistence;
using CustomerProtection.Registration.V1;
using Grpc.Core;

namespace CustomerProtection.Registration.Grpc;

/// <summary>What Registration knows of the organisation (any authenticated caller).</summary>
public sealed class OrganizationReplicaService(OrganizationReplicaStore store) : OrganizationReplica.OrganizationReplicaBase
{
    public override async Task<EmployeeReplica> GetEmployee(GetReplicaRequest request, ServerCallContext context)
    {
        var copy = await store.GetAsync<EmployeeSnapshot>(OrganizationReplicaStore.Employee, RequireId(request))
            ?? throw new EntityNotFoundException("employee", request.Id);
        var e = copy.Value;
        return new EmployeeReplica
        {
            Id = e.EmployeeId,
            Name = e.Name,
            Role = e.Role,
            BranchId = e.BranchId ?? "",
            RegionId = e.RegionId ?? "",
            ManagerId = e.ManagerId ?? "",
            Status = e.Status,
            Version = copy.Version,
            SourceTraceId = copy.SourceTraceId,
        };
    }

    public override async Task<BranchReplica> GetBranch(GetReplicaRequest request, ServerCallContext context)
    {
        var copy = await store.GetAsync<BranchSnapshot>(OrganizationReplicaStore.Branch, RequireId(request))
            ?? throw new EntityNotFoundException("branch", request.Id);
        var b = copy.Value;
        return new BranchReplica
        {
            Id = b.BranchId,
            RegionId = b.RegionId,
            Name = b.Name,
            ManagerId = b.ManagerId ?? "",
            AutoApproveFilings = b.AutoApproveFilings,
            Version = copy.Version,
            SourceTraceId = copy.SourceTraceId,
        };
    }

    public override async Task<DealerReplica> GetDealer(GetReplicaRequest request, ServerCallContext context)
    {
        var copy = await store.GetAsync<DealerSnapshot>(OrganizationReplicaStore.Dealer, RequireId(request))
            ?? throw new EntityNotFoundException("dealer", request.Id);
        var d = copy.Value;
        return new DealerReplica
        {
            Id = d.DealerId,
            Name = d.Name,
            BranchId = d.BranchId,
            Status = d.Status,
            IdentityKey = d.IdentityKey,
            Version = copy.Version,
            SourceTraceId = copy.SourceTraceId,
        };
    }

    private static string RequireId(GetReplicaRequest request) =>
        string.IsNullOrWhiteSpace(request.Id) || request.Id.Length > 64
            ? throw new RequestValidationException(new FieldViolation("id", "必填，最长 64 / required, at most 64 characters"))
            : request.Id;
}
