using Grpc.Core;

namespace CustomerProtection.Territory.Clients;

/// <summary>
/// One call to Registration, bounded by <c>Territory:RegistrationTimeout</c> (default 5 s). The
/// Registration clients carry no resilience pipeline and no per-request logging (TerritoryServices):
/// a call that fails or does not answer in time fails the request with <c>Unavailable</c>, and the
/// caller asks again (RecordSale is idempotent by sale id). The timer is the TimeProvider's.
/// </summary>
public sealed class RegistrationCalls(TimeProvider time, TimeSpan timeout)
{
    public const string TimeoutKey = "Territory:RegistrationTimeout";
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(5);

    public async Task<T> CallAsync<T>(Func<CancellationToken, Task<T>> call, CancellationToken cancellationToken)
    {
        using var timer = new CancellationTokenSource(timeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timer.Token);
        try
        {
            return await call(linked.Token);
        }
        catch (RpcException ex) when (ex.StatusCode == StatusCode.Cancelled && timer.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new RpcException(new Status(StatusCode.Unavailable,
                $"登记服务 {timeout.TotalSeconds:0.#} 秒内未应答 / Registration did not answer within {timeout.TotalSeconds:0.#} s"));
        }
    }
}
