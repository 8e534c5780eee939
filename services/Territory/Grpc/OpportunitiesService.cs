using CustomerProtection.ServiceDefaults.Security;
using CustomerProtection.Territory.Application;
using CustomerProtection.Territory.V1;
using Grpc.Core;
using static CustomerProtection.Territory.Grpc.SalesMapping;

namespace CustomerProtection.Territory.Grpc;

/// <summary>Thin gRPC surface of external opportunities (P-11, X-5).</summary>
public sealed class OpportunitiesService(DistributeOpportunities opportunities) : Opportunities.OpportunitiesBase
{
    public override async Task<V1.Opportunity> PublishOpportunity(PublishOpportunityRequest request, ServerCallContext context) =>
        ToProto(await opportunities.PublishAsync(Caller.From(context),
            new OpportunityInput(request.RequestId, request.Title, request.Description, request.BranchId, request.RegionId), context.CancellationToken));

    public override async Task<V1.Opportunity> GetOpportunity(GetOpportunityRequest request, ServerCallContext context) =>
        ToProto(await opportunities.GetAsync(request.Id));

    public override async Task<V1.Rotation> GetRotation(GetRotationRequest request, ServerCallContext context)
    {
        var rotation = await opportunities.RotationAsync(request.BranchId, request.RegionId);
        return new V1.Rotation
        {
            RotationId = rotation.PoolId,
            Order = { rotation.Order },
            LastAssigneeId = rotation.LastAssigneeId ?? "",
            Assignments = { rotation.Assignments.Select(ToProto) },
        };
    }
}
