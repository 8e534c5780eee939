using CustomerProtection;
using CustomerProtection.Penalty;
using CustomerProtection.Penalty.Consumers;
using CustomerProtection.Penalty.Grpc;
using CustomerProtection.Messaging;
using MassTransit;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults(ResourceNames.Penalty);
builder.AddPolicyInForce();
builder.AddMessaging(ResourceNames.Penalty, bus => bus.AddConsumers(typeof(ViolationDetectedConsumer).Assembly));
builder.AddPenaltyServices();

var app = builder.Build();

app.MapDefaultEndpoints();
app.MapPolicyInForce();
app.MapGrpcService<PenaltiesService>();

app.Run();
