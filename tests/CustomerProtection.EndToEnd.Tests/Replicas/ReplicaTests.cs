using System.Diagnostics;
using System.Globalization;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using CustomerProtection.EndToEnd.Tests.Faults;
using CustomerProtection.Platform.V1;
using CustomerProtection.Policy.Actors;
using CustomerProtection.Policy.Identity;
using CustomerProtection.Registration.V1;
using Google.Rpc;
using Grpc.Core;
using Grpc.Net.Client;
using Xunit.Abstractions;

namespace CustomerProtection.EndToEnd.Tests.Replicas;

/// <summary>The real AppHost with <c>--Replicas:Registration=2</c>: two Registration processes behind DCP's proxy.</summary>
public sealed class ReplicaSystemFixture : SystemFixture
{
    public const int RegistrationReplicas = 2;

    protected override IEnumerable<string> ExtraArguments() => [$"--Replicas:Registration={RegistrationReplicas}"];
}

/// <summary>
/// Its own system, not run in parallel with any other collection (as <see cref="FaultCollection"/>): the test kills
/// a Registration process, and only one AppHost runs at a time on the machine.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ReplicaCollection : ICollectionFixture<ReplicaSystemFixture>
{
    public const string Name = "replicas";
}

/// <summary>
/// Issue 20: replicas from the AppHost. Registration runs as two processes behind its one address; the one-owner
/// gate holds when the same identity is filed through both at once, and the address keeps answering after one
/// replica is killed (<c>kill -9</c>).
/// </summary>
[Collection(ReplicaCollection.Name)]
public sealed class ReplicaTests(ReplicaSystemFixture system, ITestOutputHelper output)
{
    private const int Racers = 12;

    /// <summary>"Within seconds" on the busy 2-core machine: the proxy learns that the replica is gone.</summary>
    private static readonly TimeSpan AnswerWithin = TimeSpan.FromSeconds(15);

    /// <summary>The outbox relay's lease (OutboxRelay.LeaseTime): a holder that stops renewing loses it after this.</summary>
    private static readonly TimeSpan LeaseTime = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Two_registration_replicas_behind_one_address_keep_one_owner_and_hand_over_the_relay_when_one_is_killed()
    {
        var replicas = await RegistrationProcessesAsync();
        output.WriteLine($"registration processes: {string.Join(", ", replicas)}");
        Assert.Equal(ReplicaSystemFixture.RegistrationReplicas, replicas.Count);
        await using var probe = await SystemProbe.StartAsync(system);

        // The race: one identity filed by three salespeople at once, each call on a connection of its own. The proxy
        // balances connections, not calls: every connection is opened first, and both replicas must have some.
        var org = await TestOrganisation.ImportAsync(system);
        var taxpayerId = NewTaxpayerId();
        var today = await org.TodayAsync();
        var channels = Enumerable.Range(0, Racers).Select(_ => NewChannel()).ToList();
        try
        {
            await Task.WhenAll(channels.Select(async c => await new Clock.ClockClient(c).GetTimeAsync(new GetTimeRequest(), org.Salesperson1)));
            var connections = replicas.ToDictionary(pid => pid, pid => EstablishedConnections(GrpcPort(pid)));
            output.WriteLine($"connections per replica: {string.Join(", ", connections.Select(c => $"{c.Key}={c.Value}"))}");
            Assert.All(connections, c => Assert.True(c.Value > 0, $"replica {c.Key} was given none of {Racers} connections"));

            var filers = new[] { "S1", "S2", "S3" };
            var outcomes = await Task.WhenAll(channels.Select(async (channel, i) =>
            {
                try
                {
                    var filed = await new Customers.CustomersClient(channel).FileCustomerAsync(Filing($"竞速 {taxpayerId} {i}", taxpayerId, today),
                        org.As(filers[i % filers.Length], Roles.Salesperson));
                    return (Filed: filed, Error: (RpcException?)null);
                }
                catch (RpcException error)
                {
                    return (Filed: (CustomerView?)null, Error: error);
                }
            }));

            var winner = Assert.Single(outcomes, o => o.Filed is not null).Filed!;
            output.WriteLine($"{Racers} racers: one filed customer {winner.CustomerId}, {outcomes.Count(o => o.Error is not null)} refused");
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
        Signal("STOP", paused);
        try
        {
            await Task.Delay(LeaseTime + TimeSpan.FromSeconds(2));
        }
        finally
        {
            Signal("CONT", paused);
        }

        var holder = (string?)await probe.Redis.StringGetAsync(leaseKey);
        Assert.NotNull(holder);
        Process.GetProcessById(victim).Kill();
        var killedAt = Stopwatch.StartNew();
        output.WriteLine($"paused {paused} for {LeaseTime.TotalSeconds + 2} s, then killed {victim}, which held the relay lease");

        // The one address answers again within seconds, on new connections.
        var recovered = await AnswersInARowAsync(20, org.Salesperson1, killedAt);
        output.WriteLine($"20 calls in a row answered {recovered.TotalSeconds:0.0} s after the kill");
        Assert.True(recovered <= AnswerWithin, $"answered only {recovered.TotalSeconds:0.0} s after the kill");

        // Writes go through the survivor and the gate still holds there.
        using (var channel = NewChannel())
        {
            var customers = new Customers.CustomersClient(channel);
            var again = await Assert.ThrowsAsync<RpcException>(async () =>
                await customers.FileCustomerAsync(Filing($"再次 {taxpayerId}", taxpayerId, today), org.As("S2", Roles.Salesperson)));
            Assert.Equal(StatusCode.AlreadyExists, again.StatusCode);
            var fresh = await customers.FileCustomerAsync(Filing($"新客户 {Guid.NewGuid():N}", NewTaxpayerId(), today), org.Salesperson1);
            if (fresh.Status != "protected")
            {
                await customers.ApproveFilingAsync(new DecideFilingRequest { CustomerId = fresh.CustomerId }, org.Secretary);
            }
        }

        output.WriteLine($"registration outbox after the survivor's writes: {await probe.OutboxLengthAsync(ResourceNames.Registration)} entries");

        // The survivor takes the dead holder's lease once it runs out, and relays what waited meanwhile.
        while ((string?)await probe.Redis.StringGetAsync(leaseKey) == holder)
        {
            Assert.True(killedAt.Elapsed < LeaseTime + AnswerWithin, $"the relay lease not handed over {killedAt.Elapsed.TotalSeconds:0.0} s after the kill");
            await Task.Delay(100);
        }

        output.WriteLine($"relay lease handed over {killedAt.Elapsed.TotalSeconds:0.0} s after the kill");
        await probe.WaitOutboxesEmptyAsync(AnswerWithin, CancellationToken.None);
        output.WriteLine($"outbox relayed by the survivor {killedAt.Elapsed.TotalSeconds:0.0} s after the kill");
        Assert.Equal([paused], await RegistrationProcessesAsync());
    }

    /// <summary>Calls through the one address, each on a new connection, until <paramref name="count"/> in a row are answered.</summary>
    private async Task<TimeSpan> AnswersInARowAsync(int count, Metadata caller, Stopwatch since)
    {
        var streak = 0;
        RpcException? last = null;
        while (since.Elapsed < AnswerWithin * 2)
        {
            using var channel = NewChannel();
            try
            {
                await new Clock.ClockClient(channel).GetTimeAsync(new GetTimeRequest(), caller, deadline: DateTime.UtcNow.AddSeconds(5));
                if (++streak == count)
                {
                    return since.Elapsed;
                }
            }
            catch (RpcException error)
            {
                last = error;
                streak = 0;
                await Task.Delay(100);
            }
        }

        throw new TimeoutException($"no {count} answers in a row within {(AnswerWithin * 2).TotalSeconds} s of the kill", last);
    }

    /// <summary>kill -STOP / -CONT: a process that hangs without dying (a long GC pause, a frozen VM).</summary>
    private static void Signal(string signal, int pid)
    {
        using var kill = Process.Start("kill", [$"-{signal}", pid.ToString(CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
        Assert.Equal(0, kill.ExitCode);
    }

    /// <summary>The replica's own gRPC port, which the AppHost gave it in its Kestrel settings.</summary>
    private static int GrpcPort(int pid)
    {
        var url = Assert.Single(ProcessTree.Environment(pid, $"Kestrel__Endpoints__{ResourceNames.GrpcEndpoint}__Url="));
        return new Uri(url[(url.IndexOf('=', StringComparison.Ordinal) + 1)..]).Port;
    }

    /// <summary>Established TCP connections whose local port is <paramref name="port"/> (the kernel's tables: local address is the second column).</summary>
    private static int EstablishedConnections(int port)
    {
        var local = $":{port:X4}";
        return new[] { "/proc/net/tcp", "/proc/net/tcp6" }
            .SelectMany(File.ReadLines)
            .Skip(1)
            .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Count(fields => fields.Length > 3 && fields[1].EndsWith(local, StringComparison.Ordinal) && fields[3] == "01");
    }

    private GrpcChannel NewChannel() => GrpcChannel.ForAddress(system.App.GetEndpoint(ResourceNames.Registration, ResourceNames.GrpcEndpoint));

    /// <summary>
    /// The pids of Registration's running replicas, as the AppHost reports them: each replica is a resource of its
    /// own (named registration-&lt;suffix&gt;), whose last state the notification service replays to a new watcher.
    /// </summary>
    private async Task<List<int>> RegistrationProcessesAsync()
    {
        var latest = new Dictionary<string, CustomResourceSnapshot>();
        using var replayed = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        try
        {
            await foreach (var update in system.App.ResourceNotifications.WatchAsync(replayed.Token))
            {
                if (update.Resource.Name == ResourceNames.Registration)
                {
                    latest[update.ResourceId] = update.Snapshot;
                }
            }
        }
        catch (OperationCanceledException)
        {
            // The replay arrives at once; what follows are live updates this count does not need.
        }

        return
        [
            .. latest.Values
                .Where(s => s.State?.Text == KnownResourceStates.Running)
                .Select(Dependency.Pid)
                .OfType<int>()
                .Select(ServiceBinary)
                .Order(),
        ];
    }

    /// <summary>
    /// The service's own process: the AppHost reports the pid of <c>dotnet run</c>, whose child is the service (a
    /// signal to <c>dotnet run</c> would leave the service running).
    /// </summary>
    private static int ServiceBinary(int pid) =>
        Assert.Single([pid, .. ProcessTree.Descendants(pid)], p =>
            ProcessTree.CommandLine(p)?.Split(' ')[0].EndsWith("/CustomerProtection.Registration", StringComparison.Ordinal) == true);

    private static FileCustomerRequest Filing(string title, string taxpayerId, string today) => new()
    {
        TaxpayerId = taxpayerId,
        InvoiceTitle = title,
        CustomerClass = "potential",
        DeclaredAnnualSales = "100000",
        EvidenceKind = "visit",
        EvidenceDate = today,
        Evidence = "拜访纪要 / visit notes",
    };

    /// <summary>A valid unified social credit code, unique per call (as in <see cref="OwnershipGateTests"/>).</summary>
    private static string NewTaxpayerId()
    {
        var body = "91320200" + string.Concat(Enumerable.Range(0, 9).Select(_ => SocialCreditCode.Alphabet[Random.Shared.Next(SocialCreditCode.Alphabet.Length)]));
        return body + SocialCreditCode.ComputeCheckCharacter(body);
    }
}
