using System.Globalization;
using System.Text;
using StackExchange.Redis;

namespace CustomerProtection.Registration.Persistence;

/// <summary>
/// Registration's customer keyspace: every key under the service's hash tag (<see cref="KeySpace"/>), so one
/// atomic step (<see cref="AtomicChange"/>) may combine a customer, its identity, the other records of the same
/// customer, the owner's cap and the indexes, on a single Redis or a cluster.
/// </summary>
public static class RegistrationKeys
{
    /// <summary>Every key of Registration begins with this (<see cref="KeySpace"/>): confidential data and the audit log too.</summary>
    public static readonly string Prefix = KeySpace.Of(ResourceNames.Registration);

    /// <summary>
    /// Hash: the customer — <c>v</c> its version, <c>d</c> its JSON — and, beside them in the same hash,
    /// its ownership history (X-6, <see cref="HistoryField"/>), its progress records (M-2,
    /// <see cref="ProgressField"/>) and the awards applied (<see cref="AwardField"/>). One key instead of
    /// three: a customer with a few entries is one compact listpack (docs/registration.md, memory).
    /// </summary>
    public static RedisKey Customer(string id) => $"{CustomerPrefix}{id}}}";

    /// <summary>A customer's key up to its id (scripts that find the id first build the key from it).</summary>
    public static readonly string CustomerPrefix = Prefix + "customer:{";

    /// <summary>
    /// Field of the customer's hash holding one history entry (X-6, never removed), named by the
    /// customer version that wrote it (and its position in that step): unique without a counter, and
    /// in order.
    /// </summary>
    public static string HistoryField(long version, int index) => EntryField(HistoryPrefix, version, index);

    /// <summary>Field of the customer's hash holding one progress record (M-2), named like <see cref="HistoryField"/>.</summary>
    public static string ProgressField(long version, int index) => EntryField(ProgressPrefix, version, index);

    public const char HistoryPrefix = 'h';
    public const char ProgressPrefix = 'p';

    /// <summary>
    /// Field of the customer's hash holding its confidential envelope (C-4) or the destroyed mark (C-10).
    /// Named here with the hash's other fields because storage moves it (<see cref="StorageMigration"/>);
    /// Confidentiality builds on storage, never the reverse.
    /// </summary>
    public const string EnvelopeField = "c";

    private static string EntryField(char prefix, long version, int index) =>
        index == 0 ? $"{prefix}{version}" : $"{prefix}{version}.{index}";

    /// <summary>The (version, index) of an entry field of <paramref name="prefix"/>, or null for any other field.</summary>
    public static (long Version, int Index)? EntryOrder(char prefix, string field)
    {
        if (field.Length < 2 || field[0] != prefix || !char.IsAsciiDigit(field[1]))
        {
            return null;
        }

        var dot = field.IndexOf('.', StringComparison.Ordinal);
        return dot < 0
            ? (long.Parse(field.AsSpan(1), CultureInfo.InvariantCulture), 0)
            : (long.Parse(field.AsSpan(1, dot - 1), CultureInfo.InvariantCulture), int.Parse(field.AsSpan(dot + 1), CultureInfo.InvariantCulture));
    }

    /// <summary>
    /// Field of the customer's hash: the decision time (Unix ms) of the last award of this Arbitration
    /// case that was applied (OwnershipAwarded is applied once per case and decision, in decision order).
    /// </summary>
    public static string AwardField(string caseId) => "a:" + caseId;

    /// <summary>
    /// Field of the customer's hash: when the case was last closed (Unix ms). A CaseOpened of that case that is
    /// not later (a redelivery, or one overtaken by its close) marks nothing; a reopening is later.
    /// </summary>
    public static string CaseClosedField(string caseId) => "x:" + caseId;

    /// <summary>
    /// Hash, field identity key (P-2.5) → customer id, set once by the filing that reserved it. The
    /// identities are spread over <see cref="IdentityBuckets"/> hashes by a stable hash of the key:
    /// a field in a shared hash costs a fraction of a key of its own (docs/registration.md, memory).
    /// </summary>
    public static RedisKey Identities(string identityKey) => IdentityBucketKey(IdentityBucket(identityKey));

    /// <summary>The identities hash of one bucket (0 ≤ bucket &lt; <see cref="IdentityBuckets"/>).</summary>
    public static RedisKey IdentityBucketKey(int bucket) => $"{Prefix}identities:{{{bucket}}}";

    /// <summary>
    /// Field beside <c>title:&lt;T&gt;</c> in its identities hash: the ids (space separated) of the records
    /// with a taxpayer id whose normalised invoice title is T. A title-only filing meets each of them
    /// (P-2.5), so one read of that hash gives every record a filing of title T can meet.
    /// </summary>
    public static string TitleGroupField(string normalizedTitle) => "t:" + normalizedTitle;

    /// <summary>Fixed: changing it would need every identity moved to its new bucket.</summary>
    public const int IdentityBuckets = 1024;

    /// <summary>FNV-1a over the UTF-8 bytes: stable across processes and versions (string.GetHashCode is not).</summary>
    public static int IdentityBucket(string identityKey) => (int)(Fnv1a(identityKey) % IdentityBuckets);

    private static uint Fnv1a(string text)
    {
        // On every filing's path several times: the UTF-8 bytes on the stack, not a new array each time.
        var length = Encoding.UTF8.GetMaxByteCount(text.Length);
        var bytes = length <= 1024 ? stackalloc byte[length] : new byte[length];
        var hash = 2166136261u;
        foreach (var b in bytes[..Encoding.UTF8.GetBytes(text, bytes)])
        {
            hash = (hash ^ b) * 16777619u;
        }

        return hash;
    }

    /// <summary>
    /// Set of customer ids whose title has this near-duplicate candidate key. A set grows to one
    /// member more than the candidate search reads (<see cref="CustomerStore.LargestCandidateSet"/>) and
    /// stops there: a key that common (上海, 科技) is skipped by the search anyway.
    /// </summary>
    public static RedisKey TitleKey(string candidateKey) => $"{Prefix}titlekey:{{{candidateKey}}}";

    /// <summary>Sorted set: the owner's pending and protected customers, scored by the end of protection (X-1, P-12).</summary>
    public static RedisKey OwnerCustomers(string ownerId) => $"{Prefix}owner:{{{ownerId}}}:customers";

    /// <summary>Sorted set: the formal ones among them (X-1 may leave them out of the cap).</summary>
    public static RedisKey OwnerFormal(string ownerId) => $"{Prefix}owner:{{{ownerId}}}:formal";

    /// <summary>Set: customers the employee co-develops (P-3.6; cleared when they leave, C-9).</summary>
    public static RedisKey CoDeveloperOf(string employeeId) => $"{Prefix}codev:{{{employeeId}}}";

    /// <summary>
    /// Every customer of the branch (P-13, X-7 export), in blocks of <see cref="CustomerBlockSize"/>
    /// consecutive ids (<see cref="CustomerBlock"/>): a block is a set of integers, which Redis keeps as
    /// a compact integer set (2–4 bytes a member up to <c>set-max-intset-entries</c>, 5,001 on the
    /// AppHost's Redis) where one sorted set of thousands of members is a skiplist (~100 bytes a member).
    /// The block of ids that are not integers (<see cref="OtherIdsBlock"/>, written by hand or by tests)
    /// is a sorted set of score 0 instead, read in ordinal order. A block is deleted by Redis when its
    /// last customer leaves.
    /// </summary>
    public static RedisKey BranchCustomers(string branchId, string block) => BranchCustomersPrefix(branchId) + block;

    /// <summary>The branch's block keys up to the block (scripts that walk <see cref="BranchCustomerBlocks"/> build them).</summary>
    public static string BranchCustomersPrefix(string branchId) => $"{Prefix}branch:{{{branchId}}}:customers:";

    /// <summary>
    /// Sorted set, member and score the block number (<see cref="OtherIdsBlock"/> at +∞, so it comes
    /// last): the blocks of <see cref="BranchCustomers(string, string)"/> the branch has had, so readers walk
    /// them in id order. Never removed by a customer's change (others may share the block): readers skip
    /// blocks that are empty.
    /// </summary>
    public static RedisKey BranchCustomerBlocks(string branchId) => $"{Prefix}branch:{{{branchId}}}:customer-blocks";

    /// <summary>Layout 3 and before: one sorted set (score 0, lexical order) of all the branch's customers (moved by <see cref="StorageMigration"/>).</summary>
    public static RedisKey LegacyBranchCustomers(string branchId) => $"{Prefix}branch:{{{branchId}}}:customers";

    /// <summary>Ids per block: 1,024 members at most, well under <c>set-max-intset-entries</c> (5,001), so a full block stays an integer set.</summary>
    public const int CustomerBlockSize = 1024;

    /// <summary>The block of the ids that are not integers (<see cref="IntegerId"/>).</summary>
    public const string OtherIdsBlock = "x";

    /// <summary>
    /// The customer's block in the branch index: its integer id / <see cref="CustomerBlockSize"/>, or
    /// <see cref="OtherIdsBlock"/> for any other id.
    /// </summary>
    public static string CustomerBlock(string customerId) =>
        IntegerId(customerId) is { } n ? (n / CustomerBlockSize).ToString(CultureInfo.InvariantCulture) : OtherIdsBlock;

    /// <summary>
    /// The id as an integer when it is one in canonical form — "0" or up to 15 digits without a leading
    /// zero — else null. Canonical, because Redis stores only those as integers in an integer set (and
    /// gives them back as written); at most 15 digits, because the scripts compare ids as Lua numbers
    /// (doubles, exact below 2^53). StorageMigration's script applies the same rule.
    /// </summary>
    public static long? IntegerId(string id)
    {
        if (id.Length is 0 or > 15 || (id[0] == '0' && id.Length > 1))
        {
            return null;
        }

        foreach (var c in id)
        {
            if (!char.IsAsciiDigit(c))
            {
                return null;
            }
        }

        return long.Parse(id, NumberStyles.None, CultureInfo.InvariantCulture);
    }

    /// <summary>Sorted set by filing time: the secretary's queue (P-2.1).</summary>
    public static RedisKey BranchPending(string branchId) => $"{Prefix}branch:{{{branchId}}}:pending";

    /// <summary>Sorted set by the time it was freed: the branch's public pool (P-12, P-3.5).</summary>
    public static RedisKey BranchPool(string branchId) => $"{Prefix}branch:{{{branchId}}}:pool";

    /// <summary>Sorted set by the end of the objection window: current announcements (P-2.2).</summary>
    public static RedisKey BranchAnnouncements(string branchId) => $"{Prefix}branch:{{{branchId}}}:announcements";

    /// <summary>
    /// Set: the branch's protected customers whose last protected day is <paramref name="lastDay"/> (P-3.5), so
    /// "ending within N days" reads N + 1 sets, soonest first, whatever the size of the branch. A set of integer
    /// ids is an intset (4 B an id): a sorted set by the end would take ~100 B a customer. Written in the
    /// customer's atomic step like every index; Redis deletes a day's set with its last member.
    /// </summary>
    public static RedisKey BranchEnding(string branchId, DateOnly lastDay) => $"{Prefix}branch:{{{branchId}}}:ending:{lastDay:yyyyMMdd}";

    /// <summary>The same, company-wide (hq's list without a branch).</summary>
    public static RedisKey CompanyEnding(DateOnly lastDay) => $"{Prefix}ending:{lastDay:yyyyMMdd}";

    /// <summary>Sorted set by request time: extension requests waiting for a decision (P-3.3).</summary>
    public static RedisKey BranchExtensions(string branchId) => $"{Prefix}branch:{{{branchId}}}:extensions";

    /// <summary>Set: salespeople the branch manager marked behind target (P-12 priority).</summary>
    public static RedisKey BehindTarget(string branchId) => $"{Prefix}branch:{{{branchId}}}:behind-target";

    /// <summary>Counter of an employee's pool claims on one Shanghai day, expiring after two days.</summary>
    public static RedisKey Claims(string employeeId, DateOnly day) => $"{Prefix}claims:{{{employeeId}}}:{day:yyyyMMdd}";

    /// <summary>P-6: one refused dealer filing (hash <c>v</c>, <c>d</c> JSON), written once per stable attempt id.</summary>
    public static RedisKey RefusedDealerFiling(string attemptId) => $"{Prefix}refused-dealer-filing:{attemptId}";

    /// <summary>A filing rejected (P-2.1) or refused as taken (P-9.1): one record (hash <c>v</c>, <c>d</c> JSON) per filer, identity and day.</summary>
    public static RedisKey RefusedFiling(string id) => $"{Prefix}refused-filing:{id}";

    /// <summary>A filer's refused filings, record id scored by the time (ms).</summary>
    public static RedisKey FilerRefusedFilings(string filerId) => $"{Prefix}filer:{{{filerId}}}:refused-filings";

    /// <summary>P-6: a branch's refused dealer filings, attempt id scored by the attempt's time (ms).</summary>
    public static RedisKey BranchRefusedDealerFilings(string branchId) => $"{Prefix}branch:{{{branchId}}}:refused-dealer-filings";

    /// <summary>
    /// The due-queue (X-3, P-3.4, P-3.5), one entry per protected customer at its next deadline, in two
    /// levels: the customers of a bucket of ids (<see cref="DueBucket"/>) in a sorted set of their own,
    /// small enough to stay a compact listpack, and this top level holding each bucket at its earliest
    /// deadline. One big sorted set costs ~100 bytes an entry (a skiplist); this ~15.
    /// </summary>
    public static readonly RedisKey Due = $"{Prefix}due";

    /// <summary>Sorted set: the due entries (customer id → deadline, Unix ms) of one bucket.</summary>
    public static RedisKey DueEntries(string bucket) => $"{Prefix}due:{{{bucket}}}";

    public static readonly string DueEntriesPrefix = Prefix + "due:";

    /// <summary>At most this many ids share a bucket: Redis keeps a sorted set of up to 128 entries as a listpack.</summary>
    public const int DueBucketSize = 128;

    /// <summary>The due-queue bucket of a customer (<see cref="IdBucket"/>).</summary>
    public static string DueBucket(string customerId) => IdBucket(customerId, DueBucketSize);

    /// <summary>
    /// The bucket of a customer in a structure shared by <paramref name="size"/> consecutive ids (the
    /// due-queue, C-5's customer index): ids are integers (CustomerIdAllocator), so neighbours share a
    /// small, compact key; any other id goes to one of <see cref="IdentityBuckets"/> by a stable hash.
    /// </summary>
    public static string IdBucket(string customerId, int size) =>
        long.TryParse(customerId, NumberStyles.None, CultureInfo.InvariantCulture, out var n)
            ? (n / size).ToString(CultureInfo.InvariantCulture)
            : "x" + IdentityBucket(customerId).ToString(CultureInfo.InvariantCulture);
}
