using CustomerProtection.Registration.Persistence;

namespace CustomerProtection.Registration;

public static class RegistrationServices
{
    public static IHostApplicationBuilder AddRegistrationServices(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<OrganizationReplicaStore>();
        return builder;
    }
}
