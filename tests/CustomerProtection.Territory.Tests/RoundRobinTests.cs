using CustomerProtection.Territory.Domain;

namespace CustomerProtection.Territory.Tests;

/// <summary>P-11, X-5: the published order and who is skipped.</summary>
public sealed class RoundRobinTests
{
    private static Candidate Active(string id, int holding = 0) => new(id, EmployeeStatuses.Active, holding);

    [Fact]
    public void P11_the_published_order_is_by_employee_id_and_the_first_opportunity_goes_to_the_first()
    {
        var order = RoundRobin.PublishedOrder([Active("S3"), Active("S1"), Active("S2")]);

        Assert.Equal(["S1", "S2", "S3"], order.Select(c => c.EmployeeId));
        Assert.Equal("S1", RoundRobin.Next(order, null, 200).AssigneeId);
    }

    [Fact]
    public void P11_the_turn_passes_to_the_next_after_the_last_assignee_and_wraps_around()
    {
        var order = RoundRobin.PublishedOrder([Active("S1"), Active("S2"), Active("S3")]);

        Assert.Equal(("S3", 2), (RoundRobin.Next(order, "S2", 200).AssigneeId, RoundRobin.Next(order, "S2", 200).Position));
        Assert.Equal("S1", RoundRobin.Next(order, "S3", 200).AssigneeId);
    }

    [Fact]
    public void X5_those_on_leave_inactive_or_at_their_holding_cap_are_skipped_with_the_reason_and_the_numbers()
    {
        var order = RoundRobin.PublishedOrder([Active("S1"), new("S2", EmployeeStatuses.OnLeave, 0), Active("S3", holding: 200), new("S4", "suspended", 0), Active("S5", holding: 199)]);

        var turn = RoundRobin.Next(order, "S1", cap: 200);

        Assert.Equal("S5", turn.AssigneeId);
        Assert.Equal([("S2", "on_leave"), ("S3", "at_holding_cap"), ("S4", "inactive")], turn.Skipped.Select(s => (s.EmployeeId, s.Reason)));
        Assert.Equal((200, 200), (turn.Skipped[1].Holding, turn.Skipped[1].Cap));
    }

    [Fact]
    public void X5_when_nobody_is_eligible_nobody_is_assigned_and_everyone_is_listed_as_skipped()
    {
        var order = RoundRobin.PublishedOrder([Active("S1", 5), Active("S2", 9)]);

        var turn = RoundRobin.Next(order, null, cap: 5);

        Assert.Null(turn.AssigneeId);
        Assert.Equal(2, turn.Skipped.Count);
    }

    [Fact]
    public void P11_a_last_assignee_who_left_the_pool_still_passes_the_turn_to_the_next_id_after_theirs()
    {
        var order = RoundRobin.PublishedOrder([Active("S1"), Active("S3")]);

        Assert.Equal("S3", RoundRobin.Next(order, "S2", 200).AssigneeId);
    }
}
