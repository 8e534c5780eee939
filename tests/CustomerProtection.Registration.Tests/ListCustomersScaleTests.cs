using System.Diagnostics;
using System.Globalization;
using CustomerProtection.Policy.Actors;
using CustomerProtection.Registration.Application;
using CustomerProtection.Registration.Domain;
using CustomerProtection.Testing;
using Xunit.Abstractions;

namespace CustomerProtection.Registration.Tests;

/// <summary>
/// ListCustomers over a company of 100,000 protected customers (20 branches, 2,000 salespeople, periods
/// started over the last 30 days) written through the use cases' write path in batches: a page of each
/// everyday question is right, and its time is printed for docs/registration.md (a number, never asserted).
/// </summary>
public sealed class ListCustomersScaleTests(ListCustomersScaleTests.SeededCompany seeded, ITestOutputHelper output) : IClassFixture<ListCustomersScaleTests.SeededCompany>
{
    private const int Customers = 100_000;
    private const int Branches = 20;
    private readonly Harness _h = seeded.Harness;

    /// <summary>
    /// The 100,000 customers, seeded once for the class: the tests only read them, so each need not pay the
    /// seeding again (it takes tens of seconds).
    /// </summary>
    public sealed class SeededCompany : IAsyncLifetime
    {
        public RedisServer Redis { get; } = new();

        public Harness Harness { get; private set; } = null!;

        public TimeSpan Seeding { get; private set; }

        public async Task InitializeAsync()
        {
            await Redis.InitializeAsync();
            Harness = new Harness(Redis);
            var now = Harness.Clock.Now;
            var today = Harness.Clock.TodayDate;
            var watch = Stopwatch.StartNew();
            foreach (var chunk in Enumerable.Range(1, Customers).Chunk(1000))
            {
                var results = await Task.WhenAll(chunk.Select(i => Harness.Writer.CommitAsync(Harness.Writer.Change(null, Protected(i, today), now, [], []))));
                Assert.All(results, r => Assert.True(r.Succeeded));
            }

            // The allocator's counter as handing out these ids would have left it (the company-wide walk ends there).
            await Harness.Db.StringSetAsync(Persistence.CustomerIdAllocator.Counter, Customers);
            Seeding = watch.Elapsed;
        }

        public Task DisposeAsync() => Redis.DisposeAsync();
    }

    /// <summary>A protected prospect (30 days, P-3.2) approved 0–29 days ago; one in five important (M-1), in every period.</summary>
    private static Customer Protected(int i, DateOnly today)
    {
        var id = i.ToString(CultureInfo.InvariantCulture);
        var branch = "B" + (i % Branches).ToString("00", CultureInfo.InvariantCulture);
        var owner = $"S{i % 2000:0000}";
        var start = today.AddDays(-(i % 30));
        return new Customer
        {
            Id = id,
            IdentityKey = "test:" + id,
            Title = "规模测试客户" + id,
            Class = i / 30 % 5 == 0 ? CustomerClasses.Important : CustomerClasses.Potential,
            Sales = 100_000m,
            BranchId = branch,
            RegionId = "R-EAST",
            Status = CustomerStatus.Protected,
            OwnerId = owner,
            FiledBy = owner,
            FiledAt = new DateTimeOffset(start.ToDateTime(TimeOnly.MinValue), TimeSpan.FromHours(8)),
            ApprovedOn = start,
            ApprovedBy = "SEC-" + branch,
            PeriodStart = start,
        };
    }

    private static CustomerFilter Filter(int expiresWithinDays = 0, string[]? statuses = null, string[]? classes = null) =>
        new(new HashSet<string>(statuses ?? []), new HashSet<string>(), new HashSet<string>(classes ?? []), expiresWithinDays);

    [Fact]
    public async Task Memory_the_sets_of_the_last_protected_day_take_under_32_bytes_a_customer()
    {
        var server = seeded.Redis.Connection.GetServer(seeded.Redis.ConnectionString);
        long company = 0, branches = 0, members = 0;
        await foreach (var key in server.KeysAsync(pattern: Persistence.RegistrationKeys.Prefix + "*ending:*"))
        {
            var bytes = (long)await _h.Db.ExecuteAsync("MEMORY", "USAGE", key, "SAMPLES", "0");
            if (((string)key!).Contains(":branch:", StringComparison.Ordinal))
            {
                branches += bytes;
            }
            else
            {
                company += bytes;
                members += await _h.Db.SetLengthAsync(key);
            }
        }

        output.WriteLine($"company sets {(double)company / Customers:F1} B, branch sets {(double)branches / Customers:F1} B a customer");
        Assert.Equal(Customers, members);
        // A day's set is an intset (4 B an id) up to set-max-intset-entries (5,001); here every customer ends within
        // 30 days and weekends roll onto Mondays (art. 203), so some company-wide days hold more and become hash tables.
        Assert.True(company + branches < 32 * Customers, $"{company + branches} B");
    }

    [Fact]
    public async Task P3_5_M1_a_page_of_each_everyday_question_over_100000_customers()
    {
        output.WriteLine($"seeded {Customers} customers once for the class in {seeded.Seeding.TotalSeconds:F1} s");
        var branchStaff = new Caller("SEC-B07", Roles.BranchSecretary, "B07", "R-EAST");
        var questions = new (string Name, Caller Caller, CustomerFilter Filter)[]
        {
            ("company, expiring within 14 days", Harness.Hq, Filter(expiresWithinDays: 14)),
            ("company, expiring within 14 days, important", Harness.Hq, Filter(expiresWithinDays: 14, classes: [CustomerClasses.Important])),
            ("branch, protected and important", branchStaff, Filter(statuses: [CustomerStatus.Protected], classes: [CustomerClasses.Important])),
            ("branch, expiring within 3 days", branchStaff, Filter(expiresWithinDays: 3)),
            ("company, important", Harness.Hq, Filter(classes: [CustomerClasses.Important])),
        };

        foreach (var (name, caller, filter) in questions)
        {
            await _h.ListCustomers.ExecuteAsync(caller, null, null, filter, 100, null); // warm the connection and the code
            var watch = Stopwatch.StartNew();
            const int Runs = 20;
            CustomerPage page = null!;
            for (var run = 0; run < Runs; run++)
            {
                page = await _h.ListCustomers.ExecuteAsync(caller, null, null, filter, 100, null);
            }

            output.WriteLine($"{name}: {watch.Elapsed.TotalMilliseconds / Runs:F1} ms a page of {page.Items.Count}");
            Assert.Equal(100, page.Items.Count);
            Assert.NotNull(page.NextPageToken);
            Assert.All(page.Items, item => Assert.True(filter.Matches(item.Customer.Value, item.State)));
            if (filter.ExpiresWithinDays > 0)
            {
                var days = page.Items.Select(i => i.State.DaysRemaining!.Value).ToList();
                Assert.Equal(days.Order(), days); // soonest first
                Assert.All(days, d => Assert.InRange(d, 0, filter.ExpiresWithinDays));
            }

            if (caller == branchStaff)
            {
                Assert.All(page.Items, item => Assert.Equal("B07", item.Customer.Value.BranchId));
            }
        }
    }
}
