using CustomerProtection.Registration.Application;
using CustomerProtection.Registration.Backup;
using CustomerProtection.Registration.Confidentiality;
using CustomerProtection.Registration.Domain;
using CustomerProtection.Registration.Maintenance;
using CustomerProtection.Registration.Persistence;
using CustomerProtection.Registration.Workers;

namespace CustomerProtection.Registration;

public static class RegistrationServices
{
    /// <summary>
    /// Registration's own parts: the organisation copy, the customer store (brought to the current layout
    /// at start), the use cases, the due-queue worker and the C-8 backups. The policy in force (versioned parameters P-14,
    /// the working-day calendar) and the clock come from <c>AddPolicyInForce</c>.
    /// </summary>
    public static IHostApplicationBuilder AddRegistrationServices(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<PoolOptions>().BindConfiguration(PoolOptions.SectionName, o => o.ErrorOnUnknownConfiguration = true);

        builder.Services.AddSingleton<OrganizationReplicaStore>();
        builder.Services.AddSingleton<Organization>();
        builder.Services.AddSingleton<CustomerStore>();
        builder.Services.AddSingleton<CustomerIdAllocator>();
        builder.Services.AddSingleton<CustomerWriter>();
        builder.Services.AddSingleton<NearDuplicates>();
        builder.Services.AddSingleton<OwnershipGate>();

        builder.Services.AddSingleton<QueryCustomers>();
        builder.Services.AddSingleton<Application.ListCustomers>();
        builder.Services.AddSingleton<ListRefusedDealerFilings>();
        builder.Services.AddSingleton<Application.ListRefusedFilings>();
        builder.Services.AddSingleton<CountHoldings>();
        builder.Services.AddSingleton<ListIdentityConflicts>();
        builder.Services.AddSingleton<FileCustomer>();
        builder.Services.AddSingleton<DecideFiling>();
        builder.Services.AddSingleton<RecordShipment>();
        builder.Services.AddSingleton<RequestExtension>();
        builder.Services.AddSingleton<DecideExtension>();
        builder.Services.AddSingleton<SetSpecialPeriod>();
        builder.Services.AddSingleton<RecordProgress>();
        builder.Services.AddSingleton<ClaimFromPool>();
        builder.Services.AddSingleton<ReallocateCustomer>();
        builder.Services.AddSingleton<MarkBehindTarget>();
        builder.Services.AddSingleton<AddCoDeveloper>();
        builder.Services.AddSingleton<RemoveCoDeveloper>();
        builder.Services.AddSingleton<ReleaseLeaverCustomers>();
        builder.Services.AddSingleton<ApplyCaseDecisions>();
        builder.Services.AddSingleton<ImportCustomers>();
        builder.Services.AddSingleton<ExportCustomers>();
        builder.Services.AddSingleton<ProcessDue>();

        // First: the storage layout is current before anything reads or writes customers.
        builder.Services.AddHostedService<StorageMigration>();
        builder.Services.AddHostedService<DueQueueWorker>();
        builder.AddConfidentiality();
        builder.AddBackups();
        builder.AddCustomerMaintenance();
        return builder;
    }
}
