namespace CustomerProtection.Registration.Confidentiality.Domain;

/// <summary>The kinds of audit entries (C-5, and the steps C-3, C-6, C-7, C-9, C-10 log).</summary>
public static class AuditKinds
{
    /// <summary>Confidential or secret fields shown in clear.</summary>
    public const string Read = "read";

    /// <summary>Confidential or secret fields written.</summary>
    public const string Change = "change";

    /// <summary>C-6: handed to a third party under a contract.</summary>
    public const string Share = "share";

    /// <summary>C-10: destroyed.</summary>
    public const string Destroy = "destroy";

    public const string Consent = "consent";
    public const string Grant = "grant";
    public const string Incident = "incident";
    public const string Offboarding = "offboarding";

    /// <summary>Kinds in which an account saw or handled a customer's data: what C-7 lists for notification.</summary>
    public static readonly IReadOnlyList<string> Touching = [Read, Change, Share];
}

/// <summary>
/// One audit entry as a use case states it (C-5): who (employee and role), when, which customer and
/// fields (their C-1 names, never their values), for which purpose, through which RPC, and a detail
/// (grant id, third party and contract, incident id).
/// </summary>
public sealed record AuditRecord(
    DateTimeOffset At,
    string EmployeeId,
    string Role,
    string? CustomerId,
    string Kind,
    IReadOnlyList<string> Fields,
    string? Purpose,
    string Rpc,
    string? Detail = null);

/// <summary>An entry as chained: its position in the log, its sequence number (1, 2, 3 ... without gaps) and its chain hash.</summary>
public sealed record ChainedEntry(string EntryId, long Sequence, byte[] Hash, AuditRecord Record);
