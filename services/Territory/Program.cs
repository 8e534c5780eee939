using CustomerProtection;
using CustomerProtection.Messaging;
using CustomerProtection.Territory;
using CustomerProtection.Territory.Consumers;
using CustomerProtection.Territory.Grpc;
using CustomerProtection.Territory.Reports;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults(ResourceNames.Territory);
builder.AddPolicyInForce();
builder.AddMessaging(ResourceNames.Territory, bus =>
{
    bus.AddConsumer<PerformanceCreditDecidedConsumer>();
    bus.AddConsumer<SeriousCaseDeclaredConsumer>();
    bus.AddConsumer<ViolationConfirmedConsumer>();
    bus.AddConsumer<FineConfirmedConsumer>();
    bus.AddReportConsumers();
});
builder.AddTerritoryServices();
builder.AddReports();

var app = builder.Build();

app.MapDefaultEndpoints();
app.MapPolicyInForce();
app.MapGrpcService<OrganizationDirectoryService>();
app.MapGrpcService<SalesLedgerService>();
app.MapGrpcService<CrossRegionRequestsService>();
app.MapGrpcService<PricingService>();
app.MapGrpcService<OpportunitiesService>();
app.MapGrpcService<CustomerGroupsService>();
app.MapGrpcService<DealerReviewsService>();
app.MapGrpcService<ReportsService>();

app.Run();
