
namespace CustomerProtection.Territory.Domain;

/// <summary>Who may post to the sales ledger, ask before quoting and read a recorded sale (issue 5 §3, §4). Pure.</summary>
public static class LedgerScopes
{
    /// <summary>Shipments come from the ERP: its integration account, or hq keying one in.</summary>
    public static bool MayRecordSale(Caller caller) => caller.Role is Roles.Hq or Roles.Erp;

    /// <summary>
    /// The authorisation (and a price approval, which asks it) is a seller's question before quoting;
    /// the ERP integration reports what shipped and never quotes, so it may not ask.
    /// </summary>
    public static bool MayAskToSell(Caller caller) => caller.Role != Roles.Erp;

    /// <summary>
    /// hq all; regional roles their region's sales (by the seller's or the sale's region); branch
    /// manager and secretary their branch's sellers; the ERP account the shipments it posted itself
    /// (to reconcile after a lost answer); everyone else the sales where they are the seller, the
    /// owner or the credited developer.
    /// </summary>
    public static bool MaySeeSale(Caller caller, Sale sale) => caller.Role switch
    {
        Roles.Hq => true,
        Roles.Erp => caller.EmployeeId == sale.RecordedBy,
        Roles.RegionalManager or Roles.RegionalSecretary => caller.RegionId == sale.SellerRegionId || caller.RegionId == sale.RegionId,
        Roles.BranchManager or Roles.BranchSecretary => caller.BranchId == sale.SellerBranchId,
        _ => caller.EmployeeId == sale.SellerId || caller.EmployeeId == sale.OwnerId || caller.EmployeeId == sale.CreditedTo,
    };
}
