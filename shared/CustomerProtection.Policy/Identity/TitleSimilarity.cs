namespace CustomerProtection.Policy.Identity;

/// <summary>How two invoice titles compare for the X-4 near-duplicate list.</summary>
/// <param name="NormalizedA">The first title, normalised (P-2.5); empty when it cannot be normalised.</param>
/// <param name="NormalizedB">The second title, normalised.</param>
/// <param name="Score">Weighted bigram Dice similarity, 0..1 (1 for equal titles).</param>
/// <param name="QualifiersConflict">One title carries a bracketed qualifier that the other does not
/// mention, neither in brackets nor in its name (（上海）分公司 vs （北京）分公司, or a parent vs its
/// （上海）branch): distinct entities, never near-duplicates.</param>
/// <param name="SharesCandidateKey">The titles share at least one <see cref="TitleSimilarity.CandidateKeys"/> key.</param>
/// <param name="IsNearDuplicate">Listed for the secretary's review.</param>
public sealed record TitleComparison(
    string NormalizedA,
    string NormalizedB,
    double Score,
    bool QualifiersConflict,
    bool SharesCandidateKey,
    bool IsNearDuplicate);

/// <summary>
/// Near-duplicate invoice titles for the duplicate check (X-4, 查重/撞单): titles that are not the same
/// identity (P-2.5) but probably name the same customer — 无锡市华光电子有限公司 and
/// 无锡华光电子有限公司, a one-character typo, 有限公司 vs 股份有限公司 — are listed for the
/// secretary's review, while branches and subsidiaries that differ in their bracketed qualifier
/// (…（上海）分公司 vs …（北京）分公司) stay distinct.
/// </summary>
/// <remarks>
/// <para>Score: both titles are normalised (<see cref="InvoiceTitle.Normalize"/>) and cut at brackets
/// into segments; each segment yields its character bigrams (a one-character segment yields the
/// character). A bigram touching an administrative suffix character (省 市 区 县) or lying in a
/// legal-form word (有限公司, 股份, 分公司, 集团, 厂 …) weighs <see cref="WeakWeight"/>, any other 1.
/// The score is the weighted Dice coefficient 2·Σ min(wA, wB) over shared bigrams / (ΣwA + ΣwB).</para>
/// <para>Near-duplicate iff score ≥ <see cref="NearDuplicateThreshold"/> (0.75), the bracketed
/// qualifiers do not conflict, and the titles share a candidate key. Qualifiers conflict when one
/// title has a bracketed qualifier (compared without 省市区县) that the other has neither in brackets
/// nor anywhere in its text outside brackets: a branch or subsidiary (…（上海）分公司) is a distinct
/// entity from its sibling (…（北京）分公司) and from its parent (P-2.5; linking them as a group is
/// P-4.4's business), while 华光电子上海有限公司 — the same qualifier typed without brackets —
/// still matches 华光电子（上海）有限公司. The last condition makes <see cref="CandidateKeys"/> an exact blocking
/// scheme: every near-duplicate of a title is found among the titles sharing one of its keys.</para>
/// <para>A title that cannot be normalised (P-2.5: a lone or reversed surrogate, a noncharacter such
/// as U+FFFE) compares as the empty title: no keys, score 0, never a near-duplicate. Requests are
/// refused such titles before they get here; this keeps the comparison total, so that no title,
/// stored or asked about, can make a duplicate check fail.</para>
/// </remarks>
public static class TitleSimilarity
{
    /// <summary>Score from which two titles are near-duplicates. Chosen on the examples in the
    /// tests: a dropped 市 scores 0.87, a one-character typo in a six-character name 0.79,
    /// 有限公司 vs 股份有限公司 0.90; a different trade name (华光/华兴) 0.47, another city in front
    /// (北京/上海) 0.66.</summary>
    public const double NearDuplicateThreshold = 0.75;

    /// <summary>Weight of a bigram that touches an administrative suffix or a legal-form word.</summary>
    public const double WeakWeight = 0.2;

    /// <summary>Prefix of the fallback key of a title without any full-weight bigram outside brackets.</summary>
    public const string ExactKeyPrefix = "=";

    // Legal-form and organisation-type words (longest first so that marking covers whole words).
    private static readonly string[] LegalFormWords =
    [
        "个人独资企业", "有限责任公司", "股份有限公司", "co.,ltd.", "corporation",
        "有限公司", "股份公司", "有限合伙", "普通合伙", "合伙企业", "独资企业", "co.,ltd", "limited", "company",
        "分公司", "总公司", "子公司", "经营部", "营业部", "门市部", "办事处", "工作室", "事务所", "自治区", "自治州", "自治县",
        "公司", "集团", "企业", "分厂", "商行", "分店", "ltd.", "corp", "inc.", "ltd", "inc",
        "厂",
    ];

    /// <summary>Score (0..1) of two raw titles; see the remarks of <see cref="TitleSimilarity"/>.</summary>
    public static double Score(string a, string b) => Compare(a, b).Score;

    /// <summary>True iff the two titles should be listed together for review .</summary>
    public static bool IsNearDuplicate(string a, string b) => Compare(a, b).IsNearDuplicate;

    /// <summary>The full comparison, for the review list's explanation.</summary>
    public static TitleComparison Compare(string a, string b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        var left = TitleProfile.Of(NormalizedOrEmpty(a));
        var right = TitleProfile.Of(NormalizedOrEmpty(b));

        var score = left.Normalized.Length > 0 && left.Normalized == right.Normalized ? 1.0 : WeightedDice(left, right);
        var conflict = left.HasQualifierMissingFrom(right) || right.HasQualifierMissingFrom(left);
        var sharesKey = left.Keys.Overlaps(right.Keys);
        return new TitleComparison(
            left.Normalized,
            right.Normalized,
            score,
            conflict,
            sharesKey,
            IsNearDuplicate: !conflict && sharesKey && score >= NearDuplicateThreshold);
    }

    /// <summary>
    /// Blocking keys for a store: index every title under each of its keys (one set per key) and,
    /// to list the near-duplicates of a new title, score only the titles found under its keys.
    /// The keys are the full-weight bigrams outside brackets (华光, 光电, 电子 for 无锡市华光电子有限公司,
    /// plus 无锡); a title without any gets the single key "=" + its text outside brackets.
    /// Exact: <see cref="IsNearDuplicate"/> requires a shared key. Common bigrams (科技, 北京) have
    /// long lists; a store may count how many keys each candidate shares and score those with the
    /// most first.
    /// </summary>
    public static IReadOnlySet<string> CandidateKeys(string title)
    {
        ArgumentNullException.ThrowIfNull(title);
        return TitleProfile.Of(NormalizedOrEmpty(title)).Keys;
    }

    // See the remarks: a title that cannot be normalised is compared as the empty title.
    private static string NormalizedOrEmpty(string title) => InvoiceTitle.TryNormalize(title, out var normalized) ? normalized : string.Empty;

    private static double WeightedDice(TitleProfile left, TitleProfile right)
    {
        var total = left.TotalWeight + right.TotalWeight;
        if (total == 0)
        {
            return 0;
        }

        var shared = 0.0;
        foreach (var (token, weight) in left.Tokens)
        {
            if (right.Tokens.TryGetValue(token, out var other))
            {
                shared += Math.Min(weight, other);
            }
        }

        return Math.Min(1.0, 2 * shared / total);
    }

    private sealed class TitleProfile
    {
        private TitleProfile(string normalized)
        {
            Normalized = normalized;
        }

        public string Normalized { get; }

        // Bigram (or lone character) → its weight (the larger where a token occurs twice).
        public Dictionary<string, double> Tokens { get; } = new(StringComparer.Ordinal);

        public double TotalWeight { get; private set; }

        public HashSet<string> Qualifiers { get; } = new(StringComparer.Ordinal);

        public HashSet<string> Keys { get; } = new(StringComparer.Ordinal);

        // The text outside brackets without 省市区县, where a qualifier typed without brackets shows.
        public string CoreWithoutAdministrative { get; private set; } = string.Empty;

        public bool HasQualifierMissingFrom(TitleProfile other) =>
            Qualifiers.Any(q => !other.Qualifiers.Contains(q) && !other.CoreWithoutAdministrative.Contains(q, StringComparison.Ordinal));

        public static TitleProfile Of(string normalized)
        {
            var profile = new TitleProfile(normalized);
            var core = new System.Text.StringBuilder();
            var qualifier = new System.Text.StringBuilder();
            var depth = 0;
            var segmentStart = 0;
            for (var i = 0; i <= normalized.Length; i++)
            {
                var atEnd = i == normalized.Length;
                var c = atEnd ? '\0' : normalized[i];
                if (!atEnd && c != '(' && c != ')')
                {
                    (depth == 0 ? core : qualifier).Append(c);
                    continue;
                }

                profile.AddSegment(normalized.AsSpan(segmentStart, i - segmentStart), inCore: depth == 0);
                segmentStart = i + 1;
                if (c == '(')
                {
                    depth++;
                }
                else if (depth > 0 && (c == ')' || atEnd))
                {
                    // An unclosed bracket runs to the end of the title.
                    depth = atEnd ? 0 : depth - 1;
                    if (depth == 0)
                    {
                        profile.AddQualifier(qualifier.ToString());
                        qualifier.Clear();
                    }
                }
            }

            if (profile.Keys.Count == 0 && normalized.Length > 0)
            {
                profile.Keys.Add(ExactKeyPrefix + (core.Length > 0 ? core.ToString() : normalized));
            }

            profile.CoreWithoutAdministrative = WithoutAdministrative(core.ToString());
            profile.TotalWeight = profile.Tokens.Values.Sum();
            return profile;
        }

        private void AddQualifier(string text)
        {
            // （上海）and（上海市）name the same place.
            var key = WithoutAdministrative(text);
            if (key.Length > 0)
            {
                Qualifiers.Add(key);
            }
        }

        private void AddSegment(ReadOnlySpan<char> segment, bool inCore)
        {
            if (segment.IsEmpty)
            {
                return;
            }

            Span<bool> weak = segment.Length <= 256 ? stackalloc bool[segment.Length] : new bool[segment.Length];
            for (var i = 0; i < segment.Length; i++)
            {
                weak[i] = IsAdministrative(segment[i]);
            }

            foreach (var word in LegalFormWords)
            {
                var from = 0;
                int found;
                while (from < segment.Length && (found = segment[from..].IndexOf(word.AsSpan(), StringComparison.Ordinal)) >= 0)
                {
                    weak.Slice(from + found, word.Length).Fill(true);
                    from += found + word.Length;
                }
            }

            if (segment.Length == 1)
            {
                Add(segment.ToString(), weak[0], inCore);
                return;
            }

            for (var i = 0; i + 1 < segment.Length; i++)
            {
                Add(segment.Slice(i, 2).ToString(), weak[i] || weak[i + 1], inCore);
            }
        }

        private void Add(string token, bool isWeak, bool inCore)
        {
            var weight = isWeak ? WeakWeight : 1.0;
            if (!Tokens.TryGetValue(token, out var existing) || existing < weight)
            {
                Tokens[token] = weight;
            }

            if (inCore && !isWeak)
            {
                Keys.Add(token);
            }
        }

        private static string WithoutAdministrative(string text) => string.Concat(text.Where(c => !IsAdministrative(c)));

        private static bool IsAdministrative(char c) => c is '省' or '市' or '区' or '县';
    }
}
