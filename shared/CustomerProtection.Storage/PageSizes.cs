using CustomerProtection.Policy.Errors;

namespace CustomerProtection.Storage;

/// <summary>
/// docs/api.md's one paging rule, for every list of every service: <c>page_size</c> 0 is <see cref="Default"/>, at most
/// <see cref="Max"/>; more, or a negative size, is the caller's mistake (InvalidArgument on page_size), never quietly cut.
/// </summary>
public static class PageSizes
{
    public const int Default = 100;
    public const int Max = 500;

    /// <summary>The page's size, or a violation of page_size beside the request's others.</summary>
    public static int Read(ICollection<FieldViolation> violations, int requested)
    {
        if (requested is < 0 or > Max)
        {
            violations.Add(new("page_size", $"0 到 {Max} / 0 to {Max}"));
            return Default;
        }

        return requested == 0 ? Default : requested;
    }

    /// <summary>The page's size, or InvalidArgument on page_size.</summary>
    public static int Read(int requested)
    {
        var violations = new List<FieldViolation>();
        var size = Read(violations, requested);
        RequestValidationException.ThrowIfAny(violations);
        return size;
    }
}

/// <summary>
/// The page token of a list paged by position: the offset the previous page's answer gave, as decimal digits. Anything
/// else (a sign, letters, a number past what a list gives) is InvalidArgument on page_token.
/// </summary>
public static class PageTokens
{
    /// <summary>The offset to read from (0 for the first page), or a violation of page_token beside the request's others.</summary>
    public static int Offset(ICollection<FieldViolation> violations, string? pageToken)
    {
        if (string.IsNullOrEmpty(pageToken))
        {
            return 0;
        }

        if (int.TryParse(pageToken, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var offset))
        {
            return offset;
        }

        violations.Add(new("page_token", "无效的分页标记 / not a page token this list gave"));
        return 0;
    }
}
