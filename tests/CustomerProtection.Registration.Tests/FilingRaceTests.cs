using CustomerProtection.Registration.Domain;
using CustomerProtection.Registration.Persistence;
using CustomerProtection.Policy.Errors;
using CustomerProtection.Testing;
using Grpc.Core;

namespace CustomerProtection.Registration.Tests;

/// <summary>
/// P-9.1 under contention, on a real redis-server: the identity reservation and the customer are one
/// Lua step, so of any number of concurrent filings of one identity exactly one wins and every loser
/// is told who won.
/// </summary>
public sealed class FilingRaceTests(RedisServer redis) : IClassFixture<RedisServer>, IAsyncLifetime
{
    private const int Filers = 64;
    private const int Rounds = 100;
    private static readonly string[] Salespeople = [.. Enumerable.Range(1, Filers).Select(i => $"S{i:00}")];
    private readonly Harness _h = new(redis);

    public async Task InitializeAsync()
    {
        await redis.FlushAsync();
        await _h.SeedBranchAsync("B-SH", autoApprove: false, Salespeople);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task P9_1_of_64_concurrent_filings_of_one_identity_exactly_one_wins_every_time_and_the_losers_name_the_winner()
    {
        var wins = new Dictionary<string, int>();
        for (var round = 0; round < Rounds; round++)
        {
            var taxpayerId = Harness.NewTaxpayerId();
            using var go = new ManualResetEventSlim();
            var attempts = Salespeople.Select(s => Task.Run(async () =>
            {
                go.Wait();
                try
                {
                    return (s, Won: (Customer?)(await _h.File.ExecuteAsync(Harness.Salesperson(s), Harness.Filing($"竞争客户{round}有限公司", taxpayerId))).Customer.Value, Lost: (PolicyRefusalException?)null);
                }
                catch (PolicyRefusalException refusal)
                {
                    return (s, Won: null, Lost: refusal);
                }
            })).ToList();
            go.Set();
            var results = await Task.WhenAll(attempts);

            var winner = Assert.Single(results, r => r.Won is not null);
            var losers = results.Where(r => r.Lost is not null).ToList();
            Assert.Equal(Filers - 1, losers.Count);
            Assert.All(losers, l =>
            {
                Assert.Equal(RefusalCode.AlreadyExists, l.Lost!.Code);
                Assert.Equal("P-9.1", l.Lost.RuleId);
                Assert.Equal(winner.s, l.Lost.Metadata["ownerId"]);
                Assert.Equal(winner.Won!.Id, l.Lost.Metadata["customerId"]);
                Assert.Equal("B-SH", l.Lost.Metadata["branchId"]);
            });
            Assert.Equal(winner.Won!.Id, await _h.Store.IdentityAsync("uscc:" + taxpayerId));
            Assert.Single(await _h.Store.HistoryAsync(winner.Won.Id));
            wins[winner.s] = wins.GetValueOrDefault(winner.s) + 1;
        }

        // One customer per identity, held by its winner only: no loser wrote anything.
        Assert.Equal(Rounds, (await _h.Store.BranchCustomerIdsAsync("B-SH", null, 10 * Rounds)).Count);
        Assert.Equal(Rounds, await _h.Db.SortedSetLengthAsync(RegistrationKeys.BranchPending("B-SH")));
        foreach (var s in Salespeople)
        {
            Assert.Equal(wins.GetValueOrDefault(s), await _h.Db.SortedSetLengthAsync(RegistrationKeys.OwnerCustomers(s)));
        }
    }
}
