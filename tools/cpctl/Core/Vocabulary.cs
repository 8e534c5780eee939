using System.Text;

namespace CustomerProtection.Cli.Core;

/// <summary>
/// The policy's words for the protos' enums, as the token and the events spell them: <c>Role.BranchManager</c> is
/// <c>branch_manager</c>, <c>FilingStatus.Escalated</c> is <c>escalated</c>. One rule for every enum, both ways.
/// </summary>
internal static class Vocabulary
{
    public static string Word(Enum value)
    {
        var name = value.ToString();
        var word = new StringBuilder(name.Length + 4);
        foreach (var c in name)
        {
            if (char.IsUpper(c) && word.Length > 0)
            {
                word.Append('_');
            }

            word.Append(char.ToLowerInvariant(c));
        }

        return word.ToString();
    }

    /// <summary>The enum value for a word; the "unspecified" value is never a word.</summary>
    public static TEnum Parse<TEnum>(string word, string option) where TEnum : struct, Enum
    {
        foreach (var value in Enum.GetValues<TEnum>())
        {
            if (Convert.ToInt32(value, System.Globalization.CultureInfo.InvariantCulture) != 0
                && string.Equals(Word(value), word.Trim(), StringComparison.OrdinalIgnoreCase))
            {
                return value;
            }
        }

        throw new CliException(ExitCodes.InvalidArgument, $"{option}: '{word}' 无效 / is not one of: {string.Join(", ", Words<TEnum>())}");
    }

    public static IEnumerable<string> Words<TEnum>() where TEnum : struct, Enum =>
        Enum.GetValues<TEnum>().Where(v => Convert.ToInt32(v, System.Globalization.CultureInfo.InvariantCulture) != 0).Select(v => Word(v));
}
