using CustomerProtection.Policy.Errors;
using CustomerProtection.Testing;
using StackExchange.Redis;

namespace CustomerProtection.Storage.Tests;

/// <summary>
/// docs/api.md's server ids on a real redis-server: with a request_id the id is the caller's and the key's, so the
/// create's atomic step (expecting the record absent) applies once; the derivation is the one Territory stored its
/// ids under, so those records are still found.
/// </summary>
public sealed class ServerIdsTests(RedisServer redis) : IClassFixture<RedisServer>, IAsyncLifetime
{
    private readonly RedisOutbox _outbox = new("ids");

    public Task InitializeAsync() => redis.FlushAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    private string Key(string id) => $"t:{{{RedisTargets.HashTagOf(_outbox.StreamKey)}}}:{id}";

    private Task<ChangeResult> CreateAsync(string id, string content) =>
        new AtomicChange().Expect(Key(id), 0).Put(Key(id), 1, content).CommitAsync(redis.Connection.GetDatabase(), _outbox);

    [Fact]
    public async Task Api_ids_a_create_retried_with_its_request_id_lands_on_the_same_id_and_applies_once()
    {
        var first = ServerIds.New("XR-", "S-001", "retry-1");
        var again = ServerIds.New("XR-", "S-001", "retry-1");

        Assert.True((await CreateAsync(first, "first")).Succeeded);
        Assert.False((await CreateAsync(again, "second")).Succeeded);
        Assert.Equal(first, again);
        Assert.Equal(["first"], (await redis.Connection.GetDatabase().HashValuesAsync(Key(first))).Select(v => (string)v!).Where(v => v is "first" or "second"));
    }

    [Fact]
    public void Api_ids_the_derivation_is_Territorys_so_its_stored_ids_are_found_and_other_callers_or_keys_differ()
    {
        Assert.Equal("XR-634e69b61b054b55af1f9b89", ServerIds.New("XR-", "S-001", "retry-1"));
        Assert.NotEqual(ServerIds.New("XR-", "S-001", "retry-1"), ServerIds.New("XR-", "S-002", "retry-1"));
        Assert.NotEqual(ServerIds.New("XR-", "S-001", null), ServerIds.New("XR-", "S-001", null));
        Assert.Matches("^case-[0-9a-f]{24}$", ServerIds.New("case-", "S-001", null));
    }

    [Fact]
    public void Api_ids_a_request_id_over_64_characters_is_invalid_on_request_id()
    {
        var violations = new List<FieldViolation>();

        ServerIds.CheckRequestId(violations, new string('r', 64));
        ServerIds.CheckRequestId(violations, new string('r', 65));

        Assert.Equal("request_id", Assert.Single(violations).Field);
        Assert.Equal("request_id", ServerIds.ReusedRequestId("XR-1").Violations.Single().Field);
    }
}
