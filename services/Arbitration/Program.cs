using CustomerProtection;
using CustomerProtection.ServiceDefaults.Messaging;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults(ResourceNames.Arbitration);
builder.AddMessaging(ResourceNames.Arbitration);

var app = builder.Build();

app.MapDefaultEndpoints();

app.Run();
