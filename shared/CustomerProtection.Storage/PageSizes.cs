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
