using CustomerProtection.Notifications.Application;
using CustomerProtection.Notifications.V1;
using CustomerProtection.ServiceDefaults.Security;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;

namespace CustomerProtection.Notifications.Grpc;

/// <summary>Thin gRPC surface of the notifications worker: map the request, call one use case, map the answer.</summary>
public sealed class NotificationsService(ListFailedDeliveries listFailed) : V1.Notifications.NotificationsBase
{
    public override async Task<ListFailedDeliveriesResponse> ListFailedDeliveries(ListFailedDeliveriesRequest request, ServerCallContext context)
    {
        var page = await listFailed.ExecuteAsync(Caller.From(context), request.PageSize, request.PageToken);
        return new ListFailedDeliveriesResponse { Deliveries = { page.Items.Select(ToProto) }, NextPageToken = page.NextPageToken ?? "" };
    }

    private static V1.Delivery ToProto(Domain.Delivery d) => new()
    {
        DeliveryId = d.DeliveryId,
        EventId = d.EventId,
        Kind = d.Kind,
        RuleId = d.RuleId,
        RecipientId = d.RecipientId,
        Address = d.Address ?? "",
        Channel = d.Channel == Domain.Channels.Email ? Channel.Email : Channel.Unspecified,
        Subject = d.Subject,
        Attempts = d.Attempts,
        LastError = d.LastError ?? "",
        CreatedAt = Timestamp.FromDateTimeOffset(d.CreatedAt),
        FailedAt = d.FailedAt is { } failed ? Timestamp.FromDateTimeOffset(failed) : null,
    };
}
