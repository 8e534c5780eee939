namespace CustomerProtection.Territory.Domain;

/// <summary>
/// C-1/C-2 on the sales side. A sale's unit price and amount are deal terms (C-1: confidential): in
/// clear only to those C-2 names for the customer as the ledger knows them — the seller, the owner
/// and the credited developer, the seller's branch manager and secretary, hq, and the ERP account
/// that posted the shipment; the regional roles, who may see the sale itself, get the prices withheld.
/// A previous sale's price (the P-3.7 floor) is another party's deal: only hq is told it; a
/// salesperson learns that a price is below it and asks for approval (the company sets the final
/// price), and is told the P-4.2 asking price, the company's own floor. Pure.
/// </summary>
public static class DealTerms
{
    public static bool MaySeeSalePrices(Caller caller, Sale sale) =>
        caller.Role is not (Roles.RegionalManager or Roles.RegionalSecretary) && LedgerScopes.MaySeeSale(caller, sale);

    /// <summary>A violation's evidence (its sale's prices, the previous price) and the customer's annual purchases: hq and the violator's branch manager and secretary.</summary>
    public static bool MaySeeEvidence(Caller caller, Violation violation) =>
        caller.IsHq || (caller.Role is Roles.BranchManager or Roles.BranchSecretary && caller.BranchId == violation.ViolatorBranchId);

    /// <summary>P-4.2 asking prices are set from actual sales: hq and the region's own regional manager and secretary read them.</summary>
    public static bool MaySeeAskingPrices(Caller caller, string regionId) =>
        caller.IsHq || (caller.Role is Roles.RegionalManager or Roles.RegionalSecretary && caller.RegionId == regionId);

    /// <summary>Credited amounts: one's own, hq's and a branch manager's reading; a regional manager sees which sales, not their amounts.</summary>
    public static bool MaySeeCreditAmounts(Caller caller, string employeeId) =>
        caller.EmployeeId == employeeId || caller.Role is Roles.Hq or Roles.BranchManager;

    /// <summary>
    /// C-5's purpose of a read or change on the sales side, as Registration names its reads' usual ones:
    /// administration for hq and the branch's and region's roles, sales development for the seller, the
    /// owner, the developer and the ERP account.
    /// </summary>
    public static string PurposeOf(Caller caller) => caller.Role switch
    {
        Roles.Hq or Roles.BranchManager or Roles.BranchSecretary or Roles.RegionalManager or Roles.RegionalSecretary => "administration",
        _ => "sales_development",
    };

    /// <summary>A price approval's floor: withheld from all but hq when it was a previous sale's price (P-3.7).</summary>
    public static bool MaySeeApprovalFloor(Caller caller, PriceApproval approval) =>
        caller.IsHq || !(approval.FloorIsPreviousSale || approval.FloorRuleId == "P-3.7");

    /// <summary>
    /// The verdict as the caller may be told it (P-3.7 with C-2): for anyone but hq, a P-3.7 finding
    /// keeps its rule, effect and the caller's own price but loses the previous sale's price, id, date
    /// and seller, and the floor shown is the asking price (or none).
    /// </summary>
    public static (SaleVerdict Verdict, bool FloorWithheld) AsToldTo(SaleVerdict verdict, Caller caller)
    {
        var previousPrice = verdict.Findings.Any(f => f.RuleId == "P-3.7");
        if (caller.IsHq || (!previousPrice && !verdict.FloorIsPreviousSale))
        {
            return (verdict, false);
        }

        var findings = verdict.Findings.Select(WithoutPreviousSale).ToList();
        return (verdict with { Findings = findings, Floor = verdict.FloorIsPreviousSale ? verdict.AskingFloor : verdict.Floor }, true);
    }

    /// <summary>A P-3.7 finding without the previous sale's price, id, day, seller and the shortfall (which gives the price away); others as they are.</summary>
    public static RuleFinding WithoutPreviousSale(RuleFinding finding) => finding.RuleId != "P-3.7" ? finding : finding with
    {
        // After a lapse (P-3.7) or for a group member (P-4.4): the floor is a previous sale's price either way.
        Message = "单价低于同产品前次售价，须经公司审批定价 / the unit price is below the product's previous sale price: " +
            "selling below it needs the company's approval of the price",
        Metadata = finding.Metadata.Where(p => p.Key is "unit_price" or "floor_source" or "approved_price" or "missing_approval")
            .ToDictionary(p => p.Key, p => p.Value),
    };
}
