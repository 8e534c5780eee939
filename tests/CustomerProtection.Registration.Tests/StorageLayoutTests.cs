using CustomerProtection.Contracts.Arbitration;
using CustomerProtection.Registration.Confidentiality.Crypto;
using CustomerProtection.Registration.Confidentiality.Domain;
using CustomerProtection.Registration.Confidentiality.Persistence;
using CustomerProtection.Registration.Domain;
using CustomerProtection.Registration.Persistence;
using CustomerProtection.Storage;
using CustomerProtection.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using StackExchange.Redis;

namespace CustomerProtection.Registration.Tests;

/// <summary>
/// The storage layout on a real redis-server (docs/registration.md, memory): data of the earlier layout
/// is moved once at start-up and reads as before; the near-duplicate candidate sets stop growing where
/// the search stops reading them; the due-queue's two levels.
/// </summary>
public sealed class StorageLayoutTests(RedisServer redis) : IClassFixture<RedisServer>, IAsyncLifetime
{
    private readonly Harness _h = new(redis);

    public async Task InitializeAsync()
    {
        await redis.FlushAsync();
        await _h.SeedBranchAsync("B-SH", autoApprove: false, "S1", "S2");
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Data_of_the_earlier_layout_is_moved_once_and_reads_as_before()
    {
        // Layout 1: identity string key, history and progress lists of objects, a set of applied awards, ISO instants.
        const string id = "77";
        const string identity = "uscc:91310000MA1FL8LQ3X";
        await _h.Db.HashSetAsync(RegistrationKeys.Customer(id), [new("v", 3), new("d",
            """{"id":"77","ik":"uscc:91310000MA1FL8LQ3X","t":"上海旧版精工有限公司","cl":"potential","b":"B-SH","r":"R-EAST","s":"protected","o":"S1","on":"销售S1","fb":"S1","fa":"2026-03-09T01:00:00Z","ao":"2026-03-10","ab":"SEC-B-SH","ps":"2026-03-10","rf":"2026-03-10T01:00:00Z"}""")]);
        await _h.Db.StringSetAsync("cp:registration:identity:{" + identity + "}", id);
        await _h.Db.ListRightPushAsync("cp:registration:customer:{77}:history",
        [
            """{"a":"2026-03-09T01:00:00Z","c":"filed","s":"pending_approval","to":"S1","re":"visit","by":"S1"}""",
            """{"a":"2026-03-10T01:00:00Z","c":"approved","s":"protected","to":"S1","by":"SEC-B-SH"}""",
        ]);
        await _h.Db.ListRightPushAsync("cp:registration:customer:{77}:progress",
            """{"k":"visit","d":"2026-03-10","n":"拜访","ev":"V-1","by":"S1","a":"2026-03-10T02:00:00Z"}""");
        await _h.Db.SetAddAsync("cp:registration:customer:{77}:awards", "CASE-OLD");
        // Layout 2: the sealed envelope (C-4) in a key of its own.
        var envelope = _h.Confidential.Seal(id, new ConfidentialRecord(new CustomerContact("老王", "13700001111", null, null), Consent.Implied(_h.Time.GetUtcNow(), "S1")));
        await _h.Db.StringSetAsync("cp:registration:customer:{77}:pii", envelope);
        // An employee copied before branches listed their salespeople.
        await _h.Replica.ApplyAsync(OrganizationReplicaStore.Employee, "S9", 1, new Contracts.Organization.EmployeeSnapshot("S9", "销售S9", "salesperson", "B-SH", "R-EAST", "M-B-SH", "active", null, null));
        var migration = new StorageMigration(redis.Connection, _h.Replica, _h.Clock, NullLogger<StorageMigration>.Instance);

        // Those five keys were written before the service-wide hash tag: moved under it first (as at start-up), …
        Assert.Equal(5, await new KeySpaceMigration(redis.Connection, ResourceNames.Registration, NullLogger<KeySpaceMigration>.Instance).MoveAsync());
        // … then six keys moved, the record with a taxpayer id listed in its title's group (layout 5, P-2.5), and the
        // protected record indexed by the end of its protection (layout 6, P-3.5).
        Assert.Equal(8, await migration.MigrateAsync());
        var title = CustomerProtection.Policy.Identity.InvoiceTitle.Normalize("上海旧版精工有限公司");
        Assert.Equal("77", await _h.Db.HashGetAsync(RegistrationKeys.Identities("title:" + title), RegistrationKeys.TitleGroupField(title)));

        string[] legacy = ["identity:{" + identity + "}", "customer:{77}:history", "customer:{77}:progress", "customer:{77}:awards", "customer:{77}:pii"];
        Assert.Equal(0, await _h.Db.KeyExistsAsync([.. legacy.Select(k => (RedisKey)(KeySpace.LegacyOf(ResourceNames.Registration) + k)),
            .. legacy.Select(k => (RedisKey)(RegistrationKeys.Prefix + k))]));
        var moved = (await _h.Confidential.LoadAsync(id, null)).Value;
        Assert.Equal(envelope, moved);
        Assert.Equal("13700001111", _h.Confidential.Open(id, moved).Record!.Contact.Phone);
        Assert.Equal(id, await _h.Store.IdentityAsync(identity));
        var customer = (await _h.Store.GetAsync(id))!;
        Assert.Equal((3L, new DateTimeOffset(2026, 3, 9, 1, 0, 0, TimeSpan.Zero)), (customer.Version, customer.Value.FiledAt));
        var progress = Assert.Single(await _h.Store.ProgressAsync(id));
        Assert.Equal(("visit", "V-1", new DateTimeOffset(2026, 3, 10, 2, 0, 0, TimeSpan.Zero)), (progress.Kind, progress.Evidence, progress.RecordedAt));

        // New entries come after the moved ones; the award applied before is not applied again.
        await _h.Cases.OpenedAsync(new CaseOpened("CASE-NEW", "objection", id, "S2", "S1", _h.Time.GetUtcNow()));
        Assert.False(await _h.Cases.AwardedAsync(new OwnershipAwarded("CASE-OLD", id, "S2", "S1", [], Resolutions.Decision, "旧裁决", "M-B-SH", _h.Time.GetUtcNow())));
        var history = await _h.Store.HistoryAsync(id);
        Assert.Equal([Changes.Filed, Changes.Approved, Changes.Disputed], history.Select(e => e.Change));
        Assert.Equal(new DateTimeOffset(2026, 3, 9, 1, 0, 0, TimeSpan.Zero), history[0].At);
        Assert.Equal("S1", (await _h.CustomerAsync(id)).OwnerId);
        // Written back in the current format (protobuf behind its marker byte) the first time it changed; the old entries stay JSON and still read.
        var stored = (byte[])(await _h.Db.HashGetAsync(RegistrationKeys.Customer(id), "d"))!;
        Assert.Equal(StorageFormat.ProtobufV1, stored[0]);
        var rewritten = StorageFormat.DecodeCustomer(stored);
        Assert.Equal(("77", "uscc:91310000MA1FL8LQ3X", "上海旧版精工有限公司", new DateTimeOffset(2026, 3, 9, 1, 0, 0, TimeSpan.Zero)),
            (rewritten.Id, rewritten.IdentityKey, rewritten.Title, rewritten.FiledAt));
        Assert.Equal((byte)'{', ((byte[])(await _h.Db.HashGetAsync(RegistrationKeys.Customer(id), "h0"))!)[0]);

        Assert.Contains("S9", (await _h.Organization.SalespeopleAsync("B-SH")).Select(p => p.Id));

        Assert.Equal(0, await migration.MigrateAsync());
    }

    [Fact]
    public async Task X4_a_candidate_set_stops_growing_where_the_search_no_longer_reads_it()
    {
        RedisKey key = RegistrationKeys.TitleKey("上海");
        for (var i = 0; i < 5; i++)
        {
            await _h.Store.CommitAsync(new AtomicChange().SetAddCapped(key, i.ToString(System.Globalization.CultureInfo.InvariantCulture), 3));
        }

        Assert.Equal(3, await _h.Db.SetLengthAsync(key));
        // A set one past the largest read is skipped by the search, as any larger one always was.
        Assert.Empty(await _h.Store.TitleCandidatesAsync(["上海"], 10, largestSet: 2));
        Assert.Equal(3, (await _h.Store.TitleCandidatesAsync(["上海"], 10, largestSet: 3)).Count);
    }

    [Fact]
    public async Task The_due_queue_keeps_each_bucket_at_its_earliest_deadline_and_drops_it_when_empty()
    {
        await _h.Store.CommitAsync(new AtomicChange().DueAdd("130", 5_000).DueAdd("200", 3_000).DueAdd("5", 9_000));

        var top = await _h.Db.SortedSetRangeByScoreWithScoresAsync(RegistrationKeys.Due);
        Assert.Equal([("1", 3_000d), ("0", 9_000d)], top.Select(e => ((string)e.Element!, e.Score)));

        await _h.Store.CommitAsync(new AtomicChange().DueRemove("200"));
        Assert.Equal(5_000, await _h.Db.SortedSetScoreAsync(RegistrationKeys.Due, "1"));
        await _h.Store.CommitAsync(new AtomicChange().DueRemove("130").DueRemove("5"));
        Assert.Equal(0, await _h.Db.SortedSetLengthAsync(RegistrationKeys.Due));
    }
}
