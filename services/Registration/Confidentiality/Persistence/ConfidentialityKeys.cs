using CustomerProtection.Registration.Persistence;
using StackExchange.Redis;

namespace CustomerProtection.Registration.Confidentiality.Persistence;

/// <summary>
/// The keys of confidential data and its controls, under Registration's hash tag (<see cref="RegistrationKeys.Prefix"/>):
/// an envelope and its audit entry are written in the customer's own step.
/// </summary>
public static class ConfidentialityKeys
{
    private static readonly string Prefix = RegistrationKeys.Prefix;

    /// <summary>
    /// The customer's hash (<see cref="RegistrationKeys.Customer"/>) holds, in this field,
    /// its confidential and secret fields and consent as one envelope (C-4), or the destroyed mark
    /// (C-10). A field rather than a key of its own: no second key's overhead per customer (about
    /// 90 B), and the envelope is read in the same hash as the customer. Its name is
    /// <see cref="RegistrationKeys.EnvelopeField"/>: storage moves the field (StorageMigration) and must
    /// not depend on this module; here it is listed with the rest of confidential data's keys.
    /// </summary>
    public const string EnvelopeField = RegistrationKeys.EnvelopeField;

    /// <summary>String: where the envelope was kept before it moved into the customer's hash (<see cref="StorageMigration"/> moves it).</summary>
    public static RedisKey LegacyEnvelope(string customerId) => $"{Prefix}customer:{{{customerId}}}:pii";

    /// <summary>Hash of clear contact fields written before encryption existed; the key pass encrypts them into <see cref="EnvelopeField"/> and deletes them.</summary>
    public static RedisKey LegacyContact(string customerId) => $"{Prefix}customer:{{{customerId}}}:contact";

    /// <summary>String "grant id|purpose|expires (unix ms)": what the read path checks for one grantee of one customer (C-3).</summary>
    public static RedisKey GrantSlot(string customerId, string employeeId) => $"{Prefix}customer:{{{customerId}}}:grant:{employeeId}";

    /// <summary>Hash {v, d}: an access request and its decision (C-3).</summary>
    public static RedisKey Grant(string grantId) => $"{Prefix}grant:{{{grantId}}}";

    /// <summary>Sorted set by request time: a branch's access requests (its manager's queue and history).</summary>
    public static RedisKey BranchGrants(string branchId) => $"{Prefix}branch:{{{branchId}}}:grants";

    /// <summary>Sorted set by request time: an employee's own access requests (their list; C-9 ends them).</summary>
    public static RedisKey GranteeGrants(string employeeId) => $"{Prefix}grantee:{{{employeeId}}}:grants";

    /// <summary>
    /// Set: why an account may not touch customer data — the ids of the incidents that froze it (C-7)
    /// and <see cref="LeftMarker"/> once the employee left (C-9). Empty or absent: not blocked.
    /// Checked on every customer-data call.
    /// </summary>
    public static RedisKey Blocked(string employeeId) => $"{Prefix}blocked:{{{employeeId}}}";

    public const string LeftMarker = "left";

    /// <summary>Hash {v, d}: an incident (C-7).</summary>
    public static RedisKey Incident(string incidentId) => $"{Prefix}incident:{{{incidentId}}}";

    /// <summary>Sorted set (score 0, lexical): "customer id|employee ids" of the customers an incident lists.</summary>
    public static RedisKey IncidentAffected(string incidentId) => $"{Prefix}incident:{{{incidentId}}}:affected";

    /// <summary>Hash: the last key-rotation pass (key, started, finished, counts).</summary>
    public static readonly RedisKey Rotation = $"{Prefix}keys:rotation";

    public static readonly RedisKey RotationLease = $"{Prefix}keys:rotation:lease";

    /// <summary>SCAN pattern that finds every customer hash and <see cref="LegacyContact"/> key (and the grant slots, which the pass skips).</summary>
    public static readonly string ValuePattern = Prefix + "customer:*";
}
