using CustomerProtection.Policy;
using CustomerProtection.Registration.Confidentiality.Domain;
using CustomerProtection.Registration.Domain;
using CustomerProtection.Policy.Errors;
using CustomerProtection.Policy.Actors;
using NodaTime;

namespace CustomerProtection.Registration.Tests;

/// <summary>Registration's pure rules (no I/O): masking, scopes, pool rules, violation ids, due work.</summary>
public sealed class DomainRuleTests
{
    private static readonly WorkingDayCalendar Calendar = CalendarProvider.Create().Current;

    private static Customer Protected(string owner = "S1", decimal sales = 100_000m, DateOnly? start = null) => new()
    {
        Id = "c1",
        IdentityKey = "title:甲",
        Title = "甲有限公司",
        Class = CustomerClasses.Ordinary,
        Sales = sales,
        BranchId = "B-SH",
        Status = CustomerStatus.Protected,
        OwnerId = owner,
        FiledBy = owner,
        PeriodStart = start ?? new DateOnly(2026, 3, 10),
        ApprovedOn = start ?? new DateOnly(2026, 3, 10),
        RemindersFrom = new DateTimeOffset(2026, 3, 10, 9, 0, 0, TimeSpan.FromHours(8)),
    };

    private static Instant At(int month, int day, int hour = 0) => Instant.FromDateTimeOffset(new DateTimeOffset(2026, month, day, hour, 0, 0, TimeSpan.FromHours(8)));

    [Theory]
    [InlineData("13812345678", "138****5678")]
    [InlineData("138 1234 5678", "138****5678")]
    [InlineData("021-6888-1234", "021****1234")]
    [InlineData("12345", "*****")]
    public void C2_phones_keep_the_first_three_and_last_four_digits(string phone, string masked) =>
        Assert.Equal(masked, ConfidentialFields.MaskPhone(phone));

    [Fact]
    public void C2_the_owner_co_developers_branch_secretary_and_manager_and_hq_see_contacts_in_clear_and_nobody_else()
    {
        var customer = Protected() with { CoDevelopers = ["S2"] };

        Assert.True(ConfidentialFields.MaySeeClear(new Caller("S1", Roles.Salesperson, "B-SH", null), customer));
        Assert.True(ConfidentialFields.MaySeeClear(new Caller("S2", Roles.Salesperson, "B-SH", null), customer));
        Assert.True(ConfidentialFields.MaySeeClear(new Caller("X", Roles.BranchSecretary, "B-SH", null), customer));
        Assert.True(ConfidentialFields.MaySeeClear(new Caller("X", Roles.BranchManager, "B-SH", null), customer));
        Assert.True(ConfidentialFields.MaySeeClear(new Caller("X", Roles.Hq, null, null), customer));
        Assert.False(ConfidentialFields.MaySeeClear(new Caller("S3", Roles.Salesperson, "B-SH", null), customer));
        Assert.False(ConfidentialFields.MaySeeClear(new Caller("X", Roles.BranchManager, "B-BJ", null), customer));
        Assert.False(ConfidentialFields.MaySeeClear(new Caller("X", Roles.RegionalManager, null, "R-EAST"), customer));
    }

    [Fact]
    public void P6_a_violation_id_is_stable_for_the_same_finding_and_differs_for_another()
    {
        var day = new DateOnly(2026, 3, 10);
        var id = ViolationIds.For("P-6", "D1", "uscc:X", day);

        Assert.Equal(id, ViolationIds.For("P-6", "D1", "uscc:X", day));
        Assert.NotEqual(id, ViolationIds.For("P-6", "D1", "uscc:Y", day));
        Assert.NotEqual(id, ViolationIds.For("P-6", "D1", "uscc:X", day.AddDays(1)));
        Assert.True(Guid.TryParse(id, out _));
    }

    [Fact]
    public void X2_the_cool_down_counts_calendar_days_from_the_day_the_customer_was_freed()
    {
        var freed = At(4, 10);
        var parameters = PolicyParameters.Defaults;

        Assert.NotNull(PoolRules.CheckCooldown("S1", "S1", freed, parameters, new LocalDate(2026, 5, 9)));
        Assert.Null(PoolRules.CheckCooldown("S1", "S1", freed, parameters, new LocalDate(2026, 5, 10)));
        Assert.Null(PoolRules.CheckCooldown("S2", "S1", freed, parameters, new LocalDate(2026, 4, 10)));
    }

    [Fact]
    public void P12_new_and_behind_target_employees_have_priority()
    {
        var options = new PoolOptions { NewEmployeeDays = 90 };
        var today = new LocalDate(2026, 3, 10);

        Assert.True(PoolRules.IsPriority(new Claimant("N", new DateOnly(2026, 1, 1), false), today, options));
        Assert.False(PoolRules.IsPriority(new Claimant("O", new DateOnly(2025, 12, 1), false), today, options));
        Assert.True(PoolRules.IsPriority(new Claimant("O", new DateOnly(2025, 12, 1), true), today, options));
    }

    [Fact]
    public void P3_5_the_status_is_computed_from_the_period_not_from_a_job()
    {
        var customer = Protected();

        Assert.Equal(CustomerStatus.Protected, Protection.Evaluate(customer, PolicyBook.Default, Calendar, At(4, 9, 23)).Status);
        var lapsed = Protection.Evaluate(customer, PolicyBook.Default, Calendar, At(4, 10));
        Assert.Equal(CustomerStatus.Lapsed, lapsed.Status);
        Assert.Null(lapsed.OwnerOf(customer));
        Assert.Equal(("S1", At(4, 10)), lapsed.FreedOf(customer));
    }

    [Fact]
    public void P14_the_period_uses_the_parameters_in_force_on_its_start_day()
    {
        var book = PolicyBook.FromSettings(new PolicySettings
        {
            Versions = [new PolicyVersionSettings { EffectiveFrom = "2026-04-01", Overrides = new PolicyOverrides { ProspectProtectionDays = 45 } }],
        });

        Assert.Equal(new LocalDate(2026, 4, 9), Protection.Evaluate(Protected(), book, Calendar, At(3, 11)).End!.LastDay);
        var april = Protected(start: new DateOnly(2026, 4, 1));
        Assert.Equal(new LocalDate(2026, 5, 18), Protection.Evaluate(april, book, Calendar, At(4, 2)).End!.LastDay);
    }

    [Fact]
    public void X3_due_work_names_the_next_deadline_and_only_unsent_reminders()
    {
        var customer = Protected();
        var state = Protection.Evaluate(customer, PolicyBook.Default, Calendar, At(3, 11));

        var early = DueWork.At(customer, state, At(3, 11));
        Assert.True(early.IsEmpty);
        Assert.Equal(At(4, 2), early.Next);

        var due = DueWork.At(customer, Protection.Evaluate(customer, PolicyBook.Default, Calendar, At(4, 2)), At(4, 2));
        Assert.Equal([(ReminderRecipient.Owner, 7), (ReminderRecipient.Manager, 7)], due.Reminders.Select(r => (r.Recipient, r.DaysBefore)));
        Assert.Equal(At(4, 8), due.Next);

        var sent = customer with { RemindersSent = [.. due.Reminders.Select(r => DueWork.ReminderKey(r, new LocalDate(2026, 4, 9)))] };
        Assert.True(DueWork.At(sent, Protection.Evaluate(sent, PolicyBook.Default, Calendar, At(4, 3)), At(4, 3)).IsEmpty);
        Assert.True(DueWork.At(customer, Protection.Evaluate(customer, PolicyBook.Default, Calendar, At(4, 10)), At(4, 10)).Lapse);
    }

    [Fact]
    public void P2_5_a_lookup_needs_a_valid_taxpayer_id_or_a_title()
    {
        var violations = new List<FieldViolation>();

        Assert.Null(FilingRules.Identity(violations, "", "", " ", false));
        Assert.Null(FilingRules.Identity(violations, "", "91350100M000100Y4", "甲", false));
        Assert.Equal("uscc:91350100M000100Y43", FilingRules.Identity(violations, "", "９１３５０１００ｍ０００１００ｙ４３", "甲", false));
        Assert.Equal("title:甲有限公司", FilingRules.Identity(violations, "", null, " 甲 有限公司 ", false));
        Assert.Equal(["invoice_title", "taxpayer_id"], violations.Select(v => v.Field));
    }
}
