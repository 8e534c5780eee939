
namespace CustomerProtection.Arbitration.Domain;

/// <summary>Who may do what with a case. Identity comes from the token (Caller). Pure.</summary>
public static class CaseScopes
{
    /// <summary>
    /// P-13: customers are branch assets, the branch manager has the final say (with hq); P-4.5 and
    /// P-8.2 are hq's to decide.
    /// </summary>
    public static bool MayDecide(Caller caller, Case @case) =>
        caller.IsHq
        || (!CaseKinds.DecidedByHq(@case.Kind) && caller.Role == Roles.BranchManager && caller.BranchId == @case.BranchId);

    /// <summary>
    /// Before anything is read: only hq and branch managers decide cases at all, so anyone else is refused before
    /// the input is checked or the case looked up (they learn nothing about either).
    /// </summary>
    public static void EnsureMayDecideCases(Caller caller)
    {
        if (!caller.IsHq && caller.Role != Roles.BranchManager)
        {
            throw new ScopeDeniedException("案件由分公司经理或总公司决定 / cases are decided by a branch manager or hq (P-13)");
        }
    }

    public static void EnsureMayDecide(Caller caller, Case @case)
    {
        if (!MayDecide(caller, @case))
        {
            throw new ScopeDeniedException(CaseKinds.DecidedByHq(@case.Kind)
                ? $"此类案件由总公司决定 / {@case.Kind} cases are decided by hq (P-4.5, P-8.2)"
                : $"由客户所属分公司 {@case.BranchId} 的经理或总公司决定 / decided by the manager of branch {@case.BranchId} or hq (P-13)");
        }
    }

    /// <summary>The parties, the bidders, the branch's manager and secretary, and hq.</summary>
    public static bool MayRead(Caller caller, Case @case) =>
        caller.IsHq
        || @case.IsParty(caller.EmployeeId)
        || @case.Ledger.Any(e => e.PersonId == caller.EmployeeId)
        || (caller.Role is Roles.BranchManager or Roles.BranchSecretary && caller.BranchId == @case.BranchId);

    /// <summary>P-2.4(c): the parties and the salespeople of the customer's branch may bid.</summary>
    public static bool MayBid(Caller caller, Case @case) =>
        @case.IsParty(caller.EmployeeId) || (caller.Role == Roles.Salesperson && caller.BranchId == @case.BranchId);

    /// <summary>P-2.2: "any salesperson may object" (dealers file customers too, P-6).</summary>
    public static bool MayObject(Caller caller) => caller.Role is Roles.Salesperson or Roles.Dealer;
}
