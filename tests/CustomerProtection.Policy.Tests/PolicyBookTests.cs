using System.Reflection;
using Microsoft.Extensions.Configuration;
using static CustomerProtection.Policy.Tests.Cal;

namespace CustomerProtection.Policy.Tests;

/// <summary>P-14 and every number of policy.md as a versioned parameter.</summary>
public sealed class PolicyBookTests
{
    [Fact]
    public void P14_defaults_carry_every_number_of_the_rule_book()
    {
        var p = PolicyBook.Default.For(D("2026-01-01"));
        Assert.True(p.RollForward); // art. 203, default on
        Assert.False(p.AutoApproval); // P-2.1
        Assert.Equal(3, p.ObjectionWindowWorkingDays); // P-2.2
        Assert.Equal(5_000m, p.SurpassingClaimDeposit); // P-2.4(b)
        Assert.Equal(30, p.AuctionCommitmentDays); // P-2.4(c)
        Assert.Equal(180, p.FormalProtectionDays); // P-3.1
        Assert.Equal(30, p.ProspectProtectionDays); // P-3.2
        Assert.Equal(300_000m, p.ProspectMidTierMinSales); // P-3.4
        Assert.Equal(90, p.ProspectMidTierDays);
        Assert.Equal(500_000m, p.MajorCustomerThreshold); // P-3.4, P-8.1
        Assert.Equal(120, p.MajorProspectDays);
        Assert.Equal(30, p.FormalExtensionLeadDays); // P-3.3
        Assert.Equal(90, p.FormalExtensionCapDays);
        Assert.Equal(7, p.ProspectExtensionLeadWorkingDays);
        Assert.Equal(30, p.ProspectExtensionCapDays);
        Assert.Equal(1, p.MajorProgressMissedMonthsToFlag); // P-3.4
        Assert.Equal(2, p.MajorProgressMissedMonthsToLapse);
        Assert.Equal(7, p.ComplaintWindowWorkingDays); // P-4.5
        Assert.Equal(5_000m, p.ViolatorFineMin); // P-8.1
        Assert.Equal(10_000m, p.ManagerFine);
        Assert.Equal(20_000m, p.ManagerFineMajorMin);
        Assert.Equal(50_000m, p.ManagerFineMajorMax);
        Assert.Equal(3, p.SeriousViolationCount); // P-8.3
        Assert.Equal(12, p.SeriousViolationWindowMonths);
        Assert.Equal(24, p.CrossRegionConfirmationHours); // P-10
        Assert.Equal(200, p.HoldingCap);
        Assert.False(p.HoldingCapCountsFormalCustomers);
        Assert.Equal(10, p.PoolClaimsPerDay);
        Assert.Equal(30, p.PoolReclaimCooldownDays);
        Assert.Equal([30, 7, 1], p.OwnerReminderDaysBefore);
        Assert.Equal([7], p.ManagerReminderDaysBefore);
        Assert.Empty(p.Validate());
    }

    [Fact]
    public void P14_the_policy_took_effect_on_2013_12_02()
    {
        Assert.Equal(D("2013-12-02"), PolicyBook.PolicyStart);
        Assert.Same(PolicyParameters.Defaults, PolicyBook.Default.For(D("2013-12-02")));
        Assert.Throws<ArgumentOutOfRangeException>(() => PolicyBook.Default.For(D("2013-12-01")));
        Assert.False(PolicyBook.Default.TryFor(D("2013-12-01"), out _));
    }

    [Fact]
    public void P14_a_decision_uses_the_parameters_in_force_on_the_day_of_its_event()
    {
        var book = PolicyBook.FromSettings(new PolicySettings
        {
            Versions =
            [
                new PolicyVersionSettings { EffectiveFrom = "2026-01-01", Overrides = new PolicyOverrides { ProspectProtectionDays = 45 } },
                new PolicyVersionSettings { EffectiveFrom = "2020-07-01", Overrides = new PolicyOverrides { HoldingCap = 150 } },
            ],
        });

        Assert.Equal(3, book.Versions.Count);
        Assert.Equal(30, book.For(D("2025-12-31")).ProspectProtectionDays);
        Assert.Equal(45, book.For(D("2026-01-01")).ProspectProtectionDays);
        // Overrides accumulate: 2026 keeps 2020's holding cap.
        Assert.Equal(200, book.For(D("2020-06-30")).HoldingCap);
        Assert.Equal(150, book.For(D("2020-07-01")).HoldingCap);
        Assert.Equal(150, book.For(D("2026-01-01")).HoldingCap);

        var calendar = Shipped;
        Assert.Equal(D("2026-01-30"), ProtectionRules.ForEvent(book, calendar, D("2025-12-31")).ProspectProtection(D("2025-12-31"), 0m, 0).LastDay);
        var in2026 = ProtectionRules.ForEvent(book, calendar, D("2026-01-01")).ProspectProtection(D("2026-01-01"), 0m, 0);
        Assert.Equal(D("2026-02-15"), in2026.NominalLastDay); // 45 days
        Assert.Equal(D("2026-02-24"), in2026.LastDay); // rolled over the Spring Festival
    }

    [Fact]
    public void P14_a_version_dated_on_the_policy_start_amends_the_defaults()
    {
        var book = PolicyBook.FromSettings(new PolicySettings
        {
            Versions = [new PolicyVersionSettings { EffectiveFrom = "2013-12-02", Overrides = new PolicyOverrides { RollForward = false } }],
        });
        Assert.Single(book.Versions);
        Assert.False(book.For(D("2013-12-02")).RollForward);
        Assert.Same(PolicyBook.Default, PolicyBook.FromSettings(null));
    }

    [Theory]
    [InlineData("2013-12-01")] // before the policy (P-14)
    [InlineData("2026-13-01")]
    [InlineData("01/02/2026")]
    [InlineData(null)]
    public void P14_a_version_with_a_bad_effective_date_is_refused(string? effectiveFrom)
    {
        Assert.Throws<PolicyConfigurationException>(() => PolicyBook.FromSettings(new PolicySettings
        {
            Versions = [new PolicyVersionSettings { EffectiveFrom = effectiveFrom }],
        }));
    }

    [Fact]
    public void P14_contradictory_parameters_and_duplicate_dates_are_refused()
    {
        var error = Assert.Throws<PolicyConfigurationException>(() => PolicyBook.FromSettings(new PolicySettings
        {
            Versions =
            [
                new PolicyVersionSettings { EffectiveFrom = "2026-01-01", Overrides = new PolicyOverrides { ProspectMidTierMinSales = 600_000m, FormalProtectionDays = 0 } },
            ],
        }));
        Assert.Contains(nameof(PolicyParameters.ProspectMidTierMinSales), error.Message, StringComparison.Ordinal);
        Assert.Contains(nameof(PolicyParameters.FormalProtectionDays), error.Message, StringComparison.Ordinal);

        Assert.Throws<PolicyConfigurationException>(() => new PolicyBook(
        [
            new PolicyVersion(D("2020-01-01"), PolicyParameters.Defaults),
            new PolicyVersion(D("2020-01-01"), PolicyParameters.Defaults),
        ]));
        Assert.Throws<PolicyConfigurationException>(() => new PolicyBook([]));
    }

    [Fact]
    public void P14_every_parameter_can_be_overridden()
    {
        // PolicyOverrides mirrors PolicyParameters property for property ...
        var parameters = typeof(PolicyParameters).GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.CanWrite).ToDictionary(p => p.Name);
        var overrides = typeof(PolicyOverrides).GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.CanWrite).ToDictionary(p => p.Name);
        Assert.Equal(parameters.Keys.Order(), overrides.Keys.Order());

        // ... and ApplyTo carries each one over.
        var changed = new PolicyOverrides();
        foreach (var (name, property) in overrides)
        {
            object value = parameters[name].PropertyType switch
            {
                var t when t == typeof(int) => 4242,
                var t when t == typeof(decimal) => 4242m,
                var t when t == typeof(bool) => !(bool)parameters[name].GetValue(PolicyParameters.Defaults)!,
                var t when t == typeof(IReadOnlyList<int>) => new[] { 42, 4 },
                var t => throw new InvalidOperationException($"No test value for {t}"),
            };
            property.SetValue(changed, value);
        }

        var applied = changed.ApplyTo(PolicyParameters.Defaults);
        foreach (var (name, property) in parameters)
        {
            var expected = overrides[name].GetValue(changed);
            var actual = property.GetValue(applied);
            if (expected is IEnumerable<int> list)
            {
                Assert.Equal(list, (IEnumerable<int>)actual!);
            }
            else
            {
                Assert.Equal(expected, actual);
            }
        }
    }

    [Fact]
    public void P14_versions_bind_from_configuration_section_policy()
    {
        var json = """
            {
              "Policy": {
                "CalendarDirectory": "/srv/holidays",
                "Versions": [
                  { "EffectiveFrom": "2026-01-01", "Overrides": { "ProspectProtectionDays": 45, "SurpassingClaimDeposit": 8000.50, "AutoApproval": true, "OwnerReminderDaysBefore": [ 30, 14, 7, 1 ] } }
                ]
              }
            }
            """;
        var configuration = new ConfigurationBuilder()
            .AddJsonStream(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(json)))
            .Build();
        var settings = configuration.GetSection(PolicySettings.SectionName)
            .Get<PolicySettings>(o => o.ErrorOnUnknownConfiguration = true)!;

        Assert.Equal("/srv/holidays", settings.CalendarDirectory);
        var p = PolicyBook.FromSettings(settings).For(D("2026-06-01"));
        Assert.Equal(45, p.ProspectProtectionDays);
        Assert.Equal(8000.50m, p.SurpassingClaimDeposit);
        Assert.True(p.AutoApproval);
        Assert.Equal([30, 14, 7, 1], p.OwnerReminderDaysBefore);
        Assert.Equal(180, p.FormalProtectionDays);
    }

    [Fact]
    public void P14_a_misspelt_parameter_fails_binding_when_unknown_configuration_is_an_error()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Policy:Versions:0:EffectiveFrom"] = "2026-01-01",
                ["Policy:Versions:0:Overrides:ProspectDays"] = "45",
            })
            .Build();
        Assert.Throws<InvalidOperationException>(() =>
            configuration.GetSection(PolicySettings.SectionName).Get<PolicySettings>(o => o.ErrorOnUnknownConfiguration = true));
    }
}
