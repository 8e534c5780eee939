using CustomerProtection.Registration.V1;
using Grpc.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace CustomerProtection.ServiceDefaults.Security;

/// <summary>
/// The account state of every service but Registration: asked of Registration (AccountAccess), which keeps
/// the one record, under the service's own token. An answer is used for at most <see cref="AccountStateOptions.MaxAge"/>
/// (1 s): a freeze or a departure takes effect everywhere within a second of Registration recording it.
/// Concurrent calls of one account share one question. When Registration cannot answer, the last answer is
/// used for up to <see cref="AccountStateOptions.Grace"/> — no freeze or departure can be recorded while
/// Registration is not answering — and after that the call fails Unavailable rather than let an account
/// of unknown state in. Ages are real time (<see cref="TimeProvider.System"/>), not the policy clock that
/// tests move by days.
/// </summary>
public sealed class RegistrationAccountStates(AccountAccess.AccountAccessClient registration, AccountStateOptions options, TimeProvider time) : IAccountStates
{
    /// <summary>Beyond this many accounts, answers older than the grace are dropped when a new one is asked.</summary>
    private const int PruneAbove = 10_000;

    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    public async ValueTask<AccountState> GetAsync(string employeeId, CancellationToken cancellationToken)
    {
        var entry = Current(employeeId);
        try
        {
            return await entry.Answer.WaitAsync(cancellationToken);
        }
        catch (RpcException ex) when (!cancellationToken.IsCancellationRequested)
        {
            if (entry.Known is { } known && time.GetElapsedTime(entry.KnownAt) <= options.Grace)
            {
                return known;
            }

            throw new RpcException(new Status(StatusCode.Unavailable,
                $"无法确认账号 {employeeId} 的状态（登记服务未应答）/ cannot check account {employeeId} (C-7, C-9): Registration did not answer ({ex.StatusCode})"));
        }
    }

    private Entry Current(string employeeId)
    {
        lock (_gate)
        {
            var now = time.GetTimestamp();
            if (_entries.TryGetValue(employeeId, out var entry) && time.GetElapsedTime(entry.AskedAt, now) <= options.MaxAge)
            {
                return entry;
            }

            if (_entries.Count > PruneAbove)
            {
                foreach (var stale in _entries.Where(e => time.GetElapsedTime(e.Value.AskedAt, now) > options.Grace).Select(e => e.Key).ToList())
                {
                    _entries.Remove(stale);
                }
            }

            var (known, knownAt) = entry is null ? (null, 0L) : entry.Answer.IsCompletedSuccessfully ? (entry.Answer.Result, entry.AskedAt) : (entry.Known, entry.KnownAt);
            var next = new Entry(AskAsync(employeeId), now, known, knownAt);
            _entries[employeeId] = next;
            return next;
        }
    }

    private async Task<AccountState> AskAsync(string employeeId)
    {
        using var timeout = new CancellationTokenSource(options.Timeout, time);
        try
        {
            var answer = await registration.GetAccountAccessAsync(new GetAccountAccessRequest { EmployeeId = employeeId }, cancellationToken: timeout.Token);
            return answer.Status switch
            {
                AccountStatus.Active => AccountState.Active(employeeId),
                AccountStatus.Frozen => new AccountState(employeeId, false, [.. answer.IncidentIds]),
                AccountStatus.Left => new AccountState(employeeId, true, []),
                _ => throw new RpcException(new Status(StatusCode.Internal, $"Registration answered account status {answer.Status}")),
            };
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            throw new RpcException(new Status(StatusCode.DeadlineExceeded, $"no answer within {options.Timeout.TotalSeconds:0.#} s"));
        }
    }

    private sealed record Entry(Task<AccountState> Answer, long AskedAt, AccountState? Known, long KnownAt);
}

/// <summary>Section <c>Security:AccountState</c>: how old an account state may be, how long the last one serves while Registration does not answer, and how long to wait for it.</summary>
public sealed record AccountStateOptions(TimeSpan MaxAge, TimeSpan Grace, TimeSpan Timeout)
{
    public const string Section = "Security:AccountState";

    public static AccountStateOptions From(IConfiguration configuration)
    {
        var section = configuration.GetSection(Section);
        var options = new AccountStateOptions(
            section.GetValue("MaxAge", TimeSpan.FromSeconds(1)),
            section.GetValue("Grace", TimeSpan.FromSeconds(30)),
            section.GetValue("Timeout", TimeSpan.FromSeconds(5)));
        return options.MaxAge > TimeSpan.Zero && options.MaxAge <= TimeSpan.FromSeconds(1) && options.Grace >= TimeSpan.Zero && options.Timeout > TimeSpan.Zero
            ? options
            : throw new InvalidOperationException($"{Section}: MaxAge must be over 0 and at most 1 s (C-7, C-9: within a second), Grace at least 0, Timeout over 0 (is {options}).");
    }
}

public static class AccountStateExtensions
{
    /// <summary>
    /// Every service but Registration: account states from Registration's AccountAccess, under the service
    /// account (<see cref="ServiceCalls.AddServiceAccount"/>, which the service must have added). A client
    /// with the standard resilience pipeline: a retry may reach another Registration replica.
    /// </summary>
    public static IHostApplicationBuilder AddAccountStatesFromRegistration(this IHostApplicationBuilder builder)
    {
        var address = TransportSecurity.GrpcAddress(builder.Configuration, CustomerProtection.ResourceNames.Registration);
        builder.Services.AddGrpcClient<AccountAccess.AccountAccessClient>(o => o.Address = address).ActAsTheService();
        var options = AccountStateOptions.From(builder.Configuration);
        builder.Services.AddSingleton<IAccountStates>(services => new RegistrationAccountStates(
            services.GetRequiredService<AccountAccess.AccountAccessClient>(), options, TimeProvider.System));
        return builder;
    }
}
