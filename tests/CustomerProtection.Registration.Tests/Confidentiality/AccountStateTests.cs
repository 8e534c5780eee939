using CustomerProtection.Policy.Errors;
using CustomerProtection.Registration.V1;
using CustomerProtection.ServiceDefaults.Security;
using Grpc.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Time.Testing;

namespace CustomerProtection.Registration.Tests.Confidentiality;

/// <summary>
/// C-7, C-9 in the services other than Registration (RegistrationAccountStates): an account's state is asked
/// of Registration and used for at most a second, so a freeze or a departure takes effect everywhere within
/// a second; concurrent calls share one question; while Registration does not answer, the last answer serves
/// for the grace and then the call fails Unavailable. Registration itself is played by a client whose answer
/// the test sets; the end-to-end AccountAccessTests run the real thing.
/// </summary>
public sealed class AccountStateTests
{
    private static readonly AccountStateOptions Options = new(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(5));

    private readonly FakeTimeProvider _time = new(DateTimeOffset.Parse("2026-12-06T08:00:00Z"));
    private readonly ScriptedRegistration _registration = new();

    private RegistrationAccountStates States() => new(_registration, Options, _time);

    [Fact]
    public async Task C7_a_freeze_takes_effect_once_the_answer_is_a_second_old_and_not_before_it_is_asked_again()
    {
        var states = States();
        Assert.True((await states.GetAsync("S1", default)).IsActive);

        _registration.Answer = Frozen("INC-1");
        _time.Advance(TimeSpan.FromMilliseconds(999));
        Assert.True((await states.GetAsync("S1", default)).IsActive);
        Assert.Equal(1, _registration.Asked);

        _time.Advance(TimeSpan.FromMilliseconds(2));
        var frozen = Assert.Throws<PolicyRefusalException>((await states.GetAsync("S1", default)).RequireActive);
        Assert.Equal(("C-7", RefusalCode.PermissionDenied, "INC-1"), (frozen.RuleId, frozen.Code, frozen.Metadata["incidentIds"]));
        Assert.Equal(2, _registration.Asked);
    }

    [Fact]
    public async Task C9_a_departed_account_is_refused_with_C9_and_each_account_is_asked_for_itself()
    {
        var states = States();
        _registration.Answer = new AccountAccessState { Status = AccountStatus.Left };
        Assert.Equal("C-9", Assert.Throws<PolicyRefusalException>((await states.GetAsync("S9", default)).RequireActive).RuleId);
        await states.GetAsync("S8", default);
        Assert.Equal(["S9", "S8"], _registration.AskedFor);
    }

    [Fact]
    public async Task C7_concurrent_calls_of_one_account_share_one_question()
    {
        var states = States();
        var pending = new TaskCompletionSource<AccountAccessState>();
        _registration.Next = pending.Task;
        var calls = Enumerable.Range(0, 20).Select(_ => states.GetAsync("S1", default).AsTask()).ToList();
        pending.SetResult(new AccountAccessState { Status = AccountStatus.Active });
        Assert.All(await Task.WhenAll(calls), s => Assert.True(s.IsActive));
        Assert.Equal(1, _registration.Asked);
    }

    [Fact]
    public async Task C7_while_registration_does_not_answer_the_last_answer_serves_for_the_grace_then_the_call_is_unavailable()
    {
        var states = States();
        _registration.Answer = Frozen("INC-2");
        await states.GetAsync("S1", default);

        _registration.Failure = new RpcException(new Status(StatusCode.Unavailable, "registration is down"));
        _time.Advance(TimeSpan.FromSeconds(29));
        Assert.Equal(["INC-2"], (await states.GetAsync("S1", default)).FrozenBy);

        _time.Advance(TimeSpan.FromSeconds(2));
        var unavailable = await Assert.ThrowsAsync<RpcException>(() => states.GetAsync("S1", default).AsTask());
        Assert.Equal(StatusCode.Unavailable, unavailable.StatusCode);
        Assert.Equal(StatusCode.Unavailable, (await Assert.ThrowsAsync<RpcException>(() => states.GetAsync("never-seen", default).AsTask())).StatusCode);
    }

    [Theory]
    [InlineData("00:00:01.001", "00:00:30", "00:00:05")]
    [InlineData("00:00:00", "00:00:30", "00:00:05")]
    [InlineData("00:00:01", "-00:00:01", "00:00:05")]
    public void C7_the_configured_age_of_an_answer_may_not_exceed_a_second(string maxAge, string grace, string timeout)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            [$"{AccountStateOptions.Section}:MaxAge"] = maxAge,
            [$"{AccountStateOptions.Section}:Grace"] = grace,
            [$"{AccountStateOptions.Section}:Timeout"] = timeout,
        }).Build();
        Assert.Throws<InvalidOperationException>(() => AccountStateOptions.From(configuration));
    }

    private static AccountAccessState Frozen(params string[] incidents) => new() { Status = AccountStatus.Frozen, IncidentIds = { incidents } };

    /// <summary>Registration's AccountAccess as the test scripts it: an answer, a pending answer, or a failure; it counts the questions.</summary>
    private sealed class ScriptedRegistration : AccountAccess.AccountAccessClient
    {
        public AccountAccessState Answer { get; set; } = new() { Status = AccountStatus.Active };

        public Task<AccountAccessState>? Next { get; set; }

        public RpcException? Failure { get; set; }

        public List<string> AskedFor { get; } = [];

        public int Asked => AskedFor.Count;

        public override AsyncUnaryCall<AccountAccessState> GetAccountAccessAsync(GetAccountAccessRequest request, CallOptions options)
        {
            AskedFor.Add(request.EmployeeId);
            var answer = Failure is { } failure ? Task.FromException<AccountAccessState>(failure)
                : Next ?? Task.FromResult(Answer.Clone());
            Next = null;
            return new AsyncUnaryCall<AccountAccessState>(answer, Task.FromResult(new Metadata()), () => Status.DefaultSuccess, () => [], () => { });
        }
    }
}
