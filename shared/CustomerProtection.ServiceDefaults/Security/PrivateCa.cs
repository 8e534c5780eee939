using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace CustomerProtection;

/// <summary>
/// C-4 in transit: a server certificate checked against the private CA of <c>Transport:CaCertificatePath</c>
/// (the services' gRPC calls, Redis, RabbitMQ, and the AppHost's health checks of the last two): the whole
/// chain must end at that CA and the host name must match; nothing is ever accepted unchecked.
/// </summary>
#if APPHOST
internal
#else
public
#endif
static class PrivateCa
{
    public static X509ChainPolicy ChainPolicy(X509Certificate2 ca) => new()
    {
        TrustMode = X509ChainTrustMode.CustomRootTrust,
        CustomTrustStore = { ca },
        // A private CA publishes no revocation list here; the chain and the host name are still checked.
        RevocationMode = X509RevocationMode.NoCheck,
    };

    /// <summary>For TLS clients that take a callback (StackExchange.Redis, RabbitMQ.Client, MassTransit).</summary>
    public static RemoteCertificateValidationCallback Validator(string caPath)
    {
        var ca = X509Certificate2.CreateFromPem(File.ReadAllText(caPath));
        return (_, certificate, _, errors) =>
        {
            if (certificate is null || (errors & (SslPolicyErrors.RemoteCertificateNameMismatch | SslPolicyErrors.RemoteCertificateNotAvailable)) != 0)
            {
                return false;
            }

            using var chain = new X509Chain { ChainPolicy = ChainPolicy(ca) };
            return chain.Build(certificate as X509Certificate2 ?? X509CertificateLoader.LoadCertificate(certificate.GetRawCertData()));
        };
    }
}
