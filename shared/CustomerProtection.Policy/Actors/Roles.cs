namespace CustomerProtection.Policy.Actors;

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

    /// <summary>
    /// Not a person: the ERP integration's service account (issue 5), which posts shipments to
    /// Territory's ledger. Every service grants roles by allow-list, so it may do only what is
    /// granted to it by name.
    /// </summary>
    public const string Erp = "erp";

    public static readonly IReadOnlyList<string> All =
        [Salesperson, Dealer, BranchSecretary, BranchManager, RegionalSecretary, RegionalManager, Hq, Erp];

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
