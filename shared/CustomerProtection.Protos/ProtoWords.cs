using System.Reflection;
using Google.Protobuf.Reflection;

namespace CustomerProtection.Protos;

/// <summary>
/// The API's enums beside the domain's words (the events' vocabulary): CASE_STATUS_AUCTION_BIDDING is
/// "auction_bidding". One rule for every enum, so a word added to the domain and its enum value cannot drift
/// apart silently (ProtoWordsTests maps every word both ways).
/// </summary>
public static class ProtoWords
{
    /// <summary>The domain's word of an enum value; null for the UNSPECIFIED value or an unknown number (the use case refuses it with its field).</summary>
    public static string? Word<TEnum>(TEnum value) where TEnum : struct, Enum =>
        Table<TEnum>.Words.TryGetValue(value, out var word) ? word : null;

    /// <summary>The enum value of a domain word; UNSPECIFIED for none.</summary>
    public static TEnum Value<TEnum>(string? word) where TEnum : struct, Enum =>
        word is not null && Table<TEnum>.Values.TryGetValue(word, out var value) ? value : default;

    private static class Table<TEnum> where TEnum : struct, Enum
    {
        public static readonly Dictionary<TEnum, string> Words = Build();

        public static readonly Dictionary<string, TEnum> Values = Words.ToDictionary(p => p.Value, p => p.Key);

        private static Dictionary<TEnum, string> Build()
        {
            var names = typeof(TEnum).GetFields(BindingFlags.Public | BindingFlags.Static)
                .ToDictionary(f => (TEnum)f.GetValue(null)!, f => f.GetCustomAttribute<OriginalNameAttribute>()!.Name);
            var prefix = names[default].Replace("UNSPECIFIED", "", StringComparison.Ordinal);
            return names.Where(p => !EqualityComparer<TEnum>.Default.Equals(p.Key, default))
                .ToDictionary(p => p.Key, p => p.Value[prefix.Length..].ToLowerInvariant());
        }
    }
}
