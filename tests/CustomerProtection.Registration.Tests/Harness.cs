using System.Text.Json;
using CustomerProtection.Contracts;
using CustomerProtection.Contracts.Organization;
using CustomerProtection.Policy;
using CustomerProtection.Policy.Actors;
using CustomerProtection.Policy.Identity;
using CustomerProtection.Registration.Application;
using CustomerProtection.Registration.Confidentiality.Application;
using CustomerProtection.Registration.Confidentiality.Crypto;
using CustomerProtection.Registration.Confidentiality.Persistence;
using CustomerProtection.Registration.Confidentiality.Persistence.Audit;
using CustomerProtection.Registration.Consumers;
using CustomerProtection.Registration.Domain;
using CustomerProtection.Registration.Persistence;
using CustomerProtection.ServiceDefaults.Encryption;
using CustomerProtection.Storage;
using CustomerProtection.Testing;
using CustomerProtection.Time;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using StackExchange.Redis;

namespace CustomerProtection.Registration.Tests;

/// <summary>
/// Registration's use cases wired as in the service, over a real redis-server (or a cluster: <see cref="IRedisTarget"/>), with a fake clock
/// (Asia/Shanghai 2026-03-10 09:00 unless a test moves it) and the real calendar and policy defaults.
/// </summary>
public sealed class Harness
{
    public static readonly DateTimeOffset Start = new(2026, 3, 10, 9, 0, 0, TimeSpan.FromHours(8));

    public Harness(IRedisTarget redis, PolicyBook? book = null, PoolOptions? pool = null)
    {
        Redis = redis;
        Time = new FakeTimeProvider(Start);
        Outbox = new RedisOutbox("registration");
        Replica = new OrganizationReplicaStore(redis.Connection);
        Store = new CustomerStore(redis.Connection, Outbox);
        Clock = new PolicyClock(book ?? PolicyBook.Default, CalendarProvider.Create(), Time);
        Organization = new Organization(Replica);
        Confidential = new ConfidentialStore(redis.Connection, KeyRing.Generate("test1"));
        Audit = new AuditLog(redis.Connection);
        Access = new ConfidentialAccess(Confidential, Audit, Clock, Rpc);
        Writer = new CustomerWriter(Store, Clock, new ConfidentialWriter(Confidential, Rpc));
        var ids = new CustomerIdAllocator(redis.Connection);
        var near = new NearDuplicates(Store, Clock);
        var poolOptions = Options.Create(pool ?? new PoolOptions());
        Gate = new OwnershipGate(Store, Clock, poolOptions);
        Query = new QueryCustomers(Store, near, Organization, Gate, Clock, Access);
        ListCustomers = new ListCustomers(Store, Organization, Clock, Query, poolOptions);
        RefusedFilings = new ListRefusedFilings(Store, Organization);
        File = new FileCustomer(Store, ids, Writer, Organization, near, Gate, Clock);
        Decide = new DecideFiling(Writer, Organization, Gate, Clock);
        Shipments = new RecordShipment(Store, Writer, Clock);
        RequestExtension = new RequestExtension(Writer, Clock);
        DecideExtension = new DecideExtension(Writer, Clock);
        SetSpecialPeriod = new SetSpecialPeriod(Writer, Clock);
        Progress = new RecordProgress(Writer, Clock);
        ClaimFromPool = new ClaimFromPool(Writer, Organization, Gate, Clock);
        ReallocateCustomer = new ReallocateCustomer(Writer, Organization, Gate, Clock);
        MarkBehindTarget = new MarkBehindTarget(Store, Organization);
        AddCoDeveloper = new AddCoDeveloper(Writer, Organization, Clock);
        RemoveCoDeveloper = new RemoveCoDeveloper(Writer, Clock);
        Leavers = new ReleaseLeaverCustomers(Store, Writer, Clock);
        Cases = new ApplyCaseDecisions(Store, Writer, Organization, Gate, Clock);
        Import = new ImportCustomers(ids, Writer, Organization, Gate, Clock);
        Export = new ExportCustomers(Store, Organization, Clock, Access);
        Due = new ProcessDue(Store, Writer, Organization, Clock, Microsoft.Extensions.Logging.Abstractions.NullLogger<ProcessDue>.Instance);
    }

    /// <summary>The RPC name audit entries carry in these tests (no HTTP request).</summary>
    public static readonly RpcName Rpc = new(null);

    public IRedisTarget Redis { get; }
    public ConfidentialStore Confidential { get; }
    public AuditLog Audit { get; }
    public ConfidentialAccess Access { get; }
    public FakeTimeProvider Time { get; }
    public RedisOutbox Outbox { get; }
    public OrganizationReplicaStore Replica { get; }
    public CustomerStore Store { get; }
    public PolicyClock Clock { get; }
    public Organization Organization { get; }
    public CustomerWriter Writer { get; }
    public OwnershipGate Gate { get; }
    public QueryCustomers Query { get; }
    public ListCustomers ListCustomers { get; }
    public ListRefusedFilings RefusedFilings { get; }
    public FileCustomer File { get; }
    public DecideFiling Decide { get; }
    public RecordShipment Shipments { get; }
    public RequestExtension RequestExtension { get; }
    public DecideExtension DecideExtension { get; }
    public SetSpecialPeriod SetSpecialPeriod { get; }
    public RecordProgress Progress { get; }
    public ClaimFromPool ClaimFromPool { get; }
    public ReallocateCustomer ReallocateCustomer { get; }
    public MarkBehindTarget MarkBehindTarget { get; }
    public AddCoDeveloper AddCoDeveloper { get; }
    public RemoveCoDeveloper RemoveCoDeveloper { get; }
    public ReleaseLeaverCustomers Leavers { get; }
    public ApplyCaseDecisions Cases { get; }
    public ImportCustomers Import { get; }
    public ExportCustomers Export { get; }
    public ProcessDue Due { get; }

    public IDatabase Db => Redis.Connection.GetDatabase();

    public static readonly Caller Hq = new("HQ-1", Roles.Hq, null, null);

    /// <summary>The regional manager of R-EAST, where the seeded branches are.</summary>
    public static readonly Caller RegionalManager = new("RM-1", Roles.RegionalManager, null, "R-EAST");

    public static Caller Salesperson(string id, string branch = "B-SH") => new(id, Roles.Salesperson, branch, "R-EAST");

    public static Caller Secretary(string branch = "B-SH") => new("SEC-" + branch, Roles.BranchSecretary, branch, "R-EAST");

    public static Caller Manager(string branch = "B-SH") => new("M-" + branch, Roles.BranchManager, branch, "R-EAST");

    public static Caller Dealer(string id, string branch = "B-SH") => new(id, Roles.Dealer, branch, "R-EAST");

    /// <summary>A branch with a manager and a secretary, and the given salespeople (hired long ago unless said).</summary>
    public async Task SeedBranchAsync(string branch = "B-SH", bool autoApprove = false, params string[] salespeople)
    {
        await BranchCopy.ApplyAsync(Replica, new BranchSnapshot(branch, "R-EAST", branch + " 分公司", "branch", true, "M-" + branch, autoApprove), 1);
        await EmployeeAsync("M-" + branch, "经理" + branch, Roles.BranchManager, branch, null);
        await EmployeeAsync("SEC-" + branch, "秘书" + branch, Roles.BranchSecretary, branch, "M-" + branch);
        foreach (var id in salespeople)
        {
            await EmployeeAsync(id, "销售" + id, Roles.Salesperson, branch, "M-" + branch);
        }
    }

    public Task EmployeeAsync(string id, string name, string role, string branch, string? manager, DateOnly? hired = null, string status = "active", long version = 1) =>
        EmployeeCopy.ApplyAsync(Replica, new EmployeeSnapshot(id, name, role, branch, "R-EAST", manager, status, hired ?? new DateOnly(2020, 1, 2), null), version);

    public Task DealerAsync(string id, string branch, string taxpayerId, string title) =>
        DealerCopy.ApplyAsync(Replica, new DealerSnapshot(id, "经销商" + id, branch, "R-EAST", "point_to_point", taxpayerId, title,
            CustomerIdentity.Key(taxpayerId, title), "active", new DateOnly(2024, 1, 1)), 1);

    public static FilingInput Filing(string title, string? taxpayerId = null, decimal sales = 100_000m, bool manualReview = false, string phone = "13812345678") =>
        new(taxpayerId, title, manualReview, CustomerClasses.Potential, sales.ToString(System.Globalization.CultureInfo.InvariantCulture),
            new CustomerContact("王经理", phone, "wang@example.com", "上海市浦东新区张江路 1 号"), "visit", "2026-03-09", "拜访纪要 2026-03-09");

    /// <summary>A valid unified social credit code (GB 32100-2015 check character), unique per call.</summary>
    public static string NewTaxpayerId()
    {
        const string alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY";
        var body = "913100" + string.Concat(Enumerable.Range(0, 11).Select(_ => alphabet[Random.Shared.Next(10)]));
        return body + SocialCreditCode.ComputeCheckCharacter(body);
    }

    public async Task<Versioned<Customer>> FileAndApproveAsync(string salesperson, string title, string? taxpayerId = null, decimal sales = 100_000m, string branch = "B-SH")
    {
        var (filed, _) = await File.ExecuteAsync(Salesperson(salesperson, branch), Filing(title, taxpayerId, sales));
        return await Decide.ApproveAsync(Secretary(branch), filed.Value.Id);
    }

    public async Task<Customer> CustomerAsync(string id) => (await Store.GetAsync(id))!.Value;

    public void AdvanceTo(DateTimeOffset instant) => Time.Advance(instant - Time.GetUtcNow());

    /// <summary>The outbox as (type, body) in order.</summary>
    public async Task<List<(string Type, JsonElement Body)>> OutboxAsync() =>
        (await Db.StreamRangeAsync(Outbox.StreamKey))
            .Select(e => ((string)e["type"]!, JsonDocument.Parse((string)e["body"]!).RootElement))
            .ToList();

    public async Task<List<T>> EventsAsync<T>() =>
        (await Db.StreamRangeAsync(Outbox.StreamKey))
            .Where(e => (string)e["type"]! == ContractTypes.NameOf(typeof(T)))
            .Select(e => JsonSerializer.Deserialize<T>((string)e["body"]!, RedisOutbox.Json)!)
            .ToList();

    /// <summary>Runs the due-queue until nothing is due (as the worker does, without its timer).</summary>
    public async Task<int> DrainDueAsync()
    {
        var worker = new Workers.DueQueueWorker(Store, Due, Clock, new CustomerProtection.Storage.LoopHealth(), Microsoft.Extensions.Logging.Abstractions.NullLogger<Workers.DueQueueWorker>.Instance);
        var handled = 0;
        while (await worker.TakeAsync() is { Count: > 0 } due)
        {
            foreach (var id in due)
            {
                await Due.HandleAsync(id);
                handled++;
            }
        }

        return handled;
    }
}
