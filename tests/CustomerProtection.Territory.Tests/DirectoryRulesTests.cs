using CustomerProtection.Policy.Errors;
using CustomerProtection.Policy.Actors;
using CustomerProtection.Territory.Domain;

namespace CustomerProtection.Territory.Tests;

public sealed class DirectoryRulesTests
{
    /// <summary>A directory day is read by the use case (a google.type.Date reaches it as text): the calendar and 1900–2199.</summary>
    [Theory]
    [InlineData("1900-01-01", true)]
    [InlineData("2199-12-31", true)]
    [InlineData("0001-01-01", false)]
    [InlineData("1899-12-31", false)]
    [InlineData("2200-01-01", false)]
    [InlineData("2024-13-02", false)]
    [InlineData("2024-02-30", false)]
    public void A_directory_day_is_a_calendar_day_from_1900_to_2199(string day, bool valid)
    {
        var violations = new List<FieldViolation>();

        DirectoryRules.CheckDate(violations, "hire_date", day, out var parsed);

        Assert.Equal(valid, parsed is not null);
        Assert.Equal(valid ? [] : ["hire_date"], violations.Select(v => v.Field));
    }

    private static Branch DirectBranch(string id, string region) => new(id, region, "分公司 " + id, BranchKinds.Branch, true, null, false);

    [Fact]
    public void P7_point_to_area_dealer_in_a_region_with_a_direct_branch_is_refused_naming_the_branch()
    {
        var refusal = DirectoryRules.CheckDealerAppointment(DealerKinds.PointToArea, "R-EAST", [DirectBranch("B-SH", "R-EAST"), DirectBranch("B-HZ", "R-EAST")]);

        Assert.NotNull(refusal);
        Assert.Equal("P-7", refusal.RuleId);
        Assert.Equal("B-HZ,B-SH", refusal.Metadata["direct_branches"]);
        Assert.Equal("R-EAST", refusal.Metadata["region_id"]);
    }

    [Fact]
    public void P7_point_to_area_dealer_in_a_region_without_branches_is_allowed()
    {
        Assert.Null(DirectoryRules.CheckDealerAppointment(DealerKinds.PointToArea, "R-WEST", []));
    }

    [Fact]
    public void P7_a_region_whose_only_branch_is_not_direct_still_takes_point_to_area_dealers()
    {
        var agency = new Branch("B-AG", "R-WEST", "代理处", BranchKinds.Office, Direct: false, null, false);
        Assert.Null(DirectoryRules.CheckDealerAppointment(DealerKinds.PointToArea, "R-WEST", [agency]));
    }

    [Fact]
    public void P7_point_to_point_dealer_is_allowed_where_a_direct_branch_exists()
    {
        Assert.Null(DirectoryRules.CheckDealerAppointment(DealerKinds.PointToPoint, "R-EAST", [DirectBranch("B-SH", "R-EAST")]));
    }

    [Theory]
    [InlineData(Roles.Salesperson)]
    [InlineData(Roles.BranchSecretary)]
    [InlineData(Roles.BranchManager)]
    public void Branch_roles_take_their_region_from_the_branch(string role)
    {
        var violations = new List<FieldViolation>();
        var region = DirectoryRules.PlaceEmployee(violations, "", role, "B-SH", null, _ => DirectBranch("B-SH", "R-EAST"));

        Assert.Empty(violations);
        Assert.Equal("R-EAST", region);
    }

    [Fact]
    public void A_salesperson_without_a_branch_is_a_field_violation_on_branch_id()
    {
        var violations = new List<FieldViolation>();
        DirectoryRules.PlaceEmployee(violations, "employees[2].", Roles.Salesperson, null, "R-EAST", _ => null);

        Assert.Equal("employees[2].branch_id", Assert.Single(violations).Field);
    }

    [Fact]
    public void A_branch_role_whose_region_contradicts_its_branch_is_refused()
    {
        var violations = new List<FieldViolation>();
        DirectoryRules.PlaceEmployee(violations, "", Roles.Salesperson, "B-SH", "R-WEST", _ => DirectBranch("B-SH", "R-EAST"));

        Assert.Equal("region_id", Assert.Single(violations).Field);
    }

    [Fact]
    public void Regional_roles_need_a_region_and_no_branch()
    {
        var violations = new List<FieldViolation>();
        DirectoryRules.PlaceEmployee(violations, "", Roles.RegionalManager, "B-SH", null, _ => DirectBranch("B-SH", "R-EAST"));

        Assert.Equal(["branch_id", "region_id"], violations.Select(v => v.Field).Order());
    }

    [Fact]
    public void Hq_staff_have_neither_branch_nor_region()
    {
        var violations = new List<FieldViolation>();
        var region = DirectoryRules.PlaceEmployee(violations, "", Roles.Hq, null, null, _ => null);

        Assert.Empty(violations);
        Assert.Null(region);
    }

    [Fact]
    public void A_manager_who_has_left_cannot_be_assigned()
    {
        var left = new Employee("E9", "王五", Roles.BranchManager, "B-SH", "R-EAST", null, EmployeeStatuses.Left, null, new DateOnly(2026, 1, 1));
        var violations = new List<FieldViolation>();
        DirectoryRules.CheckManager(violations, "manager_id", "E1", "E9", _ => left);

        Assert.Equal("manager_id", Assert.Single(violations).Field);
    }

    [Fact]
    public void Nobody_manages_themselves()
    {
        var violations = new List<FieldViolation>();
        DirectoryRules.CheckManager(violations, "manager_id", "E1", "E1", _ => null);

        Assert.Single(violations);
    }

    [Theory]
    [InlineData("", false)]
    [InlineData("E-001", true)]
    [InlineData("e.001_x", true)]
    [InlineData("-E1", false)]
    [InlineData("E 1", false)]
    [InlineData("员工1", false)]
    public void Ids_are_short_ascii_tokens(string id, bool valid)
    {
        var violations = new List<FieldViolation>();
        DirectoryRules.CheckId(violations, "id", id);
        Assert.Equal(valid, violations.Count == 0);
    }
}
