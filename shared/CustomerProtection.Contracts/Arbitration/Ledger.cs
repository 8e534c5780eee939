namespace CustomerProtection.Contracts.Arbitration;

/// <summary>
/// P-2.4: a deposit (surpassing-progress claim) or a bid (auction) was settled: refunded to the
/// person (the milestone was met, or the auction ended without them) or forfeited (the milestone
/// was missed). Finance pays out or books the amount; <see cref="EntryId"/> is stable per amount.
/// </summary>
public sealed record DepositSettled(
    string CaseId,
    string EntryId,
    string PersonId,
    string Kind,
    decimal Amount,
    string Outcome,
    string Reason,
    DateTimeOffset SettledAt);

public static class LedgerKinds
{
    public const string Deposit = "deposit";
    public const string Bid = "bid";
}

public static class LedgerStatuses
{
    public const string Held = "held";
    public const string Refunded = "refunded";
    public const string Forfeited = "forfeited";
}
