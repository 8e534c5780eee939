using CsCheck;
using CustomerProtection.Policy.Identity;

namespace CustomerProtection.Policy.Tests;

/// <summary>X-4: near-duplicate invoice titles for the secretary's review.</summary>
public sealed class TitleSimilarityTests
{
    [Theory]
    [InlineData("无锡市华光电子有限公司", "无锡华光电子有限公司")] // administrative 市 dropped
    [InlineData("无锡华光电子有限公司", "无锡华光电了有限公司")] // one-character typo
    [InlineData("华光电子有限公司", "华光电子股份有限公司")] // legal form differs
    [InlineData("江苏省无锡市华光电子有限公司", "无锡华光电子有限公司")]
    [InlineData("无锡华光电子有限公司", "无锡华光电子有限责任公司")]
    [InlineData("华光电子（上海）有限公司", "华光电子(上海市)有限公司")] // same qualifier, 市 ignored
    [InlineData("华光电子（上海）有限公司", "华光电子上海有限公司")] // the qualifier typed without brackets
    [InlineData("华联超市有限公司", "华联超市股份有限公司")] // 超市: a weighed-down 市 inside a name still matches
    public void X4_variants_of_one_name_are_near_duplicates(string a, string b)
    {
        var comparison = TitleSimilarity.Compare(a, b);
        Assert.True(comparison.IsNearDuplicate, $"{a} / {b}: {comparison.Score}");
        Assert.True(comparison.Score >= TitleSimilarity.NearDuplicateThreshold);
    }

    [Fact]
    public void X4_the_issue_example_is_flagged()
    {
        Assert.True(TitleSimilarity.IsNearDuplicate("无锡市华光电子有限公司", "无锡华光电子有限公司"));
        Assert.InRange(TitleSimilarity.Score("无锡市华光电子有限公司", "无锡华光电子有限公司"), 0.85, 0.9);
    }

    [Theory]
    [InlineData("无锡华光电子有限公司（上海）分公司", "无锡华光电子有限公司（北京）分公司")]
    [InlineData("华光电子（上海）有限公司", "华光电子（北京）有限公司")]
    [InlineData("华光电子【上海】有限公司", "华光电子（苏州）有限公司")]
    [InlineData("华光电子有限公司", "华光电子有限公司（上海）分公司")] // a parent and its branch (P-2.5)
    [InlineData("华光电子有限公司", "华光电子（上海）有限公司")] // a parent and its subsidiary
    public void X4_different_bracketed_qualifiers_are_never_near_duplicates(string a, string b)
    {
        var comparison = TitleSimilarity.Compare(a, b);
        Assert.True(comparison.QualifiersConflict);
        Assert.False(comparison.IsNearDuplicate);
        Assert.True(comparison.Score < 1.0);
    }

    [Theory]
    [InlineData("华光电子有限公司", "华兴电子有限公司")] // another trade name
    [InlineData("北京华光电子有限公司", "上海华光电子有限公司")] // another city in front
    [InlineData("华光电子有限公司", "华光电器有限公司")]
    [InlineData("华光电子有限公司", "华光有限公司")]
    [InlineData("无锡华光电子有限公司", "深圳市腾讯计算机系统有限公司")]
    [InlineData("甲乙有限公司", "丙丁有限公司")] // only the legal form in common
    public void X4_different_names_are_not_near_duplicates(string a, string b)
    {
        var comparison = TitleSimilarity.Compare(a, b);
        Assert.False(comparison.IsNearDuplicate, $"{a} / {b}: {comparison.Score}");
    }

    [Fact]
    public void X4_equal_titles_score_one()
    {
        Assert.Equal(1.0, TitleSimilarity.Score("华光电子（上海）有限公司", "华光电子 [上海] 有限公司"));
        Assert.True(TitleSimilarity.IsNearDuplicate("华光电子有限公司", "华光电子有限公司"));
        Assert.Equal(0.0, TitleSimilarity.Score("", "华光"));
    }

    [Fact]
    public void X4_candidate_keys_are_the_distinctive_bigrams_outside_brackets()
    {
        var keys = TitleSimilarity.CandidateKeys("无锡市华光电子有限公司（上海）分公司");
        Assert.Equal(new[] { "光电", "华光", "无锡", "电子" }, keys.Order(StringComparer.Ordinal));
        // Both titles of the issue's example meet under 无锡, 华光, 光电, 电子.
        Assert.True(keys.Overlaps(TitleSimilarity.CandidateKeys("无锡华光电子有限公司")));
    }

    [Fact]
    public void X4_a_title_without_distinctive_bigrams_is_keyed_by_its_text()
    {
        Assert.Equal(["=有限公司"], TitleSimilarity.CandidateKeys("有限公司（上海）"));
        Assert.Equal(["=厂"], TitleSimilarity.CandidateKeys("厂"));
    }

    private static readonly Gen<string> Title =
        Gen.Select(
            Gen.OneOf<string>("", "江苏省", "无锡市", "无锡", "北京", "上海市"),
            Gen.Char["华光兴电子器科技贸易腾讯明达市区"].Array[1, 6].Select(c => new string(c)),
            Gen.OneOf<string>("", "（上海）", "(北京)", "【苏州】"),
            Gen.OneOf<string>("有限公司", "股份有限公司", "有限责任公司", "厂", "分公司", ""))
        .Select((place, name, qualifier, form) => place + name + qualifier + form);

    [Fact]
    public void X4_score_is_symmetric_and_between_zero_and_one()
    {
        Gen.Select(Title, Title).Sample((a, b) =>
        {
            var ab = TitleSimilarity.Score(a, b);
            Assert.Equal(ab, TitleSimilarity.Score(b, a), 12);
            Assert.InRange(ab, 0.0, 1.0);
            Assert.Equal(TitleSimilarity.IsNearDuplicate(a, b), TitleSimilarity.IsNearDuplicate(b, a));
        }, iter: 3000);
    }

    [Fact]
    public void X4_every_near_duplicate_shares_a_candidate_key()
    {
        // The blocking scheme is exact: a store that looks up a title's keys finds all its near-duplicates.
        Gen.Select(Title, Title).Sample((a, b) =>
        {
            if (TitleSimilarity.IsNearDuplicate(a, b))
            {
                Assert.True(TitleSimilarity.CandidateKeys(a).Overlaps(TitleSimilarity.CandidateKeys(b)));
            }
        }, iter: 5000);
    }

    [Fact]
    public void X4_a_title_is_a_near_duplicate_of_itself_written_differently()
    {
        Title.Sample(a =>
        {
            var respelt = a.Replace("(", "（", StringComparison.Ordinal).Replace(")", "）", StringComparison.Ordinal) + " ";
            Assert.Equal(1.0, TitleSimilarity.Score(a, respelt));
            if (a.Length > 0)
            {
                Assert.True(TitleSimilarity.IsNearDuplicate(a, respelt));
            }
        }, iter: 1000);
    }
}
