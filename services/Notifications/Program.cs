using CustomerProtection;
using CustomerProtection.Messaging;
using CustomerProtection.Notifications;
using CustomerProtection.Notifications.Consumers;
using CustomerProtection.Notifications.Grpc;
using MassTransit;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults(ResourceNames.Notifications);
builder.AddPolicyInForce();
builder.AddMessaging(ResourceNames.Notifications, bus => bus.AddConsumers(typeof(ProtectionReminderDueConsumer).Assembly));
builder.AddNotificationServices();

var app = builder.Build();

app.MapDefaultEndpoints();
app.MapPolicyInForce();
app.MapGrpcService<NotificationsService>();

app.Run();
