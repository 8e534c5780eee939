using CustomerProtection.Contracts.Violations;
using CustomerProtection.Penalty.Application;
using CustomerProtection.Penalty.Domain;
using CustomerProtection.Penalty.Grpc;
using CustomerProtection.Policy.Actors;
using CustomerProtection.Storage;
using static CustomerProtection.Penalty.Tests.TestData;

namespace CustomerProtection.Penalty.Tests;

/// <summary>docs/api.md: a role is a closed set, so Party.role and FineStep.role are the ActorRole enum on the wire; the domain keeps the token's words.</summary>
public sealed class PenaltyApiRoleTests
{
    private static readonly DateTimeOffset Now = Monday.AddHours(1);

    [Fact]
    public void P8_1_the_violators_role_and_each_fine_steps_role_answer_as_enums_and_a_step_an_event_recorded_is_the_service()
    {
        var detected = ViolationRules.Open(ViolationReports.From(Detected("V1")), Defaults, 0, Now);
        var hqFinding = ViolationReports.FromHq(new Caller("HQ-1", Roles.Hq, null, null), "V1", ManagerFindings.Inactive, "inactive on complaints", null, Now.AddDays(1));
        var found = ViolationRules.Merge(detected.Next, hqFinding, Defaults, Now.AddDays(1));
        var fines = detected.NewFines.Concat(found.NewFines).Select(f => new Versioned<Fine>(f, 1)).ToList();

        var proto = PenaltyMapping.ToProto(new Versioned<Violation>(found.Next, 2), fines);

        Assert.Equal(V1.ActorRole.Salesperson, proto.Violator.Role);
        Assert.Equal([("V1.violator", V1.ActorRole.Service), ("V1.manager", V1.ActorRole.Hq)], proto.Fines.Select(f => (f.Id, f.History[0].Role)));
    }

    [Theory]
    [InlineData(Roles.Dealer, V1.ActorRole.Dealer)]
    [InlineData(Roles.BranchManager, V1.ActorRole.BranchManager)]
    [InlineData("someone_else", V1.ActorRole.Unspecified)]
    public void A_stored_role_word_answers_its_enum_value_and_a_word_outside_the_set_is_unspecified(string word, V1.ActorRole expected)
    {
        var report = ViolationReports.From(Detected("V2")) with { Violator = new Party("D1", word, "B-SH", "R-EAST", "M1") };
        var opened = ViolationRules.Open(report, Defaults, 0, Now);

        Assert.Equal(expected, PenaltyMapping.ToProto(new Versioned<Violation>(opened.Next, 1), []).Violator.Role);
    }
}
