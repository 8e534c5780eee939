using CustomerProtection.Protos;
using System.Diagnostics;
using System.Globalization;
using CustomerProtection.EndToEnd.Tests.Faults;
using CustomerProtection.Platform.V1;
using CustomerProtection.Policy.Actors;
using CustomerProtection.Policy.Identity;
using CustomerProtection.Registration.V1;
using CustomerProtection.Testing;
using Google.Rpc;
using Grpc.Core;
using Grpc.Net.Client;
using Xunit.Abstractions;

namespace CustomerProtection.EndToEnd.Tests.Replicas;

/// <summary>
/// The real AppHost with two replicas of every service (<c>--Replicas:Registration=2 --Replicas:Territory=2
/// --Replicas:Arbitration=2 --Replicas:Penalty=2</c>): two processes of each behind DCP's proxy on its one address,
/// all on a Redis Cluster of three primaries given as <c>--ConnectionStrings:redis</c> (the AppHost starts no Redis
/// of its own): issue 20's deployment shape on one machine.
/// </summary>
public sealed class ReplicaSystemFixture : SystemFixture
{
    public const int Replicas = 2;

    public RedisCluster Redis { get; } = new();

    /// <summary>The service's name as the AppHost's setting and the project spell it (Registration for registration).</summary>
    public static string SettingName(string service) => char.ToUpperInvariant(service[0]) + service[1..];

    public override async Task InitializeAsync()
    {
        await Redis.InitializeAsync();
        await base.InitializeAsync();
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await Redis.DisposeAsync();
    }

    /// <remarks>
    /// Without the backup worker: it snapshots one Redis server and refuses a cluster, which each primary's own
    /// backup covers (docs/scaling.md); once a test's clock move makes a backup due, Registration's health would
    /// say so (degraded) for the rest of the run.
    /// </remarks>
    protected override IEnumerable<string> ExtraArguments() =>
    [
        .. Services.Select(s => $"--Replicas:{SettingName(s)}={Replicas}"),
        $"--ConnectionStrings:redis={Redis.ConnectionString}",
        "--Backup:Enabled=false",
    ];
}

/// <summary>
/// Its own system, not run in parallel with any other collection (as <see cref="FaultCollection"/>): the tests kill
/// replicas, and only one AppHost runs at a time on the machine. A test that kills a replica starts it again before
/// it ends, so every test finds two replicas of every service whatever the order.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ReplicaCollection : ICollectionFixture<ReplicaSystemFixture>
{
    public const string Name = "replicas";
}

/// <summary>
/// Issue 20: replicas from the AppHost, two of every service behind each one address. The rules that give one
/// winner hold when the same thing is asked through both replicas at once (one owner of an identity, one open case
/// of a customer); many deadlines that come due at once are acted on once though both replicas' due-queue workers
/// run; and kill -9 of one replica, idle or under load, leaves the address answering, every acknowledged write there
/// and the leader-only jobs (the outbox relay's lease, the due-queue) to the survivor, every event delivered once.
/// </summary>
[Collection(ReplicaCollection.Name)]
public sealed class ReplicaTests(ReplicaSystemFixture system, ITestOutputHelper output)
{
    private const int Racers = 12;

    /// <summary>Customers lapsed in one move of the clock.</summary>
    private const int LapsingCustomers = 40;

    private static readonly TimeSpan AnswerWithin = ReplicaProcesses.AnswerWithin;
    private static readonly TimeSpan LeaseTime = ReplicaProcesses.LeaseTime;

    private readonly ReplicaProcesses _replicas = new(system);

    private Metadata Hq => system.As("HQ-1", Roles.Hq);

    private void Log(string line) => output.WriteLine($"{DateTimeOffset.UtcNow:HH:mm:ss.fff} {line}");

    /// <summary>Every service runs its two replicas (a test before may have killed one and started it again).</summary>
    private async Task<List<Replica>> EveryServiceReplicatedAsync(string service)
    {
        foreach (var other in SystemFixture.Services)
        {
            var running = await _replicas.WaitRunningAsync(other, ReplicaSystemFixture.Replicas, TimeSpan.FromMinutes(2));
            Log($"{other} replicas: {string.Join(", ", running.Select(r => $"{r.ResourceId}={r.Pid}"))}");
        }

        return await _replicas.RunningAsync(service);
    }

    [Fact]
    public async Task Two_registration_replicas_behind_one_address_keep_one_owner_and_hand_over_the_relay_when_one_is_killed()
    {
        var replicas = await EveryServiceReplicatedAsync(ResourceNames.Registration);
        Assert.Equal(ReplicaSystemFixture.Replicas, replicas.Count);
        await using var probe = await SystemProbe.StartAsync(system);

        // The race: one identity filed by three salespeople at once, each call on a connection of its own. The proxy
        // balances connections, not calls: every connection is opened first, and both replicas must have some.
        var org = await TestOrganisation.ImportAsync(system);
        var taxpayerId = TestOrganisation.NewTaxpayerId();
        var today = await org.TodayAsync();
        var channels = Enumerable.Range(0, Racers).Select(_ => _replicas.NewChannel(ResourceNames.Registration)).ToList();
        try
        {
            Log($"connections per replica: {await _replicas.SpreadOverReplicasAsync(ResourceNames.Registration, channels, org.Salesperson1)}");

            var filers = new[] { "S1", "S2", "S3" };
            var outcomes = await Task.WhenAll(channels.Select((channel, i) => OutcomeAsync(() =>
                new Customers.CustomersClient(channel).FileCustomerAsync(TestOrganisation.Filing($"竞速 {taxpayerId} {i}", taxpayerId, today),
                    org.As(filers[i % filers.Length], Roles.Salesperson)).ResponseAsync)));

            var winner = Assert.Single(outcomes, o => o.Value is not null).Value!;
            Log($"{Racers} racers: one filed customer {winner.CustomerId}, {outcomes.Count(o => o.Error is not null)} refused");
            Assert.All(outcomes.Where(o => o.Error is not null), o =>
            {
                Assert.True(o.Error!.StatusCode == StatusCode.AlreadyExists, $"expected AlreadyExists, got {o.Error.StatusCode}: {o.Error.Status.Detail}");
                Assert.Equal("P-9.1", o.Error.GetRpcStatus()?.GetDetail<ErrorInfo>()?.Reason);
            });
        }
        finally
        {
            channels.ForEach(c => c.Dispose());
        }

        // Which replica relays Registration's outbox is not known from outside: the first is paused (SIGSTOP) for
        // longer than the lease, so the second certainly holds it, and then the second is killed (kill -9).
        var (paused, victim) = (replicas[0], replicas[1]);
        var leaseKey = $"{SystemProbe.OutboxKey(ResourceNames.Registration)}:lease";
        await ReplicaProcesses.PausePastTheLeaseAsync(paused);

        var holder = (string?)await probe.Redis.StringGetAsync(leaseKey);
        Assert.NotNull(holder);
        try
        {
            ReplicaProcesses.Kill(victim);
            var killedAt = Stopwatch.StartNew();
            Log($"paused {paused.Pid} for {LeaseTime.TotalSeconds + 2} s, then killed {victim.Pid}, which held the relay lease");

            // The one address answers again within seconds, on new connections.
            var recovered = await _replicas.AnswersInARowAsync(ResourceNames.Registration, 20, org.Salesperson1, killedAt);
            Log($"20 calls in a row answered {recovered.TotalSeconds:0.0} s after the kill");
            Assert.True(recovered <= AnswerWithin, $"answered only {recovered.TotalSeconds:0.0} s after the kill");

            // Writes go through the survivor and the gate still holds there.
            using (var channel = _replicas.NewChannel(ResourceNames.Registration))
            {
                var customers = new Customers.CustomersClient(channel);
                var again = await Assert.ThrowsAsync<RpcException>(async () =>
                    await customers.FileCustomerAsync(TestOrganisation.Filing($"再次 {taxpayerId}", taxpayerId, today), org.As("S2", Roles.Salesperson)));
                Assert.Equal(StatusCode.AlreadyExists, again.StatusCode);
                var fresh = await customers.FileCustomerAsync(TestOrganisation.Filing($"新客户 {Guid.NewGuid():N}", TestOrganisation.NewTaxpayerId(), today), org.Salesperson1);
                if (fresh.Status != CustomerStatus.Protected)
                {
                    await customers.ApproveFilingAsync(new ApproveFilingRequest { CustomerId = fresh.CustomerId }, org.Secretary);
                }
            }

            Log($"registration outbox after the survivor's writes: {await probe.OutboxLengthAsync(ResourceNames.Registration)} entries");

            // The survivor takes the dead holder's lease once it runs out, and relays what waited meanwhile.
            var handedOver = await HandedOverAsync(probe, leaseKey, holder, killedAt);
            Log($"relay lease handed over {handedOver.TotalSeconds:0.0} s after the kill");
            await probe.WaitOutboxesEmptyAsync(AnswerWithin, CancellationToken.None);
            Log($"outbox relayed by the survivor {killedAt.Elapsed.TotalSeconds:0.0} s after the kill");
            Assert.Equal([paused], await _replicas.RunningAsync(ResourceNames.Registration));
        }
        finally
        {
            await _replicas.StartAgainAsync(ResourceNames.Registration, victim, ReplicaSystemFixture.Replicas);
        }
    }

    /// <summary>
    /// P-4.5 through both Arbitration replicas: the owner's encroachment complaint about one customer, filed on
    /// twelve connections at once, opens one case; the others are refused AlreadyExists (CASE_OPEN, naming the open
    /// case): the customer's dispute marker is taken once. Registration applies the one CaseOpened once.
    /// </summary>
    [Fact]
    public async Task The_same_customer_disputed_through_both_arbitration_replicas_at_once_opens_one_case()
    {
        await EveryServiceReplicatedAsync(ResourceNames.Arbitration);
        var org = await TestOrganisation.ImportAsync(system);
        var customer = await org.FileProtectedCustomerAsync($"竞速争议{org.S}有限公司");
        Assert.Equal(CustomerStatus.Protected, customer.Status);
        var today = await org.TodayAsync();

        var channels = Enumerable.Range(0, Racers).Select(_ => _replicas.NewChannel(ResourceNames.Arbitration)).ToList();
        Arbitration.V1.Case winner;
        try
        {
            Log($"connections per arbitration replica: {await _replicas.SpreadOverReplicasAsync(ResourceNames.Arbitration, channels, org.Salesperson1)}");
            var outcomes = await Task.WhenAll(channels.Select((channel, i) => OutcomeAsync(() =>
                new Arbitration.V1.Cases.CasesClient(channel).FileEncroachmentComplaintAsync(new Arbitration.V1.FileEncroachmentComplaintRequest
                {
                    CustomerId = customer.CustomerId,
                    AccusedId = org.Id(i % 2 == 0 ? "S2" : "S3"),
                    DiscoveredOn = DateOnly.ParseExact(today, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture).ToProtoDate(),
                    Description = $"客户被抢 / customer taken, racer {i}",
                }, org.Salesperson1).ResponseAsync)));

            winner = Assert.Single(outcomes, o => o.Value is not null).Value!;
            Log($"{Racers} racers: one case {winner.CaseId}, {outcomes.Count(o => o.Error is not null)} refused");
            Assert.All(outcomes.Where(o => o.Error is not null), o =>
            {
                Assert.True(o.Error!.StatusCode == StatusCode.AlreadyExists, $"expected AlreadyExists, got {o.Error.StatusCode}: {o.Error.Status.Detail}");
                var info = o.Error.GetRpcStatus()?.GetDetail<ErrorInfo>();
                Assert.Equal("CASE_OPEN", info?.Reason);
                Assert.Contains(winner.CaseId, info!.Metadata.Values);
            });
        }
        finally
        {
            channels.ForEach(c => c.Dispose());
        }

        var cases = new Arbitration.V1.Cases.CasesClient(system.Channel(ResourceNames.Arbitration));
        var branchCases = await cases.ListCasesAsync(new Arbitration.V1.ListCasesRequest { BranchId = org.Branch, PageSize = 500 }, org.Secretary);
        Assert.Equal([winner.CaseId], branchCases.Cases.Select(c => c.CaseId));

        // Registration shows the customer disputed in that case, from the one CaseOpened, applied once.
        var registration = new Customers.CustomersClient(system.Channel(ResourceNames.Registration));
        var disputed = await Eventually.GetAsync(async () =>
        {
            var view = await registration.GetCustomerAsync(new GetCustomerRequest { CustomerId = customer.CustomerId }, org.Secretary);
            return view.Disputed ? view : null;
        }, "the customer disputed in Registration", TimeSpan.FromSeconds(60));
        Assert.Equal(winner.CaseId, disputed.OpenCaseId);
        var history = await registration.GetOwnershipHistoryAsync(new GetOwnershipHistoryRequest { CustomerId = customer.CustomerId }, Hq);
        Assert.Single(history.Events, e => e.Change == OwnershipChange.Disputed);
    }

    /// <summary>
    /// P-3.5 for many customers at once: forty filings approved, one move of the shared clock past their last
    /// protected day, and both Registration replicas' due-queue workers at the due entries. Each customer lapses once:
    /// lapsed in Registration, one "lapsed" entry in its history, one ProtectionLapsed on the bus; and each filing was
    /// announced once (one FilingApproved), though two relays run.
    /// </summary>
    [Fact]
    public async Task Many_customers_due_at_once_lapse_exactly_once_with_both_registration_replicas_working_the_due_queue()
    {
        var replicas = await EveryServiceReplicatedAsync(ResourceNames.Registration);
        await using var probe = await SystemProbe.StartAsync(system);
        var org = await TestOrganisation.ImportAsync(system);
        await using var observer = await EventObserver.StartAsync(system, id => id.EndsWith("-" + org.S, StringComparison.Ordinal));

        var watch = Stopwatch.StartNew();
        var customers = await FileAndApproveAsync(org, LapsingCustomers);
        Log($"{customers.Count} customers filed and approved in {watch.Elapsed.TotalSeconds:0.0} s");

        await LapseOnceAsync(probe, observer, customers);

        // Both replicas ran throughout: the due-queue was worked by two.
        Assert.Equal(replicas, await _replicas.RunningAsync(ResourceNames.Registration));
    }

    /// <summary>
    /// kill -9 of the service's replica that holds its relay lease, and that the load's calls to the service are
    /// connected to (Registration: filings and approvals; Territory: sales), while filings (with their approvals and encroachment cases), sales and complaints go through
    /// every service's one address (<see cref="FaultLoad"/>):
    /// the address answers again within seconds, writes go on through the survivor, the survivor takes the lease and
    /// relays, every acknowledged write of every service is there with every consequence and every event once
    /// (<see cref="FaultScenario.VerifyAsync"/>); and Registration's due-queue goes on (on the survivor alone when
    /// Registration's replica was killed): customers due after the kill lapse once.
    /// </summary>
    [Theory]
    [InlineData(ResourceNames.Registration)]
    [InlineData(ResourceNames.Territory)]
    public async Task Killing_the_relaying_replica_under_load_loses_no_acknowledged_write_and_the_survivor_takes_the_leader_jobs(string service)
    {
        using var budget = new CancellationTokenSource(TimeSpan.FromMinutes(10));
        var ct = budget.Token;
        var replicas = await EveryServiceReplicatedAsync(service);

        // As above: the first paused past the lease, so the second holds it, and the second is the one killed.
        var (survivor, victim) = (replicas[0], replicas[1]);
        await ReplicaProcesses.PausePastTheLeaseAsync(survivor);

        // The load's calls to the service go on a connection the proxy gave to the victim: the kill cuts calls in flight.
        using var onVictim = await _replicas.ChannelToAsync(service, victim, Hq);
        await using var scenario = await FaultScenario.StartAsync(system, output, ct, s => s == service ? onVictim : system.Channel(s));
        var leaseKey = $"{SystemProbe.OutboxKey(service)}:lease";
        try
        {
            var customers = await scenario.ProtectedCustomersAsync(1, 4);
            var holder = (string?)await scenario.Probe.Redis.StringGetAsync(leaseKey);
            Assert.NotNull(holder);
            var loadStarted = DateTimeOffset.UtcNow;
            Stopwatch killedAt;
            await using (var load = FaultLoad.Start(scenario, 1, customers))
            {
                await load.WaitForAsync(c => c.Acknowledged, 20, loadStarted, TimeSpan.FromSeconds(90), "20 acknowledged calls before the kill", ct);
                ReplicaProcesses.Kill(victim);
                killedAt = Stopwatch.StartNew();
                var killed = DateTimeOffset.UtcNow;
                var handOver = HandedOverAsync(scenario.Probe, leaseKey, holder, killedAt);
                scenario.Log($"killed {service} replica {victim.Pid} ({victim.ResourceId}), which held the relay lease, mid-load");

                var recovered = await _replicas.AnswersInARowAsync(service, 20, scenario.Org.Salesperson1, killedAt);
                scenario.Log($"20 calls in a row answered {recovered.TotalSeconds:0.0} s after the kill");
                Assert.True(recovered <= AnswerWithin, $"answered only {recovered.TotalSeconds:0.0} s after the kill");

                // Writes go on through every one address, of every kind.
                foreach (var kind in new[] { LoadRecord.Kinds.File, LoadRecord.Kinds.Encroachment, LoadRecord.Kinds.Sale, LoadRecord.Kinds.Complaint })
                {
                    await load.WaitForAsync(c => c.Acknowledged && c.Kind == kind, 3, killed, TimeSpan.FromSeconds(90), $"3 acknowledged {kind} after the kill", ct);
                }

                var handedOver = await handOver;
                scenario.Log($"relay lease handed over {handedOver.TotalSeconds:0.0} s after the kill");
                await load.StopAsync();
                scenario.Log(scenario.Record.Summary(loadStarted));
                var failures = scenario.Record.Failures.ToList();
                scenario.Log($"failed calls: {failures.Count}{(failures.Count == 0 ? "" : ": " + string.Join("; ", failures.Take(10)))}");
            }

            var drained = await scenario.Probe.WaitOutboxesEmptyAsync(TimeSpan.FromSeconds(90), ct);
            scenario.Log($"outboxes empty {drained.TotalSeconds:0.0} s after the load stopped ({killedAt.Elapsed.TotalSeconds:0.0} s after the kill)");
            await scenario.VerifyAsync(ct);
            Assert.Equal([survivor], await _replicas.RunningAsync(service));

            // The due-queue goes on (on the survivor alone if it was Registration's): customers filed after the kill lapse once when the clock passes their end.
            var lapsing = await FileAndApproveAsync(scenario.Org, 10);
            await LapseOnceAsync(scenario.Probe, scenario.Observer, lapsing);
            Assert.Equal([survivor], await _replicas.RunningAsync(service));
        }
        finally
        {
            await _replicas.StartAgainAsync(service, victim, ReplicaSystemFixture.Replicas);
        }
    }

    /// <summary>Waits until the relay lease is no longer the dead holder's; returns when, after the kill.</summary>
    private static async Task<TimeSpan> HandedOverAsync(SystemProbe probe, string leaseKey, string? holder, Stopwatch killedAt)
    {
        while ((string?)await probe.Redis.StringGetAsync(leaseKey) == holder)
        {
            Assert.True(killedAt.Elapsed < LeaseTime + AnswerWithin, $"the relay lease not handed over {killedAt.Elapsed.TotalSeconds:0.0} s after the kill");
            await Task.Delay(100);
        }

        return killedAt.Elapsed;
    }

    /// <summary>S1–S3 of <paramref name="org"/> file <paramref name="count"/> customers (a few at a time, each on a connection of its own) and the secretary approves them.</summary>
    private async Task<List<CustomerView>> FileAndApproveAsync(TestOrganisation org, int count)
    {
        var today = await org.TodayAsync();
        var filed = new System.Collections.Concurrent.ConcurrentBag<CustomerView>();
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (i, ct) =>
        {
            using var channel = _replicas.NewChannel(ResourceNames.Registration);
            var customers = new Customers.CustomersClient(channel);
            var filer = $"S{1 + (i % 3)}";
            var view = await customers.FileCustomerAsync(TestOrganisation.Filing($"到期客户{org.S}N{i:D3}有限公司", TestOrganisation.NewTaxpayerId(), today), org.As(filer, Roles.Salesperson), cancellationToken: ct);
            if (view.Status != CustomerStatus.Protected)
            {
                view = await customers.ApproveFilingAsync(new ApproveFilingRequest { CustomerId = view.CustomerId }, org.Secretary, cancellationToken: ct);
            }

            Assert.Equal((CustomerStatus.Protected, org.Id(filer)), (view.Status, view.OwnerId));
            filed.Add(view);
        });
        return [.. filed];
    }

    /// <summary>
    /// Moves the shared clock past the last protected day of every customer given, then checks that each lapsed
    /// exactly once: its status, one "lapsed" entry in its ownership history, one ProtectionLapsed on the bus (one
    /// message id); and that each had one FilingApproved. Moves time, never waits for it.
    /// </summary>
    private async Task LapseOnceAsync(SystemProbe probe, EventObserver observer, IReadOnlyList<CustomerView> customers)
    {
        var ids = customers.Select(c => c.CustomerId).ToHashSet(StringComparer.Ordinal);

        // One FilingApproved per filing, on the bus before the clock moves.
        await Eventually.GetAsync(
            () => Task.FromResult(ids.All(observer.Approved.ContainsKey) ? "" : null),
            $"FilingApproved of all {ids.Count} customers on the bus", TimeSpan.FromSeconds(90));

        // Asia/Shanghai keeps UTC+8 all year: the last protected day ends at midnight there.
        var lastDay = customers.Max(c => c.LastProtectedDay.ToDateOnly());
        var endsAt = new DateTimeOffset(lastDay.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.FromHours(8));
        var clock = new Clock.ClockClient(system.Channel(ResourceNames.Registration));
        var now = await clock.GetTimeAsync(new GetTimeRequest(), Hq);
        var by = endsAt - now.Now.ToDateTimeOffset() + TimeSpan.FromMinutes(1);
        var moved = await clock.AdvanceAsync(new AdvanceRequest { By = Google.Protobuf.WellKnownTypes.Duration.FromTimeSpan(by) }, Hq);
        var watch = Stopwatch.StartNew();
        Log($"clock moved {by.TotalDays:0.0} days, past {lastDay:yyyy-MM-dd}, the last protected day of {customers.Count} customers");

        // Registration follows the shared clock: asked on eight connections of their own, which the proxy spreads over the replicas.
        for (var i = 0; i < 8; i++)
        {
            using var channel = _replicas.NewChannel(ResourceNames.Registration);
            await Eventually.GetAsync(async () =>
            {
                var t = await new Clock.ClockClient(channel).GetTimeAsync(new GetTimeRequest(), Hq);
                return t.Offset.ToTimeSpan() >= moved.Offset.ToTimeSpan() ? t : null;
            }, "Registration following the clock", TimeSpan.FromSeconds(20));
        }

        // Every lapse written: the history of each shows it.
        var registration = new Customers.CustomersClient(system.Channel(ResourceNames.Registration));
        var histories = new Dictionary<string, OwnershipHistory>(StringComparer.Ordinal);
        foreach (var id in ids)
        {
            histories[id] = await Eventually.GetAsync(async () =>
            {
                var history = await registration.GetOwnershipHistoryAsync(new GetOwnershipHistoryRequest { CustomerId = id }, Hq);
                return history.Events.Any(e => e.Change == OwnershipChange.Lapsed) ? history : null;
            }, $"customer {id} lapsed", TimeSpan.FromSeconds(120));
        }

        Log($"{ids.Count} lapses written {watch.Elapsed.TotalSeconds:0.0} s after the clock moved");

        // Every ProtectionLapsed relayed: each customer's on the bus, every outbox empty.
        await Eventually.GetAsync(
            () => Task.FromResult(ids.All(observer.Lapsed.ContainsKey) ? "" : null),
            $"ProtectionLapsed of all {ids.Count} customers on the bus (seen {ids.Count(observer.Lapsed.ContainsKey)})", TimeSpan.FromSeconds(120));
        await probe.WaitOutboxesEmptyAsync(TimeSpan.FromSeconds(120), CancellationToken.None);
        Log($"{ids.Count} ProtectionLapsed on the bus and the outboxes empty {watch.Elapsed.TotalSeconds:0.0} s after the clock moved");

        var problems = new List<string>();
        foreach (var id in ids)
        {
            var customer = await registration.GetCustomerAsync(new GetCustomerRequest { CustomerId = id }, Hq);
            if (customer.Status is not (CustomerStatus.Lapsed or CustomerStatus.Pool))
            {
                problems.Add($"{id} is {customer.Status}");
            }

            var lapses = histories[id].Events.Count(e => e.Change == OwnershipChange.Lapsed);
            var again = await registration.GetOwnershipHistoryAsync(new GetOwnershipHistoryRequest { CustomerId = id }, Hq);
            if (lapses != 1 || again.Events.Count(e => e.Change == OwnershipChange.Lapsed) != 1)
            {
                problems.Add($"{id} has {again.Events.Count(e => e.Change == OwnershipChange.Lapsed)} lapse entries: {string.Join(", ", again.Events.Select(e => e.Change))}");
            }

            if (observer.Lapsed[id].Count != 1)
            {
                problems.Add($"{id}: ProtectionLapsed under {observer.Lapsed[id].Count} message ids");
            }

            if (observer.Approved[id].Count != 1)
            {
                problems.Add($"{id}: FilingApproved under {observer.Approved[id].Count} message ids");
            }
        }

        // No event of the scenario's doubled, the customers' given here or others'.
        problems.AddRange(observer.Lapsed.Where(l => l.Value.Count != 1).Select(l => $"ProtectionLapsed of {l.Key} ×{l.Value.Count}"));
        problems.AddRange(observer.Approved.Where(l => l.Value.Count != 1).Select(l => $"FilingApproved of {l.Key} ×{l.Value.Count}"));
        Assert.True(problems.Count == 0, string.Join("\n", problems.Distinct()));
    }

    /// <summary>A call's answer, or its refusal.</summary>
    private static async Task<(T? Value, RpcException? Error)> OutcomeAsync<T>(Func<Task<T>> call) where T : class
    {
        try
        {
            return (await call(), null);
        }
        catch (RpcException error)
        {
            return (null, error);
        }
    }
}
