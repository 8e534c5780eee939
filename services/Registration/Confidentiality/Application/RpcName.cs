namespace CustomerProtection.Registration.Confidentiality.Application;

/// <summary>
/// Which RPC a use case runs under, for the audit log (C-5: "via which RPC"): the gRPC method of the
/// current request ("Customers/GetCustomer"), or "background" for consumers and workers. Taken from
/// the request itself, so use cases need no transport parameter.
/// </summary>
public sealed class RpcName(IHttpContextAccessor? accessor)
{
    public const string Background = "background";

    public string Current
    {
        get
        {
            // gRPC paths are "/customerprotection.registration.v1.Customers/GetCustomer".
            var path = accessor?.HttpContext?.Request.Path.Value;
            if (string.IsNullOrEmpty(path))
            {
                return Background;
            }

            var dot = path.LastIndexOf('.');
            return dot >= 0 ? path[(dot + 1)..] : path.TrimStart('/');
        }
    }
}
