using CustomerProtection;
using CustomerProtection.ServiceDefaults.Messaging;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults(ResourceNames.Penalty);
builder.AddMessaging(ResourceNames.Penalty);

var app = builder.Build();

app.MapDefaultEndpoints();

app.Run();
