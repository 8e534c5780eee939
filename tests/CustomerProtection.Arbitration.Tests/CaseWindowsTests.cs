using CustomerProtection.Arbitration.Domain;
using CustomerProtection.Policy;
using CustomerProtection.Policy.Errors;
using static CustomerProtection.Arbitration.Tests.TestData;

namespace CustomerProtection.Arbitration.Tests;

/// <summary>P-2.2 and P-4.5 windows: working days after the event, the event day not counted.</summary>
public sealed class CaseWindowsTests
{
    [Theory]
    [InlineData("2026-03-10", "2026-03-13", true)]   // Tue announcement: Wed, Thu, Fri
    [InlineData("2026-03-10", "2026-03-16", false)]  // the 4th working day
    [InlineData("2026-04-02", "2026-04-08", true)]   // Fri 04-03, (weekend, 清明 Mon 04-06), Tue 04-07, Wed 04-08
    [InlineData("2026-04-02", "2026-04-09", false)]
    [InlineData("2026-02-13", "2026-02-25", true)]   // Sat 02-14 is an adjusted working day, 春节 02-15..23 off
    public void P2_2_objection_window_is_three_working_days_after_the_announcement(string announced, string filed, bool allowed)
    {
        var check = CaseWindows.Objection(PolicyBook.Default, Calendar, D(announced), D(filed));
        Assert.Equal(allowed, check.Allowed);
    }

    [Fact]
    public void P2_2_a_late_objection_is_refused_with_the_deadline_and_the_working_days_in_the_metadata()
    {
        var refusal = Assert.Throws<PolicyRefusalException>(() => CaseWindows.EnsureObjectionInTime(PolicyBook.Default, Calendar, D("2026-03-10"), D("2026-03-16")));

        Assert.Equal("P-2.2", refusal.RuleId);
        Assert.Equal("2026-03-13", refusal.Metadata["deadline"]);
        Assert.Equal("3", refusal.Metadata["working_days"]);
        Assert.Equal("2026-03-16", refusal.Metadata["filed_on"]);
    }

    [Fact]
    public void P4_5_a_complaint_on_the_seventh_working_day_after_discovery_is_in_time()
    {
        CaseWindows.EnsureComplaintInTime(PolicyBook.Default, Calendar, D("2026-03-10"), D("2026-03-19"));
        Assert.True(CaseWindows.Complaint(PolicyBook.Default, Calendar, D("2026-03-10"), D("2026-03-19")).Allowed);
    }

    [Fact]
    public void P4_5_a_complaint_on_the_eighth_working_day_is_refused_with_the_deadline()
    {
        var refusal = Assert.Throws<PolicyRefusalException>(() => CaseWindows.EnsureComplaintInTime(PolicyBook.Default, Calendar, D("2026-03-10"), D("2026-03-20")));

        Assert.Equal("P-4.5", refusal.RuleId);
        Assert.Equal("2026-03-19", refusal.Metadata["deadline"]);
        Assert.Equal("7", refusal.Metadata["working_days"]);
    }

    [Fact]
    public void P14_the_window_is_the_one_in_force_on_the_day_of_the_announcement()
    {
        var book = new PolicyBook([
            new PolicyVersion(PolicyBook.PolicyStart, PolicyParameters.Defaults),
            new PolicyVersion(new NodaTime.LocalDate(2026, 3, 11), PolicyParameters.Defaults with { ObjectionWindowWorkingDays = 5 }),
        ]);

        // Announced the day before the change: three working days still.
        Assert.False(CaseWindows.Objection(book, Calendar, D("2026-03-10"), D("2026-03-16")).Allowed);
        // Announced on the day of the change: five.
        Assert.True(CaseWindows.Objection(book, Calendar, D("2026-03-11"), D("2026-03-18")).Allowed);
    }
}
