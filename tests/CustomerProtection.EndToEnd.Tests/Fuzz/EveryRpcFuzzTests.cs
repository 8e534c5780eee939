using CsCheck;
using CustomerProtection.Policy.Actors;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using Grpc.Core;
using Xunit.Abstractions;

namespace CustomerProtection.EndToEnd.Tests.Fuzz;

/// <summary>
/// Generated malformed requests to every RPC of every service (read from the service descriptors of the Protos
/// assembly, so a new RPC is fuzzed the day it is added; streaming ones included), through the real gRPC stack of the
/// running system, as hq, a salesperson, a branch manager, a regional manager and without a token. Every answer must
/// be a status the caller can act on — never Unknown, Internal or DataLoss (a handler threw), nor Unavailable,
/// Cancelled or DeadlineExceeded (the transport failed, e.g. a status over the header limit) — and a refused call
/// must have written nothing to Redis.
/// Cases per RPC: <c>CP_FUZZ_CASES</c> (default 4). To replay a failure: <c>CP_FUZZ_RPC</c>=/package.Service/Method
/// (that RPC only) and <c>CsCheck_Seed</c>=the seed printed.
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class EveryRpcFuzzTests(SystemFixture system, ITestOutputHelper output)
{
    private static readonly StatusCode[] Failures =
    [
        StatusCode.Unknown, StatusCode.Internal, StatusCode.DataLoss,
        StatusCode.Unavailable, StatusCode.Cancelled, StatusCode.DeadlineExceeded,
    ];

    private static readonly Marshaller<byte[]> Raw = Marshallers.Create(bytes => bytes, bytes => bytes);

    /// <summary>Every RPC the services serve, each with the services that serve it (the platform's on all five).</summary>
    public static IEnumerable<(MethodDescriptor Method, string Service)> Endpoints() =>
        typeof(Registration.V1.Customers).Assembly.GetTypes()
            .Select(type => type.GetProperty("Descriptor", typeof(FileDescriptor))?.GetValue(null) as FileDescriptor)
            .OfType<FileDescriptor>()
            .SelectMany(file => file.Services)
            .SelectMany(service => service.Methods)
            .SelectMany(method => ServedBy(method.Service.File.Package).Select(service => (method, service)))
            .OrderBy(e => e.service, StringComparer.Ordinal).ThenBy(e => e.method.FullName, StringComparer.Ordinal);

    private static string[] ServedBy(string package) => package switch
    {
        "customerprotection.registration.v1" => [ResourceNames.Registration],
        "customerprotection.territory.v1" => [ResourceNames.Territory],
        "customerprotection.arbitration.v1" => [ResourceNames.Arbitration],
        "customerprotection.penalty.v1" => [ResourceNames.Penalty],
        "customerprotection.notifications.v1" => [ResourceNames.Notifications],
        "customerprotection.platform.v1" => SystemFixture.ApiServices,
        _ => throw new InvalidOperationException($"no service serves {package}: add it here"),
    };

    [Fact]
    public void Every_service_descriptor_of_the_protos_is_fuzzed()
    {
        var endpoints = Endpoints().ToList();
        var rpcs = endpoints.Select(e => e.Method.FullName).Distinct().Count();
        output.WriteLine($"{rpcs} RPCs, {endpoints.Count} endpoints");
        Assert.Contains(endpoints, e => e.Method.IsClientStreaming);
        Assert.Contains(endpoints, e => e.Method.IsServerStreaming);
        Assert.True(rpcs > 100, $"only {rpcs} RPCs found");
    }

    [Fact]
    public async Task Malformed_requests_to_every_rpc_are_answered_and_a_refusal_writes_nothing()
    {
        var cases = int.TryParse(Environment.GetEnvironmentVariable("CP_FUZZ_CASES"), out var n) && n > 0 ? n : 4;
        var only = Environment.GetEnvironmentVariable("CP_FUZZ_RPC");

        var org = await TestOrganisation.ImportAsync(system);
        var callers = new (string Role, Metadata Headers)[]
        {
            ("none", []),
            (Roles.Hq, system.As(org.Id("HQ"), Roles.Hq)),
            (Roles.Salesperson, org.Salesperson1),
            (Roles.BranchManager, org.As("BM", Roles.BranchManager)),
            (Roles.RegionalManager, system.As(org.Id("RM"), Roles.RegionalManager, region: org.Region)),
        };
        var requests = new RequestGen([org.Branch, org.Region, org.Id("S1"), org.Id("S2"), org.Id("BM"), org.Id("SEC"), org.Id("HQ"), TestOrganisation.NewTaxpayerId()]);
        await using var writes = await RedisWrites.StartAsync(system);
        await The_observer_sees_what_an_accepted_call_writes(writes);

        var failures = new List<string>();
        var answers = new System.Collections.Concurrent.ConcurrentDictionary<StatusCode, int>();
        var calls = 0;
        var watch = System.Diagnostics.Stopwatch.StartNew();
        foreach (var (method, service) in Endpoints().Where(e => only is null || e.Method.FullName == only.TrimStart('/').Replace('/', '.')))
        {
            var invoker = system.Channel(service).CreateCallInvoker();
            var wire = new Method<byte[], byte[]>(Type(method), method.Service.FullName, method.Name, Raw, Raw);
            var message = requests.Message(method.InputType);
            var gen = Gen.Select(Gen.Int[0, callers.Length - 1], message.Array[1, method.IsClientStreaming ? 3 : 1]);
            try
            {
                await gen.SampleAsync(async (caller, messages) =>
                {
                    Interlocked.Increment(ref calls);
                    await writes.BeginAsync();
                    var status = await CallAsync(invoker, wire, callers[caller].Headers, messages);
                    var written = await writes.EndAsync();
                    answers.AddOrUpdate(status.StatusCode, 1, (_, count) => count + 1);
                    if (Failures.Contains(status.StatusCode))
                    {
                        throw new InvalidOperationException($"answered {status.StatusCode}: {Truncate(status.Detail)}");
                    }

                    if (status.StatusCode != StatusCode.OK && written.Count > 0)
                    {
                        throw new InvalidOperationException($"refused ({status.StatusCode}: {Truncate(status.Detail)}) yet wrote {string.Join(", ", written.Take(5))}");
                    }

                    if (status.StatusCode == StatusCode.OK)
                    {
                        await writes.SettleAsync();
                    }
                },
                iter: cases, threads: 1,
                print: c => $"{callers[c.Item1].Role} → {string.Join(" | ", c.Item2.Select(m => Truncate(JsonFormatter.Default.Format(m))))}");
            }
            catch (Exception ex)
            {
                failures.Add($"/{method.Service.FullName}/{method.Name} on {service}: {Truncate(ex.Message, 2000)}\n{ex.InnerException?.Message}");
            }
        }

        output.WriteLine($"{calls} calls in {watch.Elapsed.TotalSeconds:F0} s: {string.Join(", ", answers.OrderBy(a => a.Key).Select(a => $"{a.Key} {a.Value}"))}");
        Assert.True(failures.Count == 0, string.Join("\n\n", failures));
    }

    /// <summary>A region created by hq is seen written: the observer would see a refused call's write too.</summary>
    private async Task The_observer_sees_what_an_accepted_call_writes(RedisWrites writes)
    {
        await writes.BeginAsync();
        await new Territory.V1.OrganizationDirectory.OrganizationDirectoryClient(system.Channel(ResourceNames.Territory)).CreateRegionAsync(
            new Territory.V1.CreateRegionRequest { RegionId = "R-FUZZ-" + Guid.NewGuid().ToString("N")[..8], Name = "模糊测试 / fuzz" }, system.As("HQ-FUZZ", Roles.Hq));
        Assert.NotEmpty(await writes.EndAsync());
        await writes.SettleAsync();
    }

    private static async Task<Status> CallAsync(CallInvoker invoker, Method<byte[], byte[]> method, Metadata headers, IMessage[] messages)
    {
        var options = new CallOptions(headers, DateTime.UtcNow.AddSeconds(30));
        try
        {
            switch (method.Type)
            {
                case MethodType.Unary:
                    await invoker.AsyncUnaryCall(method, null, options, messages[0].ToByteArray());
                    break;
                case MethodType.ServerStreaming:
                    using (var call = invoker.AsyncServerStreamingCall(method, null, options, messages[0].ToByteArray()))
                    {
                        while (await call.ResponseStream.MoveNext(CancellationToken.None))
                        {
                        }
                    }

                    break;
                case MethodType.ClientStreaming:
                    using (var call = invoker.AsyncClientStreamingCall(method, null, options))
                    {
                        await WriteAllAsync(call.RequestStream, messages);
                        await call.ResponseAsync;
                    }

                    break;
                case MethodType.DuplexStreaming:
                    using (var call = invoker.AsyncDuplexStreamingCall(method, null, options))
                    {
                        await WriteAllAsync(call.RequestStream, messages);
                        while (await call.ResponseStream.MoveNext(CancellationToken.None))
                        {
                        }
                    }

                    break;
            }

            return Status.DefaultSuccess;
        }
        catch (RpcException ex)
        {
            return ex.Status;
        }
    }

    /// <summary>Writes the messages and completes the stream; a server that already refused ends the writing early.</summary>
    private static async Task WriteAllAsync(IClientStreamWriter<byte[]> stream, IMessage[] messages)
    {
        try
        {
            foreach (var message in messages)
            {
                await stream.WriteAsync(message.ToByteArray());
            }

            await stream.CompleteAsync();
        }
        catch (Exception ex) when (ex is RpcException or InvalidOperationException)
        {
            // The call has ended; its status is what the response says.
        }
    }

    private static MethodType Type(MethodDescriptor method) => (method.IsClientStreaming, method.IsServerStreaming) switch
    {
        (false, false) => MethodType.Unary,
        (false, true) => MethodType.ServerStreaming,
        (true, false) => MethodType.ClientStreaming,
        (true, true) => MethodType.DuplexStreaming,
    };

    private static string Truncate(string text, int max = 400) => text.Length <= max ? text : text[..max] + $"… ({text.Length} chars)";
}
