using System.Globalization;
using CustomerProtection.Notifications.Domain;
using CustomerProtection.Notifications.Persistence;

namespace CustomerProtection.Notifications.Application;

public sealed record Page<T>(IReadOnlyList<T> Items, string? NextPageToken);

/// <summary>hq's list of the deliveries that failed for good, most recent failure first (docs/api.md paging).</summary>
public sealed class ListFailedDeliveries(NotificationStore store)
{

    public async Task<Page<Delivery>> ExecuteAsync(Caller caller, int pageSize, string? pageToken)
    {
        if (!caller.IsHq)
        {
            throw new ScopeDeniedException("投递失败清单仅总公司可见 / only hq sees the failed deliveries");
        }

        var violations = new List<FieldViolation>();
        var size = PageSizes.Read(violations, pageSize);

        var offset = PageTokens.Offset(violations, pageToken);

        RequestValidationException.ThrowIfAny(violations);
        var (items, more) = await store.FailedAsync(offset, size);
        return new(items, more ? (offset + size).ToString(CultureInfo.InvariantCulture) : null);
    }
}
