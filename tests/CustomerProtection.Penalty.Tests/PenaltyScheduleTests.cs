using Microsoft.Extensions.Configuration;
using CustomerProtection.Penalty.Application;
using CustomerProtection.Penalty.Domain;
using CustomerProtection.Policy;
using CustomerProtection.Policy.Errors;
using NodaTime;

namespace CustomerProtection.Penalty.Tests;

/// <summary>P-14: the schedule and the rule book's numbers in force on the day of the violation.</summary>
public sealed class PenaltyScheduleTests
{
    private static readonly PenaltyScheduleSettings TwoVersions = new()
    {
        Versions =
        [
            new PenaltyScheduleVersionSettings { EffectiveFrom = "2026-01-01", ViolatorFineByKind = new() { ["poaching"] = 8_000m } },
            new PenaltyScheduleVersionSettings { EffectiveFrom = "2026-07-01", ViolatorFineByKind = new() { ["agent_sale"] = 7_000m }, MajorScaleFullAt = 2_000_000m },
        ],
    };

    [Fact]
    public void P14_a_violation_is_fined_by_the_schedule_in_force_on_its_day()
    {
        var book = PenaltyScheduleBook.FromSettings(TwoVersions);

        Assert.Empty(book.For(new LocalDate(2025, 12, 31)).ViolatorFineByKind);
        Assert.Equal(8_000m, book.For(new LocalDate(2026, 1, 1)).ViolatorFineByKind["poaching"]);
        var july = book.For(new LocalDate(2026, 7, 1));
        Assert.Equal(8_000m, july.ViolatorFineByKind["poaching"]);
        Assert.Equal(7_000m, july.ViolatorFineByKind["agent_sale"]);
        Assert.Equal(2_000_000m, july.MajorScaleFullAt);
        Assert.Equal(5_000_000m, book.For(new LocalDate(2026, 6, 30)).MajorScaleFullAt);
    }

    [Fact]
    public void P14_the_schedule_binds_from_configuration_and_a_misspelt_name_fails()
    {
        var configuration = new Microsoft.Extensions.Configuration.ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Penalty:Schedule:Versions:0:EffectiveFrom"] = "2026-01-01",
            ["Penalty:Schedule:Versions:0:ViolatorFineByKind:poaching"] = "9000",
            ["Penalty:Schedule:Versions:0:ViolatorFineByKind:P-6"] = "6000",
            ["Penalty:Schedule:Versions:0:MajorScaleFullAt"] = "3000000",
        }).Build();

        var book = PenaltyScheduleBook.FromSettings(configuration.GetSection(PenaltyScheduleSettings.SectionName)
            .Get<PenaltyScheduleSettings>(o => o.ErrorOnUnknownConfiguration = true));

        var schedule = book.For(new LocalDate(2026, 5, 1));
        Assert.Equal(9_000m, schedule.ViolatorFineByKind["poaching"]);
        Assert.Equal(6_000m, schedule.ViolatorFineByKind["P-6"]);
        Assert.Equal(3_000_000m, schedule.MajorScaleFullAt);

        var misspelt = new Microsoft.Extensions.Configuration.ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Penalty:Schedule:Versions:0:EffectiveFrom"] = "2026-01-01",
            ["Penalty:Schedule:Versions:0:MajorScaleFullAtt"] = "3000000",
        }).Build();
        Assert.Throws<InvalidOperationException>(() => misspelt.GetSection(PenaltyScheduleSettings.SectionName)
            .Get<PenaltyScheduleSettings>(o => o.ErrorOnUnknownConfiguration = true));
    }

    [Fact]
    public void P14_a_schedule_entry_above_the_maximum_a_company_set_fails_at_start_up()
    {
        var entry = new Dictionary<string, decimal> { ["poaching"] = 80_000m };
        var uncapped = new PenaltyScheduleSettings { Versions = [new PenaltyScheduleVersionSettings { EffectiveFrom = "2026-01-01", ViolatorFineByKind = entry }] };
        var capped = new PenaltyScheduleSettings { Versions = [new PenaltyScheduleVersionSettings { EffectiveFrom = "2026-01-01", ViolatorFineByKind = entry, ViolatorFineMax = 50_000m }] };

        Assert.Equal(80_000m, PenaltyScheduleBook.FromSettings(uncapped).For(new NodaTime.LocalDate(2026, 1, 1)).ViolatorFineByKind["poaching"]);
        var error = Assert.Throws<PolicyConfigurationException>(() => PenaltyScheduleBook.FromSettings(capped));
        Assert.Contains("ViolatorFineByKind[poaching]", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void P14_the_rule_books_floor_in_force_on_the_violation_day_applies()
    {
        var policy = PolicyBook.FromSettings(new PolicySettings
        {
            Versions = [new PolicyVersionSettings { EffectiveFrom = "2026-04-01", Overrides = new PolicyOverrides { ViolatorFineMin = 6_000m } }],
        });
        var source = new FineParameterSource(policy, PenaltyScheduleBook.Default);

        Assert.Equal(5_000m, source.For(new DateOnly(2026, 3, 31)).Policy.ViolatorFineMin);
        Assert.Equal(6_000m, source.For(new DateOnly(2026, 4, 1)).Policy.ViolatorFineMin);
    }

    [Fact]
    public void P14_a_violation_before_the_policy_took_effect_is_refused()
    {
        var source = new FineParameterSource(PolicyBook.Default, PenaltyScheduleBook.Default);

        var refusal = Assert.Throws<PolicyRefusalException>(() => source.For(new DateOnly(2013, 12, 1)));
        Assert.Equal("P-14", refusal.RuleId);
        Assert.Equal("2013-12-02", refusal.Metadata["policy_start"]);
    }
}
