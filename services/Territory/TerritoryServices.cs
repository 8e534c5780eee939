using CustomerProtection.ServiceDefaults.Encryption;
using CustomerProtection.ServiceDefaults.Security;
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

    /// <summary>Where Penalty's gRPC endpoint is: Aspire service discovery of the <c>penalty</c> resource's <c>grpc</c> endpoint.</summary>
    public const string PenaltyAddressKey = "Territory:PenaltyAddress";

    /// <summary>The service account Territory asks Registration for account states with (see <see cref="ServiceCalls.AddServiceAccount"/>).</summary>
    public const string ServiceAccountKey = "Territory:ServiceAccount";

    /// <summary>Territory's own parts: the directory, the sales side and their use cases.</summary>
    public static IHostApplicationBuilder AddTerritoryServices(this IHostApplicationBuilder builder)
    {
        // C-4: deal terms are sealed with the same key ring and envelope as Registration's confidential
        // data; the service does not start without a ring. Data written in clear before is sealed first.
        builder.Services.AddSingleton(KeyRing.FromConfiguration(builder.Configuration));
        builder.Services.AddSingleton<SealedRecords>();
        builder.Services.AddHostedService<LedgerSealMigration>();
        builder.Services.AddSingleton<DirectoryStore>();
        builder.Services.AddSingleton<CreateRegion>();
        builder.Services.AddSingleton<RenameRegion>();
        builder.Services.AddSingleton<CreateBranch>();
        builder.Services.AddSingleton<ChangeBranch>();
        builder.Services.AddSingleton<HireEmployee>();
        builder.Services.AddSingleton<ChangeEmployee>();
        builder.Services.AddSingleton<RecordEmployeeLeft>();
        builder.Services.AddSingleton<AppointDealer>();
        builder.Services.AddSingleton<EndDealerAppointment>();
        builder.Services.AddSingleton<ImportOrganization>();
        builder.Services.AddSingleton<QueryDirectory>();

        builder.Services.AddSingleton<SalesStore>();
        builder.Services.AddSingleton<SaleFactsReader>();
        builder.Services.AddSingleton<AuthorizeSale>();
        builder.Services.AddSingleton<RecordSale>();
        builder.Services.AddSingleton<ApplyCreditDecision>();
        builder.Services.AddSingleton<QuerySales>();
        builder.Services.AddSingleton<RecordDealTermsReads>();
        builder.Services.AddSingleton<RecordServiceSupport>();
        builder.Services.AddSingleton<ListServiceSupport>();
        builder.Services.AddSingleton<SubmitCrossRegionFiling>();
        builder.Services.AddSingleton<AnswerCrossRegionFiling>();
        builder.Services.AddSingleton<DecideCrossRegionFiling>();
        builder.Services.AddSingleton<GetCrossRegionFiling>();
        builder.Services.AddSingleton<ListCrossRegionFilings>();
        builder.Services.AddSingleton<EscalateOverdueFilings>();
        builder.Services.AddSingleton<SetAskingPrice>();
        builder.Services.AddSingleton<GetAskingPrice>();
        builder.Services.AddSingleton<RequestPriceApproval>();
        builder.Services.AddSingleton<DecidePriceApproval>();
        builder.Services.AddSingleton<GetPriceApproval>();
        builder.Services.AddSingleton<DistributeOpportunities>();
        builder.Services.AddSingleton<LinkGroupMember>();
        builder.Services.AddSingleton<UnlinkGroupMember>();
        builder.Services.AddSingleton<GetCustomerGroup>();
        builder.Services.AddSingleton<ReviewDealerAfterViolation>();
        builder.Services.AddSingleton<DecideDealerReview>();
        builder.Services.AddSingleton<ListDealerReviews>();
        builder.Services.AddHostedService<CrossRegionEscalationWorker>();

        builder.AddRegistrationClients();
        builder.AddPenaltyClient();
        return builder;
    }

    /// <summary>
    /// Penalty's Penalties service over gRPC, for the monthly report's violation figures (one source: Penalty's
    /// ledger). The call acts for the caller (hq), so Penalty applies the caller's rights, as Registration does.
    /// </summary>
    private static void AddPenaltyClient(this IHostApplicationBuilder builder)
    {
        var address = builder.Configuration[PenaltyAddressKey] is { Length: > 0 } configured
            ? new Uri(configured)
            : TransportSecurity.GrpcAddress(builder.Configuration, CustomerProtection.ResourceNames.Penalty);
        builder.Services.AddGrpcClient<CustomerProtection.Penalty.V1.Penalties.PenaltiesClient>(options => options.Address = address).ActForTheCaller().Lean();
        var timeout = builder.Configuration.GetValue(PenaltyCalls.TimeoutKey, BoundedCalls.DefaultTimeout);
        builder.Services.AddSingleton(services => new PenaltyCalls(services.GetRequiredService<TimeProvider>(), timeout));
        builder.Services.AddSingleton<Reports.IViolationFigures, PenaltyViolationFigures>();
    }

    /// <summary>
    /// Registration's Ownership and Customers services over gRPC. A call acts for the caller: it
    /// carries the caller's bearer token, so Registration applies the caller's rights, not Territory's.
    /// </summary>
    private static void AddRegistrationClients(this IHostApplicationBuilder builder)
    {
        var address = builder.Configuration[RegistrationAddressKey] is { Length: > 0 } configured
            ? new Uri(configured)
            : CustomerProtection.ServiceDefaults.Security.TransportSecurity.GrpcAddress(builder.Configuration, CustomerProtection.ResourceNames.Registration);
        builder.Services.AddGrpcClient<Ownership.OwnershipClient>(options => options.Address = address).ActForTheCaller().Lean();
        builder.Services.AddGrpcClient<Customers.CustomersClient>(options => options.Address = address).ActForTheCaller().Lean();
        var timeout = builder.Configuration.GetValue(RegistrationCalls.TimeoutKey, BoundedCalls.DefaultTimeout);
        builder.Services.AddSingleton(services => new RegistrationCalls(services.GetRequiredService<TimeProvider>(), timeout));
        builder.Services.AddSingleton<IOwnershipLookup, RegistrationOwnershipLookup>();
        builder.Services.AddSingleton<IHoldingCounts, RegistrationHoldingCounts>();

        // C-7, C-9: each caller's account state, asked under Territory's own account (no caller may read another's).
        builder.AddServiceAccount(ServiceAccountKey, "svc-territory");
        builder.AddAccountStatesFromRegistration();
    }
}
