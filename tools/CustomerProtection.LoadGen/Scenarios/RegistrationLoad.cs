using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using CustomerProtection.Policy.Identity;
using CustomerProtection.Registration.V1;
using CustomerProtection.Policy.Actors;
using CustomerProtection.Territory.V1;
using Google.Protobuf;
using Grpc.Core;
using StackExchange.Redis;

namespace CustomerProtection.LoadGen.Scenarios;

/// <summary>
/// What the Registration scenarios share: an organisation of their own (one region, branches of
/// salespeople, imported through Territory and awaited in Registration's copy), realistic invoice
/// identities, bulk import through the streaming RPC, and — for the memory and lapse measurements —
/// a read-only look at Redis (ConnectionStrings__redis=127.0.0.1:port, the AppHost's redis resource).
/// </summary>
public sealed class RegistrationLoad
{
    private static readonly string[] Cities = ["上海", "北京", "苏州", "杭州", "无锡", "南京", "宁波", "深圳", "广州", "成都", "武汉", "西安", "天津", "重庆", "青岛", "厦门"];
    private static readonly string[] Industries = ["科技", "电子", "机械", "贸易", "化工", "材料", "食品", "医药", "物流", "纺织", "能源", "建设"];
    private const string TradeCharacters =
        "华光明德盛兴隆泰安康宏达通信和平长江东方海天云龙鑫源金玉宝富丰嘉瑞恒远博智创新中大美佳欣荣昌伟利永正信诚立国星辰锦绣巨航川山水木青松";

    public RegistrationLoad(ScenarioContext context, int salespeoplePerBranch, int branches)
    {
        Context = context;
        Suffix = Guid.NewGuid().ToString("N")[..6];
        SalespeoplePerBranch = salespeoplePerBranch;
        BranchCount = branches;
        Hq = new Metadata { { "Authorization", "Bearer " + context.Token("LOAD-HQ", Roles.Hq, null, null) } };
        Customers = new Customers.CustomersClient(context.Channel("registration"));
    }

    public ScenarioContext Context { get; }
    public string Suffix { get; }
    public int SalespeoplePerBranch { get; }
    public int BranchCount { get; }
    public Metadata Hq { get; }
    public Customers.CustomersClient Customers { get; }
    public string Region => "LR-" + Suffix;

    public string Branch(int b) => $"LB{b}-{Suffix}";

    public string Salesperson(int b, int i) => $"LS{b}-{i}-{Suffix}";

    public Metadata As(string employee, string role, int branch) =>
        new() { { "Authorization", "Bearer " + Context.Token(employee, role, Branch(branch), Region) } };

    /// <summary>Imports the organisation through Territory and waits until Registration's copy has all of it.</summary>
    public async Task ImportOrganisationAsync(CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        var employees = new List<string>();
        var branches = new List<string>();
        for (var b = 0; b < BranchCount; b++)
        {
            branches.Add($$"""{"id":"{{Branch(b)}}","region_id":"{{Region}}","name":"压测{{b}}分公司","kind":"branch","manager_id":"LM{{b}}-{{Suffix}}"}""");
            employees.Add($$"""{"id":"LM{{b}}-{{Suffix}}","name":"经理{{b}}","role":"branch_manager","branch_id":"{{Branch(b)}}","hire_date":"2015-01-05"}""");
            employees.Add($$"""{"id":"LSEC{{b}}-{{Suffix}}","name":"秘书{{b}}","role":"branch_secretary","branch_id":"{{Branch(b)}}","hire_date":"2015-01-05"}""");
            for (var i = 0; i < SalespeoplePerBranch; i++)
            {
                employees.Add($$"""{"id":"{{Salesperson(b, i)}}","name":"销售{{b}}-{{i}}","role":"salesperson","branch_id":"{{Branch(b)}}","manager_id":"LM{{b}}-{{Suffix}}","hire_date":"2018-03-01"}""");
            }
        }

        var json = $$"""{"regions":[{"id":"{{Region}}","name":"压测大区"}],"branches":[{{string.Join(",", branches)}}],"employees":[{{string.Join(",", employees)}}]}""";
        await new OrganizationDirectory.OrganizationDirectoryClient(Context.Channel("territory")).ImportOrganizationAsync(
            new ImportOrganizationRequest { Format = ImportFormat.Json, Content = ByteString.CopyFromUtf8(json) }, Hq, cancellationToken: cancellationToken);

        var replica = new OrganizationReplica.OrganizationReplicaClient(Context.Channel("registration"));
        var last = Salesperson(BranchCount - 1, SalespeoplePerBranch - 1);
        while (true)
        {
            try
            {
                await replica.GetEmployeeAsync(new GetEmployeeReplicaRequest { EmployeeId = last }, Hq, cancellationToken: cancellationToken);
                await replica.GetBranchAsync(new GetBranchReplicaRequest { BranchId = Branch(BranchCount - 1) }, Hq, cancellationToken: cancellationToken);
                break;
            }
            catch (RpcException ex) when (ex.StatusCode == StatusCode.NotFound && watch.Elapsed < TimeSpan.FromMinutes(5))
            {
                await Task.Delay(200, cancellationToken);
            }
        }

        await Context.Output.WriteLineAsync($"organisation {Suffix}: {BranchCount} branches × {SalespeoplePerBranch} salespeople in Registration's copy after {watch.Elapsed.TotalSeconds:F1} s");
    }

    /// <summary>A valid unified social credit code (GB 32100-2015 check character).</summary>
    public static string TaxpayerId(Random random)
    {
        Span<char> body = stackalloc char[17];
        "913100".CopyTo(body);
        for (var i = 6; i < 17; i++)
        {
            body[i] = (char)('0' + random.Next(10));
        }

        return string.Concat(body, [SocialCreditCode.ComputeCheckCharacter(body)]);
    }

    /// <summary>A plausible invoice title: city, a three-character trade name, an industry, 有限公司.</summary>
    public static string Title(Random random) =>
        Cities[random.Next(Cities.Length)]
        + string.Concat(Enumerable.Range(0, 3).Select(_ => TradeCharacters[random.Next(TradeCharacters.Length)]))
        + Industries[random.Next(Industries.Length)] + "有限公司";

    /// <summary>X-7: imports rows through the client-streaming RPC in 64 KB chunks; returns the rows' outcomes.</summary>
    public async Task<ImportCustomersResponse> ImportAsync(int branch, IEnumerable<string> csvRows, CancellationToken cancellationToken)
    {
        var csv = new StringBuilder("taxpayer_id,invoice_title,owner_id,customer_class,declared_annual_sales,stage,approved_on,last_shipment_on,contact_name,contact_phone,contact_email,contact_address,evidence\n");
        foreach (var row in csvRows)
        {
            csv.Append(row).Append('\n');
        }

        var bytes = Encoding.UTF8.GetBytes(csv.ToString());
        using var call = Customers.ImportCustomers(As($"LSEC{branch}-{Suffix}", Roles.BranchSecretary, branch), cancellationToken: cancellationToken);
        for (var offset = 0; offset < bytes.Length; offset += 64 * 1024)
        {
            await call.RequestStream.WriteAsync(new ImportCustomersRequest { BranchId = Branch(branch), Chunk = ByteString.CopyFrom(bytes, offset, Math.Min(64 * 1024, bytes.Length - offset)) }, cancellationToken);
        }

        await call.RequestStream.CompleteAsync();
        return await call;
    }

    /// <summary>One import row: a customer of salesperson <paramref name="owner"/> with a contact.</summary>
    public static string Row(string taxpayerId, string title, string owner, string? approvedOn = null) =>
        string.Join(',', taxpayerId, title, owner, "potential", "100000", "prospect", approvedOn ?? "", "", "王经理", "13812345678", "wang@example.com", "上海市浦东新区张江路 1 号", "老客户");

    /// <summary>
    /// Runs <paramref name="operation"/> once per item from <paramref name="concurrency"/> callers and
    /// reports like <see cref="LoadRunner"/> (a fixed amount of work instead of a fixed time).
    /// </summary>
    public static async Task<LoadResult> RunAllAsync<T>(string name, IReadOnlyList<T> items, int concurrency, Func<T, Task> operation, CancellationToken cancellationToken)
    {
        var latencies = new System.Collections.Concurrent.ConcurrentBag<double>();
        long failed = 0;
        var watch = Stopwatch.StartNew();
        await Parallel.ForEachAsync(items, new ParallelOptions { MaxDegreeOfParallelism = concurrency, CancellationToken = cancellationToken }, async (item, _) =>
        {
            var start = Stopwatch.GetTimestamp();
            try
            {
                await operation(item);
                latencies.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
            }
            catch (RpcException)
            {
                Interlocked.Increment(ref failed);
            }
        });
        return new LoadResult(name, concurrency, latencies.Count, failed, watch.Elapsed, [.. latencies.Order()]);
    }

    public static IDatabase Redis()
    {
        var connection = Environment.GetEnvironmentVariable("ConnectionStrings__redis")
            ?? throw new InvalidOperationException("set ConnectionStrings__redis=127.0.0.1:port (the AppHost's redis resource)");
        var endpoint = connection.Split(',')[0];
        var host = endpoint.Split(':')[0];
        if (!(host == "localhost" || (IPAddress.TryParse(host, out var ip) && IPAddress.IsLoopback(ip))))
        {
            throw new InvalidOperationException($"{host}: loopback only");
        }

        return ConnectionMultiplexer.Connect(connection + ",allowAdmin=true").GetDatabase();
    }

    public static long UsedMemory(IDatabase db)
    {
        var info = db.Multiplexer.GetServers()[0].Info("memory").SelectMany(g => g).ToDictionary(p => p.Key, p => p.Value);
        return long.Parse(info["used_memory"], CultureInfo.InvariantCulture);
    }

    /// <summary>Waits until the relay has published every outbox entry, or at most <paramref name="limit"/>; true when drained.</summary>
    public static async Task<bool> WaitForOutboxAsync(IDatabase db, TextWriter output, CancellationToken cancellationToken, TimeSpan? limit = null)
    {
        var watch = Stopwatch.StartNew();
        var lastReport = TimeSpan.Zero;
        long length;
        while ((length = await db.StreamLengthAsync("cp:{registration}:outbox")) > 0)
        {
            if (watch.Elapsed > (limit ?? TimeSpan.MaxValue))
            {
                await output.WriteLineAsync($"outbox: {length} entries still waiting after {watch.Elapsed.TotalSeconds:F1} s");
                return false;
            }

            if (watch.Elapsed - lastReport > TimeSpan.FromSeconds(10))
            {
                lastReport = watch.Elapsed;
                await output.WriteLineAsync($"  outbox: {length} entries waiting for the relay");
            }

            await Task.Delay(200, cancellationToken);
        }

        await output.WriteLineAsync($"outbox drained after {watch.Elapsed.TotalSeconds:F1} s");
        return true;
    }
}
