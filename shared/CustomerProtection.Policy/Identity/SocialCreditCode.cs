using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;

namespace CustomerProtection.Policy.Identity;

/// <summary>Why a taxpayer id is not a valid unified social credit code.</summary>
public enum SocialCreditCodeError
{
    /// <summary>Valid.</summary>
    None = 0,

    /// <summary>Nothing but whitespace.</summary>
    Empty = 1,

    /// <summary>Not 18 characters after normalisation.</summary>
    InvalidLength = 2,

    /// <summary>A character outside 0-9 A-H J-N P-R T U W-Y (I, O, S, V, Z are never used).</summary>
    InvalidCharacter = 3,

    /// <summary>The 18th character is not the GB 32100-2015 check character of the first 17.</summary>
    BadCheckCharacter = 4,

    /// <summary>
    /// Text that cannot be normalised (P-2.5): a lone or reversed surrogate, or a Unicode
    /// noncharacter such as U+FFFE.
    /// </summary>
    Unnormalizable = 5,
}

/// <summary>
/// The outcome of validating a taxpayer id (P-2.5). <see cref="Normalized"/> is filled whenever the
/// input was not empty and could be normalised, so that a code that fails only its check character
/// can still be keyed after a manual identity review (P-2.5: a few real codes fail the checksum).
/// </summary>
/// <param name="Normalized">The input after normalisation (full-width → ASCII, whitespace removed, upper case);
/// empty when the input is empty or cannot be normalised.</param>
/// <param name="Error">What is wrong, or <see cref="SocialCreditCodeError.None"/>.</param>
/// <param name="Position">1-based position of the offending character (invalid character or check character,
/// in the normalised code; for text that cannot be normalised, of the first offending UTF-16 unit of the input), else 0.</param>
/// <param name="Character">The offending character (for text that cannot be normalised, the UTF-16 unit), if any.</param>
/// <param name="ExpectedCheckCharacter">For a bad check character: the one the first 17 characters call for.</param>
public sealed record SocialCreditCodeValidation(
    string Normalized,
    SocialCreditCodeError Error,
    int Position,
    char? Character,
    char? ExpectedCheckCharacter)
{
    public const string RuleId = "P-2.5";

    public bool IsValid => Error == SocialCreditCodeError.None;

    /// <summary>The valid code (throws when <see cref="IsValid"/> is false).</summary>
    public SocialCreditCode Code => IsValid
        ? SocialCreditCode.FromValidated(Normalized)
        : throw new InvalidOperationException(Message);

    /// <summary>A message in Chinese with English beside it (architecture.md, "Errors").</summary>
    public string Message => Error switch
    {
        SocialCreditCodeError.None => "有效 / valid",
        SocialCreditCodeError.Empty => "统一社会信用代码为空 / The unified social credit code is empty",
        SocialCreditCodeError.InvalidLength => string.Create(
            CultureInfo.InvariantCulture,
            $"统一社会信用代码应为18位，实际为{Normalized.Length}位 / The unified social credit code must have 18 characters, not {Normalized.Length}"),
        SocialCreditCodeError.InvalidCharacter => string.Create(
            CultureInfo.InvariantCulture,
            $"统一社会信用代码第{Position}位字符“{Character}”无效（不使用 I、O、S、V、Z） / Character '{Character}' at position {Position} is not allowed (I, O, S, V, Z are never used)"),
        SocialCreditCodeError.BadCheckCharacter => string.Create(
            CultureInfo.InvariantCulture,
            $"统一社会信用代码校验位错误：应为“{ExpectedCheckCharacter}”，实际为“{Character}”；如确认无误，请申请人工身份审核 / Bad check character: expected '{ExpectedCheckCharacter}', got '{Character}'; ask for a manual identity review if the code is right"),
        // The position only: the unit itself (a lone surrogate) would make the message ill-formed text too.
        SocialCreditCodeError.Unnormalizable => string.Create(
            CultureInfo.InvariantCulture,
            $"统一社会信用代码含有无法规范化的字符（第{Position}位） / The unified social credit code contains a character that cannot be normalised (position {Position})"),
        _ => Error.ToString(),
    };
}

/// <summary>
/// A unified social credit code (统一社会信用代码), GB 32100-2015: 18 characters from the 31-character
/// set 0-9 A-H J-N P-R T U W-Y; the 18th is a check character over the first 17 with weights
/// 3^(i−1) mod 31 and check value 31 − (Σ value·weight mod 31), where 31 is written as 0.
/// P-2.5: the character set and the check character are validated, the registering-authority
/// prefix is not (new prefixes keep being added). Input in full-width characters, lower case or
/// with spaces is normalised first; input that cannot be normalised is invalid
/// (<see cref="SocialCreditCodeError.Unnormalizable"/>).
/// </summary>
public readonly record struct SocialCreditCode
{
    public const int Length = 18;

    /// <summary>The code's characters in order of their value 0..30.</summary>
    public const string Alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY";

    // Weights of positions 1..17: 3^(i-1) mod 31.
    private static readonly int[] Weights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

    private readonly string? value;

    private SocialCreditCode(string value) => this.value = value;

    /// <summary>The 18 normalised characters.</summary>
    public string Value => value ?? string.Empty;

    /// <summary>Validates <paramref name="input"/> and says exactly what is wrong. Never throws.</summary>
    public static SocialCreditCodeValidation Validate(string? input)
    {
        if (!TryNormalize(input, out var normalized, out var invalidAt))
        {
            return Unnormalizable(input!, invalidAt);
        }

        if (normalized.Length == 0)
        {
            return new SocialCreditCodeValidation(normalized, SocialCreditCodeError.Empty, 0, null, null);
        }

        if (normalized.Length != Length)
        {
            return new SocialCreditCodeValidation(normalized, SocialCreditCodeError.InvalidLength, 0, null, null);
        }

        for (var i = 0; i < Length; i++)
        {
            if (ValueOf(normalized[i]) < 0)
            {
                return new SocialCreditCodeValidation(normalized, SocialCreditCodeError.InvalidCharacter, i + 1, normalized[i], null);
            }
        }

        var expected = ComputeCheckCharacter(normalized.AsSpan(0, Length - 1));
        return expected == normalized[Length - 1]
            ? new SocialCreditCodeValidation(normalized, SocialCreditCodeError.None, 0, null, null)
            : new SocialCreditCodeValidation(normalized, SocialCreditCodeError.BadCheckCharacter, Length, normalized[Length - 1], expected);
    }

    /// <summary>True and the code iff <paramref name="input"/> is a valid code.</summary>
    public static bool TryParse([NotNullWhen(true)] string? input, out SocialCreditCode code)
    {
        var validation = Validate(input);
        code = validation.IsValid ? new SocialCreditCode(validation.Normalized) : default;
        return validation.IsValid;
    }

    /// <summary>As <see cref="TryParse(string?, out SocialCreditCode)"/>, with the bilingual reason.</summary>
    public static bool TryParse([NotNullWhen(true)] string? input, out SocialCreditCode code, out string error)
    {
        var validation = Validate(input);
        code = validation.IsValid ? new SocialCreditCode(validation.Normalized) : default;
        error = validation.IsValid ? string.Empty : validation.Message;
        return validation.IsValid;
    }

    /// <summary>The code, or <see cref="FormatException"/> with the reason (also for text that cannot be normalised).</summary>
    public static SocialCreditCode Parse(string input)
    {
        var validation = Validate(input);
        return validation.IsValid ? new SocialCreditCode(validation.Normalized) : throw new FormatException(validation.Message);
    }

    /// <summary>
    /// The check character for the first 17 characters (all from <see cref="Alphabet"/>).
    /// </summary>
    public static char ComputeCheckCharacter(ReadOnlySpan<char> first17)
    {
        if (first17.Length != Length - 1)
        {
            throw new ArgumentException("Exactly 17 characters are needed.", nameof(first17));
        }

        var sum = 0;
        for (var i = 0; i < first17.Length; i++)
        {
            var v = ValueOf(first17[i]);
            if (v < 0)
            {
                throw new ArgumentException($"'{first17[i]}' is not a code character.", nameof(first17));
            }

            sum += v * Weights[i];
        }

        var check = 31 - (sum % 31);
        return Alphabet[check == 31 ? 0 : check];
    }

    /// <summary>
    /// Full-width forms to ASCII (NFKC), all whitespace (including the ideographic space U+3000)
    /// removed, ASCII letters upper-cased. Never null.
    /// </summary>
    /// <exception cref="InvalidTaxpayerIdException">The input cannot be normalised (<see cref="SocialCreditCodeError.Unnormalizable"/>).</exception>
    public static string Normalize(string? input) =>
        TryNormalize(input, out var normalized, out var invalidAt) ? normalized : throw new InvalidTaxpayerIdException(Unnormalizable(input!, invalidAt));

    public override string ToString() => Value;

    internal static SocialCreditCode FromValidated(string normalized) => new(normalized);

    // False, with the index of the first UTF-16 unit NFKC cannot take, instead of NFKC's ArgumentException.
    private static bool TryNormalize(string? input, out string normalized, out int invalidAt)
    {
        invalidAt = -1;
        normalized = string.Empty;
        if (string.IsNullOrEmpty(input))
        {
            return true;
        }

        // Plain ASCII (the usual code) is always normalisable and NFKC leaves it as it is: no scan, no copy.
        var text = input;
        if (!IsPlainAscii(input))
        {
            invalidAt = UnicodeText.IndexOfUnnormalizable(input);
            if (invalidAt >= 0)
            {
                return false;
            }

            text = input.Normalize(NormalizationForm.FormKC);
        }

        normalized = string.Create(CountKept(text), text, static (span, source) =>
        {
            var j = 0;
            foreach (var c in source)
            {
                if (!char.IsWhiteSpace(c))
                {
                    span[j++] = c is >= 'a' and <= 'z' ? (char)(c - 32) : c;
                }
            }
        });
        return true;
    }

    private static SocialCreditCodeValidation Unnormalizable(string input, int invalidAt) =>
        new(string.Empty, SocialCreditCodeError.Unnormalizable, invalidAt + 1, input[invalidAt], null);

    // Value 0..30 of a code character, or -1.
    private static int ValueOf(char c) => c switch
    {
        >= '0' and <= '9' => c - '0',
        >= 'A' and <= 'H' => c - 'A' + 10,
        >= 'J' and <= 'N' => c - 'J' + 18,
        >= 'P' and <= 'R' => c - 'P' + 23,
        'T' => 26,
        'U' => 27,
        >= 'W' and <= 'Y' => c - 'W' + 28,
        _ => -1,
    };

    private static bool IsPlainAscii(string s)
    {
        foreach (var c in s)
        {
            if (c > 0x7F)
            {
                return false;
            }
        }

        return true;
    }

    private static int CountKept(string s)
    {
        var n = 0;
        foreach (var c in s)
        {
            if (!char.IsWhiteSpace(c))
            {
                n++;
            }
        }

        return n;
    }
}
