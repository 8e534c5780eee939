namespace CustomerProtection.Policy.Actors;

/// <summary>
/// Who is calling, taken from the validated token only (never from the request body); the edge reads it
/// from the token (ServiceDefaults' <c>Caller.From</c>).
/// </summary>
public sealed record Caller(string EmployeeId, string Role, string? BranchId, string? RegionId)
{
    public bool IsHq => Role == Roles.Hq;
}
