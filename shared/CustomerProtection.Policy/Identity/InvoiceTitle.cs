using System.Text;

namespace CustomerProtection.Policy.Identity;

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
    public static string Normalize(string title)
    {
        ArgumentNullException.ThrowIfNull(title);
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
