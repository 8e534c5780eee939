using CsCheck;
using CustomerProtection.Policy.Errors;

namespace CustomerProtection.Policy.Tests;

/// <summary>An error repeats at most a short prefix of what the caller sent (issue 21: a refusal must fit the header limit).</summary>
public sealed class EchoTests
{
    [Fact]
    public void A_short_value_is_repeated_whole()
    {
        Assert.Equal("B-SH-12345678", Echo.Prefix("B-SH-12345678"));
        Assert.Equal("", Echo.Prefix(null));
    }

    [Fact]
    public void A_long_value_is_cut_to_its_first_32_characters_and_an_ellipsis()
    {
        Assert.Equal(new string('b', 32) + "…", Echo.Prefix(new string('b', 20_000)));
    }

    [Fact]
    public void Any_value_is_repeated_within_the_limit_and_never_splits_a_surrogate_pair()
    {
        Gen.Char.Array[0, 200].Select(chars => new string(chars)).Sample(value =>
        {
            var echoed = Echo.Prefix(value);
            Assert.True(echoed.Length <= Echo.MaxQuoted + 1);
            Assert.StartsWith(echoed.TrimEnd('…'), value, StringComparison.Ordinal);
            Assert.False(echoed.Length > Echo.MaxQuoted && char.IsHighSurrogate(echoed[^2]));
        });
    }
}
