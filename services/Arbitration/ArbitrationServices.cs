using CustomerProtection.ServiceDefaults.Security;
using CustomerProtection.Arbitration.Application;
using CustomerProtection.Arbitration.Clients;
using CustomerProtection.Arbitration.Domain;
using CustomerProtection.Arbitration.Persistence;
using CustomerProtection.Arbitration.Workers;
using CustomerProtection.Registration.V1;
using CustomerProtection.Territory.V1;

namespace CustomerProtection.Arbitration;

/// <summary>M-3's response time in configuration (section <c>Arbitration:ComplaintResponseTimes</c>), versioned like the policy (P-14).</summary>
public sealed record ResponseTimeSetting
{
    public string? EffectiveFrom { get; init; }
    public int WorkingDays { get; init; }
}

public static class ArbitrationServices
{
    public const string RegistrationAddressKey = "Arbitration:RegistrationAddress";
    public const string TerritoryAddressKey = "Arbitration:TerritoryAddress";
    public const string ResponseTimesKey = "Arbitration:ComplaintResponseTimes";

    /// <summary>The service account (docs/arbitration.md): employee id in development tokens; client id, secret and scope for client credentials in production.</summary>
    public const string ServiceAccountKey = "Arbitration:ServiceAccount";

    /// <summary>Arbitration's own parts: the policy, the store, the use cases, the due-queue worker and the clients of Registration and Territory.</summary>
    public static IHostApplicationBuilder AddArbitrationServices(this IHostApplicationBuilder builder)
    {
        // M-3's response times beside the clock (AddPolicyInForce: now, the policy book and the calendar).
        builder.Services.AddSingleton(ResponseTimes(builder.Configuration));

        builder.Services.AddSingleton<ArbitrationStore>();
        builder.Services.AddSingleton<FileObjection>();
        builder.Services.AddSingleton<FileEncroachmentComplaint>();
        builder.Services.AddSingleton<OpenDispute>();
        builder.Services.AddSingleton<ReportRetaliation>();
        builder.Services.AddSingleton<ResolveByJointDevelopment>();
        builder.Services.AddSingleton<ResolveBySurpassingClaim>();
        builder.Services.AddSingleton<ResolveByAuction>();
        builder.Services.AddSingleton<PlaceBid>();
        builder.Services.AddSingleton<DecideCase>();
        builder.Services.AddSingleton<WithdrawCase>();
        builder.Services.AddSingleton<QueryCases>();
        builder.Services.AddSingleton<RecordCustomerComplaint>();
        builder.Services.AddSingleton<AnswerCustomerComplaint>();
        builder.Services.AddSingleton<ResolveCustomerComplaint>();
        builder.Services.AddSingleton<GetCustomerComplaint>();
        builder.Services.AddSingleton<ListCustomerComplaints>();
        builder.Services.AddSingleton<MilestoneReader>();
        builder.Services.AddSingleton<SettleDueWork>();
        builder.Services.AddSingleton<RecordDeal>();
        builder.Services.AddSingleton<RecordAwardRefusal>();
        builder.Services.AddHostedService<DueWorker>();

        builder.AddServiceClients();
        return builder;
    }

    private static ResponseTimeBook ResponseTimes(IConfiguration configuration)
    {
        var settings = configuration.GetSection(ResponseTimesKey).Get<List<ResponseTimeSetting>>(o => o.ErrorOnUnknownConfiguration = true);
        if (settings is null || settings.Count == 0)
        {
            return ResponseTimeBook.Default;
        }

        return new ResponseTimeBook(settings.Select((s, i) => new ResponseTimeVersion(
            DateOnly.TryParseExact(s.EffectiveFrom, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out var from)
                ? from
                : throw new PolicyConfigurationException($"{ResponseTimesKey}:{i}:EffectiveFrom must be a date yyyy-MM-dd (is '{s.EffectiveFrom}')."),
            s.WorkingDays)));
    }

    /// <summary>
    /// Registration's Customers and Territory's OrganizationDirectory over gRPC (Aspire service
    /// discovery of each resource's <c>grpc</c> endpoint), every call under the service's own token:
    /// Arbitration reads both parties' evidence and the milestones for its own rules, which no single
    /// caller may see (C-2), and the due-queue worker has no caller at all.
    /// </summary>
    private static void AddServiceClients(this IHostApplicationBuilder builder)
    {
        var config = builder.Configuration;
        builder.AddServiceAccount(ServiceAccountKey, "svc-arbitration");
        var registration = config[RegistrationAddressKey] is { Length: > 0 } r ? new Uri(r) : TransportSecurity.GrpcAddress(config, ResourceNames.Registration);
        var territory = config[TerritoryAddressKey] is { Length: > 0 } t ? new Uri(t) : TransportSecurity.GrpcAddress(config, ResourceNames.Territory);
        builder.Services.AddGrpcClient<Customers.CustomersClient>(o => o.Address = registration).ActAsTheService();
        builder.Services.AddGrpcClient<OrganizationDirectory.OrganizationDirectoryClient>(o => o.Address = territory).ActAsTheService();
        builder.Services.AddSingleton<IRegistrationReader, RegistrationReader>();
        builder.Services.AddSingleton<IDirectoryReader, TerritoryDirectoryReader>();

        // C-7, C-9: each caller's account state, asked under the same service account.
        builder.AddAccountStatesFromRegistration();
    }
}
