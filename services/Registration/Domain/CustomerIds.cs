namespace CustomerProtection.Registration.Domain;

/// <summary>Customer ids as they appear in requests: short, letters, digits, '-' and '_' (new ones are integers, see CustomerIdAllocator).</summary>
public static class CustomerIds
{
    public static bool IsWellFormed(string? id) => id is { Length: > 0 and <= 64 } && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');
}
