using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;

namespace CustomerProtection.Policy.Identity;

/// <summary>
/// An invoice title that cannot be normalised (P-2.5: a lone or reversed surrogate, or a Unicode
/// noncharacter such as U+FFFE), so it cannot be an identity and is refused on its own field.
/// </summary>
public sealed class InvalidInvoiceTitleException : ArgumentException
{
    public InvalidInvoiceTitleException()
    {
    }

    public InvalidInvoiceTitleException(string message)
        : base(message)
    {
    }

    public InvalidInvoiceTitleException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    // No parameter name: ArgumentException would append it to the message that callers show as it is.

    /// <summary>The title's first offending UTF-16 unit is at <paramref name="position"/> (1-based).</summary>
    public InvalidInvoiceTitleException(int position)
        : base(InvoiceTitle.UnnormalizableMessage(position))
    {
        Position = position;
    }

    /// <summary>1-based position of the first UTF-16 unit that cannot be normalised; 0 when not known.</summary>
    public int Position { get; }
}

/// <summary>
/// The invoice title (开票抬头) as an identity (P-2.5). Two titles name the same customer iff their
/// normalised forms are equal.
/// </summary>
public static class InvoiceTitle
{
    /// <summary>
    /// P-2.5 normalisation: Unicode NFKC (which also turns full-width forms into half-width ones
    /// and the ideographic space into a space); every whitespace character removed, and the
    /// invisible zero-width characters with it; brackets unified to ASCII ( ) — （）【】〔〕〖〗［］[]
    /// are all used for the same qualifier; ASCII letters folded to lower case. Bracket contents and
    /// legal-form words (有限公司, 分公司 ...) are kept: stripping them would merge subsidiaries and
    /// branches that are distinct customers.
    /// </summary>
    /// <exception cref="InvalidInvoiceTitleException">The title cannot be normalised (a lone or reversed
    /// surrogate, or a noncharacter such as U+FFFE).</exception>
    public static string Normalize(string title)
    {
        ArgumentNullException.ThrowIfNull(title);
        return Normalized(title, out var invalidAt) ?? throw new InvalidInvoiceTitleException(invalidAt + 1);
    }

    /// <summary>
    /// As <see cref="Normalize"/>, without throwing: false for a title that cannot be normalised and
    /// for a missing (null) title, true for any other — "" and blank titles normalise to "", and
    /// whether an empty title is acceptable is the caller's rule (<see cref="CustomerIdentity.Key(string?, string)"/>
    /// refuses it). <paramref name="normalized"/> is "" when false.
    /// </summary>
    public static bool TryNormalize([NotNullWhen(true)] string? title, out string normalized) => TryNormalize(title, out normalized, out _);

    /// <summary>As <see cref="TryNormalize(string?, out string)"/>, with the bilingual reason when false ("" when true).</summary>
    public static bool TryNormalize([NotNullWhen(true)] string? title, out string normalized, out string error)
    {
        if (title is null)
        {
            normalized = string.Empty;
            error = "开票抬头缺失 / The invoice title is missing";
            return false;
        }

        var result = Normalized(title, out var invalidAt);
        normalized = result ?? string.Empty;
        error = result is null ? UnnormalizableMessage(invalidAt + 1) : string.Empty;
        return result is not null;
    }

    // The position only: the unit itself (a lone surrogate) would make the message ill-formed text too.
    internal static string UnnormalizableMessage(int position) => string.Create(
        CultureInfo.InvariantCulture,
        $"开票抬头含有无法规范化的字符（第{position}位） / The invoice title contains a character that cannot be normalised (position {position})");

    // The normalised title, or null with the index of the first UTF-16 unit NFKC cannot take
    // (it would throw ArgumentException on it).
    private static string? Normalized(string title, out int invalidAt)
    {
        invalidAt = UnicodeText.IndexOfUnnormalizable(title);
        if (invalidAt >= 0)
        {
            return null;
        }

        var text = title.Normalize(NormalizationForm.FormKC);
        var builder = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            if (char.IsWhiteSpace(c) || IsInvisible(c))
            {
                continue;
            }

            builder.Append(c switch
            {
                '(' or '[' or '【' or '〔' or '〖' or '（' or '［' => '(',
                ')' or ']' or '】' or '〕' or '〗' or '）' or '］' => ')',
                >= 'A' and <= 'Z' => (char)(c + 32),
                _ => c,
            });
        }

        return builder.ToString();
    }

    // Zero-width characters that are not Unicode whitespace but make two equal-looking titles differ.
    private static bool IsInvisible(char c) => c is '\u200B' or '\u200C' or '\u200D' or '\u2060' or '\uFEFF' or '\u00AD';
}
