using Grpc.AspNetCore.Server;

namespace CustomerProtection.Registration.Confidentiality.Application;

/// <summary>
/// Which RPC a use case runs under, for the audit log (C-5: "via which RPC"): the gRPC method of the
/// current request ("Customers/GetCustomer"), or "background" for consumers and workers. Taken from
/// the request itself, so use cases need no transport parameter.
/// </summary>
public sealed class RpcName(IHttpContextAccessor? accessor)
{
    public const string Background = "background";

    /// <summary>
    /// From the endpoint's gRPC method, which a gRPC call and its JSON form (docs/api.md) both carry: the request path
    /// would name a JSON call by its route ("v1/customers/1001") and so hide which RPC read the data.
    /// </summary>
    public string Current
    {
        get
        {
            // ServiceName is "customerprotection.registration.v1.Customers": the entry keeps the service's own name.
            var method = accessor?.HttpContext?.GetEndpoint()?.Metadata.GetMetadata<GrpcMethodMetadata>()?.Method;
            return method is null ? Background : $"{method.ServiceName[(method.ServiceName.LastIndexOf('.') + 1)..]}/{method.Name}";
        }
    }
}
