using System.Text;
using CsCheck;
using CustomerProtection.Policy.Identity;

namespace CustomerProtection.Policy.Tests;

/// <summary>
/// P-2.5: text that cannot be normalised (U+FFFE, U+FFFF, a lone or reversed surrogate) is refused
/// on its own field — with the documented exception or a false, never NFKC's ArgumentException.
/// </summary>
public sealed class UnnormalizableTextTests
{
    private const string Code = "91350100M000100Y43";
    private const string Title = "无锡华光电子有限公司";

    // Named, not written out: xunit would carry a lone surrogate in a test case's data as U+FFFD.
    private static readonly Dictionary<string, string> BadTexts = new()
    {
        ["U+FFFE"] = "\uFFFE",
        ["U+FFFF"] = "\uFFFF",
        ["lone high surrogate"] = "\uD800",
        ["lone low surrogate"] = "\uDC00",
        ["reversed pair"] = "\uDC00\uD800",
    };

    private static readonly string[] Places = ["start", "middle", "end"];

    // Any text: ASCII, CJK, full-width forms, whitespace and brackets, and a fair share of surrogates
    // (paired or not, in any order) and noncharacters.
    private static readonly Gen<string> AnyText = Gen.Frequency(
            (4, Gen.Char['0', 'z']),
            (3, Gen.Char['\u4E00', '\u9FFF']),
            (2, Gen.Char['\uD800', '\uDFFF']),
            (1, Gen.Char['\uFDC0', '\uFDFF']),
            (2, Gen.Char['\uFF00', '\uFFFF']),
            (1, Gen.Char[" \u3000\u200B（）【】()"]),
            (1, Gen.Char))
        .Array[0, 24]
        .Select(chars => new string(chars));

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static TheoryData<string, string> Cases()
    {
        var data = new TheoryData<string, string>();
        foreach (var bad in BadTexts.Keys)
        {
            foreach (var place in Places)
            {
                data.Add(bad, place);
            }
        }

        return data;
    }

    /// <summary><paramref name="text"/> with the bad text inserted, and the 1-based position of its first unit.</summary>
    private static (string Text, int Position) Placed(string text, string bad, string place)
    {
        var index = place switch
        {
            "start" => 0,
            "middle" => text.Length / 2,
            _ => text.Length,
        };
        return (text.Insert(index, BadTexts[bad]), index + 1);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void P2_5_a_taxpayer_id_that_cannot_be_normalised_is_Unnormalizable_with_the_position(string bad, string place)
    {
        var (taxpayerId, position) = Placed(Code, bad, place);
        var validation = SocialCreditCode.Validate(taxpayerId);

        Assert.False(validation.IsValid);
        Assert.Equal(SocialCreditCodeError.Unnormalizable, validation.Error);
        Assert.Equal(position, validation.Position);
        Assert.Equal(taxpayerId[position - 1], validation.Character);
        Assert.Equal("", validation.Normalized);
        Assert.Contains($"第{position}位", validation.Message, StringComparison.Ordinal);
        Assert.Contains($"(position {position})", validation.Message, StringComparison.Ordinal);
        // The message names the position, never the unit: it stays well-formed text for gRPC and logs.
        Assert.Equal(-1, validation.Message.AsSpan().IndexOfAnyInRange('\uD800', '\uDFFF'));
        Assert.DoesNotContain('\uFFFE', validation.Message);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void P2_5_TryParse_returns_false_and_Parse_throws_FormatException_for_a_taxpayer_id_that_cannot_be_normalised(string bad, string place)
    {
        var (taxpayerId, position) = Placed(Code, bad, place);
        Assert.False(SocialCreditCode.TryParse(taxpayerId, out var code));
        Assert.Equal(default, code);
        Assert.False(SocialCreditCode.TryParse(taxpayerId, out _, out var error));
        Assert.Equal(SocialCreditCode.Validate(taxpayerId).Message, error);
        var parse = Assert.Throws<FormatException>(() => SocialCreditCode.Parse(taxpayerId));
        Assert.Contains($"(position {position})", parse.Message, StringComparison.Ordinal);
        var normalize = Assert.Throws<InvalidTaxpayerIdException>(() => SocialCreditCode.Normalize(taxpayerId));
        Assert.Equal(SocialCreditCodeError.Unnormalizable, normalize.Validation!.Error);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void P2_5_the_identity_key_of_a_taxpayer_id_that_cannot_be_normalised_is_an_InvalidTaxpayerIdException(string bad, string place)
    {
        var (taxpayerId, position) = Placed(Code, bad, place);
        // A manual identity review excuses a bad check character only.
        foreach (var manualReview in new[] { false, true })
        {
            var error = Assert.Throws<InvalidTaxpayerIdException>(() => CustomerIdentity.Key(taxpayerId, Title, manualReview));
            Assert.Equal(SocialCreditCodeError.Unnormalizable, error.Validation!.Error);
            Assert.Equal(position, error.Validation.Position);
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void P2_5_an_invoice_title_that_cannot_be_normalised_throws_InvalidInvoiceTitleException_with_the_position(string bad, string place)
    {
        var (title, position) = Placed(Title, bad, place);
        var error = Assert.Throws<InvalidInvoiceTitleException>(() => InvoiceTitle.Normalize(title));

        Assert.Equal(position, error.Position);
        Assert.Contains($"第{position}位", error.Message, StringComparison.Ordinal);
        Assert.Contains($"(position {position})", error.Message, StringComparison.Ordinal);
        Assert.Equal(-1, error.Message.AsSpan().IndexOfAnyInRange('\uD800', '\uDFFF'));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void P2_5_TryNormalize_returns_false_for_an_invoice_title_that_cannot_be_normalised(string bad, string place)
    {
        var (title, position) = Placed(Title, bad, place);
        Assert.False(InvoiceTitle.TryNormalize(title, out var normalized));
        Assert.Equal("", normalized);
        Assert.False(InvoiceTitle.TryNormalize(title, out _, out var error));
        Assert.Equal(new InvalidInvoiceTitleException(position).Message, error);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void P2_5_the_identity_key_of_a_title_that_cannot_be_normalised_is_an_InvalidInvoiceTitleException_when_the_title_is_the_identity(string bad, string place)
    {
        var (title, position) = Placed(Title, bad, place);
        var error = Assert.Throws<InvalidInvoiceTitleException>(() => CustomerIdentity.Key(null, title));
        Assert.Equal(position, error.Position);
        Assert.Throws<InvalidInvoiceTitleException>(() => CustomerIdentity.Key("  ", title, manualReview: true));

        // With a taxpayer id the title takes no part in the key (callers that store the title check it: FilingRules).
        Assert.Equal("uscc:" + Code, CustomerIdentity.Key(Code, title));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void X4_P2_5_title_similarity_treats_a_title_that_cannot_be_normalised_as_empty_and_never_throws(string bad, string place)
    {
        var (title, _) = Placed(Title, bad, place);
        Assert.Empty(TitleSimilarity.CandidateKeys(title));
        var comparison = TitleSimilarity.Compare(title, Title);
        Assert.Equal(("", InvoiceTitle.Normalize(Title), 0.0, false), (comparison.NormalizedA, comparison.NormalizedB, comparison.Score, comparison.IsNearDuplicate));
        Assert.Equal(0.0, TitleSimilarity.Score(Title, title));
        Assert.False(TitleSimilarity.IsNearDuplicate(title, title));
    }

    [Theory]
    [InlineData(0xFDD0)] // the first of the 32 noncharacters U+FDD0..U+FDEF
    [InlineData(0xFDEF)]
    [InlineData(0x1FFFE)] // a noncharacter outside the BMP (a surrogate pair)
    [InlineData(0x10FFFF)]
    public void P2_5_every_noncharacter_is_refused_as_text_that_cannot_be_normalised(int codePoint)
    {
        var bad = char.ConvertFromUtf32(codePoint);
        Assert.Equal(SocialCreditCodeError.Unnormalizable, SocialCreditCode.Validate(Code + bad).Error);
        Assert.Equal(Title.Length + 1, Assert.Throws<InvalidInvoiceTitleException>(() => InvoiceTitle.Normalize(Title + bad)).Position);
    }

    [Fact]
    public void P2_5_a_well_formed_surrogate_pair_still_normalises()
    {
        const string Ideograph = "\U00020000"; // 𠀀, CJK Extension B: a high and a low surrogate in order

        Assert.Equal(Ideograph + "华光电子有限公司(上海)", InvoiceTitle.Normalize(Ideograph + "华光电子有限公司（上海）"));
        Assert.True(InvoiceTitle.TryNormalize(Ideograph + "厂", out var normalized));
        Assert.Equal(Ideograph + "厂", normalized);
        Assert.Equal("title:" + Ideograph + "华光", CustomerIdentity.Key(null, Ideograph + " 华光"));
        Assert.NotEmpty(TitleSimilarity.CandidateKeys(Ideograph + "华光电子有限公司"));
        // In a taxpayer id it is merely characters outside the code's set.
        var validation = SocialCreditCode.Validate(Code[..16] + Ideograph);
        Assert.Equal((SocialCreditCodeError.InvalidCharacter, 17), (validation.Error, validation.Position));
    }

    [Fact]
    public void P2_5_null_is_no_title_and_the_empty_title_normalises_to_empty()
    {
        Assert.False(InvoiceTitle.TryNormalize(null, out var none, out var error));
        Assert.Equal("", none);
        Assert.NotEmpty(error);
        Assert.True(InvoiceTitle.TryNormalize("", out var empty, out var noError));
        Assert.Equal(("", ""), (empty, noError));
        Assert.True(InvoiceTitle.TryNormalize(" \u3000\u200B", out var blank));
        Assert.Equal("", blank);
    }

    [Fact]
    public void P2_5_no_text_makes_the_identity_functions_throw_anything_but_their_documented_exceptions()
    {
        Gen.Select(AnyText, AnyText).Sample((taxpayerId, title) =>
        {
            var validation = SocialCreditCode.Validate(taxpayerId);
            Assert.Equal(validation.IsValid, SocialCreditCode.TryParse(taxpayerId, out _));
            Assert.Equal(validation.IsValid, SocialCreditCode.TryParse(taxpayerId, out _, out _));
            if (!validation.IsValid)
            {
                Assert.Throws<FormatException>(() => SocialCreditCode.Parse(taxpayerId));
            }

            var normalizable = InvoiceTitle.TryNormalize(title, out var normalized);
            if (normalizable)
            {
                Assert.Equal(normalized, InvoiceTitle.Normalize(title));
            }
            else
            {
                Assert.Throws<InvalidInvoiceTitleException>(() => InvoiceTitle.Normalize(title));
            }

            foreach (var id in new[] { taxpayerId, null })
            {
                // The documented three: a bad taxpayer id, a title that cannot be normalised, an empty title.
                var thrown = Record.Exception(() => CustomerIdentity.Key(id, title));
                Assert.True(thrown is null or InvalidTaxpayerIdException or InvalidInvoiceTitleException || thrown.GetType() == typeof(ArgumentException), thrown?.ToString());
            }

            TitleSimilarity.Compare(taxpayerId, title);
            TitleSimilarity.CandidateKeys(title);
        });
    }

    [Fact]
    public void P2_5_what_is_refused_includes_all_that_the_runtime_cannot_normalise_and_nothing_well_formed()
    {
        AnyText.Sample(text =>
        {
            var wellFormed = IsWellFormedWithoutNoncharacters(text);
            Assert.Equal(wellFormed, InvoiceTitle.TryNormalize(text, out _));
            if (wellFormed)
            {
                // Would throw ArgumentException if anything the runtime refuses got through.
                Assert.NotNull(text.Normalize(NormalizationForm.FormKC));
            }
        });
    }

    // An independent reading: the runtime's strict UTF-8 encoder refuses ill-formed UTF-16; then no noncharacter.
    private static bool IsWellFormedWithoutNoncharacters(string text)
    {
        try
        {
            StrictUtf8.GetByteCount(text);
        }
        catch (EncoderFallbackException)
        {
            return false;
        }

        return !text.EnumerateRunes().Any(rune => rune.Value is >= 0xFDD0 and <= 0xFDEF || (rune.Value & 0xFFFE) == 0xFFFE);
    }
}
