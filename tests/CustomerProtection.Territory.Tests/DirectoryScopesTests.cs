using CustomerProtection.Policy.Actors;
using CustomerProtection.Territory.Domain;

namespace CustomerProtection.Territory.Tests;

public sealed class DirectoryScopesTests
{
    private static readonly Caller Hq = new("H1", Roles.Hq, null, null);
    private static readonly Caller EastManager = new("RM1", Roles.RegionalManager, null, "R-EAST");
    private static readonly Caller ShanghaiManager = new("BM1", Roles.BranchManager, "B-SH", "R-EAST");
    private static readonly Caller Salesperson = new("S1", Roles.Salesperson, "B-SH", "R-EAST");
    private static readonly Caller Secretary = new("SEC1", Roles.BranchSecretary, "B-SH", "R-EAST");

    [Fact]
    public void Only_hq_manages_regions()
    {
        Assert.True(DirectoryScopes.CanManageRegions(Hq));
        Assert.False(DirectoryScopes.CanManageRegions(EastManager));
        Assert.False(DirectoryScopes.CanManageRegions(ShanghaiManager));
    }

    [Fact]
    public void A_regional_manager_manages_branches_of_their_region_only()
    {
        Assert.True(DirectoryScopes.CanManageBranch(EastManager, "R-EAST"));
        Assert.False(DirectoryScopes.CanManageBranch(EastManager, "R-WEST"));
        Assert.False(DirectoryScopes.CanManageBranch(ShanghaiManager, "R-EAST"));
        Assert.True(DirectoryScopes.CanManageBranch(Hq, "R-WEST"));
    }

    [Theory]
    [InlineData(Roles.Salesperson, "B-SH", "R-EAST", true)]
    [InlineData(Roles.BranchSecretary, "B-SH", "R-EAST", true)]
    [InlineData(Roles.BranchManager, "B-SH", "R-EAST", false)]
    [InlineData(Roles.Salesperson, "B-HZ", "R-EAST", false)]
    [InlineData(Roles.RegionalSecretary, null, "R-EAST", false)]
    public void A_branch_manager_manages_salespeople_and_secretaries_of_their_own_branch(string role, string? branch, string region, bool allowed)
    {
        Assert.Equal(allowed, DirectoryScopes.CanManageEmployee(ShanghaiManager, role, branch, region));
    }

    [Theory]
    [InlineData(Roles.Salesperson, "B-HZ", "R-EAST", true)]
    [InlineData(Roles.BranchManager, "B-SH", "R-EAST", true)]
    [InlineData(Roles.RegionalSecretary, null, "R-EAST", true)]
    [InlineData(Roles.RegionalManager, null, "R-EAST", false)]
    [InlineData(Roles.Hq, null, null, false)]
    [InlineData(Roles.Salesperson, "B-CD", "R-WEST", false)]
    public void A_regional_manager_manages_their_region_but_not_peers_or_hq(string role, string? branch, string? region, bool allowed)
    {
        Assert.Equal(allowed, DirectoryScopes.CanManageEmployee(EastManager, role, branch, region));
    }

    [Fact]
    public void Salespeople_and_secretaries_change_nobody()
    {
        Assert.False(DirectoryScopes.CanManageEmployee(Salesperson, Roles.Salesperson, "B-SH", "R-EAST"));
        Assert.False(DirectoryScopes.CanManageEmployee(Secretary, Roles.Salesperson, "B-SH", "R-EAST"));
        Assert.False(DirectoryScopes.CanManageDealer(Salesperson, "B-SH", "R-EAST"));
    }

    [Fact]
    public void Dealers_are_managed_by_hq_their_regional_manager_or_their_branch_manager()
    {
        Assert.True(DirectoryScopes.CanManageDealer(Hq, "B-CD", "R-WEST"));
        Assert.True(DirectoryScopes.CanManageDealer(EastManager, "B-HZ", "R-EAST"));
        Assert.False(DirectoryScopes.CanManageDealer(EastManager, "B-CD", "R-WEST"));
        Assert.True(DirectoryScopes.CanManageDealer(ShanghaiManager, "B-SH", "R-EAST"));
        Assert.False(DirectoryScopes.CanManageDealer(ShanghaiManager, "B-HZ", "R-EAST"));
    }
}
