using System.Text.Json;
using CustomerProtection.Contracts.Territory;
using CustomerProtection.Policy.Actors;
using CustomerProtection.Policy.Errors;
using CustomerProtection.Storage;
using CustomerProtection.Territory.Application;
using CustomerProtection.Territory.Domain;
using CustomerProtection.Territory.Persistence;
using CustomerProtection.Testing;
using static CustomerProtection.Territory.Tests.ProtoDay;

namespace CustomerProtection.Territory.Tests;

/// <summary>P-4.4 groups against a real redis-server: hq's links, and what they mean for a sale to a subsidiary.</summary>
public sealed class GroupStoreTests(RedisServer redis) : SalesRig(redis), IClassFixture<RedisServer>
{
    private const string ParentTaxpayer = "91110000600037341L";
    private const string ParentKey = "uscc:" + ParentTaxpayer;
    private static readonly CustomerRef ParentRef = new(null, ParentTaxpayer, "华光集团有限公司");
    private static readonly CustomerRef SubsidiaryRef = new(null, Taxpayer, "无锡华光电子有限公司");
    private static readonly Caller Seller = new("S1", Roles.Salesperson, "B-SH", "R-EAST");

    private LinkGroupMember Link => new(Store, Clocks.Policy(FakeClock));
    private UnlinkGroupMember Unlink => new(Store, Clocks.Policy(FakeClock));
    private GetCustomerGroup Get => new(Store);

    /// <summary>The group's parent: a formal customer protected by S9 of region R-WEST.</summary>
    private void ParentIsFormalIn(string region) => Owners.Set(new OwnershipFacts(true, "C9", ParentKey, "华光集团有限公司", "S9", "B-CD", region, OwnershipStages.Formal,
        OwnershipStatuses.Protected, new DateOnly(2025, 6, 1), new DateOnly(2026, 12, 31), true, [], null, null));

    private Task<Authorization> AskAsync(string price) =>
        Authorizer.ExecuteAsync(Seller, new AuthorizationInput(SubsidiaryRef, "P1", price, "R-EAST", false, null), default);

    private async Task<List<T>> EventsAsync<T>() =>
        [.. (await Db.StreamRangeAsync(Outbox.StreamKey)).Where(e => (string)e["type"]! == typeof(T).FullName)
            .Select(e => JsonSerializer.Deserialize<T>((string)e["body"]!, RedisOutbox.Json)!)];

    [Fact]
    public async Task P4_4_hq_links_a_subsidiary_once_the_group_is_found_from_either_member_and_unlinking_ends_it()
    {
        await Link.ExecuteAsync(Hq, ParentRef, SubsidiaryRef);
        var again = await Link.ExecuteAsync(Hq, ParentRef, SubsidiaryRef);

        Assert.Equal(1, again.Version);
        Assert.Equal(Key, Assert.Single(again.Value.Members).IdentityKey);
        Assert.Equal(ParentKey, (await Get.ExecuteAsync(SubsidiaryRef)).Value.ParentIdentityKey);
        Assert.Equal(ParentKey, (await Get.ExecuteAsync(ParentRef)).Value.ParentIdentityKey);
        Assert.Single(await EventsAsync<CustomerGroupLinked>());

        await Unlink.ExecuteAsync(Hq, ParentRef, SubsidiaryRef);

        await Assert.ThrowsAsync<EntityNotFoundException>(() => Get.ExecuteAsync(SubsidiaryRef));
        await Assert.ThrowsAsync<EntityNotFoundException>(() => Get.ExecuteAsync(ParentRef));
        Assert.Equal((ParentKey, Key), (Assert.Single(await EventsAsync<CustomerGroupUnlinked>()) is var e ? (e.ParentIdentityKey, e.SubsidiaryIdentityKey) : default));
    }

    [Fact]
    public async Task P4_4_one_level_a_groups_parent_is_nobodys_subsidiary_until_its_last_subsidiary_is_unlinked()
    {
        var otherParent = new CustomerRef(null, null, "另一集团有限公司");
        await Link.ExecuteAsync(Hq, ParentRef, SubsidiaryRef);

        var refused = await Assert.ThrowsAsync<PolicyRefusalException>(() => Link.ExecuteAsync(Hq, otherParent, ParentRef));
        Assert.Equal(("P-4.4", ParentKey), (refused.RuleId, refused.Metadata["group_parent_identity_key"]));

        await Unlink.ExecuteAsync(Hq, ParentRef, SubsidiaryRef);
        var linked = await Link.ExecuteAsync(Hq, otherParent, ParentRef);

        Assert.Equal(ParentKey, Assert.Single(linked.Value.Members).IdentityKey);
        Assert.Equal(linked.Value.ParentIdentityKey, (await Get.ExecuteAsync(ParentRef)).Value.ParentIdentityKey);
    }

    [Fact]
    public async Task P4_4_a_subsidiary_belongs_to_one_group_and_only_hq_links()
    {
        await Link.ExecuteAsync(Hq, ParentRef, SubsidiaryRef);

        var other = await Assert.ThrowsAsync<PolicyRefusalException>(() => Link.ExecuteAsync(Hq, new CustomerRef(null, null, "另一集团有限公司"), SubsidiaryRef));
        Assert.Equal("P-4.4", other.RuleId);
        Assert.Equal(ParentKey, other.Metadata["group_parent_identity_key"]);
        await Assert.ThrowsAsync<ScopeDeniedException>(() => Link.ExecuteAsync(Seller, ParentRef, new CustomerRef(null, null, "第三子公司")));
        var same = await Assert.ThrowsAsync<RequestValidationException>(() => Link.ExecuteAsync(Hq, ParentRef, ParentRef));
        Assert.Equal("subsidiary", Assert.Single(same.Violations).Field);
    }

    [Fact]
    public async Task P4_4_selling_to_a_subsidiary_whose_groups_formal_customer_is_in_another_region_needs_the_sellers_filing_and_is_recorded_as_a_violation()
    {
        ParentIsFormalIn("R-WEST");
        Assert.Equal(SaleDecision.Allowed, (await AskAsync("100.00")).Verdict.Decision);
        await Link.ExecuteAsync(Hq, ParentRef, SubsidiaryRef);

        var asked = await AskAsync("100.00");

        Assert.Equal(SaleDecision.NeedsApproval, asked.Verdict.Decision);
        Assert.Equal(("P-4.4", "R-WEST"), Assert.Single(asked.Verdict.Findings) is var f ? (f.RuleId, f.Metadata["group_region_id"]) : default);
        var recorded = await Recorder.ExecuteAsync(Hq, new SaleInput("ERP-G1", "S1", SubsidiaryRef, "P1", "100.00", "1", Day(2026, 3, 10), "R-EAST", false, null), default);
        Assert.Equal(["P-4.4"], recorded.Violations.Select(v => v.RuleId));
    }

    [Fact]
    public async Task P4_4_P3_7_with_its_approved_filing_the_subsidiary_is_held_to_the_latest_price_sold_to_any_group_member()
    {
        ParentIsFormalIn("R-WEST");
        await Link.ExecuteAsync(Hq, ParentRef, SubsidiaryRef);
        await new CreateBranch(Directory, Clocks.Policy(FakeClock)).ExecuteAsync(Hq, new BranchInput("B-CD", "R-WEST", "成都分公司", BranchKinds.Branch, true, null, false));
        await new HireEmployee(Directory, Clocks.Policy(FakeClock)).ExecuteAsync(Hq, new EmployeeInput("S9", "赵九", Roles.Salesperson, "B-CD", null, null, null), Day(2024, 1, 2));
        await Recorder.ExecuteAsync(Hq, new SaleInput("ERP-P1", "S9", ParentRef, "P1", "95.00", "1", Day(2026, 3, 9), "R-WEST", false, null), default);
        var request = (await new SubmitCrossRegionFiling(Store, Clocks.Policy(FakeClock)).ExecuteAsync(Seller, new CrossRegionFilingInput(null, "R-WEST", SubsidiaryRef, "集团子公司"))).Value.Id;
        await new AnswerCrossRegionFiling(Store, Clocks.Policy(FakeClock)).ExecuteAsync(new Caller("RS-W", Roles.RegionalSecretary, null, "R-WEST"), request, true, null);
        await new DecideCrossRegionFiling(Store, Clocks.Policy(FakeClock)).ExecuteAsync(Hq, request, true, null);

        Assert.Equal(SaleDecision.Allowed, (await AskAsync("95.00")).Verdict.Decision);
        var below = await AskAsync("94.99");
        Assert.Equal(SaleDecision.NeedsApproval, below.Verdict.Decision);
        Assert.Equal(("P-3.7", "group"), Assert.Single(below.Verdict.Findings) is var f ? (f.RuleId, f.Metadata["floor_source"]) : default);
    }
}
