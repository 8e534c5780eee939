using BenchmarkDotNet.Attributes;
using CustomerProtection.Policy.Identity;

namespace CustomerProtection.Benchmarks;

/// <summary>P-2.5 identity keys and X-4 title comparison.</summary>
[MemoryDiagnoser]
public class IdentityBenchmarks
{
    private readonly string taxpayerId = "91350100M000100Y43";
    private readonly string fullWidthTaxpayerId = "９１３５０１００ｍ０００１００ｙ４３";
    private readonly string title = "无锡华光电子有限公司（上海）分公司";
    private readonly string otherTitle = "无锡市华光电子有限公司";

    [Benchmark(Description = "Key(uscc ASCII)")]
    public string KeyFromTaxpayerId() => CustomerIdentity.Key(taxpayerId, title);

    [Benchmark(Description = "Key(uscc full-width)")]
    public string KeyFromFullWidthTaxpayerId() => CustomerIdentity.Key(fullWidthTaxpayerId, title);

    [Benchmark(Description = "Key(title only)")]
    public string KeyFromTitle() => CustomerIdentity.Key(null, title);

    [Benchmark(Description = "TitleSimilarity.Compare")]
    public TitleComparison CompareTitles() => TitleSimilarity.Compare(title, otherTitle);

    [Benchmark(Description = "TitleSimilarity.CandidateKeys")]
    public IReadOnlySet<string> CandidateKeys() => TitleSimilarity.CandidateKeys(otherTitle);
}
