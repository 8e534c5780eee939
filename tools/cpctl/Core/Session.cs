using System.CommandLine;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using CustomerProtection.Arbitration.V1;
using CustomerProtection.Penalty.V1;
using CustomerProtection.Platform.V1;
using CustomerProtection.Registration.V1;
using CustomerProtection.Territory.V1;
using Grpc.Core;
using Grpc.Net.Client;

namespace CustomerProtection.Cli.Core;

/// <summary>
/// One command's connection to the system: a channel per service it uses (opened on first use), the caller's
/// token, the output. Clients are the generated ones; every call carries <see cref="Headers"/>.
/// </summary>
public sealed class Session : IDisposable
{
    private readonly ParseResult _parse;
    private readonly GlobalOptions _options;
    private readonly ServiceAddresses _addresses;
    private readonly Dictionary<string, (GrpcChannel Channel, string Source)> _channels = [];
    private Metadata? _headers;

    internal Session(CliEnvironment environment, ParseResult parse, GlobalOptions options)
    {
        Environment = environment;
        _parse = parse;
        _options = options;
        _addresses = new ServiceAddresses(environment, parse.GetValue(options.ServicesFile));
        Identity = new Identity(environment, parse.GetValue(options.KeyFile));
        Out = new Output(environment, parse.GetValue(options.Json));
    }

    public CliEnvironment Environment { get; }
    public Output Out { get; }
    internal Identity Identity { get; }

    /// <summary>The caller's bearer token as call headers; resolved before the first call (<see cref="ConnectAsync"/>).</summary>
    public Metadata Headers => _headers ?? throw new InvalidOperationException("ConnectAsync first");

    /// <summary>Resolves the caller's identity (a directory look-up for <c>--as</c> without a role).</summary>
    public async Task ConnectAsync(CancellationToken ct)
    {
        var token = await Identity.TokenAsync(
            _parse.GetValue(_options.Token), _parse.GetValue(_options.As), _parse.GetValue(_options.AsRole),
            _parse.GetValue(_options.AsBranch), _parse.GetValue(_options.AsRegion),
            () => Directory, ct);
        _headers = Identity.Bearer(token);
    }

    /// <summary>Call headers for another person (the demo plays several); needs the development key.</summary>
    public Metadata As(string employeeId, string role, string? branch = null, string? region = null) =>
        Identity.Bearer(Identity.Mint(employeeId, role, branch, region));

    public Customers.CustomersClient Customers => new(Channel(ResourceNames.Registration));
    public Ownership.OwnershipClient Ownership => new(Channel(ResourceNames.Registration));
    public AccessGrants.AccessGrantsClient AccessGrants => new(Channel(ResourceNames.Registration));
    public CustomerData.CustomerDataClient CustomerData => new(Channel(ResourceNames.Registration));
    public Audit.AuditClient Audit => new(Channel(ResourceNames.Registration));
    public CustomerMaintenance.CustomerMaintenanceClient Maintenance => new(Channel(ResourceNames.Registration));
    public Incidents.IncidentsClient Incidents => new(Channel(ResourceNames.Registration));
    public OrganizationReplica.OrganizationReplicaClient Replica => new(Channel(ResourceNames.Registration));
    public OrganizationDirectory.OrganizationDirectoryClient Directory => new(Channel(ResourceNames.Territory));
    public CrossRegionRequests.CrossRegionRequestsClient CrossRegion => new(Channel(ResourceNames.Territory));
    public Pricing.PricingClient Pricing => new(Channel(ResourceNames.Territory));
    public SalesLedger.SalesLedgerClient Sales => new(Channel(ResourceNames.Territory));
    public Opportunities.OpportunitiesClient Opportunities => new(Channel(ResourceNames.Territory));
    public CustomerGroups.CustomerGroupsClient CustomerGroups => new(Channel(ResourceNames.Territory));
    public DealerReviews.DealerReviewsClient DealerReviews => new(Channel(ResourceNames.Territory));
    public Reports.ReportsClient Reports => new(Channel(ResourceNames.Territory));
    public Cases.CasesClient Cases => new(Channel(ResourceNames.Arbitration));
    public CustomerComplaints.CustomerComplaintsClient Complaints => new(Channel(ResourceNames.Arbitration));
    public Penalties.PenaltiesClient Penalties => new(Channel(ResourceNames.Penalty));
    public CustomerProtection.Notifications.V1.Notifications.NotificationsClient Notifications => new(Channel(ResourceNames.Notifications));

    /// <summary>The clock and the policy are answered by every service; <paramref name="service"/> picks which.</summary>
    public Clock.ClockClient Clock(string service = ResourceNames.Registration) => new(Channel(service));

    public PolicyAdmin.PolicyAdminClient Policy(string service = ResourceNames.Registration) => new(Channel(service));

    /// <summary>Development's mail inbox (smtp4dev), when the running system has one.</summary>
    public string? Inbox => _addresses.Inbox();

    /// <summary>Where the services used so far were reached, for an "unavailable" error.</summary>
    public string DescribeAddresses() => string.Join("; ", _channels.Select(c => $"{c.Key} {c.Value.Channel.Target} (from {c.Value.Source})"));

    private GrpcChannel Channel(string service)
    {
        if (!_channels.TryGetValue(service, out var entry))
        {
            var flag = service switch
            {
                ResourceNames.Registration => _parse.GetValue(_options.Registration),
                ResourceNames.Territory => _parse.GetValue(_options.Territory),
                ResourceNames.Arbitration => _parse.GetValue(_options.Arbitration),
                ResourceNames.Notifications => _parse.GetValue(_options.Notifications),
                _ => _parse.GetValue(_options.Penalty),
            };
            var (address, source) = _addresses.Resolve(service, flag);
            if (!Uri.TryCreate(address, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            {
                throw new CliException(ExitCodes.InvalidArgument, $"{source}: '{address}' 不是地址 / is not an http(s) address");
            }

            // http:// is h2c, what the AppHost's grpc endpoints speak in development; https:// is TLS
            // (docs/running.md), validated against the machine's roots or the private CA in CP_CA.
            entry = (Environment.Variable("CP_CA") is { } ca
                ? GrpcChannel.ForAddress(uri, new GrpcChannelOptions { HttpHandler = TrustingOnly(ca) })
                : GrpcChannel.ForAddress(uri), source);
            _channels[service] = entry;
        }

        return entry.Channel;
    }

    /// <summary>Full chain and host-name validation against the PEM CA <paramref name="caPath"/> (never validation off).</summary>
    private static SocketsHttpHandler TrustingOnly(string caPath)
    {
        if (!File.Exists(caPath))
        {
            throw new CliException(ExitCodes.InvalidArgument, $"CP_CA: {caPath} 不存在 / does not exist");
        }

        return new SocketsHttpHandler
        {
            SslOptions = new SslClientAuthenticationOptions
            {
                CertificateChainPolicy = new X509ChainPolicy
                {
                    TrustMode = X509ChainTrustMode.CustomRootTrust,
                    CustomTrustStore = { X509Certificate2.CreateFromPem(File.ReadAllText(caPath)) },
                    RevocationMode = X509RevocationMode.NoCheck,
                },
            },
        };
    }

    public void Dispose()
    {
        foreach (var (channel, _) in _channels.Values)
        {
            channel.Dispose();
        }
    }
}
