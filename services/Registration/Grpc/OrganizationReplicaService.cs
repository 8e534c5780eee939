using CustomerProtection.Contracts.Organization;
using CustomerProtection.Registration.Persistence;
using CustomerProtection.Registration.V1;
using Grpc.Core;
using static CustomerProtection.Protos.ProtoWords;
using TerritoryV1 = CustomerProtection.Territory.V1;

namespace CustomerProtection.Registration.Grpc;

/// <summary>What Registration knows of the organisation (any authenticated caller).</summary>
public sealed class OrganizationReplicaService(OrganizationReplicaStore store) : OrganizationReplica.OrganizationReplicaBase
{
    public override async Task<EmployeeReplica> GetEmployee(GetEmployeeReplicaRequest request, ServerCallContext context)
    {
        var copy = await store.GetAsync<EmployeeSnapshot>(OrganizationReplicaStore.Employee, RequireId("employee_id", request.EmployeeId))
            ?? throw new EntityNotFoundException("employee", request.EmployeeId);
        var e = copy.Value;
        return new EmployeeReplica
        {
            Id = e.EmployeeId,
            Name = e.Name,
            Role = Value<TerritoryV1.Role>(e.Role),
            BranchId = e.BranchId ?? "",
            RegionId = e.RegionId ?? "",
            ManagerId = e.ManagerId ?? "",
            Status = Value<TerritoryV1.EmployeeStatus>(e.Status),
            Version = copy.Version,
            SourceTraceId = copy.SourceTraceId,
        };
    }

    public override async Task<BranchReplica> GetBranch(GetBranchReplicaRequest request, ServerCallContext context)
    {
        var copy = await store.GetAsync<BranchSnapshot>(OrganizationReplicaStore.Branch, RequireId("branch_id", request.BranchId))
            ?? throw new EntityNotFoundException("branch", request.BranchId);
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

    public override async Task<DealerReplica> GetDealer(GetDealerReplicaRequest request, ServerCallContext context)
    {
        var copy = await store.GetAsync<DealerSnapshot>(OrganizationReplicaStore.Dealer, RequireId("dealer_id", request.DealerId))
            ?? throw new EntityNotFoundException("dealer", request.DealerId);
        var d = copy.Value;
        return new DealerReplica
        {
            Id = d.DealerId,
            Name = d.Name,
            BranchId = d.BranchId,
            Status = Value<TerritoryV1.DealerStatus>(d.Status),
            IdentityKey = d.IdentityKey,
            Version = copy.Version,
            SourceTraceId = copy.SourceTraceId,
        };
    }

    private static string RequireId(string field, string id) =>
        string.IsNullOrWhiteSpace(id) || id.Length > 64
            ? throw new RequestValidationException(new FieldViolation(field, "必填，最长 64 / required, at most 64 characters"))
            : id;
}
