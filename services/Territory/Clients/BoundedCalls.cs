using Grpc.Core;

namespace CustomerProtection.Territory.Clients;

/// <summary>
/// One call to another service, bounded by a timeout (default 5 s). Those clients carry no resilience pipeline
/// and no per-request logging (TerritoryServices): a call that fails or does not answer in time fails the
/// request with <c>Unavailable</c> naming the service, and the caller asks again. The timer is the TimeProvider's.
/// </summary>
public abstract class BoundedCalls(TimeProvider time, TimeSpan timeout, string chineseName, string englishName)
{
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
                $"{chineseName} {timeout.TotalSeconds:0.#} 秒内未应答 / {englishName} did not answer within {timeout.TotalSeconds:0.#} s"));
        }
        catch (RpcException ex) when (ex.StatusCode is StatusCode.Unavailable or StatusCode.DeadlineExceeded)
        {
            // The client's own words name an address, not the service: the caller is told which one to wait for.
            throw new RpcException(new Status(StatusCode.Unavailable, $"{chineseName}暂不可用，请稍后重试 / {englishName} is unavailable for the moment: retry"));
        }
    }
}

/// <summary>Calls to Registration (<c>Territory:RegistrationTimeout</c>); RecordSale is idempotent by sale id, so a retry is safe.</summary>
public sealed class RegistrationCalls(TimeProvider time, TimeSpan timeout) : BoundedCalls(time, timeout, "登记服务", "Registration")
{
    public const string TimeoutKey = "Territory:RegistrationTimeout";
}

/// <summary>Calls to Penalty (<c>Territory:PenaltyTimeout</c>): the monthly report's violation figures are Penalty's.</summary>
public sealed class PenaltyCalls(TimeProvider time, TimeSpan timeout) : BoundedCalls(time, timeout, "处罚服务", "Penalty")
{
    public const string TimeoutKey = "Territory:PenaltyTimeout";
}
