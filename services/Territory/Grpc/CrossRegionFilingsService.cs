using CustomerProtection.ServiceDefaults.Security;
using CustomerProtection.Territory.Application;
using CustomerProtection.Territory.V1;
using Grpc.Core;
using static CustomerProtection.Territory.Grpc.SalesMapping;

namespace CustomerProtection.Territory.Grpc;

/// <summary>Thin gRPC surface of cross-region filings (P-4.1, P-4.4, P-10).</summary>
public sealed class CrossRegionFilingsService(
    SubmitCrossRegionFiling submit,
    GetCrossRegionFiling get,
    AnswerCrossRegionFiling answer,
    DecideCrossRegionFiling decide,
    ListCrossRegionFilings list,
    PolicyClock clock) : CrossRegionFilings.CrossRegionFilingsBase
{
    public override async Task<V1.CrossRegionFiling> SubmitFiling(SubmitFilingRequest request, ServerCallContext context) =>
        ToProto(await submit.ExecuteAsync(Caller.From(context), new CrossRegionFilingInput(
            request.Id, request.TargetRegionId, Customer(request.Customer), request.Reason)), clock.UtcNow);

    public override async Task<V1.CrossRegionFiling> GetFiling(GetFilingRequest request, ServerCallContext context) =>
        ToProto(await get.ExecuteAsync(Caller.From(context), request.Id), clock.UtcNow);

    public override async Task<V1.CrossRegionFiling> AnswerFiling(AnswerFilingRequest request, ServerCallContext context) =>
        ToProto(await answer.ExecuteAsync(Caller.From(context), request.Id, request.Confirm, request.Reason), clock.UtcNow);

    public override async Task<V1.CrossRegionFiling> DecideFiling(DecideCrossRegionFilingRequest request, ServerCallContext context) =>
        ToProto(await decide.ExecuteAsync(Caller.From(context), request.Id, request.Approve, request.Reason), clock.UtcNow);

    public override async Task<ListFilingsResponse> ListFilings(ListFilingsRequest request, ServerCallContext context)
    {
        var queue = request.Queue switch
        {
            V1.FilingQueue.Mine => Application.FilingQueue.Mine,
            V1.FilingQueue.ToConfirm => Application.FilingQueue.ToConfirm,
            V1.FilingQueue.Escalated => Application.FilingQueue.Escalated,
            V1.FilingQueue.ToApprove => Application.FilingQueue.ToApprove,
            _ => throw new RequestValidationException(new FieldViolation("queue", "mine、to_confirm、escalated 或 to_approve / mine, to_confirm, escalated or to_approve")),
        };
        var (items, next) = await list.ExecuteAsync(Caller.From(context), queue, request.PageSize, request.PageToken);
        var now = clock.UtcNow;
        return new ListFilingsResponse { Filings = { items.Select(f => ToProto(f, now)) }, NextPageToken = next ?? "" };
    }
}
