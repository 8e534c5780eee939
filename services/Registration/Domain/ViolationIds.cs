using System.Security.Cryptography;
using System.Text;

namespace CustomerProtection.Registration.Domain;

/// <summary>
/// Stable ids of findings: the same finding (rule, who, customer identity, day) always gets the same
/// id, so a refused attempt tried again (P-6) is recorded and published once.
/// </summary>
public static class ViolationIds
{
    public static string For(string ruleId, string violatorId, string identityKey, DateOnly day)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"{ruleId}|{violatorId}|{identityKey}|{day:yyyy-MM-dd}"));
        // A version-8 (custom) UUID from the hash: a valid GUID, equal for equal findings.
        hash[6] = (byte)((hash[6] & 0x0F) | 0x80);
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80);
        return new Guid(hash.AsSpan(0, 16), bigEndian: true).ToString("D");
    }
}
