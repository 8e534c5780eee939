using System.Security.Cryptography;
using System.Text;

namespace CustomerProtection.Territory.Application;

/// <summary>
/// The server's ids of what a caller creates (docs/api.md): a prefix naming the kind (<c>XR-</c> cross-region
/// requests, <c>PA-</c> price approvals, <c>OP-</c> opportunities) and 24 hex digits. With the caller's optional
/// request_id the digits are derived from the caller and the key, so a retry lands on the same record and the
/// atomic step's version check makes it one; without one they are random. Ids made by callers before (the same
/// key layout) are still read as they are.
/// </summary>
public static class ServerIds
{
    public static string New(string prefix, string callerId, string? requestId) => string.IsNullOrEmpty(requestId)
        ? prefix + Guid.NewGuid().ToString("N")[..24]
        : prefix + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(callerId + "\n" + requestId)))[..24];

    /// <summary>The same request_id again for something else: the caller's mistake, on the field (nothing is changed).</summary>
    public static RequestValidationException ReusedRequestId(string existingId) => new(new FieldViolation("request_id",
        $"该 request_id 已用于另一请求 {existingId} / this request_id was used for another request, {existingId}"));
}
