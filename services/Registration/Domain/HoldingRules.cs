
namespace CustomerProtection.Registration.Domain;

/// <summary>What one salesperson holds now: what the cap counts, their pending filings beside it, and whether the cap is reached.</summary>
public sealed record Holding(string EmployeeId, int Held, int PendingOrProtected, int Formal, bool AtCap);

/// <summary>X-1: who is held to the cap, and what counts toward it.</summary>
public static class HoldingRules
{
    /// <summary>The cap holds salespeople (dealers file end customers for their territory); one who left holds nothing any more (P-12).</summary>
    public static bool IsCapped(string role, string status) => role == Roles.Salesperson && status != "left";

    /// <summary>
    /// Customers protected now count — not pending filings, which are not protected yet; formal customers
    /// only when the parameter says so (the same count the ownership gate makes inside its step).
    /// </summary>
    public static Holding Of(string employeeId, long pendingOrProtected, long protectedNow, long formal, Policy.PolicyParameters parameters)
    {
        var held = parameters.HoldingCapCountsFormalCustomers ? protectedNow : protectedNow - formal;
        return new Holding(employeeId, (int)held, (int)pendingOrProtected, (int)formal, held >= parameters.HoldingCap);
    }
}
