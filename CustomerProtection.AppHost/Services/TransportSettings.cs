using Microsoft.Extensions.Configuration;
using CustomerProtection.AppHost.Infrastructure;

namespace CustomerProtection.AppHost.Services;

/// <summary>
/// C-4 in transit: with a certificate (PEM files, <see cref="SharedConfigKeys.TransportCertificatePath"/> and
/// <see cref="SharedConfigKeys.TransportCertificateKeyPath"/>), every service's gRPC endpoint is https and the services
/// call each other over it; <see cref="SharedConfigKeys.TransportCaCertificatePath"/> names a private CA they trust.
/// Without one (a developer's machine) gRPC is h2c, and the services refuse that outside Development.
/// </summary>
internal sealed record TransportSettings(string? CertificatePath, string? KeyPath, string? CaPath)
{
    public bool Tls => CertificatePath is not null;

    public static TransportSettings FromConfiguration(IConfiguration configuration)
    {
        var certificate = ExistingFile(configuration, SharedConfigKeys.TransportCertificatePath);
        var key = ExistingFile(configuration, SharedConfigKeys.TransportCertificateKeyPath);
        var ca = ExistingFile(configuration, SharedConfigKeys.TransportCaCertificatePath);
        if (certificate is null && (key is not null || ca is not null))
        {
            throw new InfrastructureSetupException(
                $"{SharedConfigKeys.TransportCertificateKeyPath} or {SharedConfigKeys.TransportCaCertificatePath} is set without {SharedConfigKeys.TransportCertificatePath}.");
        }

        return new(certificate, key, ca);
    }

    private static string? ExistingFile(IConfiguration configuration, string key)
    {
        if (configuration[key] is not { Length: > 0 } path)
        {
            return null;
        }

        var full = Path.GetFullPath(path);
        return File.Exists(full) ? full : throw new InfrastructureSetupException($"{key}: {full} does not exist.");
    }
}
