using CustomerProtection.Protos;
using System.Net;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Aspire.Hosting;
using CustomerProtection.Testing;
using Aspire.Hosting.Testing;
using CustomerProtection.Platform.V1;
using CustomerProtection.Registration.V1;
using CustomerProtection.Policy.Actors;
using CustomerProtection.Territory.V1;
using Grpc.Core;
using Grpc.Net.Client;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;
using StackExchange.Redis;

namespace CustomerProtection.EndToEnd.Tests;

/// <summary>
/// The system started with a certificate (Transport:CertificatePath/KeyPath, signed by a private CA named in
/// Transport:CaCertificatePath): every gRPC endpoint is TLS, probes stay on the plain HTTP/1.1 endpoint, and the
/// local Redis and RabbitMQ listen with TLS only. It is configured as a deployment is, the notices included: an
/// SMTP relay of the test's own instead of smtp4dev (<see cref="DashboardSystemFixture"/> runs it as Production,
/// which refuses to start without one, X-3) and a branch's WeCom, DingTalk and Feishu robots posting to a webhook
/// receiver of the test's own.
/// </summary>
public class TlsSystemFixture : SystemFixture
{
    private readonly string _folder = Directory.CreateTempSubdirectory("cp-tls-test-").FullName;

    public X509Certificate2 Ca { get; }

    /// <summary>The system's SMTP relay: loopback, stopped and started on the same port by the outage test.</summary>
    public SmtpSink Relay { get; } = new();

    /// <summary>The three platforms' webhooks: one receiver, a path per robot (<see cref="RobotUrls"/>).</summary>
    public WebhookReceiver Robots { get; } = new();

    /// <summary>The id suffix of the branch the robots are configured for (<see cref="TestOrganisation"/>'s <c>B-SH-{s}</c>).</summary>
    public string RobotBranchSuffix { get; } = Guid.NewGuid().ToString("N")[..8];

    public string DingTalkSecret { get; } = "SEC" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));

    public string FeishuSecret { get; } = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    /// <summary>Each platform's webhook as that platform shapes it (WeCom's key, DingTalk's access token, Feishu's hook id).</summary>
    public IReadOnlyDictionary<string, string> RobotUrls => new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["wecom"] = $"{Robots.BaseUrl}cgi-bin/webhook/send?key=wecom-key",
        ["dingtalk"] = $"{Robots.BaseUrl}robot/send?access_token=dingtalk-token",
        ["feishu"] = $"{Robots.BaseUrl}open-apis/bot/v2/hook/feishu-hook",
    };

    public TlsSystemFixture()
    {
        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caRequest = new CertificateRequest("CN=CustomerProtection test CA", caKey, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        var now = DateTimeOffset.UtcNow;
        Ca = caRequest.CreateSelfSigned(now.AddMinutes(-5), now.AddDays(1));

        using var serverKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=localhost", serverKey, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        using var server = request.Create(Ca, now.AddMinutes(-5), now.AddDays(1), RandomNumberGenerator.GetBytes(8));

        File.WriteAllText(CaPath, Ca.ExportCertificatePem());
        File.WriteAllText(CertificatePath, server.ExportCertificatePem());
        File.WriteAllText(KeyPath, serverKey.ExportPkcs8PrivateKeyPem());
    }

    public string CaPath => Path.Combine(_folder, "ca.pem");

    public string BackupFolder => Path.Combine(_folder, "backups");

    private string CertificatePath => Path.Combine(_folder, "server.pem");

    private string KeyPath => Path.Combine(_folder, "server.key");

    /// <summary>The relay and the robots' receiver listen before the AppHost is given their addresses.</summary>
    public override async Task InitializeAsync()
    {
        await Relay.InitializeAsync();
        await Robots.InitializeAsync();
        await base.InitializeAsync();
    }

    protected override IEnumerable<string> ExtraArguments() =>
    [
        $"--Transport:CertificatePath={CertificatePath}",
        $"--Transport:CertificateKeyPath={KeyPath}",
        $"--Transport:CaCertificatePath={CaPath}",
        $"--Backup:Directory={BackupFolder}",
        // The relay as a deployment gives it (docs/notifications.md, Production); the sink speaks no TLS.
        "--Notifications:Smtp:Host=127.0.0.1",
        $"--Notifications:Smtp:Port={Relay.Port}",
        "--Notifications:Smtp:Security=None",
        .. RobotArguments(0, "wecom", secret: null),
        .. RobotArguments(1, "dingtalk", DingTalkSecret),
        .. RobotArguments(2, "feishu", FeishuSecret),
    ];

    private IEnumerable<string> RobotArguments(int n, string platform, string? secret) =>
    [
        $"--Notifications:Robots:{n}:Name={platform}-sh",
        $"--Notifications:Robots:{n}:Branch=B-SH-{RobotBranchSuffix}",
        $"--Notifications:Robots:{n}:Platform={platform}",
        $"--Notifications:Robots:{n}:Url={RobotUrls[platform]}",
        .. secret is null ? Array.Empty<string>() : [$"--Notifications:Robots:{n}:Secret={secret}"],
    ];

    protected override GrpcChannel CreateChannel(Uri address) => GrpcChannel.ForAddress(address, new GrpcChannelOptions
    {
        HttpHandler = new SocketsHttpHandler
        {
            SslOptions = new SslClientAuthenticationOptions
            {
                CertificateChainPolicy = new X509ChainPolicy
                {
                    TrustMode = X509ChainTrustMode.CustomRootTrust,
                    CustomTrustStore = { Ca },
                    RevocationMode = X509RevocationMode.NoCheck,
                },
            },
        },
    });

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await Relay.DisposeAsync();
        await Robots.DisposeAsync();
        Ca.Dispose();
        Directory.Delete(_folder, recursive: true);
    }
}

/// <summary>
/// C-4 over TLS; and, on the same system (one AppHost fewer: a class fixture is one per class), the notices through
/// a relay and robots of the test's own (TlsTests.Notices.cs).
/// </summary>
[Collection(SystemCollection.Name)]
public sealed partial class TlsTests(TlsSystemFixture system) : IClassFixture<TlsSystemFixture>
{
    [Fact]
    public async Task C4_with_a_certificate_every_grpc_endpoint_is_tls_and_territory_asks_registration_over_it()
    {
        foreach (var service in SystemFixture.Services)
        {
            Assert.Equal("https", system.App.GetEndpoint(service, ResourceNames.GrpcEndpoint).Scheme);
        }

        // Territory's AuthorizeSale asks Registration (GetOwnership) over TLS, trusting the private CA: the
        // answer names the owner Registration knows.
        var org = await TestOrganisation.ImportAsync(system);
        var today = (await new Clock.ClockClient(system.Channel(ResourceNames.Registration)).GetTimeAsync(new GetTimeRequest(), org.Salesperson1)).Today.ToIso();
        var title = $"传输加密测试{org.S}有限公司";
        var customers = new Customers.CustomersClient(system.Channel(ResourceNames.Registration));
        var filed = await customers.FileCustomerAsync(new FileCustomerRequest
        {
            InvoiceTitle = title,
            CustomerClass = CustomerClass.Potential,
            DeclaredAnnualSales = "100000",
            Contact = new Contact { Name = "郑经理", Phone = "13700002222" },
            EvidenceKind = FilingEvidenceKind.Visit,
            EvidenceDate = ProtoDays.Day(today),
            Evidence = "拜访纪要",
        }, org.Salesperson1);
        await customers.ApproveFilingAsync(new ApproveFilingRequest { CustomerId = filed.CustomerId }, org.Secretary);
        var answer = await new SalesLedger.SalesLedgerClient(system.Channel(ResourceNames.Territory)).AuthorizeSaleAsync(new AuthorizeSaleRequest
        {
            Customer = new CustomerRef { InvoiceTitle = title },
            ProductCode = "P1",
            UnitPrice = "100.00",
            RegionId = org.Region,
        }, org.As("S2", Roles.Salesperson));
        Assert.Equal((SaleDecision.Forbidden, org.Id("S1")), (answer.Decision, answer.OwnerId));
    }

    [Fact]
    public async Task C4_a_client_that_does_not_trust_the_ca_or_speaks_cleartext_gets_nothing()
    {
        var endpoint = system.App.GetEndpoint(ResourceNames.Registration, ResourceNames.GrpcEndpoint);
        using var untrusting = GrpcChannel.ForAddress(endpoint);
        var refused = await Assert.ThrowsAsync<RpcException>(async () =>
            await new Clock.ClockClient(untrusting).GetTimeAsync(new GetTimeRequest(), system.As("HQ-1", Roles.Hq)));
        Assert.Contains(Causes(refused.Status.DebugException), e => e is System.Security.Authentication.AuthenticationException);

        using var cleartext = GrpcChannel.ForAddress(new UriBuilder(endpoint) { Scheme = "http" }.Uri);
        var noTls = await Assert.ThrowsAsync<RpcException>(async () =>
            await new Clock.ClockClient(cleartext).GetTimeAsync(new GetTimeRequest(), system.As("HQ-1", Roles.Hq)));
        Assert.NotEqual(StatusCode.OK, noTls.StatusCode);
    }

    [Fact]
    public async Task C4_cpctl_reaches_every_service_over_tls_when_told_the_ca()
    {
        var environment = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["CP_REGISTRATION"] = system.App.GetEndpoint(ResourceNames.Registration, ResourceNames.GrpcEndpoint).ToString(),
            ["CP_TERRITORY"] = system.App.GetEndpoint(ResourceNames.Territory, ResourceNames.GrpcEndpoint).ToString(),
            ["CP_ARBITRATION"] = system.App.GetEndpoint(ResourceNames.Arbitration, ResourceNames.GrpcEndpoint).ToString(),
            ["CP_PENALTY"] = system.App.GetEndpoint(ResourceNames.Penalty, ResourceNames.GrpcEndpoint).ToString(),
            ["CP_SIGNING_KEY"] = system.SigningKey,
            ["CP_CA"] = system.CaPath,
        };
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var exit = await CustomerProtection.Cli.CpctlApp.RunAsync(["status", "--json"], new CustomerProtection.Cli.Core.CliEnvironment(stdout, stderr, environment, Path.GetTempPath()));
        Assert.True(exit == 0, $"exit {exit}: {stderr}");
        Assert.Equal(SystemFixture.Services.Length, System.Text.Json.JsonDocument.Parse(stdout.ToString()).RootElement.GetArrayLength());

        environment.Remove("CP_CA");
        using var refusedOut = new StringWriter();
        using var refusedErr = new StringWriter();
        Assert.NotEqual(0, await CustomerProtection.Cli.CpctlApp.RunAsync(["status"], new CustomerProtection.Cli.Core.CliEnvironment(refusedOut, refusedErr, environment, Path.GetTempPath())));
    }

    [Fact]
    public async Task C4_redis_and_rabbitmq_listen_with_tls_only_and_the_services_work_over_them()
    {
        // The services work: the organisation reaches Registration as events over RabbitMQ, a filing is stored in Redis.
        var org = await TestOrganisation.ImportAsync(system);
        var filed = await new Customers.CustomersClient(system.Channel(ResourceNames.Registration)).FileCustomerAsync(new FileCustomerRequest
        {
            InvoiceTitle = $"中间件加密测试{org.S}有限公司",
            CustomerClass = CustomerClass.Potential,
            DeclaredAnnualSales = "100000",
            Contact = new Contact { Name = "郑经理", Phone = "13700002222" },
            EvidenceKind = FilingEvidenceKind.Visit,
            EvidenceDate = (await new Clock.ClockClient(system.Channel(ResourceNames.Registration)).GetTimeAsync(new GetTimeRequest(), org.Salesperson1)).Today,
            Evidence = "拜访纪要",
        }, org.Salesperson1);
        Assert.NotEmpty(filed.CustomerId);

        // Redis: TLS trusting the CA answers; the same port in clear does not.
        var redis = await system.App.GetConnectionStringAsync(ResourceNames.Redis) ?? throw new InvalidOperationException("no redis");
        var tls = ConfigurationOptions.Parse(redis);
        Assert.True(tls.Ssl, redis);
        tls.CertificateValidation += PrivateCa.Validator(system.CaPath);
        await using (var connection = await ConnectionMultiplexer.ConnectAsync(tls))
        {
            Assert.True(await connection.GetDatabase().KeyExistsAsync($"cp:{{registration}}:customer:{{{filed.CustomerId}}}"));
        }

        var plain = ConfigurationOptions.Parse(redis);
        plain.Ssl = false;
        plain.ConnectTimeout = 3000;
        plain.ConnectRetry = 1;
        await Assert.ThrowsAsync<RedisConnectionException>(async () => await ConnectionMultiplexer.ConnectAsync(plain));

        // RabbitMQ: amqps trusting the CA opens; amqp on the same port is refused.
        var broker = new Uri(await system.App.GetConnectionStringAsync(ResourceNames.Messaging) ?? throw new InvalidOperationException("no broker"));
        Assert.Equal("amqps", broker.Scheme);
        var secure = new ConnectionFactory { Uri = broker, AutomaticRecoveryEnabled = false };
        secure.Ssl.CertificateValidationCallback = PrivateCa.Validator(system.CaPath);
        await using (var connection = await secure.CreateConnectionAsync())
        {
            Assert.True(connection.IsOpen);
        }

        var cleartext = new ConnectionFactory { Uri = new UriBuilder(broker) { Scheme = "amqp" }.Uri, AutomaticRecoveryEnabled = false };
        Assert.Equal(broker.Port, cleartext.Port);
        await Assert.ThrowsAsync<BrokerUnreachableException>(async () => await cleartext.CreateConnectionAsync());
    }

    [Fact]
    public async Task C8_the_scheduled_backup_snapshots_redis_over_tls()
    {
        var redis = ConfigurationOptions.Parse(await system.App.GetConnectionStringAsync(ResourceNames.Redis) ?? throw new InvalidOperationException("no redis"));
        redis.CertificateValidation += PrivateCa.Validator(system.CaPath);
        await using var connection = await ConnectionMultiplexer.ConnectAsync(redis);
        await Eventually.GetAsync(async () => await connection.GetDatabase().KeyExistsAsync("cp:{registration}:backup:last-slot") ? "" : null,
            "the backup schedule starting");

        await new Clock.ClockClient(system.Channel(ResourceNames.Registration))
            .AdvanceAsync(new AdvanceRequest { By = Google.Protobuf.WellKnownTypes.Duration.FromTimeSpan(TimeSpan.FromDays(1)) }, system.As("HQ-1", Roles.Hq));

        // The file is renamed into place, beside its checksum, only once the whole snapshot came over TLS.
        var backup = await Eventually.GetAsync(() => Task.FromResult(Directory.Exists(system.BackupFolder)
            ? Directory.GetFiles(system.BackupFolder, "*.cpbackup").FirstOrDefault(f => File.Exists(f + ".sha256"))
            : null), "the scheduled backup", TimeSpan.FromSeconds(60));
        Assert.True(new FileInfo(backup).Length > 100, backup);
    }

    private static IEnumerable<Exception> Causes(Exception? exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            yield return e;
        }
    }

    [Fact]
    public async Task C4_the_plain_probe_endpoint_answers_the_probes_and_nothing_else()
    {
        using var http = new HttpClient { BaseAddress = system.App.GetEndpoint(ResourceNames.Registration, ResourceNames.HttpEndpoint) };
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/health")).StatusCode);
        var other = await http.PostAsync("/customerprotection.platform.v1.Clock/GetTime", new ByteArrayContent([]));
        Assert.Equal(HttpStatusCode.NotFound, other.StatusCode);
    }
}
