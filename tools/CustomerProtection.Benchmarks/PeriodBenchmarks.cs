using BenchmarkDotNet.Attributes;
using CustomerProtection.Policy;
using NodaTime;

namespace CustomerProtection.Benchmarks;

/// <summary>Period arithmetic over the shipped calendar (policy.md "Period arithmetic", P-3).</summary>
[MemoryDiagnoser]
public class PeriodBenchmarks
{
    private readonly WorkingDayCalendar calendar = WorkingDayCalendar.LoadDefault();
    private PeriodArithmetic periods = null!;
    private ProtectionRules rules = null!;

    // A plain day, and one whose 30-day end rolls over the Spring Festival block.
    [Params("2026-03-10", "2026-01-16")]
    public string Start { get; set; } = "2026-03-10";

    private LocalDate start;

    [GlobalSetup]
    public void Setup()
    {
        periods = new PeriodArithmetic(calendar);
        rules = new ProtectionRules(PolicyParameters.Defaults, periods);
        start = NodaTime.Text.LocalDatePattern.Iso.Parse(Start).Value;
    }

    [Benchmark(Description = "LastProtectedDay(start, 30)")]
    public ProtectionEnd ThirtyDayPeriod() => periods.LastProtectedDay(start, 30);

    [Benchmark(Description = "ProspectProtection(start, 600k, 0)")]
    public ProtectionEnd MajorProspectPeriod() => rules.ProspectProtection(start, 600_000m, 0);

    [Benchmark(Description = "AddWorkingDays(start, 30)")]
    public CalendarResult<LocalDate> AddThirtyWorkingDays() => calendar.AddWorkingDays(start, 30);

    [Benchmark(Description = "EvaluateExtension(prospect)")]
    public ExtensionDecision ProspectExtension() =>
        rules.EvaluateExtension(CustomerStage.Prospect, start.PlusDays(30), start.PlusDays(20), 10, 0);
}
