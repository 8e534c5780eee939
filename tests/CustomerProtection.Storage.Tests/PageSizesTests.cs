using CustomerProtection.Policy.Errors;

namespace CustomerProtection.Storage.Tests;

/// <summary>docs/api.md's paging rule, the one every list reads its page_size with: 0 is 100, at most 500, more or less is refused on page_size.</summary>
public sealed class PageSizesTests
{
    [Theory]
    [InlineData(0, 100)]
    [InlineData(1, 1)]
    [InlineData(500, 500)]
    public void Api_paging_a_page_size_from_1_to_500_is_taken_and_0_is_the_default_100(int requested, int size) =>
        Assert.Equal(size, PageSizes.Read(requested));

    [Theory]
    [InlineData(501)]
    [InlineData(1000)]
    [InlineData(-1)]
    public void Api_paging_a_page_size_over_500_or_negative_is_InvalidArgument_on_page_size_never_quietly_cut(int requested)
    {
        var refusal = Assert.Throws<RequestValidationException>(() => PageSizes.Read(requested));
        Assert.Equal("page_size", Assert.Single(refusal.Violations).Field);

        var violations = new List<FieldViolation> { new("branch_id", "必填 / required") };
        PageSizes.Read(violations, requested);
        Assert.Equal(["branch_id", "page_size"], violations.Select(v => v.Field));
    }

    [Theory]
    [InlineData(null, 0)]
    [InlineData("", 0)]
    [InlineData("400", 400)]
    public void Api_paging_a_position_token_is_the_offset_the_previous_page_gave(string? token, int offset)
    {
        var violations = new List<FieldViolation>();
        Assert.Equal(offset, PageTokens.Offset(violations, token));
        Assert.Empty(violations);
    }

    [Theory]
    [InlineData("-1")]
    [InlineData("+5")]
    [InlineData("abc")]
    [InlineData("99999999999")]
    public void Api_paging_any_other_token_is_InvalidArgument_on_page_token(string token)
    {
        var violations = new List<FieldViolation>();
        PageTokens.Offset(violations, token);
        Assert.Equal("page_token", Assert.Single(violations).Field);
    }
}
