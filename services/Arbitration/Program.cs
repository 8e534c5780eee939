using CustomerProtection;
using CustomerProtection.Arbitration;
using CustomerProtection.Arbitration.Consumers;
using CustomerProtection.Arbitration.Grpc;
using CustomerProtection.Messaging;
using MassTransit;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults(ResourceNames.Arbitration);
builder.AddPolicyInForce();
builder.AddMessaging(ResourceNames.Arbitration, bus =>
{
    bus.AddConsumer<SaleRecordedConsumer>();
    bus.AddConsumer<OwnershipAwardRefusedConsumer>();
    bus.AddConsumer<SurveyLowScoreConsumer>();
});
builder.AddArbitrationServices();

var app = builder.Build();

app.MapDefaultEndpoints();
app.MapPolicyInForce();
app.MapGrpcService<CasesService>();
app.MapGrpcService<CustomerComplaintsService>();

app.Run();
