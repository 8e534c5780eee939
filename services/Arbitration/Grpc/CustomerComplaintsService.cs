using CustomerProtection.ServiceDefaults.Security;
using CustomerProtection.Arbitration.Application;
using CustomerProtection.Arbitration.V1;
using CustomerProtection.Protos;
using Grpc.Core;
using static CustomerProtection.Arbitration.Grpc.ArbitrationMapping;

namespace CustomerProtection.Arbitration.Grpc;

/// <summary>Thin gRPC surface of M-3 customer complaints.</summary>
public sealed class CustomerComplaintsService(
    RecordCustomerComplaint record,
    AnswerCustomerComplaint answer,
    ResolveCustomerComplaint resolve,
    GetCustomerComplaint get,
    ListCustomerComplaints list,
    PolicyClock clock) : CustomerComplaints.CustomerComplaintsBase
{
    public override async Task<CustomerComplaint> RecordComplaint(RecordComplaintRequest request, ServerCallContext context) =>
        ToProto(await record.ExecuteAsync(Caller.From(context), new ComplaintInput(request.CustomerId, NullIfEmpty(request.AboutEmployeeId), ProtoWords.Word(request.Channel),
            request.ReceivedAt?.ToDateTimeOffset(), request.Description, RequestId: NullIfEmpty(request.RequestId)), context.CancellationToken), clock.UtcNow);

    public override async Task<CustomerComplaint> AnswerComplaint(AnswerComplaintRequest request, ServerCallContext context) =>
        ToProto(await answer.ExecuteAsync(Caller.From(context), request.ComplaintId, request.Answer), clock.UtcNow);

    public override async Task<CustomerComplaint> ResolveComplaint(ResolveComplaintRequest request, ServerCallContext context) =>
        ToProto(await resolve.ExecuteAsync(Caller.From(context), request.ComplaintId, request.Resolution, request.FollowUp), clock.UtcNow);

    public override async Task<CustomerComplaint> GetComplaint(GetComplaintRequest request, ServerCallContext context) =>
        ToProto(await get.ExecuteAsync(Caller.From(context), request.ComplaintId), clock.UtcNow);

    public override async Task<ListComplaintsResponse> ListComplaints(ListComplaintsRequest request, ServerCallContext context)
    {
        var (items, next) = await list.ExecuteAsync(Caller.From(context), request.BranchId, request.OverdueOnly, request.PageSize, request.PageToken);
        var now = clock.UtcNow;
        return new ListComplaintsResponse { Complaints = { items.Select(c => ToProto(c, now)) }, NextPageToken = next ?? "" };
    }
}
