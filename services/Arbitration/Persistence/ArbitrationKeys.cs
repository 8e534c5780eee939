using StackExchange.Redis;

namespace CustomerProtection.Arbitration.Persistence;

/// <summary>
/// Arbitration's keyspace, every key under the service's hash tag (<see cref="KeySpace"/>). Aggregates
/// are hashes {v, d}; indexes are sorted sets written in the same atomic step as the aggregate.
/// </summary>
public static class ArbitrationKeys
{
    private static readonly string Prefix = KeySpace.Of(ResourceNames.Arbitration);

    /// <summary>A case: parties, recommendation, resolution, ledger, awards (one aggregate, one version).</summary>
    public static RedisKey Case(string caseId) => $"{Prefix}case:{{{caseId}}}";

    /// <summary>M-3: a customer's complaint.</summary>
    public static RedisKey Complaint(string complaintId) => $"{Prefix}complaint:{{{complaintId}}}";

    /// <summary>
    /// The customer's dispute marker: which case about who holds it is open (one at a time, as
    /// Registration shows one). Its version guards the opening of a case against a concurrent one.
    /// </summary>
    public static RedisKey Customer(string customerId) => $"{Prefix}customer:{{{customerId}}}";

    /// <summary>Arbitration's own record of deals (Territory's SaleRecorded): member <c>saleId|sellerId|amount</c>, score the shipping day number.</summary>
    public static RedisKey Deals(string identityKey) => $"{Prefix}deals:{{{identityKey}}}";

    /// <summary>Cases of a branch (its manager's queue, P-13), score: opened (unix ms).</summary>
    public static RedisKey BranchCases(string branchId) => $"{Prefix}idx:case:branch:{branchId}";

    /// <summary>Cases a person is a party of or bid in, score: first involvement (unix ms).</summary>
    public static RedisKey PersonCases(string employeeId) => $"{Prefix}idx:case:person:{employeeId}";

    /// <summary>hq's cases (P-4.5, P-8.2, retaliation), score: opened (unix ms).</summary>
    public static RedisKey HqCases => $"{Prefix}idx:case:hq";

    /// <summary>Cases in which a person has posted an amount (ledger per person), score: first posting (unix ms).</summary>
    public static RedisKey PersonLedger(string employeeId) => $"{Prefix}idx:ledger:person:{employeeId}";

    /// <summary>M-3: a branch's complaints, score: received (unix ms).</summary>
    public static RedisKey BranchComplaints(string branchId) => $"{Prefix}idx:complaint:branch:{branchId}";

    /// <summary>The due-queue: members <c>case:&lt;id&gt;</c> and <c>complaint:&lt;id&gt;</c>, score the instant they fall due (unix ms).</summary>
    public static RedisKey Due => $"{Prefix}due";

    public static string DueCase(string caseId) => "case:" + caseId;

    public static string DueComplaint(string complaintId) => "complaint:" + complaintId;

    public static double Score(DateTimeOffset at) => at.ToUnixTimeMilliseconds();
}
