using System.Reflection;
using CustomerProtection;
using CustomerProtection.AppHost.Infrastructure;
using CustomerProtection.AppHost.Services;

var builder = DistributedApplication.CreateBuilder(args);

// Infrastructure first: Redis (system of record) and RabbitMQ, as containers or local processes.
CustomerProtectionInfrastructure infrastructure;
SharedServiceSettings settings;
TransportSettings transport;
ReplicaSettings replicas;
try
{
    DashboardSecurity.Check(builder.Configuration, builder.Environment);
    Smtp4dev.Check(builder.Configuration, builder.Environment);
    transport = TransportSettings.FromConfiguration(builder.Configuration);
    infrastructure = builder.AddCustomerProtectionInfrastructure(transport);
    settings = SharedServiceSettings.FromConfiguration(builder, infrastructure.Data).WithDataKeys(builder, infrastructure.Data);
    replicas = ReplicaSettings.FromConfiguration(builder.Configuration,
        [ResourceNames.Registration, ResourceNames.Territory, ResourceNames.Arbitration, ResourceNames.Penalty, ResourceNames.Notifications]);
}
catch (InfrastructureSetupException ex) when (Assembly.GetEntryAssembly() == typeof(Program).Assembly)
{
    // Run on its own (dotnet run): say what to do, no stack trace. Hosted by a test, the exception
    // propagates to the test as it is.
    await Console.Error.WriteLineAsync(ex.Message);
    return 1;
}

// Then the services; references give them connection strings and service discovery.
var registration = builder.AddCustomerProtectionService<Projects.CustomerProtection_Registration>(
        ResourceNames.Registration, infrastructure, settings, transport, replicas)
    .WithDataKeys(settings) // confidential customer data: contacts, deal terms, financials, contracts (C-4)
    .WithBackups(builder.Configuration, infrastructure.Data); // C-8: the whole Redis, encrypted with that key ring

var territory = builder.AddCustomerProtectionService<Projects.CustomerProtection_Territory>(
        ResourceNames.Territory, infrastructure, settings, transport, replicas)
    .WithDataKeys(settings) // deal terms of the sales side: prices and amounts (C-4), the same ring
    .WithReference(registration); // asks Registration who owns a customer before a sale, and each caller's account state

var arbitration = builder.AddCustomerProtectionService<Projects.CustomerProtection_Arbitration>(
        ResourceNames.Arbitration, infrastructure, settings, transport, replicas)
    .WithReference(registration)
    .WithReference(territory);

var penalty = builder.AddCustomerProtectionService<Projects.CustomerProtection_Penalty>(
        ResourceNames.Penalty, infrastructure, settings, transport, replicas)
    .WithReference(registration) // asks Registration each caller's account state (C-7, C-9), as every service does
    .WithReference(territory);

// Territory's monthly report asks Penalty for its violation figures (Penalty's ledger is their one source).
territory.WithReference(penalty);

// The notices by e-mail (docs/notifications.md): through the configured SMTP relay, or (Development only) smtp4dev's inbox started here.
var notifications = builder.AddCustomerProtectionService<Projects.CustomerProtection_Notifications>(
        ResourceNames.Notifications, infrastructure, settings, transport, replicas)
    .WithReference(registration); // asks Registration each caller's account state (C-7, C-9), as every service does
IResourceBuilder<ExecutableResource>? smtp4dev;
try
{
    smtp4dev = notifications.WithSmtp(builder.Configuration, infrastructure.Data);
}
catch (InfrastructureSetupException ex) when (Assembly.GetEntryAssembly() == typeof(Program).Assembly)
{
    await Console.Error.WriteLineAsync(ex.Message);
    return 1;
}

// The services' gRPC addresses in <data>/services.json, where cpctl looks for a running system.
if (infrastructure.Data is { } data)
{
    var addresses = new ServiceAddressFile(data.Root);
    if (smtp4dev is not null)
    {
        addresses.TrackInbox(smtp4dev, Smtp4dev.InboxEndpoint);
    }

    foreach (var service in new[] { registration, territory, arbitration, penalty, notifications })
    {
        addresses.Track(service);
    }
}

await builder.Build().RunAsync();
return 0;
