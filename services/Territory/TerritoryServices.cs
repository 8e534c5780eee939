using CustomerProtection.Registration.V1;
using CustomerProtection.Territory.Application;
using CustomerProtection.Territory.Clients;
using CustomerProtection.Territory.Persistence;
using CustomerProtection.Territory.Workers;

namespace CustomerProtection.Territory;

public static class TerritoryServices
{
    /// <summary>Where Registration's gRPC endpoint is: Aspire service discovery of the <c>registration</c> resource's <c>grpc</c> endpoint.</summary>
    public const string RegistrationAddressKey = "Territory:RegistrationAddress";

    /// <summary>Territory's own parts: the directory, the sales side and their use cases.</summary>
    public static IHostApplicationBuilder AddTerritoryServices(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<DirectoryStore>();
        builder.Services.AddSingleton<ManageRegions>();
        builder.Services.AddSingleton<ManageBranches>();
        builder.Services.AddSingleton<ManageEmployees>();
        builder.Services.AddSingleton<ManageDealers>();
        builder.Services.AddSingleton<ImportOrganization>();
        builder.Services.AddSingleton<QueryDirectory>();

        builder.Services.AddSingleton<SalesStore>();
        builder.Services.AddSingleton<SaleFactsReader>();
        builder.Services.AddSingleton<AuthorizeSale>();
        builder.Services.AddSingleton<RecordSale>();
        builder.Services.AddSingleton<ApplyCreditDecision>();
        builder.Services.AddSingleton<QuerySales>();
        builder.Services.AddSingleton<ManageServiceSupport>();
        builder.Services.AddSingleton<ManageCrossRegionFilings>();
        builder.Services.AddSingleton<EscalateOverdueFilings>();
        builder.Services.AddSingleton<ManagePricing>();
        builder.Services.AddSingleton<DistributeOpportunities>();
        builder.Services.AddHostedService<CrossRegionEscalationWorker>();

        builder.AddRegistrationClients();
        return builder;
    }

    /// <summary>
    /// Registration's Ownership and Customers services over gRPC. A call acts for the caller: it
    /// carries the caller's bearer token, so Registration applies the caller's rights, not Territory's.
    /// </summary>
    private static void AddRegistrationClients(this IHostApplicationBuilder builder)
    {
        builder.Services.AddHttpContextAccessor();
        var address = builder.Configuration[RegistrationAddressKey] is { Length: > 0 } configured
            ? new Uri(configured)
            : CustomerProtection.ServiceDefaults.Security.TransportSecurity.GrpcAddress(builder.Configuration, CustomerProtection.ResourceNames.Registration);
        builder.Services.AddGrpcClient<Ownership.OwnershipClient>(options => options.Address = address).ActForTheCaller();
        builder.Services.AddGrpcClient<Customers.CustomersClient>(options => options.Address = address).ActForTheCaller();
        builder.Services.AddSingleton<IOwnershipLookup, RegistrationOwnershipLookup>();
        builder.Services.AddSingleton<IHoldingCounts, RegistrationHoldingCounts>();
    }

    private static IHttpClientBuilder ActForTheCaller(this IHttpClientBuilder client) =>
        client.AddCallCredentials((_, metadata, services) =>
            {
                var authorization = services.GetRequiredService<IHttpContextAccessor>().HttpContext?.Request.Headers.Authorization.ToString();
                if (!string.IsNullOrEmpty(authorization))
                {
                    metadata.Add("Authorization", authorization);
                }

                return Task.CompletedTask;
            })
            // Call credentials are sent over h2c too: development runs the endpoints without TLS.
            .ConfigureChannel(channel => channel.UnsafeUseInsecureChannelCallCredentials = true);
}
