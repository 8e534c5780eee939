using System.Buffers;
using System.Text;

namespace CustomerProtection.Policy.Identity;

/// <summary>
/// What P-2.5's normalisation (NFKC) cannot take: ill-formed UTF-16 (a lone surrogate, or a low
/// surrogate before its high one) and the Unicode noncharacters (U+FDD0..U+FDEF and the last two
/// code points of every plane: U+FFFE, U+FFFF, U+1FFFE ...). The runtime's NFKC throws
/// ArgumentException on ill-formed text and on U+FFFE; every noncharacter is refused alike, so that
/// what is refused does not depend on the runtime's Unicode library, and because noncharacters are
/// for a process's internal use, never for text that is interchanged.
/// </summary>
internal static class UnicodeText
{
    /// <summary>The 0-based index of the first UTF-16 unit that cannot be normalised, or -1.</summary>
    public static int IndexOfUnnormalizable(ReadOnlySpan<char> text)
    {
        // Everything below U+D800 (ASCII, CJK ideographs) is fine: skip to the first unit at or
        // above it with one vectorised search, so the usual title costs a single pass.
        var i = text.IndexOfAnyInRange('\uD800', '\uFFFF');
        if (i < 0)
        {
            return -1;
        }

        while (i < text.Length)
        {
            if (text[i] < '\uD800')
            {
                i++;
                continue;
            }

            if (Rune.DecodeFromUtf16(text[i..], out var rune, out var consumed) != OperationStatus.Done || IsNoncharacter(rune.Value))
            {
                return i;
            }

            i += consumed;
        }

        return -1;
    }

    private static bool IsNoncharacter(int codePoint) => codePoint is >= 0xFDD0 and <= 0xFDEF || (codePoint & 0xFFFE) == 0xFFFE;
}
