using System.Security.Cryptography;
using System.Text;
using CustomerProtection.Policy.Errors;

namespace CustomerProtection.Storage;

/// <summary>
/// The server's ids of what a caller creates (docs/api.md), in every service: a prefix naming the kind (<c>XR-</c>
/// cross-region requests, <c>PA-</c> price approvals, <c>OP-</c> opportunities, …) and 24 hex digits. With the
/// caller's optional request_id the digits are derived from the caller and the key, so a retry lands on the same
/// record and the create's <see cref="AtomicChange"/> (which expects the record absent) makes it one; without one they
/// are random. The derivation is the one Territory has always used, so the ids it stored before are still found.
/// </summary>
public static class ServerIds
{
    /// <summary>docs/api.md: a request_id is optional and at most 64 characters.</summary>
    public const int MaxRequestIdLength = 64;

    public static string New(string prefix, string callerId, string? requestId) => string.IsNullOrEmpty(requestId)
        ? prefix + Guid.NewGuid().ToString("N")[..24]
        : prefix + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(callerId + "\n" + requestId)))[..24];

    /// <summary>An over-long request_id is the caller's mistake, on the field.</summary>
    public static void CheckRequestId(ICollection<FieldViolation> violations, string? requestId)
    {
        if (requestId?.Length > MaxRequestIdLength)
        {
            violations.Add(new("request_id", $"最长 {MaxRequestIdLength} / at most {MaxRequestIdLength} characters"));
        }
    }

    /// <summary>The same request_id again for something else: the caller's mistake, on the field (nothing is changed).</summary>
    public static RequestValidationException ReusedRequestId(string existingId) => new(new FieldViolation("request_id",
        $"该 request_id 已用于另一请求 {existingId} / this request_id was used for another request, {existingId}"));
}
