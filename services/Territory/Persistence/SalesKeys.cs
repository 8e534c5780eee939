using StackExchange.Redis;

namespace CustomerProtection.Territory.Persistence;

/// <summary>
/// Territory's sales-side keyspace. Aggregates use <see cref="DirectoryKeys.Entity"/>
/// (<c>cp:{territory}:&lt;kind&gt;:{&lt;id&gt;}</c>); indexes are sorted sets written in the same atomic step.
/// Ids and product codes never contain ':' (validated), so keys that end in an identity key are unambiguous.
/// </summary>
public static class SalesKeys
{
    public const string Sale = "sale";
    public const string Violation = "violation";
    public const string Filing = "crossregion";

    /// <summary>A group (P-4.4), by its parent's identity key.</summary>
    public const string Group = "group";
    public const string AskingPrice = "price";
    public const string PriceApproval = "priceapproval";
    public const string Support = "support";
    public const string Opportunity = "opportunity";
    public const string Rotation = "rotation";

    /// <summary>The asking price aggregate of one region and product.</summary>
    public static string PriceId(string regionId, string productCode) => $"{regionId}:{productCode}";

    /// <summary>Shipments to a customer: member <c>saleId</c>, score the shipping day number (annual shipments, P-8.1).</summary>
    public static RedisKey CustomerShipments(string identityKey) => $"{DirectoryKeys.Prefix}ledger:customer:{identityKey}";

    /// <summary>Sales of one product to a customer: member <c>saleId|sellerId</c>, score the day number (P-3.7: the price is the sale's).</summary>
    public static RedisKey ProductPrices(string productCode, string identityKey) => $"{DirectoryKeys.Prefix}ledger:price:{productCode}:{identityKey}";

    /// <summary>P-4.3: sales credited to an employee: member <c>saleId|sellerId</c>, score the day number.</summary>
    public static RedisKey Credits(string employeeId) => $"{DirectoryKeys.Prefix}ledger:credit:{employeeId}";

    public static RedisKey AllSales => DirectoryKeys.Prefix + "idx:sale";

    /// <summary>Violations, newest first by detection time (score: unix ms).</summary>
    public static RedisKey AllViolations => DirectoryKeys.Prefix + "idx:violation";

    public static RedisKey ViolationsOfEmployee(string employeeId) => $"{DirectoryKeys.Prefix}idx:violation:employee:{employeeId}";

    public static RedisKey ViolationsOfBranch(string branchId) => $"{DirectoryKeys.Prefix}idx:violation:branch:{branchId}";

    public static RedisKey ViolationsOfRegion(string regionId) => $"{DirectoryKeys.Prefix}idx:violation:region:{regionId}";

    /// <summary>Every filing of a requester for a customer in a region: what a sale looks up (P-4.1).</summary>
    public static RedisKey FilingCover(string requesterId, string regionId, string identityKey) =>
        $"{DirectoryKeys.Prefix}idx:crossregion:cover:{requesterId}:{regionId}:{identityKey}";

    /// <summary>P-10 due-queue: pending filings by deadline (score: unix ms).</summary>
    public static RedisKey FilingsDue => DirectoryKeys.Prefix + "due:crossregion";

    public static RedisKey FilingsOfRequester(string requesterId) => $"{DirectoryKeys.Prefix}idx:crossregion:requester:{requesterId}";

    /// <summary>The target region's secretary's queue (score: submitted, unix ms).</summary>
    public static RedisKey FilingsToConfirm(string regionId) => $"{DirectoryKeys.Prefix}idx:crossregion:pending:{regionId}";

    /// <summary>hq's queue of escalated filings (score: escalated, unix ms).</summary>
    public static RedisKey FilingsEscalated => DirectoryKeys.Prefix + "idx:crossregion:escalated";

    /// <summary>A regional manager's queue of escalated filings targeting their region.</summary>
    public static RedisKey FilingsEscalatedIn(string regionId) => $"{DirectoryKeys.Prefix}idx:crossregion:escalated:{regionId}";

    /// <summary>The group a customer belongs to, as a subsidiary or as its parent: one member, the parent's identity key (P-4.4; score: linked, unix ms).</summary>
    public static RedisKey GroupOf(string identityKey) => $"{DirectoryKeys.Prefix}idx:group:of:{identityKey}";

    /// <summary>hq's queue of filings the target region's secretary confirmed, to approve (P-4.1; score: confirmed, unix ms).</summary>
    public static RedisKey FilingsToApprove => DirectoryKeys.Prefix + "idx:crossregion:confirmed";

    public static RedisKey ApprovalCover(string sellerId, string productCode, string identityKey) =>
        $"{DirectoryKeys.Prefix}idx:priceapproval:cover:{sellerId}:{productCode}:{identityKey}";

    public static RedisKey SupportOfBranch(string branchId) => $"{DirectoryKeys.Prefix}idx:support:branch:{branchId}";

    public static RedisKey SupportOfDeveloper(string employeeId) => $"{DirectoryKeys.Prefix}idx:support:developer:{employeeId}";

    /// <summary>A pool's assignments in order (score: a running number).</summary>
    public static RedisKey PoolAssignments(string poolId) => $"{DirectoryKeys.Prefix}idx:opportunity:pool:{poolId}";
}

/// <summary>
/// A member of a ledger index (<see cref="SalesKeys.CustomerShipments"/>, <see cref="SalesKeys.ProductPrices"/>,
/// <see cref="SalesKeys.Credits"/>). C-4: members carry ids only — the sale's price and amount live sealed in
/// the sale. Members written before that carried them in clear between the id and the seller
/// (<c>saleId|amount</c>, <c>saleId|unitPrice|sellerId</c>, <c>saleId|amount|sellerId</c>); the sale id is
/// always first and the seller last, so both forms read the same until <see cref="LedgerSealMigration"/>
/// rewrites them.
/// </summary>
public static class LedgerEntry
{
    public static string Of(string saleId, string sellerId) => $"{saleId}|{sellerId}";

    public static string SaleId(string member) => member.Split('|')[0];

    public static string SellerId(string member) => member.Split('|')[^1];

    /// <summary>A member that still carries a price or an amount (three parts, or two in the shipments index).</summary>
    public static bool CarriesMoney(string member, bool shipments) => member.Split('|').Length > (shipments ? 1 : 2);
}
