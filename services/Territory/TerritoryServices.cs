using CustomerProtection.Territory.Application;
using CustomerProtection.Territory.Persistence;

namespace CustomerProtection.Territory;

public static class TerritoryServices
{
    /// <summary>Territory's own parts: the directory store and its use cases.</summary>
    public static IHostApplicationBuilder AddTerritoryServices(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<DirectoryStore>();
        builder.Services.AddSingleton<ManageRegions>();
        builder.Services.AddSingleton<ManageBranches>();
        builder.Services.AddSingleton<ManageEmployees>();
        builder.Services.AddSingleton<ManageDealers>();
        builder.Services.AddSingleton<ImportOrganization>();
        builder.Services.AddSingleton<QueryDirectory>();
        return builder;
    }
}
