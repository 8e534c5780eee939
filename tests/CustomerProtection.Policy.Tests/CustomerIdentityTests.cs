using CsCheck;
using CustomerProtection.Policy.Identity;

namespace CustomerProtection.Policy.Tests;

/// <summary>P-2.5: invoice-title normalisation and the identity key.</summary>
public sealed class CustomerIdentityTests
{
    [Theory]
    [InlineData("无锡华光电子有限公司", "无锡华光电子有限公司")]
    [InlineData(" 无锡 华光电子\u3000有限公司 ", "无锡华光电子有限公司")] // ASCII and ideographic spaces
    [InlineData("无锡华光电子\t有限\n公司", "无锡华光电子有限公司")]
    [InlineData("无锡\u200B华光电子有限公司", "无锡华光电子有限公司")] // zero-width space
    [InlineData("华光电子（上海）有限公司", "华光电子(上海)有限公司")] // full-width brackets
    [InlineData("华光电子【上海】有限公司", "华光电子(上海)有限公司")]
    [InlineData("华光电子[上海]有限公司", "华光电子(上海)有限公司")]
    [InlineData("华光电子〔上海〕有限公司", "华光电子(上海)有限公司")]
    [InlineData("ＡＢＢ（中国）有限公司", "abb(中国)有限公司")] // full-width letters, case folded
    [InlineData("ABB (China) Ltd.", "abb(china)ltd.")]
    [InlineData("华光电子有限公司（上海）分公司", "华光电子有限公司(上海)分公司")] // contents and legal forms kept
    [InlineData("华光电子股份有限公司", "华光电子股份有限公司")]
    [InlineData("３Ｍ中国有限公司", "3m中国有限公司")]
    public void P2_5_invoice_titles_are_normalised(string title, string normalised)
    {
        Assert.Equal(normalised, InvoiceTitle.Normalize(title));
    }

    [Fact]
    public void P2_5_normalisation_is_idempotent()
    {
        var titleChars = "无锡华光电子有限公司分（）()【】[] \u3000ＡＢabＣ１2\u200B市区";
        Gen.Char[titleChars].Array[0, 30].Select(c => new string(c)).Sample(title =>
        {
            var once = InvoiceTitle.Normalize(title);
            Assert.Equal(once, InvoiceTitle.Normalize(once));
            Assert.DoesNotContain(once, char.IsWhiteSpace);
            Assert.DoesNotContain(once, c => c is >= 'A' and <= 'Z');
        }, iter: 3000);
    }

    [Fact]
    public void P2_5_the_taxpayer_id_is_the_identity_when_present()
    {
        Assert.Equal("uscc:91350100M000100Y43", CustomerIdentity.Key("91350100M000100Y43", "无锡华光电子有限公司"));
        // Same code in full width with another title: the same customer.
        Assert.Equal(
            CustomerIdentity.Key("91350100M000100Y43", "无锡华光电子有限公司"),
            CustomerIdentity.Key("９１３５０１００ｍ０００１００ｙ４３", "华光电子"));
    }

    [Fact]
    public void P2_5_without_a_taxpayer_id_the_normalised_title_is_the_identity()
    {
        Assert.Equal("title:华光电子(上海)有限公司", CustomerIdentity.Key(null, "华光电子（上海）有限公司"));
        Assert.Equal(CustomerIdentity.Key("", "华光电子 (上海) 有限公司"), CustomerIdentity.Key("  ", "华光电子【上海】有限公司"));
        Assert.NotEqual(CustomerIdentity.Key(null, "华光电子(上海)有限公司"), CustomerIdentity.Key(null, "华光电子(北京)有限公司"));
        Assert.NotEqual(CustomerIdentity.Key(null, "华光电子有限公司"), CustomerIdentity.Key(null, "华光电子股份有限公司"));
    }

    [Fact]
    public void P2_5_a_bad_taxpayer_id_is_refused_with_a_clear_error()
    {
        var error = Assert.Throws<InvalidTaxpayerIdException>(() => CustomerIdentity.Key("91350100M000100Y44", "华光"));
        Assert.Equal(SocialCreditCodeError.BadCheckCharacter, error.Validation!.Error);
        Assert.Equal("taxpayerId", error.ParamName);
        Assert.Contains("人工身份审核", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void P2_5_a_manual_identity_review_accepts_a_code_failing_only_its_check_character()
    {
        Assert.Equal("uscc:91350100M000100Y44", CustomerIdentity.Key("91350100m000100y44", "华光", manualReview: true));
        // Length and character set are still enforced.
        Assert.Throws<InvalidTaxpayerIdException>(() => CustomerIdentity.Key("91350100O000100Y44", "华光", manualReview: true));
        Assert.Throws<InvalidTaxpayerIdException>(() => CustomerIdentity.Key("91350100M000100Y4", "华光", manualReview: true));
    }

    [Fact]
    public void P2_5_an_empty_title_without_a_taxpayer_id_is_refused()
    {
        Assert.Throws<ArgumentException>(() => CustomerIdentity.Key(null, " \u3000 "));
    }
}
