namespace CustomerProtection.Territory.Domain;

/// <summary>P-4.3 credit as changed by hq's P-8.2 decisions. Pure.</summary>
public static class CreditRules
{
    /// <summary>
    /// The sale with the decision applied, or null when it changes nothing: the decision is the one
    /// already applied (a redelivery) or older than it (decisions arriving out of order never undo
    /// a later one). A decision that confirms the current credit is still recorded, so that an older
    /// decision delivered after it cannot take the credit away.
    /// </summary>
    public static Sale? Decide(Sale sale, string caseId, string creditTo, string reason, string decidedBy, DateTimeOffset decidedAt)
    {
        if (sale.CreditDecision is { } last && (decidedAt < last.DecidedAt || (decidedAt == last.DecidedAt && caseId == last.CaseId)))
        {
            return null;
        }

        return sale with { CreditedTo = creditTo, CreditDecision = new CreditDecision(caseId, creditTo, sale.CreditedTo, reason, decidedBy, decidedAt) };
    }
}
