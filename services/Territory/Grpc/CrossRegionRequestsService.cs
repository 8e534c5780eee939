using CustomerProtection.ServiceDefaults.Security;
using CustomerProtection.Territory.Application;
using CustomerProtection.Territory.V1;
using Grpc.Core;
using static CustomerProtection.Territory.Grpc.SalesMapping;

namespace CustomerProtection.Territory.Grpc;

/// <summary>Thin gRPC surface of cross-region requests (P-4.1, P-4.4, P-10).</summary>
public sealed class CrossRegionRequestsService(
    SubmitCrossRegionFiling submit,
    GetCrossRegionFiling get,
    AnswerCrossRegionFiling answer,
    DecideCrossRegionFiling decide,
    ListCrossRegionFilings list,
    PolicyClock clock) : CrossRegionRequests.CrossRegionRequestsBase
{
    public override async Task<V1.CrossRegionRequest> CreateCrossRegionRequest(CreateCrossRegionRequestRequest request, ServerCallContext context) =>
        ToProto(await submit.ExecuteAsync(Caller.From(context), new CrossRegionFilingInput(
            request.RequestId, request.TargetRegionId, Customer(request.Customer), request.Reason)), clock.UtcNow);

    public override async Task<V1.CrossRegionRequest> GetCrossRegionRequest(GetCrossRegionRequestRequest request, ServerCallContext context) =>
        ToProto(await get.ExecuteAsync(Caller.From(context), request.CrossRegionRequestId), clock.UtcNow);

    public override async Task<V1.CrossRegionRequest> AnswerCrossRegionRequest(AnswerCrossRegionRequestRequest request, ServerCallContext context) =>
        ToProto(await answer.ExecuteAsync(Caller.From(context), request.CrossRegionRequestId, request.Confirm, request.Reason), clock.UtcNow);

    public override async Task<V1.CrossRegionRequest> DecideCrossRegionRequest(DecideCrossRegionRequestRequest request, ServerCallContext context) =>
        ToProto(await decide.ExecuteAsync(Caller.From(context), request.CrossRegionRequestId, request.Approve, request.Reason), clock.UtcNow);

    public override async Task<ListCrossRegionRequestsResponse> ListCrossRegionRequests(ListCrossRegionRequestsRequest request, ServerCallContext context)
    {
        var queue = request.Queue switch
        {
            CrossRegionRequestQueue.Mine => FilingQueue.Mine,
            CrossRegionRequestQueue.ToConfirm => FilingQueue.ToConfirm,
            CrossRegionRequestQueue.Escalated => FilingQueue.Escalated,
            CrossRegionRequestQueue.ToApprove => FilingQueue.ToApprove,
            _ => throw new RequestValidationException(new FieldViolation("queue",
                "MINE、TO_CONFIRM、ESCALATED 或 TO_APPROVE / CROSS_REGION_REQUEST_QUEUE_MINE, _TO_CONFIRM, _ESCALATED or _TO_APPROVE")),
        };
        var (items, next) = await list.ExecuteAsync(Caller.From(context), queue, request.PageSize, request.PageToken);
        var now = clock.UtcNow;
        return new ListCrossRegionRequestsResponse { CrossRegionRequests = { items.Select(f => ToProto(f, now)) }, NextPageToken = next ?? "" };
    }
}
