using CustomerProtection.Notifications.Application;
using CustomerProtection.Notifications.V1;
using CustomerProtection.ServiceDefaults.Security;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;

namespace CustomerProtection.Notifications.Grpc;

/// <summary>Thin gRPC surface of the notifications worker: map the request, call one use case, map the answer.</summary>
public sealed class NotificationsService(ListFailedDeliveries listFailed, Application.NoticePreferences preferences) : V1.Notifications.NotificationsBase
{
    public override async Task<V1.NoticePreferences> GetNoticePreferences(GetNoticePreferencesRequest request, ServerCallContext context) =>
        await ToProto(Caller.From(context), await preferences.GetAsync(Caller.From(context)));

    public override async Task<V1.NoticePreferences> MuteNotices(MuteNoticesRequest request, ServerCallContext context) =>
        await ToProto(Caller.From(context), await preferences.MuteAsync(Caller.From(context), request.Kind));

    public override async Task<V1.NoticePreferences> UnmuteNotices(UnmuteNoticesRequest request, ServerCallContext context) =>
        await ToProto(Caller.From(context), await preferences.UnmuteAsync(Caller.From(context), request.Kind));

    public override async Task<V1.NoticePreferences> SetNoticeDigest(SetNoticeDigestRequest request, ServerCallContext context)
    {
        await preferences.SetDigestAsync(Caller.From(context), request.DailyDigest);
        return await ToProto(Caller.From(context), await preferences.GetAsync(Caller.From(context)));
    }

    private async Task<V1.NoticePreferences> ToProto(Caller caller, IReadOnlyList<string> muted) =>
        new() { EmployeeId = caller.EmployeeId, MutedKinds = { muted }, DailyDigest = await preferences.DigestAsync(caller) };

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
