using CustomerProtection.ServiceDefaults.Security;
using CustomerProtection.Registration.Confidentiality.Application;
using CustomerProtection.Registration.Confidentiality.Crypto;
using CustomerProtection.Registration.Confidentiality.Grpc;
using CustomerProtection.Registration.Confidentiality.Persistence;
using CustomerProtection.Registration.Confidentiality.Persistence.Audit;
using CustomerProtection.Registration.Confidentiality.Workers;
using CustomerProtection.Registration.Grpc;
using CustomerProtection.ServiceDefaults.Encryption;

namespace CustomerProtection.Registration.Confidentiality;

public static class ConfidentialityServices
{
    /// <summary>
    /// Confidential customer data (C-1..C-10): the key ring from configuration (the service does not
    /// start without one: it never stores confidential data in clear), the envelope store, the audit
    /// log and its chainer, the key-rotation pass, access grants, consent, incidents and offboarding,
    /// and the record of frozen and departed accounts that every RPC of every service checks (C-7, C-9).
    /// </summary>
    public static IHostApplicationBuilder AddConfidentiality(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton(KeyRing.FromConfiguration(builder.Configuration));
        builder.Services.AddOptions<GrantOptions>().BindConfiguration(GrantOptions.SectionName, o => o.ErrorOnUnknownConfiguration = true)
            .Validate(o => o.DefaultDays >= 1 && o.MaxDays >= o.DefaultDays, "Confidentiality:Grants needs 1 <= DefaultDays <= MaxDays")
            .ValidateOnStart();
        builder.Services.AddHttpContextAccessor();
        builder.Services.AddSingleton(sp => new RpcName(sp.GetRequiredService<IHttpContextAccessor>()));

        builder.Services.AddSingleton<ConfidentialStore>();
        builder.Services.AddSingleton<ConfidentialWriter>();
        builder.Services.AddSingleton<DocumentStore>();
        builder.Services.AddSingleton<AuditLog>();
        builder.Services.AddSingleton<AccountBlocks>();
        builder.Services.AddSingleton<IAccountStates>(services => services.GetRequiredService<AccountBlocks>());
        builder.Services.AddSingleton<KeyRotation>();

        builder.Services.AddSingleton<ConfidentialAccess>();
        builder.Services.AddSingleton<AccessRequests>();
        builder.Services.AddSingleton<CustomerDataCare>();
        builder.Services.AddSingleton<LeakIncidents>();
        builder.Services.AddSingleton<EndLeaverAccess>();
        builder.Services.AddSingleton<AuditQueries>();

        builder.Services.AddHostedService<AuditChainWorker>();
        builder.Services.AddHostedService<KeyRotationWorker>();

        return builder;
    }

    public static WebApplication MapConfidentiality(this WebApplication app)
    {
        app.MapGrpcService<AccessGrantsService>();
        app.MapGrpcService<CustomerDataService>();
        app.MapGrpcService<AuditService>();
        app.MapGrpcService<IncidentsService>();
        app.MapGrpcService<AccountAccessService>();
        return app;
    }
}
