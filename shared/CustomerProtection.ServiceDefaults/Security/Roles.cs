namespace CustomerProtection.ServiceDefaults.Security;

/// <summary>The roles of the policy's actors, as they appear in the token's <c>role</c> claim.</summary>
public static class Roles
{
    public const string Salesperson = "salesperson";
    public const string Dealer = "dealer";
    public const string BranchSecretary = "branch_secretary";
    public const string BranchManager = "branch_manager";
    public const string RegionalSecretary = "regional_secretary";
    public const string RegionalManager = "regional_manager";
    public const string Hq = "hq";

    public static readonly IReadOnlyList<string> All =
        [Salesperson, Dealer, BranchSecretary, BranchManager, RegionalSecretary, RegionalManager, Hq];

    public static bool IsKnown(string? role) => role is not null && All.Contains(role);
}

/// <summary>The claim names of a CustomerProtection token.</summary>
public static class ClaimNames
{
    public const string EmployeeId = "sub";
    public const string Role = "role";
    public const string Branch = "branch";
    public const string Region = "region";
    public const string Name = "name";
}
