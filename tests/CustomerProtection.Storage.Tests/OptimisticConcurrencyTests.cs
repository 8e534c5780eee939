using CustomerProtection.Policy.Errors;

namespace CustomerProtection.Storage.Tests;

/// <summary>The one conflict retry: how many attempts, which refusals are tried again, what a final one throws.</summary>
public sealed class OptimisticConcurrencyTests
{
    private static readonly ChangeResult Moved = new(ChangeFailure.VersionMoved, "2", "t:{a}");
    private static readonly ChangeResult Capped = new(ChangeFailure.CapReached, "3", "t:{held}");

    [Fact]
    public async Task A_conflict_is_decided_again_until_the_change_applies()
    {
        var attempts = 0;

        var value = await OptimisticConcurrency.RetryAsync(() => Task.FromResult(++attempts < 3 ? (Moved, 0) : (ChangeResult.Applied, attempts)));

        Assert.Equal(3, value);
    }

    [Fact]
    public async Task The_last_attempts_conflict_throws_naming_the_key()
    {
        var attempts = 0;

        var error = await Assert.ThrowsAsync<ConcurrencyConflictException>(() =>
            OptimisticConcurrency.RetryAsync(() => Task.FromResult((Moved, ++attempts)), attempts: 4));

        Assert.Equal(4, attempts);
        Assert.Contains("(t:{a})", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_refusal_not_retried_is_final_at_once_and_throws_what_the_caller_says()
    {
        var attempts = 0;

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => OptimisticConcurrency.RetryAsync(
            () => Task.FromResult((Capped, ++attempts)),
            retryOn: r => r.Failure == ChangeFailure.VersionMoved,
            refusal: r => new InvalidOperationException(r.Failure + " " + r.Number)));

        Assert.Equal((1, "CapReached 3"), (attempts, error.Message));
    }

    [Fact]
    public async Task TryAsync_returns_the_final_refusal_with_its_attempts_answer()
    {
        var attempts = 0;

        var (result, value) = await OptimisticConcurrency.TryAsync(() => Task.FromResult((++attempts < 2 ? Moved : Capped, attempts)),
            retryOn: r => r.Failure != ChangeFailure.CapReached);

        Assert.Equal((ChangeFailure.CapReached, 2), (result.Failure, value));
    }

    [Fact]
    public void ConflictRetry_is_final_when_applied_when_not_retried_or_at_the_last_attempt()
    {
        var retry = new ConflictRetry(3);

        Assert.False(retry.IsFinal(Moved));
        Assert.False(retry.IsFinal(Moved));
        Assert.True(retry.IsFinal(Moved));
        Assert.True(new ConflictRetry(3).IsFinal(ChangeResult.Applied));
        Assert.True(new ConflictRetry(3).IsFinal(Capped, r => r.Failure == ChangeFailure.VersionMoved));
    }
}
