using CustomerProtection;
using CustomerProtection.Registration;
using CustomerProtection.Registration.Confidentiality;
using CustomerProtection.Registration.Consumers;
using CustomerProtection.Registration.Grpc;
using CustomerProtection.Registration.Maintenance;
using CustomerProtection.Messaging;
using MassTransit;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults(ResourceNames.Registration);
builder.AddPolicyInForce();
builder.AddMessaging(ResourceNames.Registration, bus => bus.AddConsumers(typeof(EmployeeJoinedConsumer).Assembly));
builder.AddRegistrationServices();

var app = builder.Build();

app.MapDefaultEndpoints();
app.MapPolicyInForce();
app.MapGrpcService<OrganizationReplicaService>();
app.MapGrpcService<CustomersService>();
app.MapGrpcService<OwnershipService>();
app.MapConfidentiality();
app.MapCustomerMaintenance();

app.Run();
