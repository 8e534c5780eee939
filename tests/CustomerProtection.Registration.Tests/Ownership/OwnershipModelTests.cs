using System.Diagnostics;
using System.Globalization;
using System.Text;
using CustomerProtection.Contracts.Arbitration;
using CustomerProtection.Contracts.Registration;
using CustomerProtection.Policy;
using CustomerProtection.Policy.Identity;
using CustomerProtection.Registration.Application;
using CustomerProtection.Registration.Domain;
using CustomerProtection.Registration.Persistence;
using CustomerProtection.Policy.Errors;
using CustomerProtection.Policy.Actors;
using CustomerProtection.Testing;
using NodaTime;
using Xunit.Abstractions;

namespace CustomerProtection.Registration.Tests.Ownership;

/// <summary>
/// Issue 18's model-based test: random sequences of every owner-changing operation (filing, import,
/// approval, rejection, pool claim, reallocation, award, lapse, a leaver's release), some of them
/// concurrent, driven through Registration's use cases on a real redis-server. After every step the
/// invariants of docs/ownership.md are checked on the stored state, and each answer and each record
/// against <see cref="OwnershipModel"/>, the reference model written from the rule book alone.
/// P-3.2's period end in the model comes from the policy core's period arithmetic and calendar
/// (CustomerProtection.Policy), not from the service's answer.
/// <para>
/// Every test runs on one redis-server (<see cref="OneNode"/>) and on a 3-primary Redis Cluster
/// (<see cref="Cluster"/>), where the keys one script combines must share one hash tag.
/// </para>
/// </summary>
public abstract class OwnershipModelTests(IRedisTarget redis, ITestOutputHelper output) : IAsyncLifetime
{
    public sealed class OneNode(RedisServer redis, ITestOutputHelper output) : OwnershipModelTests(redis, output), IClassFixture<RedisServer>;

    public sealed class Cluster(RedisCluster redis, ITestOutputHelper output) : OwnershipModelTests(redis, output), IClassFixture<RedisCluster>;

    /// <summary>Sequences and steps of the random test (environment OWNERSHIP_SEQUENCES / OWNERSHIP_STEPS override; OWNERSHIP_SEED replays one seed with its trace).</summary>
    private const int Sequences = 300;
    private const int Steps = 25;

    public async Task InitializeAsync()
    {
        // Speed only: this fixture's redis-servers need not fsync every write (durability is not under test here).
        foreach (var server in redis.Primaries)
        {
            await server.ConfigSetAsync("appendfsync", "no");
        }
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Random_sequences_of_owner_changes_keep_the_invariants_and_answer_as_the_model()
    {
        var sequences = Environment.GetEnvironmentVariable("OWNERSHIP_SEQUENCES") is { } n ? int.Parse(n, CultureInfo.InvariantCulture) : Sequences;
        var steps = Environment.GetEnvironmentVariable("OWNERSHIP_STEPS") is { } s ? int.Parse(s, CultureInfo.InvariantCulture) : Steps;
        var seeds = Environment.GetEnvironmentVariable("OWNERSHIP_SEED") is { } one
            ? [int.Parse(one, CultureInfo.InvariantCulture)]
            : Enumerable.Range(1, sequences).ToArray();
        var clock = Stopwatch.StartNew();
        var failures = new List<SequenceFailure>();
        var exercised = new Dictionary<string, int>(StringComparer.Ordinal);
        var stepsRun = 0;
        var concurrentSteps = 0;
        foreach (var seed in seeds)
        {
            var world = await World.CreateAsync(redis);
            var failure = await RunSequenceAsync(world, seed, steps);
            stepsRun += world.StepsRun;
            concurrentSteps += world.ConcurrentStepsRun;
            foreach (var (k, v) in world.Exercised)
            {
                exercised[k] = exercised.GetValueOrDefault(k) + v;
            }

            if (failure is not null)
            {
                failures.Add(failure);
            }

            if (seeds.Length == 1)
            {
                output.WriteLine(string.Join(Environment.NewLine, world.Trace));
                output.WriteLine(world.Model.Describe());
            }
        }

        var report = Report(failures, seeds.Length, stepsRun, concurrentSteps, clock.Elapsed);
        output.WriteLine(report);
        output.WriteLine("Exercised (single steps):");
        foreach (var (k, v) in exercised.OrderBy(x => x.Key, StringComparer.Ordinal))
        {
            output.WriteLine($"  {v,5}  {k}");
        }

        var file = Path.Combine(Path.GetTempPath(), $"ownership-model-report-{GetType().Name}.txt");
        await File.WriteAllTextAsync(file, report + Environment.NewLine + "Exercised (single steps):" + Environment.NewLine
            + string.Join(Environment.NewLine, exercised.OrderBy(x => x.Key, StringComparer.Ordinal).Select(x => $"  {x.Value,5}  {x.Key}")));
        Assert.True(failures.Count == 0, $"{failures.Count} of {seeds.Length} sequences broke the ownership invariants or disagreed with the model (full report: {file}){Environment.NewLine}{report}");
    }

    // ---- the focused scenarios, one per defect of issue 18 (each also checked by the model and the invariants) ----

    [Fact]
    public async Task P2_5_title_only_filing_meets_a_held_taxpayer_id_record()
    {
        var w = await World.CreateAsync(redis);
        await w.ExpectAsync(new FileOp("S1", 0, WithTaxpayerId: true, 0), accepted: true);
        await w.ExpectAsync(new ApproveOp(w.Model.KeyOf(0, true)), accepted: true);

        // The same invoice title without the taxpayer id is the same customer (P-2.5): S1 holds it.
        await w.ExpectAsync(new FileOp("S2", 0, WithTaxpayerId: false, 1), accepted: false, "P-9.1");

        // Two companies with different taxpayer ids and one title are two customers; a title-only filing meets both.
        await w.ExpectAsync(new FileOp("S2", 2, WithTaxpayerId: true, 0), accepted: true);
        await w.ExpectAsync(new FileOp("S3", 3, WithTaxpayerId: true, 1), accepted: true);
        await w.ExpectAsync(new FileOp("B1", 3, WithTaxpayerId: false, 0), accepted: false, "P-9.1");
        w.AssertClean();
    }

    [Fact]
    public async Task P2_5_a_taxpayer_id_filing_meets_a_held_title_only_record_and_concurrent_filings_of_both_forms_give_one_holder()
    {
        var w = await World.CreateAsync(redis);
        await w.ExpectAsync(new FileOp("S1", 1, WithTaxpayerId: false, 1), accepted: true);
        await w.ExpectAsync(new FileOp("B1", 1, WithTaxpayerId: true, 0), accepted: false, "P-9.1");

        for (var company = 2; company <= 4; company += 2)
        {
            var outcomes = await w.ConcurrentAsync([new FileOp("S2", company, true, 0), new FileOp("B2", company, false, 1)]);
            Assert.Single(outcomes, o => o.Accepted);
        }

        w.AssertClean();
    }

    [Fact]
    public async Task P12_another_branch_cannot_file_a_leavers_pool_customer()
    {
        var w = await World.CreateAsync(redis);
        await w.ExpectAsync(new FileOp("S1", 0, WithTaxpayerId: true, 0), accepted: true);
        await w.ExpectAsync(new ApproveOp(w.Model.KeyOf(0, true)), accepted: true);
        await w.ExpectAsync(new LeaveOp("S1"), accepted: true);
        Assert.Equal(RecordStatus.Pool, w.Model.Records[w.Model.KeyOf(0, true)].Status);

        // Inside the priority window, and a filing is a claim: B-BJ's salespeople (even a new one) cannot take it.
        await w.ExpectAsync(new FileOp("B2", 0, WithTaxpayerId: true, 0), accepted: false, "P-12");
        await w.ExpectAsync(new FileOp("B1", 0, WithTaxpayerId: false, 2), accepted: false, "P-12");

        // Nor after the window (P-12: other branches cannot take a branch's pool customer at all).
        await w.ExpectAsync(new AdvanceOp(7, 10), accepted: true);
        await w.ExpectAsync(new FileOp("B1", 0, WithTaxpayerId: true, 0), accepted: false, "P-12");
        w.AssertClean();
    }

    [Fact]
    public async Task P12_a_branch_colleague_who_is_no_priority_claimant_cannot_file_a_leavers_customer_inside_the_priority_window()
    {
        var w = await World.CreateAsync(redis);
        await w.ExpectAsync(new FileOp("S1", 1, WithTaxpayerId: true, 0), accepted: true);
        await w.ExpectAsync(new ApproveOp(w.Model.KeyOf(1, true)), accepted: true);
        await w.ExpectAsync(new LeaveOp("S1"), accepted: true);

        await w.ExpectAsync(new ClaimOp("S2", w.Model.KeyOf(1, true)), accepted: false, "P-12");
        await w.ExpectAsync(new FileOp("S2", 1, WithTaxpayerId: true, 1), accepted: false, "P-12");
        // A new employee of the branch may (P-12's priority claimant), and it is a claim for X-2's quota.
        await w.ExpectAsync(new FileOp("S3", 1, WithTaxpayerId: true, 0), accepted: true);
        w.AssertClean();
    }

    [Fact]
    public async Task X2_filings_of_a_leavers_pool_customers_count_towards_the_daily_quota()
    {
        var w = await World.CreateAsync(redis);
        foreach (var (owner, company) in new[] { ("S1", 0), ("S1", 1), ("S2", 4) })
        {
            await w.ExpectAsync(new FileOp(owner, company, WithTaxpayerId: true, 0), accepted: true);
            await w.ExpectAsync(new ApproveOp(w.Model.KeyOf(company, true)), accepted: true);
        }

        await w.ExpectAsync(new LeaveOp("S1"), accepted: true);
        await w.ExpectAsync(new LeaveOp("S2"), accepted: true);

        // S3 (a new employee: a priority claimant) takes one of the pool by filing it — a claim (P-12
        // Interpretation) — and the secretary rejects it, so that no pending filing is in the way.
        await w.ExpectAsync(new FileOp("S3", 1, WithTaxpayerId: true, 0), accepted: true);
        await w.ExpectAsync(new RejectOp(w.Model.KeyOf(1, true)), accepted: true);

        // PoolClaimsPerDay (1) is used up today (X-2): neither a claim nor another filing of a pool customer.
        await w.ExpectAsync(new ClaimOp("S3", w.Model.KeyOf(0, true)), accepted: false, "X-2");
        await w.ExpectAsync(new FileOp("S3", 4, WithTaxpayerId: true, 1), accepted: false, "X-2");

        // The next day the quota is S3's again.
        await w.ExpectAsync(new AdvanceOp(1, 9), accepted: true);
        await w.ExpectAsync(new ClaimOp("S3", w.Model.KeyOf(0, true)), accepted: true);
        w.AssertClean();
    }

    [Fact]
    public async Task P3_5_a_customer_that_lapsed_before_its_owner_left_is_not_a_leavers_pool_customer_even_before_the_due_queue_runs()
    {
        var w = await World.CreateAsync(redis);
        await w.ExpectAsync(new FileOp("S1", 0, WithTaxpayerId: true, 0), accepted: true);
        await w.ExpectAsync(new ApproveOp(w.Model.KeyOf(0, true)), accepted: true);

        // 30 days from 03-10: the last protected day is 04-09; on 04-15 it has lapsed by itself (P-3.5), the worker has not run yet.
        await w.ExpectAsync(new AdvanceOp(36, 10, Drain: false), accepted: true);
        await w.ExpectAsync(new LeaveOp("S1"), accepted: true);
        Assert.Equal(RecordStatus.Lapsed, w.Model.Records[w.Model.KeyOf(0, true)].Status);

        // Given up, not left behind: anyone may file it (P-2.3), another branch included.
        await w.ExpectAsync(new FileOp("B1", 0, WithTaxpayerId: true, 1), accepted: true);
        w.AssertClean();
    }

    [Fact]
    public async Task X2_the_previous_owners_cool_down_holds_on_every_record_of_the_customer_and_on_import()
    {
        var w = await World.CreateAsync(redis);
        await w.ExpectAsync(new FileOp("S2", 4, WithTaxpayerId: false, 0), accepted: true);
        await w.ExpectAsync(new ApproveOp(w.Model.KeyOf(4, false)), accepted: true);

        // Lapsed from S2 at the end of 04-09 (P-3.5); on 04-15 S2 is within X-2's 30 days.
        await w.ExpectAsync(new AdvanceOp(36, 10), accepted: true);

        // The taxpayer-id record of the same company is the same customer (P-2.5): a new record does not lift the cool-down.
        await w.ExpectAsync(new FileOp("S2", 4, WithTaxpayerId: true, 1), accepted: false, "X-2");
        // Nor does an import row naming S2 (docs/ownership.md: claim, filing, import).
        await w.ExpectAsync(new ImportOp("S2", 4, WithTaxpayerId: false, 2), accepted: false, "X-2");
        w.AssertClean();
    }

    [Fact]
    public async Task C9_award_to_a_leaver_is_not_applied()
    {
        var w = await World.CreateAsync(redis);
        await w.ExpectAsync(new FileOp("S1", 0, WithTaxpayerId: true, 0), accepted: true);
        await w.ExpectAsync(new ApproveOp(w.Model.KeyOf(0, true)), accepted: true);
        await w.ExpectAsync(new LeaveOp("S2"), accepted: true);

        // The award arrives after the winner left: Registration refuses it (OwnershipAwardRefused) and S1 keeps the customer.
        var refused = await w.ExpectAsync(new AwardOp(w.Model.KeyOf(0, true), "S2", "CASE-C9", CloseAfter: true), accepted: false);
        Assert.Contains(refused.Rule, new[] { "C-9", "P-12", "P-13" });
        Assert.Equal("S1", (await w.H.CustomerAsync(w.Model.Records[w.Model.KeyOf(0, true)].Id!)).OwnerId);
        w.AssertClean();
    }

    [Fact]
    public async Task X1_reallocation_respects_the_cap()
    {
        var w = await World.CreateAsync(redis);
        foreach (var company in new[] { 0, 1 })
        {
            await w.ExpectAsync(new FileOp("S2", company, WithTaxpayerId: true, 0), accepted: true);
            await w.ExpectAsync(new ApproveOp(w.Model.KeyOf(company, true)), accepted: true);
        }

        await w.ExpectAsync(new FileOp("S1", 4, WithTaxpayerId: true, 0), accepted: true);
        await w.ExpectAsync(new ApproveOp(w.Model.KeyOf(4, true)), accepted: true);

        // S2 holds HoldingCap (2) protected customers: the manager's final say does not lift X-1.
        await w.ExpectAsync(new ReallocateOp(w.Model.KeyOf(4, true), "S2"), accepted: false, "X-1");
        w.AssertClean();
    }

    [Fact]
    public async Task X1_an_award_respects_the_cap()
    {
        var w = await World.CreateAsync(redis);
        foreach (var company in new[] { 0, 1 })
        {
            await w.ExpectAsync(new FileOp("S2", company, WithTaxpayerId: true, 0), accepted: true);
            await w.ExpectAsync(new ApproveOp(w.Model.KeyOf(company, true)), accepted: true);
        }

        await w.ExpectAsync(new FileOp("S1", 4, WithTaxpayerId: true, 0), accepted: true);
        await w.ExpectAsync(new ApproveOp(w.Model.KeyOf(4, true)), accepted: true);

        var refused = await w.ExpectAsync(new AwardOp(w.Model.KeyOf(4, true), "S2", "CASE-X1", CloseAfter: true), accepted: false);
        Assert.Equal("X-1", refused.Rule);
        w.AssertClean();
    }

    [Fact]
    public async Task X1_pending_filings_do_not_count_towards_the_cap()
    {
        var w = await World.CreateAsync(redis);
        await w.ExpectAsync(new FileOp("S1", 0, WithTaxpayerId: true, 0), accepted: true);
        await w.ExpectAsync(new ApproveOp(w.Model.KeyOf(0, true)), accepted: true);
        await w.ExpectAsync(new FileOp("S1", 1, WithTaxpayerId: true, 0), accepted: true);

        // One protected and one pending, with a cap of 2: pending filings are not protected customers (X-1).
        await w.ExpectAsync(new FileOp("S1", 4, WithTaxpayerId: true, 0), accepted: true);
        await w.ExpectAsync(new ApproveOp(w.Model.KeyOf(1, true)), accepted: true);

        // Now at the cap: the second pending filing cannot be approved.
        await w.ExpectAsync(new ApproveOp(w.Model.KeyOf(4, true)), accepted: false, "X-1");
        w.AssertClean();
    }

    // ---- the random sequences ----

    private static async Task<SequenceFailure?> RunSequenceAsync(World w, int seed, int steps)
    {
        var rnd = new Random(seed);
        var profile = (Profile)(seed % 4);
        w.Trace.Add($"seed {seed}, profile {profile}");
        for (var step = 1; step <= steps; step++)
        {
            var ops = Generator.Next(rnd, w, profile);
            var report = ops.Count == 1 ? await w.StepAsync(ops[0]) : await w.StepAsync(ops);
            if (report.Failures.Count > 0)
            {
                return new SequenceFailure(seed, profile, step, report.Failures, string.Join(Environment.NewLine, w.Trace) + Environment.NewLine + w.Model.Describe() + w.DescribeReal());
            }
        }

        return null;
    }

    private static string Report(List<SequenceFailure> failures, int sequences, int steps, int concurrent, TimeSpan elapsed)
    {
        var sb = new StringBuilder();
        sb.AppendLine(CultureInfo.InvariantCulture, $"{sequences} sequences, {steps} steps ({concurrent} concurrent), {elapsed.TotalSeconds:0.0} s; {failures.Count} sequences failed");
        var byCategory = failures
            .SelectMany(f => f.Failures.Select(x => (x.Category, Failure: f, x.Message)))
            .GroupBy(x => x.Category)
            .OrderByDescending(g => g.Count());
        foreach (var group in byCategory)
        {
            var first = group.OrderBy(x => x.Failure.Step).ThenBy(x => x.Failure.Seed).First();
            sb.AppendLine(CultureInfo.InvariantCulture,
                $"- {group.Key}: {group.Count()} sequences, seeds {string.Join(", ", group.Select(x => x.Failure.Seed).Distinct().Take(8))}; shortest: seed {first.Failure.Seed} step {first.Failure.Step}: {first.Message}");
        }

        foreach (var group in failures.SelectMany(f => f.Failures.Select(x => (x.Category, Failure: f))).GroupBy(x => x.Category))
        {
            var first = group.OrderBy(x => x.Failure.Step).ThenBy(x => x.Failure.Seed).First().Failure;
            sb.AppendLine().AppendLine(CultureInfo.InvariantCulture, $"== {group.Key}: seed {first.Seed} ({first.Profile}), failed at step {first.Step}");
            sb.AppendLine(first.Trace);
        }

        return sb.ToString();
    }
}

internal enum Profile
{
    /// <summary>Every operation; filings and imports with or without the taxpayer id.</summary>
    Mixed,

    /// <summary>Filings and imports always with the taxpayer id (so that P-2.5's title matches do not hide the other rules).</summary>
    TaxpayerIds,

    /// <summary>Taxpayer ids, more leavers, claims, reallocations and awards.</summary>
    PoolAndCases,

    /// <summary>Taxpayer ids, no cases: customers held, owners leaving, the pool claimed and filed within days (P-12's window, X-2's quota and cool-down).</summary>
    Pool,
}

internal sealed record SequenceFailure(int Seed, Profile Profile, int Step, IReadOnlyList<Failure> Failures, string Trace);

internal sealed record Failure(string Category, string Message);

internal sealed record StepReport(IReadOnlyList<Outcome> Outcomes, IReadOnlyList<Failure> Failures);

/// <summary>A stored customer as the checks read it: the effective status (a protected one past its end is lapsed, P-3.5) and its identity key.</summary>
internal sealed record RealRecord(string Id, Customer Customer, string Key, string Status)
{
    public bool Held => Status is CustomerStatus.Pending or CustomerStatus.Protected;

    public override string ToString() =>
        $"{Key}#{Id} {Status}{(Held ? " " + Customer.OwnerId : "")} @{Customer.BranchId}" + (Customer.PeriodStart is { } s ? $" from {s:yyyy-MM-dd}" : "")
        + (Customer.FreedReason is { } why ? $" freed={why}/{Customer.PreviousOwnerId}/{Customer.FreedAt:yyyy-MM-dd HH:mm}" : "") + (Customer.OpenCaseId is { } c ? " case=" + c : "");
}

/// <summary>One sequence's world: Registration's use cases on the fixture's redis-server, the model beside them, and the checks.</summary>
internal sealed class World
{
    public const int HoldingCap = 2;
    public const int PoolClaimsPerDay = 1;
    public const int CooldownDays = 30;
    public const int ProspectDays = 30;
    public static readonly PoolOptions PoolOptions = new() { PriorityDays = 3, NewEmployeeDays = 90 };

    /// <summary>The clock never passes this day (new employees hired on 2026-02-25 and 03-01 stay new: P-12's 90 days are not this test's boundary).</summary>
    public static readonly LocalDate LastDay = new(2026, 5, 20);

    public static readonly IReadOnlyList<(string Id, string Branch, DateOnly Hired, bool Behind)> Staff =
    [
        ("S1", "B-SH", new DateOnly(2020, 1, 2), false),
        ("S2", "B-SH", new DateOnly(2020, 1, 2), false),
        ("S3", "B-SH", new DateOnly(2026, 3, 1), false), // new employee: a priority claimant (P-12)
        ("S4", "B-SH", new DateOnly(2020, 1, 2), true), // marked behind target by the branch manager: a priority claimant
        ("B1", "B-BJ", new DateOnly(2020, 1, 2), false),
        ("B2", "B-BJ", new DateOnly(2026, 2, 25), false), // new employee of the other branch
    ];

    /// <summary>Five companies, four titles: companies 2 and 3 have different taxpayer ids and the same invoice title (two customers by P-2.5).</summary>
    public static readonly IReadOnlyList<Company> Companies =
    [
        new(0, Tid(1), 0, ["上海甲乙机械（集团）有限公司", "上海甲乙机械(集团)有限公司", "上海甲乙机械 【集团】 有限公司"]),
        new(1, Tid(2), 1, ["北京丙丁科技有限公司", "北京丙丁科技\u3000有限公司", "北京丙丁\u200B科技有限公司"]),
        new(2, Tid(3), 2, ["杭州同名贸易有限公司", "杭州同名贸易 有限公司", "杭州同名贸易有限公司\uFEFF"]),
        new(3, Tid(4), 2, ["杭州同名贸易有限公司", "杭州 同名贸易有限公司", "杭州同名贸易有限公司"]),
        new(4, Tid(5), 3, ["Acme Trading (Shanghai) Co Ltd", "ＡＣＭＥ Trading（Shanghai）CO LTD", "acme trading [shanghai] co ltd"]),
    ];

    public static readonly IReadOnlyList<string> TitleKeys =
        [.. Enumerable.Range(0, 4).Select(g => CustomerIdentity.TitlePrefix + InvoiceTitle.Normalize(Companies.First(c => c.TitleGroup == g).Spellings[0]))];

    private static readonly PolicyBook Book = new([new PolicyVersion(PolicyBook.PolicyStart, PolicyParameters.Defaults with
    {
        HoldingCap = HoldingCap,
        PoolClaimsPerDay = PoolClaimsPerDay,
        PoolReclaimCooldownDays = CooldownDays,
        ProspectProtectionDays = ProspectDays,
    })]);

    private static readonly WorkingDayCalendar Calendar = CalendarProvider.Create().Current;
    private static readonly PeriodArithmetic Arithmetic = new(Calendar, rollForward: true);

    private int _cases;

    private readonly IRedisTarget _redis;

    private World(IRedisTarget redis, Harness h, OwnershipModel model)
    {
        _redis = redis;
        H = h;
        Model = model;
    }

    public Harness H { get; }
    public OwnershipModel Model { get; private set; }
    public List<string> Trace { get; } = [];
    public List<Failure> Failures { get; } = [];
    public int StepsRun { get; private set; }
    public int ConcurrentStepsRun { get; private set; }
    public int Leaves { get; private set; }

    /// <summary>How often each (operation, model decision, service answer) occurred in single steps: what the sequences exercised.</summary>
    public Dictionary<string, int> Exercised { get; } = new(StringComparer.Ordinal);
    private List<RealRecord> _real = [];

    private static string Tid(int i)
    {
        var body = "91310000MA1FL" + i.ToString("D4", CultureInfo.InvariantCulture);
        return body + SocialCreditCode.ComputeCheckCharacter(body);
    }

    public static async Task<World> CreateAsync(IRedisTarget redis)
    {
        // The universe is what the test says it is: each title group's spellings normalise alike, and the groups differ (P-2.5).
        foreach (var c in Companies)
        {
            Assert.All(c.Spellings, s => Assert.Equal(TitleKeys[c.TitleGroup], CustomerIdentity.TitlePrefix + InvoiceTitle.Normalize(s)));
        }

        Assert.Equal(4, TitleKeys.Distinct().Count());

        await redis.FlushAsync();
        var h = new Harness(redis, book: Book, pool: PoolOptions);
        foreach (var branch in new[] { "B-SH", "B-BJ" })
        {
            await h.SeedBranchAsync(branch, autoApprove: false);
        }

        foreach (var (id, branch, hired, behind) in Staff)
        {
            await h.EmployeeAsync(id, "销售" + id, Roles.Salesperson, branch, "M-" + branch, hired);
            if (behind)
            {
                await h.MarkBehindTarget.ExecuteAsync(Harness.Manager(branch), id, true);
            }
        }

        var parameters = new ModelParameters(HoldingCap, PoolClaimsPerDay, CooldownDays, PoolOptions.PriorityDays, PoolOptions.NewEmployeeDays,
            day => Arithmetic.LastProtectedDay(day, ProspectDays).EndsAt,
            day => Calendar.NextWorkingDayOnOrAfter(day).Value);
        var people = Staff.Select(s => new ModelPerson { Id = s.Id, Branch = s.Branch, Hired = LocalDate.FromDateOnly(s.Hired), BehindTarget = s.Behind });
        var model = new OwnershipModel(parameters, Companies, TitleKeys, people, Instant.FromDateTimeOffset(h.Time.GetUtcNow()));
        return new World(redis, h, model);
    }

    public Instant Now => Instant.FromDateTimeOffset(H.Time.GetUtcNow());

    public string BranchOf(string person) => Model.People[person].Branch;

    // ---- one step ----

    public async Task<StepReport> StepAsync(Op op)
    {
        StepsRun++;
        Tick();
        var decision = Model.Decide(op);
        var outcome = await ExecuteAsync(op);
        if (op is AdvanceOp)
        {
            Model.SetNow(Now);
        }

        Exercised[$"{op.Kind}: model {decision.Category}, service {Said(outcome)}"] = Exercised.GetValueOrDefault($"{op.Kind}: model {decision.Category}, service {Said(outcome)}") + 1;
        var failures = new List<Failure>();
        if (!decision.Admits(outcome))
        {
            failures.Add(new($"{op.Kind}: service {Said(outcome)} / model {decision.Category}", $"{op} → service {outcome}{(outcome.Detail is { } d ? $" ({d})" : "")}; model: {decision}"));
        }

        if (Model.Apply(op, outcome) is { } mismatch)
        {
            failures.Add(new($"{op.Kind}: the service made a second record of one identity", mismatch));
        }

        var before = _real;
        _real = await ReadRealAsync();
        failures.AddRange(CheckInvariants(before, _real, outcome.Accepted ? [op] : []));
        failures.AddRange(Compare(Model, _real, op.Kind));
        Trace.Add($"{StepsRun,3}. {At()} {op} → {outcome}; model: {decision}");
        foreach (var f in failures)
        {
            Trace.Add("     !! " + f.Message);
        }

        Failures.AddRange(failures);
        return new([outcome], failures);
    }

    /// <summary>Several operations at once: the outcome must be the model applied in SOME order of them (at most 4! orders).</summary>
    public async Task<StepReport> StepAsync(IReadOnlyList<Op> ops)
    {
        StepsRun++;
        ConcurrentStepsRun++;
        Tick();
        using var go = new ManualResetEventSlim();
        var running = ops.Select(op => Task.Run(async () =>
        {
            go.Wait();
            return await ExecuteAsync(op);
        })).ToList();
        go.Set();
        var outcomes = await Task.WhenAll(running);
        var before = _real;
        _real = await ReadRealAsync();

        // A leave is two steps for the others: the departure recorded, then the release (P-12, C-9), in that order.
        var items = new List<(Op Op, Outcome Outcome, int Source)>();
        for (var i = 0; i < ops.Count; i++)
        {
            if (ops[i] is LeaveOp leave)
            {
                items.Add((new DepartOp(leave.Salesperson), Outcome.Accept(), i));
            }

            items.Add((ops[i] is LeaveOp l ? new ReleaseOp(l.Salesperson) : ops[i], outcomes[i], i));
        }

        List<Failure>? best = null;
        OwnershipModel? adopted = null;
        string? order = null;
        foreach (var permutation in Permutations(items.Count))
        {
            if (items.Select((item, i) => (item, i)).Any(x => x.item.Op is ReleaseOp r
                && Array.IndexOf(permutation, items.FindIndex(y => y.Op is DepartOp d && d.Salesperson == r.Salesperson)) > Array.IndexOf(permutation, x.i)))
            {
                continue;
            }

            var m = Model.Clone();
            var failures = new List<Failure>();
            foreach (var i in permutation)
            {
                var (op, outcome, _) = items[i];
                var decision = m.Decide(op);
                if (!decision.Admits(outcome) && outcome.Rule != "conflict")
                {
                    failures.Add(new($"{op.Kind} (concurrent): service {Said(outcome)} / model {decision.Category}", $"{op} → service {outcome}; model in this order: {decision}"));
                }

                if (m.Apply(op, outcome) is { } mismatch)
                {
                    failures.Add(new($"{op.Kind}: the service made a second record of one identity", mismatch));
                }
            }

            failures.AddRange(Compare(m, _real, "concurrent " + string.Join("+", ops.Select(o => o.Kind))));
            if (failures.Count == 0)
            {
                adopted = m;
                order = string.Join(", ", permutation.Select(i => items[i].Op.Kind + "#" + (items[i].Source + 1)));
                break;
            }

            if (best is null || failures.Count < best.Count)
            {
                best = failures;
            }
        }

        var all = new List<Failure>();
        if (adopted is not null)
        {
            Model = adopted;
        }
        else
        {
            all.AddRange(best!);
        }

        all.AddRange(CheckInvariants(before, _real, [.. ops.Where((_, i) => outcomes[i].Accepted)]));
        Trace.Add($"{StepsRun,3}. {At()} at once: {string.Join(" | ", ops.Select((op, i) => $"{op} → {outcomes[i]}"))}{(order is null ? "; no order of them fits the model" : $"; as the model in the order {order}")}");
        foreach (var f in all)
        {
            Trace.Add("     !! " + f.Message);
        }

        Failures.AddRange(all);
        return new(outcomes, all);
    }

    private string At() => H.Time.GetUtcNow().ToOffset(TimeSpan.FromHours(8)).ToString("MM-dd HH:mm", CultureInfo.InvariantCulture);

    /// <summary>A minute passes before every step (an award's decision time is later than the last one of its case).</summary>
    private void Tick()
    {
        H.Time.Advance(TimeSpan.FromMinutes(1));
        Model.SetNow(Now);
    }

    private static string Said(Outcome o) => o.Accepted ? "accepted" : "refused " + o.Rule;

    private static IEnumerable<int[]> Permutations(int n)
    {
        var items = Enumerable.Range(0, n).ToArray();
        return Permute(items, 0);

        static IEnumerable<int[]> Permute(int[] a, int k)
        {
            if (k == a.Length)
            {
                yield return (int[])a.Clone();
                yield break;
            }

            for (var i = k; i < a.Length; i++)
            {
                (a[k], a[i]) = (a[i], a[k]);
                foreach (var p in Permute(a, k + 1))
                {
                    yield return p;
                }

                (a[k], a[i]) = (a[i], a[k]);
            }
        }
    }

    // ---- the use cases ----

    private async Task<Outcome> ExecuteAsync(Op op)
    {
        try
        {
            switch (op)
            {
                case FileOp f:
                    {
                        var c = Companies[f.Company];
                        var (filed, _) = await H.File.ExecuteAsync(Harness.Salesperson(f.Salesperson, BranchOf(f.Salesperson)),
                            Harness.Filing(c.Spellings[f.Spelling], f.WithTaxpayerId ? c.TaxpayerId : null));
                        return Outcome.Accept(filed.Value.Id);
                    }

                case ImportOp i:
                    {
                        var c = Companies[i.Company];
                        var branch = BranchOf(i.Owner);
                        var csv = "taxpayer_id,invoice_title,owner_id,customer_class,declared_annual_sales,stage,approved_on,last_shipment_on,contact_name,contact_phone,contact_email,contact_address,evidence\n"
                            + $"{(i.WithTaxpayerId ? c.TaxpayerId : "")},\"{c.Spellings[i.Spelling]}\",{i.Owner},potential,100000,prospect,,,王经理,13812345678,wang@example.com,上海,导入\n";
                        var report = await H.Import.ExecuteAsync(Harness.Secretary(branch), branch, new MemoryStream(Encoding.UTF8.GetBytes(csv)));
                        var row = Assert.Single(report.Results);
                        return row.Outcome == ImportOutcomes.Filed
                            ? Outcome.Accept(row.CustomerId)
                            : Outcome.Refuse(row.RuleId ?? (row.Outcome == ImportOutcomes.Duplicate ? "P-9.1" : "invalid"), row.Reason);
                    }

                case ApproveOp a:
                    {
                        var r = Model.Records[a.Key];
                        await H.Decide.ApproveAsync(Harness.Secretary(a.Branch ?? r.Branch), r.Id!);
                        return Outcome.Accept(r.Id);
                    }

                case RejectOp x:
                    {
                        var r = Model.Records[x.Key];
                        await H.Decide.RejectAsync(Harness.Secretary(x.Branch ?? r.Branch), r.Id!, "资料不全 / incomplete");
                        return Outcome.Accept(r.Id);
                    }

                case ClaimOp c:
                    {
                        var r = Model.Records[c.Key];
                        await H.ClaimFromPool.ExecuteAsync(Harness.Salesperson(c.Salesperson, BranchOf(c.Salesperson)), r.Id!);
                        return Outcome.Accept(r.Id);
                    }

                case ReallocateOp m:
                    {
                        var r = Model.Records[m.Key];
                        await H.ReallocateCustomer.ExecuteAsync(Harness.Manager(m.Branch ?? r.Branch), r.Id!, m.To, "经理重新分配 / manager's reallocation");
                        return Outcome.Accept(r.Id);
                    }

                case AwardOp w:
                    return await AwardAsync(w);
                case OpenCaseOp o:
                    {
                        var r = Model.Records[o.Key];
                        var opened = await H.Cases.OpenedAsync(new CaseOpened(o.CaseId, "objection", r.Id!, o.Claimant, r.Owner, H.Time.GetUtcNow()));
                        return opened ? Outcome.Accept(r.Id) : Outcome.Refuse("not-opened");
                    }

                case CloseCaseOp c:
                    {
                        var r = Model.Records[c.Key];
                        var closed = await H.Cases.ClosedAsync(new CaseClosed(r.OpenCase!, r.Id!, "withdrawn", H.Time.GetUtcNow()));
                        return closed ? Outcome.Accept(r.Id) : Outcome.Refuse("not-closed");
                    }

                case AdvanceOp a:
                    {
                        var today = H.Time.GetUtcNow().ToOffset(TimeSpan.FromHours(8)).Date;
                        H.AdvanceTo(new DateTimeOffset(today.AddDays(a.Days).AddHours(a.Hour), TimeSpan.FromHours(8)));
                        if (a.Drain)
                        {
                            await H.DrainDueAsync();
                        }

                        return Outcome.Accept();
                    }

                case LeaveOp l:
                    {
                        var (id, branch, hired, _) = Staff.Single(s => s.Id == l.Salesperson);
                        await H.EmployeeAsync(id, "销售" + id, Roles.Salesperson, branch, "M-" + branch, hired, status: "left", version: 2);
                        var moved = await H.Leavers.ExecuteAsync(id, "离职 / left");
                        return Outcome.Accept(count: moved);
                    }

                case MarkBehindTargetOp m:
                    await H.MarkBehindTarget.ExecuteAsync(Harness.Manager(BranchOf(m.Salesperson)), m.Salesperson, m.BehindTarget);
                    return Outcome.Accept();
                default:
                    throw new ArgumentOutOfRangeException(nameof(op));
            }
        }
        catch (PolicyRefusalException e)
        {
            return Outcome.Refuse(e.RuleId, e.Message);
        }
        catch (ScopeDeniedException e)
        {
            return Outcome.Refuse("scope", e.Message);
        }
        catch (RequestValidationException e)
        {
            return Outcome.Refuse("invalid", e.Message);
        }
        catch (EntityNotFoundException e)
        {
            return Outcome.Refuse("notfound", e.Message);
        }
        catch (ConcurrencyConflictException e)
        {
            return Outcome.Refuse("conflict", e.Message);
        }
    }

    /// <summary>
    /// Arbitration's events for an award (P-2.4, P-9): CaseOpened unless the case is open already,
    /// OwnershipAwarded, and CaseClosed when the step says so. A refused award does not throw: the
    /// customer stays as it was and OwnershipAwardRefused names the rule (docs/ownership.md).
    /// </summary>
    private async Task<Outcome> AwardAsync(AwardOp w)
    {
        var r = Model.Records[w.Key];
        var now = H.Time.GetUtcNow();
        if (r.OpenCase != w.CaseId)
        {
            await H.Cases.OpenedAsync(new CaseOpened(w.CaseId, "objection", r.Id!, w.Winner, r.Owner, now));
        }

        var applied = await H.Cases.AwardedAsync(new OwnershipAwarded(w.CaseId, r.Id!, w.Winner, r.Owner ?? r.PreviousOwner, [], Resolutions.Decision,
            "P-9.2 进度证据更充分 / better documented progress", "M-" + r.Branch, now));
        var refused = (await H.EventsAsync<OwnershipAwardRefused>()).LastOrDefault(e => e.CaseId == w.CaseId && e.DecidedAt == now);
        if (w.CloseAfter)
        {
            await H.Cases.ClosedAsync(new CaseClosed(w.CaseId, r.Id!, "decided", now));
        }

        return refused is not null ? Outcome.Refuse(refused.RuleId, refused.Reason)
            : applied ? Outcome.Accept(r.Id)
            : Outcome.Refuse("silent", "the award was neither applied nor refused with OwnershipAwardRefused");
    }

    // ---- the stored state and the checks ----

    public async Task<List<RealRecord>> ReadRealAsync()
    {
        var ids = new List<string>();
        await foreach (var key in _redis.KeysAsync(RegistrationKeys.CustomerPrefix + "*}"))
        {
            var name = (string)key!;
            var id = name[RegistrationKeys.CustomerPrefix.Length..^1];
            if (!id.Contains('}', StringComparison.Ordinal) && !id.Contains('{', StringComparison.Ordinal))
            {
                ids.Add(id);
            }
        }

        var now = Now;
        var records = new List<RealRecord>();
        foreach (var stored in await Task.WhenAll(ids.Select(H.Store.GetAsync)))
        {
            if (stored is null)
            {
                continue;
            }

            var c = stored.Value;
            var status = c.Status;
            if (status == CustomerStatus.Protected && c.PeriodStart is { } start
                && Arithmetic.LastProtectedDay(LocalDate.FromDateOnly(start), ProspectDays + c.ExtensionDays).EndsAt <= now)
            {
                status = CustomerStatus.Lapsed; // P-3.5: lapsed by itself, whether or not the due-queue has run
            }

            var key = c.TaxpayerId is { } tid ? CustomerIdentity.TaxpayerIdPrefix + tid : CustomerIdentity.TitlePrefix + InvoiceTitle.Normalize(c.Title);
            records.Add(new(c.Id, c, key, status));
        }

        return [.. records.OrderBy(r => r.Key, StringComparer.Ordinal)];
    }

    private static bool SameCustomer(RealRecord a, RealRecord b) =>
        a.Customer.TaxpayerId is { } ta && b.Customer.TaxpayerId is { } tb
            ? ta == tb
            : InvoiceTitle.Normalize(a.Customer.Title) == InvoiceTitle.Normalize(b.Customer.Title);

    /// <summary>docs/ownership.md's invariants on the stored state (the model is not asked).</summary>
    private List<Failure> CheckInvariants(List<RealRecord> before, List<RealRecord> after, IReadOnlyList<Op> accepted)
    {
        var failures = new List<Failure>();
        var held = after.Where(r => r.Held).ToList();

        // 1. One owner per customer (P-2.5).
        for (var i = 0; i < held.Count; i++)
        {
            for (var j = i + 1; j < held.Count; j++)
            {
                if (SameCustomer(held[i], held[j]))
                {
                    failures.Add(new("I1 (P-2.5): two held records of one customer", $"two held records of one customer: {held[i]} and {held[j]}"));
                }
            }
        }

        // 2. The owner is active and of the record's branch (C-9, P-12, P-13).
        foreach (var r in held)
        {
            if (r.Customer.OwnerId is not { } owner || !Model.People.TryGetValue(owner, out var person))
            {
                failures.Add(new("I2: a held record without a known owner", $"held record without a known owner: {r}"));
            }
            else if (person.Left)
            {
                failures.Add(new("I2 (C-9): a leaver holds a record", $"{owner} has left and holds {r}"));
            }
            else if (person.Branch != r.Customer.BranchId)
            {
                failures.Add(new("I2 (P-13): the owner is not of the record's branch", $"{owner} of {person.Branch} holds {r}"));
            }
        }

        // 3. A leaver's pool customer is taken (claim or filing) by its branch only, inside the priority window by a priority claimant only (P-12).
        foreach (var op in accepted)
        {
            var (taker, taxpayerId, title) = op switch
            {
                FileOp f => (f.Salesperson, f.WithTaxpayerId ? Companies[f.Company].TaxpayerId : null, Companies[f.Company].TitleGroup),
                ClaimOp c => (c.Salesperson, Model.Records.GetValueOrDefault(c.Key)?.TaxpayerId, Model.Records.GetValueOrDefault(c.Key)?.TitleGroup ?? -1),
                _ => (null, null, -1),
            };
            if (taker is null)
            {
                continue;
            }

            var person = Model.People[taker];
            foreach (var r in before.Where(r => r.Status == CustomerStatus.Pool && r.Customer.FreedReason == Changes.Pool && r.Customer.FreedAt is not null
                && OwnershipModel.SameCustomer(taxpayerId, title, r.Customer.TaxpayerId, TitleGroupOf(r))))
            {
                var freedOn = LocalDate.FromDateTime(r.Customer.FreedAt!.Value.ToOffset(TimeSpan.FromHours(8)).DateTime);
                if (person.Branch != r.Customer.BranchId)
                {
                    failures.Add(new("I3 (P-12): another branch took a leaver's pool customer", $"{op.Kind} by {taker} of {person.Branch} took {r}"));
                }
                else if (Model.Today < freedOn.PlusDays(World.PoolOptions.PriorityDays) && !Model.IsPriority(person))
                {
                    failures.Add(new("I3 (P-12): a non-priority salesperson took a leaver's customer inside the priority window", $"{op.Kind} by {taker} on {Model.Today:yyyy-MM-dd} took {r}"));
                }
            }
        }

        // 4. The holding cap (X-1): protected customers only.
        foreach (var g in after.Where(r => r.Status == CustomerStatus.Protected && r.Customer.OwnerId is not null).GroupBy(r => r.Customer.OwnerId!))
        {
            if (g.Count() > HoldingCap)
            {
                failures.Add(new("I4 (X-1): a salesperson above the holding cap", $"{g.Key} holds {g.Count()} protected customers (cap {HoldingCap}): {string.Join("; ", g)}"));
            }
        }

        return failures;
    }

    private static int TitleGroupOf(RealRecord r) =>
        TitleKeys.ToList().IndexOf(CustomerIdentity.TitlePrefix + InvoiceTitle.Normalize(r.Customer.Title));

    /// <summary>5. Each record's owner, status, branch, period start and case equal the model's; no record the model does not know.</summary>
    private static List<Failure> Compare(OwnershipModel model, List<RealRecord> real, string step)
    {
        var failures = new List<Failure>();
        foreach (var g in real.GroupBy(r => r.Key).Where(g => g.Count() > 1))
        {
            failures.Add(new($"state after {step}: two records of one identity key", $"{g.Key} has records {string.Join(", ", g.Select(r => r.Id))}"));
        }

        foreach (var r in real)
        {
            if (!model.Records.TryGetValue(r.Key, out var m))
            {
                failures.Add(new($"state after {step}: a record the model does not have", $"the service has {r}; the model has no record of {r.Key}"));
                continue;
            }

            if (m.Id is not null && m.Id != r.Id)
            {
                continue; // reported as a second record of one identity
            }

            var status = m.Status switch
            {
                RecordStatus.Pending => CustomerStatus.Pending,
                RecordStatus.Protected => CustomerStatus.Protected,
                RecordStatus.Lapsed => CustomerStatus.Lapsed,
                RecordStatus.Pool => CustomerStatus.Pool,
                _ => CustomerStatus.Rejected,
            };
            var owner = r.Held ? r.Customer.OwnerId : null;
            if (status != r.Status || m.Owner != owner)
            {
                failures.Add(new($"state after {step}: model {m.Status}/{(m.Owner is null ? "-" : "owner")}, service {r.Status}/{(owner is null ? "-" : "owner")}{(m.Owner is not null && owner is not null ? " (other owner)" : "")}",
                    $"model {m} / service {r}"));
            }
            else if (r.Customer.BranchId != m.Branch && r.Customer.BranchId != m.AltBranch)
            {
                failures.Add(new($"state after {step}: branch", $"model {m} / service {r}"));
            }
            else if (m.Status == RecordStatus.Protected && m.PeriodStart != LocalDate.FromDateOnly(r.Customer.PeriodStart ?? default))
            {
                failures.Add(new($"state after {step}: period start", $"model {m} / service {r}"));
            }
            else if (m.OpenCase != r.Customer.OpenCaseId)
            {
                failures.Add(new($"state after {step}: open case", $"model {m} / service {r}"));
            }
        }

        foreach (var m in model.Records.Values.Where(m => real.All(r => r.Key != m.Key)))
        {
            failures.Add(new($"state after {step}: a record the service does not have", $"the model has {m}; the service has no record of {m.Key}"));
        }

        return failures;
    }

    public string DescribeReal()
    {
        var sb = new StringBuilder("  service:").AppendLine();
        foreach (var r in _real)
        {
            sb.Append("    ").AppendLine(r.ToString());
        }

        return sb.ToString();
    }

    // ---- the scenarios' helpers ----

    public async Task<Outcome> ExpectAsync(Op op, bool accepted, string? rule = null)
    {
        var report = await StepAsync(op);
        var outcome = report.Outcomes[0];
        var trace = string.Join(Environment.NewLine, Trace) + Environment.NewLine + Model.Describe() + DescribeReal();
        Assert.True(outcome.Accepted == accepted && (rule is null || outcome.Rule == rule),
            $"{op}: expected {(accepted ? "accepted" : "refused " + (rule ?? "(a rule)"))}, the service said {outcome}{(outcome.Detail is { } d ? $" ({d})" : "")}{Environment.NewLine}{trace}");
        return outcome;
    }

    public async Task<IReadOnlyList<Outcome>> ConcurrentAsync(IReadOnlyList<Op> ops) => (await StepAsync(ops)).Outcomes;

    public void AssertClean() =>
        Assert.True(Failures.Count == 0, $"the invariants or the model disagree:{Environment.NewLine}{string.Join(Environment.NewLine, Trace)}{Environment.NewLine}{Model.Describe()}{DescribeReal()}");

    public int NextCase() => ++_cases;

    public void CountLeave() => Leaves++;
}

/// <summary>Random operations with weights, mostly on records that exist, biased towards the pool, the cap and races.</summary>
internal static class Generator
{
    private static readonly string[] Salespeople = [.. World.Staff.Select(s => s.Id)];

    public static IReadOnlyList<Op> Next(Random rnd, World w, Profile profile)
    {
        while (true)
        {
            var weights = profile switch
            {
                Profile.PoolAndCases => new (string Kind, int Weight)[] { ("file", 18), ("approve", 14), ("reject", 2), ("claim", 14), ("reallocate", 10), ("award", 9), ("open", 2), ("close", 2), ("advance", 8), ("leave", 6), ("import", 5), ("mark", 2), ("concurrent", 10) },
                Profile.Pool => [("file", 22), ("approve", 18), ("reject", 4), ("claim", 22), ("reallocate", 3), ("advance", 5), ("leave", 8), ("import", 3), ("mark", 3), ("concurrent", 8)],
                _ => [("file", 24), ("approve", 16), ("reject", 4), ("claim", 10), ("reallocate", 7), ("award", 7), ("open", 2), ("close", 2), ("advance", 8), ("leave", 3), ("import", 5), ("mark", 2), ("concurrent", 10)],
            };
            var pick = rnd.Next(weights.Sum(x => x.Weight));
            var kind = weights.First(x => (pick -= x.Weight) < 0).Kind;
            if (kind == "concurrent")
            {
                if (Concurrent(rnd, w, profile) is { Count: > 1 } ops)
                {
                    return ops;
                }

                continue;
            }

            if (One(rnd, w, profile, kind, concurrent: false) is { } op)
            {
                if (op is LeaveOp)
                {
                    w.CountLeave();
                }

                return [op];
            }
        }
    }

    private static bool WithTaxpayerId(Random rnd, Profile profile) => profile != Profile.Mixed || rnd.Next(2) == 0;

    private static string Person(Random rnd, World w, bool mostlyActive = true)
    {
        var active = Salespeople.Where(s => !w.Model.People[s].Left).ToList();
        if (active.Count == 0 || (mostlyActive ? rnd.Next(100) < 12 : rnd.Next(2) == 0))
        {
            return Salespeople[rnd.Next(Salespeople.Length)];
        }

        // Pressure on the cap: often the active salesperson with the most protected customers.
        if (rnd.Next(100) < 30)
        {
            return active.OrderByDescending(s => w.Model.ProtectedCount(s)).ThenBy(_ => rnd.Next()).First();
        }

        return active[rnd.Next(active.Count)];
    }

    private static ModelRecord? Record(Random rnd, World w, Func<ModelRecord, bool> preferred, int preferPercent = 85)
    {
        var all = w.Model.Records.Values.OrderBy(r => r.Key, StringComparer.Ordinal).ToList();
        var some = all.Where(preferred).ToList();
        var from = some.Count > 0 && rnd.Next(100) < preferPercent ? some : all;
        return from.Count == 0 ? null : from[rnd.Next(from.Count)];
    }

    private static Op? One(Random rnd, World w, Profile profile, string kind, bool concurrent)
    {
        var m = w.Model;
        switch (kind)
        {
            case "file":
                {
                    var free = FreeCompany(rnd, w);
                    var company = free?.Company ?? rnd.Next(World.Companies.Count);
                    var filer = free is { Record: var r } ? Taker(rnd, w, profile, r) ?? Person(rnd, w) : Person(rnd, w);
                    return new FileOp(filer, company, WithTaxpayerId(rnd, profile), rnd.Next(World.Companies[company].Spellings.Count));
                }

            case "import":
                {
                    var company = rnd.Next(World.Companies.Count);
                    return new ImportOp(Person(rnd, w), company, WithTaxpayerId(rnd, profile), rnd.Next(World.Companies[company].Spellings.Count));
                }

            case "approve":
                return Record(rnd, w, r => r.Status == RecordStatus.Pending) is { } a ? new ApproveOp(a.Key, a.Branch) : null;
            case "reject":
                return Record(rnd, w, r => r.Status == RecordStatus.Pending) is { } x ? new RejectOp(x.Key, x.Branch) : null;
            case "claim":
                return Record(rnd, w, r => !r.Held && r.Freed != FreedKind.Never, 80) is { } c ? new ClaimOp(Taker(rnd, w, profile, c) ?? Person(rnd, w), c.Key) : null;
            case "reallocate":
                {
                    if (Record(rnd, w, r => r.Status != RecordStatus.Pending) is not { } r)
                    {
                        return null;
                    }

                    var to = rnd.Next(100) < 85 ? SameBranch(rnd, w, r) : Person(rnd, w, mostlyActive: false);
                    return to is null || to == r.Owner ? null : new ReallocateOp(r.Key, to, r.Branch);
                }

            case "award":
                {
                    if (Record(rnd, w, r => r.Status is RecordStatus.Protected or RecordStatus.Lapsed or RecordStatus.Pool
                        || (r.Status == RecordStatus.Rejected && r.Freed != FreedKind.Never), 100) is not { } r
                        || r.Status is RecordStatus.Pending || (r.Status == RecordStatus.Rejected && r.Freed == FreedKind.Never))
                    {
                        return null;
                    }

                    var leavers = Salespeople.Where(s => m.People[s].Left).ToList();
                    var roll = rnd.Next(100);
                    var winner = roll < 20 && leavers.Count > 0 ? leavers[rnd.Next(leavers.Count)]
                        : roll < 30 ? Person(rnd, w, mostlyActive: false)
                        : SameBranch(rnd, w, r);
                    if (winner is null || winner == r.Owner)
                    {
                        return null;
                    }

                    var caseId = r.OpenCase ?? $"CASE-{w.NextCase()}";
                    return new AwardOp(r.Key, winner, caseId, CloseAfter: !concurrent && rnd.Next(100) < 70);
                }

            case "open":
                {
                    var r = Record(rnd, w, r => r.OpenCase is null && (r.Status is RecordStatus.Protected or RecordStatus.Lapsed or RecordStatus.Pool), 100);
                    return r is null || r.OpenCase is not null || r.Status is RecordStatus.Pending or RecordStatus.Rejected
                        ? null
                        : new OpenCaseOp(r.Key, $"CASE-{w.NextCase()}", Person(rnd, w));
                }

            case "close":
                return Record(rnd, w, r => r.OpenCase is not null, 100) is { OpenCase: not null } o ? new CloseCaseOp(o.Key) : null;
            case "advance":
                {
                    var room = Period.Between(m.Today, World.LastDay, PeriodUnits.Days).Days;
                    var days = Math.Min(room, rnd.Next(100) < (profile == Profile.Pool ? 70 : 35) ? rnd.Next(1, 5) : rnd.Next(5, 41));
                    return days <= 0 ? null : new AdvanceOp(days, rnd.Next(8, 20), Drain: rnd.Next(100) < 75);
                }

            case "leave":
                {
                    var active = Salespeople.Where(s => !m.People[s].Left).ToList();
                    if (w.Leaves >= 3 || active.Count <= 2)
                    {
                        return null;
                    }

                    // Mostly someone who holds something (their customers go to the pool, P-12).
                    var holders = active.Where(s => m.Records.Values.Any(r => r.Held && r.Owner == s)).ToList();
                    var from = holders.Count > 0 && rnd.Next(100) < 80 ? holders : active;
                    return new LeaveOp(from[rnd.Next(from.Count)]);
                }

            case "mark":
                {
                    var s = Salespeople[rnd.Next(Salespeople.Length)];
                    return m.People[s].Left ? null : new MarkBehindTargetOp(s, !m.People[s].BehindTarget);
                }

            default:
                return null;
        }
    }

    /// <summary>Sometimes a company one of whose records is free after being held (lapsed, or a leaver's in the pool): filing it is P-2.3's or P-12's case.</summary>
    private static (int Company, ModelRecord Record)? FreeCompany(Random rnd, World w)
    {
        if (rnd.Next(100) >= 35 || Record(rnd, w, r => !r.Held && r.Freed != FreedKind.Never, 100) is not { Held: false } r || r.Freed == FreedKind.Never)
        {
            return null;
        }

        return (World.Companies.Where(c => r.TaxpayerId is null ? c.TitleGroup == r.TitleGroup : c.TaxpayerId == r.TaxpayerId).Select(c => c.Index).First(), r);
    }

    /// <summary>In the pool profile, half the takings of a leaver's customer are by a priority claimant of its branch (P-12), so that the quota and the cap are reached.</summary>
    private static string? Taker(Random rnd, World w, Profile profile, ModelRecord r)
    {
        if (profile != Profile.Pool || r.Freed != FreedKind.LeaversPool || rnd.Next(2) == 0)
        {
            return null;
        }

        var priority = Salespeople.Where(s => w.Model.People[s] is { Left: false } p && p.Branch == r.Branch && w.Model.IsPriority(p)).ToList();
        return priority.Count == 0 ? null : priority[rnd.Next(priority.Count)];
    }

    private static string? SameBranch(Random rnd, World w, ModelRecord r)
    {
        var candidates = Salespeople.Where(s => w.Model.People[s].Branch == r.Branch && !w.Model.People[s].Left && s != r.Owner).ToList();
        if (candidates.Count == 0)
        {
            return null;
        }

        return rnd.Next(100) < 30 ? candidates.OrderByDescending(s => w.Model.ProtectedCount(s)).First() : candidates[rnd.Next(candidates.Count)];
    }

    /// <summary>2–4 operations at once: the races of issue 18, or a random handful.</summary>
    private static List<Op> Concurrent(Random rnd, World w, Profile profile)
    {
        var m = w.Model;
        var ops = new List<Op>();
        switch (rnd.Next(5))
        {
            case 0:
                {
                    // One company filed by two (or three) salespeople: with and without the taxpayer id.
                    var company = rnd.Next(World.Companies.Count);
                    var people = Salespeople.Where(s => !m.People[s].Left).OrderBy(_ => rnd.Next()).Take(rnd.Next(2, 4)).ToList();
                    for (var i = 0; i < people.Count; i++)
                    {
                        var withTid = profile == Profile.Mixed ? i % 2 == 0 : true;
                        ops.Add(new FileOp(people[i], company, withTid, rnd.Next(World.Companies[company].Spellings.Count)));
                    }

                    break;
                }

            case 1:
                {
                    // A claim racing a filing of the same customer.
                    if (Record(rnd, w, r => !r.Held && r.Freed != FreedKind.Never, 100) is { Held: false } r)
                    {
                        var company = World.Companies.First(c => r.TaxpayerId is null ? c.TitleGroup == r.TitleGroup : c.TaxpayerId == r.TaxpayerId).Index;
                        ops.Add(new ClaimOp(Person(rnd, w), r.Key));
                        ops.Add(new FileOp(Person(rnd, w), company, WithTaxpayerId(rnd, profile), 0));
                    }

                    break;
                }

            case 2:
                {
                    // An approval (or a reallocation to them) racing the filer's departure (C-9).
                    if (w.Leaves < 3 && Record(rnd, w, r => r.Status == RecordStatus.Pending, 100) is { Status: RecordStatus.Pending } r && !m.People[r.Owner!].Left)
                    {
                        ops.Add(new ApproveOp(r.Key, r.Branch));
                        ops.Add(new LeaveOp(r.Owner!));
                        w.CountLeave();
                        if (Record(rnd, w, o => o.Status == RecordStatus.Protected && o.Branch == r.Branch && o.Owner != r.Owner && o.OpenCase is null, 100) is { Status: RecordStatus.Protected } other
                            && other.Branch == r.Branch && other.Owner != r.Owner)
                        {
                            ops.Add(new ReallocateOp(other.Key, r.Owner!, other.Branch));
                        }
                    }

                    break;
                }

            case 3:
                {
                    // Several paths giving one salesperson a customer at once (X-1 counted inside the step).
                    var s = Person(rnd, w);
                    foreach (var r in m.Records.Values.OrderBy(_ => rnd.Next()).Take(3))
                    {
                        var op = r.Status switch
                        {
                            RecordStatus.Pending when r.Owner == s => new ApproveOp(r.Key, r.Branch),
                            RecordStatus.Lapsed or RecordStatus.Pool => new ClaimOp(s, r.Key),
                            RecordStatus.Protected when r.Owner != s => rnd.Next(2) == 0 || profile == Profile.Pool ? new ReallocateOp(r.Key, s, r.Branch) : (Op)new AwardOp(r.Key, s, r.OpenCase ?? $"CASE-{w.NextCase()}", CloseAfter: false),
                            _ => (Op?)null,
                        };
                        if (op is not null)
                        {
                            ops.Add(op);
                        }
                    }

                    if (ops.Count < 2)
                    {
                        var company = rnd.Next(World.Companies.Count);
                        ops.Add(new FileOp(s, company, WithTaxpayerId(rnd, profile), 0));
                    }

                    break;
                }

            default:
                {
                    var kinds = profile == Profile.Pool
                        ? new[] { "file", "file", "claim", "claim", "approve", "reallocate", "import", "reject" }
                        : ["file", "file", "claim", "approve", "reallocate", "award", "import", "reject"];
                    var n = rnd.Next(2, 5);
                    for (var i = 0; i < 12 && ops.Count < n; i++)
                    {
                        if (One(rnd, w, profile, kinds[rnd.Next(kinds.Length)], concurrent: true) is { } op)
                        {
                            ops.Add(op);
                        }
                    }

                    break;
                }
        }

        // One award per record in a step, and none on a record being approved or rejected twice.
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var distinct = new List<Op>();
        foreach (var op in ops)
        {
            var target = op switch
            {
                AwardOp a => "award:" + a.Key,
                ApproveOp a => "decide:" + a.Key,
                RejectOp r => "decide:" + r.Key,
                LeaveOp l => "leave:" + l.Salesperson,
                _ => null,
            };
            if (target is null || seen.Add(target))
            {
                distinct.Add(op);
            }
        }

        return distinct;
    }
}
