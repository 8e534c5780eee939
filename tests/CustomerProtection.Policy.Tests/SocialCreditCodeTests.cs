using CsCheck;
using CustomerProtection.Policy.Identity;

namespace CustomerProtection.Policy.Tests;

/// <summary>P-2.5: unified social credit codes, GB 32100-2015.</summary>
public sealed class SocialCreditCodeTests
{
    // GB 32100-2015 character set: 0-9 and the capitals without I, O, S, V, Z.
    private const string Charset = "0123456789ABCDEFGHJKLMNPQRTUWXY";

    private static readonly Gen<string> Body = Gen.Char[Charset].Array[17].Select(chars => new string(chars));

    /// <summary>
    /// An independent reading of the standard: weight of position i (1-based) is 3^(i−1) mod 31,
    /// computed by repeated multiplication; check value 31 − (Σ mod 31), with 31 written as 0.
    /// </summary>
    private static char ReferenceCheck(string body17)
    {
        long sum = 0;
        for (var i = 0; i < 17; i++)
        {
            long weight = 1;
            for (var k = 0; k < i; k++)
            {
                weight = weight * 3 % 31;
            }

            sum += Charset.IndexOf(body17[i], StringComparison.Ordinal) * weight;
        }

        var check = 31 - (int)(sum % 31);
        return Charset[check % 31];
    }

    // A body whose check character is the wanted one: vary position 17 until the reference agrees.
    private static string CodeWithCheck(string prefix16, char wanted)
    {
        foreach (var c in Charset)
        {
            var body = prefix16 + c;
            if (ReferenceCheck(body) == wanted)
            {
                return body + wanted;
            }
        }

        throw new InvalidOperationException("every check value is reachable from position 17");
    }

    [Theory]
    [InlineData("91350100M000100Y43")] // the commonly cited example; check digit 3
    [InlineData("91110000600037341L")] // check character L
    [InlineData("91110108551385082Q")] // check character Q
    [InlineData("914403001922038216")]
    public void P2_5_known_codes_are_valid_and_agree_with_the_reference(string code)
    {
        Assert.Equal(code[17], ReferenceCheck(code[..17]));
        var result = SocialCreditCode.Validate(code);
        Assert.True(result.IsValid, result.Message);
        Assert.Equal(code, result.Code.Value);
        Assert.Equal(code[17], SocialCreditCode.ComputeCheckCharacter(code.AsSpan(0, 17)));
    }

    [Fact]
    public void P2_5_check_value_31_is_written_as_0_and_letter_checks_are_accepted()
    {
        foreach (var wanted in new[] { '0', 'A', 'H', 'J', 'N', 'P', 'R', 'T', 'U', 'W', 'Y' })
        {
            var code = CodeWithCheck("9132050058" + "ABCDEF", wanted);
            Assert.True(SocialCreditCode.TryParse(code, out var parsed), code);
            Assert.Equal(wanted, parsed.Value[17]);
        }
    }

    [Fact]
    public void P2_5_every_code_built_with_the_reference_check_is_valid()
    {
        Body.Sample(body =>
        {
            var code = body + ReferenceCheck(body);
            Assert.True(SocialCreditCode.Validate(code).IsValid, code);
            Assert.Equal(ReferenceCheck(body), SocialCreditCode.ComputeCheckCharacter(body));
        }, iter: 5000);
    }

    [Fact]
    public void P2_5_any_single_substitution_is_detected()
    {
        Gen.Select(Body, Gen.Int[0, 17], Gen.Int[1, 30]).Sample((body, position, shift) =>
        {
            var code = (body + ReferenceCheck(body)).ToCharArray();
            code[position] = Charset[(Charset.IndexOf(code[position], StringComparison.Ordinal) + shift) % 31];
            var result = SocialCreditCode.Validate(new string(code));
            Assert.Equal(SocialCreditCodeError.BadCheckCharacter, result.Error);
        }, iter: 5000);
    }

    [Fact]
    public void P2_5_any_adjacent_transposition_in_the_first_17_is_detected()
    {
        Gen.Select(Body, Gen.Int[0, 15]).Sample((body, position) =>
        {
            if (body[position] == body[position + 1])
            {
                return;
            }

            var code = (body + ReferenceCheck(body)).ToCharArray();
            (code[position], code[position + 1]) = (code[position + 1], code[position]);
            Assert.False(SocialCreditCode.Validate(new string(code)).IsValid);
        }, iter: 3000);
    }

    [Fact]
    public void P2_5_a_bad_check_character_names_the_expected_one()
    {
        var result = SocialCreditCode.Validate("91350100M000100Y44");
        Assert.Equal(SocialCreditCodeError.BadCheckCharacter, result.Error);
        Assert.Equal('3', result.ExpectedCheckCharacter);
        Assert.Equal('4', result.Character);
        Assert.Equal(18, result.Position);
        Assert.Equal("91350100M000100Y44", result.Normalized);
        Assert.Contains("expected '3'", result.Message, StringComparison.Ordinal);
        Assert.Throws<InvalidOperationException>(() => result.Code);
    }

    [Theory]
    [InlineData('I')]
    [InlineData('O')]
    [InlineData('S')]
    [InlineData('V')]
    [InlineData('Z')]
    public void P2_5_letters_I_O_S_V_Z_are_invalid_characters_with_their_position(char letter)
    {
        var code = "91350100" + letter + "000100Y43";
        var result = SocialCreditCode.Validate(code);
        Assert.Equal(SocialCreditCodeError.InvalidCharacter, result.Error);
        Assert.Equal(9, result.Position);
        Assert.Equal(letter, result.Character);
        Assert.False(SocialCreditCode.TryParse(code, out _, out var error));
        Assert.Contains("position 9", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("91350100M000100Y4", 17)]
    [InlineData("91350100M000100Y433", 19)]
    [InlineData("9135", 4)]
    public void P2_5_a_code_must_have_18_characters(string code, int length)
    {
        var result = SocialCreditCode.Validate(code);
        Assert.Equal(SocialCreditCodeError.InvalidLength, result.Error);
        Assert.Contains($"not {length}", result.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData(" \u3000 ")]
    public void P2_5_an_empty_code_is_reported_as_empty(string? code)
    {
        Assert.Equal(SocialCreditCodeError.Empty, SocialCreditCode.Validate(code).Error);
    }

    [Theory]
    [InlineData("９１３５０１００Ｍ０００１００Ｙ４３")] // full-width digits and letters
    [InlineData("91350100m000100y43")] // lower case
    [InlineData(" 9135 0100 M000 100Y 43\u3000")] // spaces and an ideographic space
    [InlineData("９１３５０１００ｍ０００１００ｙ４３")] // full-width lower case
    public void P2_5_full_width_lowercase_and_spaced_input_is_normalised_first(string input)
    {
        Assert.True(SocialCreditCode.TryParse(input, out var code));
        Assert.Equal("91350100M000100Y43", code.Value);
        Assert.Equal("91350100M000100Y43", code.ToString());
    }

    [Fact]
    public void P2_5_the_registering_authority_prefix_is_not_checked()
    {
        // 'Y' and 'A' are not (yet) registering authorities; only charset and check count.
        foreach (var prefix in new[] { "Y", "A", "0" })
        {
            var body = prefix + "1350100M000100Y4";
            var code = body + ReferenceCheck(body);
            Assert.True(SocialCreditCode.Validate(code).IsValid, code);
        }
    }

    [Fact]
    public void P2_5_parse_throws_a_format_exception_with_the_reason()
    {
        Assert.Equal("91350100M000100Y43", SocialCreditCode.Parse("91350100M000100Y43").Value);
        var error = Assert.Throws<FormatException>(() => SocialCreditCode.Parse("91350100M000100Y44"));
        Assert.Contains("校验位", error.Message, StringComparison.Ordinal);
    }
}
