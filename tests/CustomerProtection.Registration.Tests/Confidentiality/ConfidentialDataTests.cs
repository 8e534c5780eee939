using System.Text;
using CustomerProtection.Contracts.Territory;
using CustomerProtection.Policy.Actors;
using CustomerProtection.Policy.Errors;
using CustomerProtection.Registration.Confidentiality.Consumers;
using CustomerProtection.Registration.Confidentiality.Crypto;
using CustomerProtection.Registration.Confidentiality.Domain;
using CustomerProtection.Registration.Confidentiality.Persistence;
using CustomerProtection.Registration.Domain;
using CustomerProtection.Registration.Persistence;
using CustomerProtection.ServiceDefaults.Encryption;
using CustomerProtection.Testing;
using Grpc.Core;
using Microsoft.Extensions.Logging.Abstractions;
using StackExchange.Redis;

namespace CustomerProtection.Registration.Tests.Confidentiality;

/// <summary>Confidential customer data end to end over the use cases, on a real redis-server with a fake clock (C-2..C-10).</summary>
public sealed class ConfidentialDataTests(RedisServer redis) : IClassFixture<RedisServer>, IAsyncLifetime
{
    private readonly Harness _h = new(redis);
    private ConfidentialityKit _k = null!;

    private static readonly Caller S1 = Harness.Salesperson("S1");
    private static readonly Caller S9 = Harness.Salesperson("S9", "B-BJ");

    public async Task InitializeAsync()
    {
        await redis.FlushAsync();
        _k = new ConfidentialityKit(_h);
        await _h.SeedBranchAsync("B-SH", autoApprove: false, "S1", "S2");
        await _h.SeedBranchAsync("B-BJ", autoApprove: false, "S9");
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private IDatabase Db => redis.Connection.GetDatabase();

    private static readonly ConsentInput ServiceConsent = new([Purposes.Service], "同意书 2026-0309");

    [Fact]
    public async Task C4_a_redis_dump_the_aof_and_every_key_and_value_hold_no_phone_email_or_bank_account_in_clear()
    {
        var tags = new[] { "Dump1", "Dump2", "Dump3" };
        foreach (var tag in tags)
        {
            var customer = await _k.ApprovedAsync(tag);
            await _h.Query.GetAsync(S1, customer.Id);
        }

        await foreach (var _ in _h.Export.ExecuteAsync(Harness.Secretary(), "B-SH", CancellationToken.None))
        {
        }

        await _k.ChainAsync();

        var server = redis.Connection.GetServer(redis.ConnectionString);
        await server.ConfigSetAsync("rdbcompression", "no");
        await server.ExecuteAsync("SAVE");
        var directory = (await server.ConfigGetAsync("dir")).Single().Value;
        var files = Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories).Select(File.ReadAllBytes).ToList();
        Assert.Contains(files, f => f.Length > 0);
        var values = await RedisContent.EveryKeyAndValueAsync(redis.Connection);

        foreach (var tag in tags)
        {
            foreach (var secret in new[]
            {
                ConfidentialityKit.Phone(tag), ConfidentialityKit.Email(tag), ConfidentialityKit.Bank(tag), "李" + tag,
                ConfidentialityKit.DealTerms(tag), ConfidentialityKit.Financials(tag), ConfidentialityKit.Contracts(tag),
            })
            {
                var bytes = Encoding.UTF8.GetBytes(secret);
                Assert.Equal(-1, values.AsSpan().IndexOf(bytes));
                Assert.All(files, file => Assert.Equal(-1, file.AsSpan().IndexOf(bytes)));
            }

            // The scan sees what is there: the public invoice title is in every copy.
            var title = Encoding.UTF8.GetBytes($"保密测试{tag}有限公司");
            Assert.NotEqual(-1, values.AsSpan().IndexOf(title));
            Assert.Contains(files, file => file.AsSpan().IndexOf(title) >= 0);
        }
    }


    [Fact]
    public async Task C5_a_clear_read_and_a_change_are_audited_and_a_masked_read_is_not()
    {
        var customer = await _k.ApprovedAsync("Audit1");

        var owner = await _h.Query.GetAsync(S1, customer.Id);
        var regional = await _h.Query.GetAsync(ConfidentialityKit.Regional(), customer.Id);

        Assert.Equal((ConfidentialityKit.Phone("Audit1"), ConfidentialityKit.Bank("Audit1"), false), (owner.Contact!.Phone, owner.Contact.BankAccount, owner.ContactMasked));
        Assert.Equal(("139****" + ConfidentialityKit.Phone("Audit1")[^4..], (string?)null, true), (regional.Contact!.Phone, regional.Contact.BankAccount, regional.ContactMasked));
        var log = await _k.LogAsync();
        Assert.Equal([AuditKinds.Change, AuditKinds.Read], log.Select(e => e.Record.Kind));
        Assert.All(log, e => Assert.Equal(("S1", Roles.Salesperson, customer.Id, Purposes.SalesDevelopment), (e.Record.EmployeeId, e.Record.Role, e.Record.CustomerId, e.Record.Purpose)));
        Assert.Equal(["contact_name", "contact_phone", "contact_email", "contact_address", "bank_account", "deal_terms", "financials", "contracts"], log[1].Record.Fields);
        Assert.True((await _h.Audit.VerifyAsync()).Intact);
    }

    /// <summary>
    /// Issue 21: deal terms, financials and contracts go through the one mechanism — sealed in the
    /// customer's envelope, clear to the owner (audited with their C-1 names), withheld from the region's
    /// roles, and opened by a C-3 grant like the contact.
    /// </summary>
    [Fact]
    public async Task C2_C3_C5_deal_terms_financials_and_contracts_are_clear_to_the_owner_audited_withheld_from_the_region_and_opened_by_a_grant()
    {
        var customer = await _k.ApprovedAsync("Deal1");
        var regional = ConfidentialityKit.Regional();
        var expected = (ConfidentialityKit.DealTerms("Deal1"), ConfidentialityKit.Financials("Deal1"), ConfidentialityKit.Contracts("Deal1"));

        var owner = await _h.Query.GetAsync(S1, customer.Id);
        var masked = await _h.Query.GetAsync(regional, customer.Id);
        var grant = await _k.Grants.RequestAsync(regional, customer.Id, Purposes.Administration, "区域核查", 0);
        await _k.Grants.DecideAsync(Harness.Manager(), grant.Value.Id, true, null);
        var granted = await _h.Query.GetAsync(regional, customer.Id);

        Assert.Equal(expected, (owner.Contact!.DealTerms, owner.Contact.Financials, owner.Contact.Contracts));
        Assert.Equal(((string?)null, (string?)null, (string?)null, true), (masked.Contact!.DealTerms, masked.Contact.Financials, masked.Contact.Contracts, masked.ContactMasked));
        Assert.Equal(expected, (granted.Contact!.DealTerms, granted.Contact.Financials, granted.Contact.Contracts));
        var reads = (await _k.LogAsync()).Where(e => e.Record.Kind == AuditKinds.Read).ToList();
        Assert.Equal(["S1", "RM-1"], reads.Select(e => e.Record.EmployeeId));
        Assert.All(reads, e => Assert.Contains("financials", e.Record.Fields));
        Assert.All(reads, e => Assert.Contains("deal_terms", e.Record.Fields));
    }

    /// <summary>Issue 21: Territory's reads and changes of deal terms (C-5) join the one hash-chained log, with their own fields and RPC.</summary>
    [Fact]
    public async Task C5_territorys_reads_and_changes_of_deal_terms_are_chained_into_the_one_audit_log()
    {
        var customer = await _k.ApprovedAsync("Terr1");
        var at = _h.Clock.UtcNow;

        await _h.Audit.AppendAsync([
            DealTermsAccessedConsumer.Entry(new DealTermsAccessed("ERP-SAP", Roles.Erp, customer.Id, customer.IdentityKey, DealTermsAccessKinds.Change,
                ["unit_price", "amount"], "sales_development", "SalesLedger/RecordSale", "sale ERP-1", at)),
            DealTermsAccessedConsumer.Entry(new DealTermsAccessed("S1", Roles.Salesperson, customer.Id, customer.IdentityKey, DealTermsAccessKinds.Read,
                ["unit_price", "amount"], "sales_development", "SalesLedger/GetSale", "sale ERP-1", at)),
        ]);

        var territory = (await _k.LogAsync()).Where(e => e.Record.Rpc.StartsWith("territory:", StringComparison.Ordinal)).ToList();
        Assert.Equal(
            [(AuditKinds.Change, "ERP-SAP", "territory:SalesLedger/RecordSale"), (AuditKinds.Read, "S1", "territory:SalesLedger/GetSale")],
            territory.Select(e => (e.Record.Kind, e.Record.EmployeeId, e.Record.Rpc)));
        Assert.All(territory, e => Assert.Equal(customer.Id, e.Record.CustomerId));
        Assert.All(territory, e => Assert.Equal(["unit_price", "amount"], e.Record.Fields));
        Assert.Equal($"sale ERP-1 ({customer.IdentityKey})", territory[1].Record.Detail);
        Assert.True((await _h.Audit.VerifyAsync()).Intact);
    }

    [Fact]
    public async Task C3_a_grant_approved_by_the_branch_manager_opens_the_data_for_its_days_and_then_expires_by_itself()
    {
        var customer = await _k.ApprovedAsync("Grant1", consent: ServiceConsent);
        await Assert.ThrowsAsync<ScopeDeniedException>(() => _h.Query.GetAsync(S9, customer.Id));
        Assert.Equal("C-3", (await Assert.ThrowsAsync<PolicyRefusalException>(() => _k.Grants.RequestAsync(S1, customer.Id, Purposes.Service, "复核", 3))).RuleId);
        Assert.Equal("C-6", (await Assert.ThrowsAsync<PolicyRefusalException>(() => _k.Grants.RequestAsync(S9, customer.Id, Purposes.Marketing, "推广", 3))).RuleId);

        var request = await _k.Grants.RequestAsync(S9, customer.Id, Purposes.Service, "售后协同", 3);
        Assert.Equal(GrantStatus.Pending, request.Value.StatusAt(_h.Clock.UtcNow));
        await Assert.ThrowsAsync<ScopeDeniedException>(() => _k.Grants.DecideAsync(Harness.Manager("B-BJ"), request.Value.Id, true, null));
        await Assert.ThrowsAsync<ScopeDeniedException>(() => _k.Grants.DecideAsync(Harness.Secretary(), request.Value.Id, true, null));
        var approved = await _k.Grants.DecideAsync(Harness.Manager(), request.Value.Id, true, "同意");
        Assert.Equal((GrantStatus.Active, Harness.Start.AddDays(3)), (approved.Value.StatusAt(_h.Clock.UtcNow), approved.Value.ExpiresAt));

        var seen = await _h.Query.GetAsync(S9, customer.Id);
        Assert.Equal((ConfidentialityKit.Phone("Grant1"), false), (seen.Contact!.Phone, seen.ContactMasked));
        Assert.Equal("C-3", (await Assert.ThrowsAsync<PolicyRefusalException>(() => _h.Query.GetAsync(S9, customer.Id, Purposes.Administration))).RuleId);
        var read = (await _k.LogAsync()).Last(e => e.Record.Kind == AuditKinds.Read);
        Assert.Equal(("S9", Purposes.Service, $"grant {request.Value.Id}"), (read.Record.EmployeeId, read.Record.Purpose, read.Record.Detail));

        // Nothing runs at the deadline: one second before it the data shows, at it the grant is over.
        _h.AdvanceTo(Harness.Start.AddDays(3).AddSeconds(-1));
        Assert.False((await _h.Query.GetAsync(S9, customer.Id)).ContactMasked);
        _h.AdvanceTo(Harness.Start.AddDays(3));
        await Assert.ThrowsAsync<ScopeDeniedException>(() => _h.Query.GetAsync(S9, customer.Id));
        Assert.Equal(GrantStatus.Expired, (await _k.Grants.GetAsync(S9, request.Value.Id)).Value.StatusAt(_h.Clock.UtcNow));
    }

    [Fact]
    public async Task C3_a_regional_manager_sees_masked_data_until_granted_and_again_after_a_revocation()
    {
        var customer = await _k.ApprovedAsync("Grant2");
        var regional = ConfidentialityKit.Regional();
        Assert.True((await _h.Query.GetAsync(regional, customer.Id)).ContactMasked);

        var grant = await _k.Grants.RequestAsync(regional, customer.Id, Purposes.Administration, "区域核查", 0);
        Assert.Equal(7, grant.Value.Days);
        await _k.Grants.DecideAsync(Harness.Manager(), grant.Value.Id, true, null);
        Assert.False((await _h.Query.GetAsync(regional, customer.Id)).ContactMasked);
        Assert.Single((await _k.Grants.ListAsync(Harness.Manager(), "B-SH", 10, null)).Items);
        Assert.Single((await _k.Grants.ListAsync(regional, null, 10, null)).Items);
        await Assert.ThrowsAsync<ScopeDeniedException>(() => _k.Grants.ListAsync(regional, "B-SH", 10, null));

        await _k.Grants.RevokeAsync(Harness.Manager(), grant.Value.Id, "核查结束");

        Assert.True((await _h.Query.GetAsync(regional, customer.Id)).ContactMasked);
        Assert.Equal(GrantStatus.Revoked, (await _k.Grants.GetAsync(regional, grant.Value.Id)).Value.StatusAt(_h.Clock.UtcNow));
        Assert.Equal("C-3", (await Assert.ThrowsAsync<PolicyRefusalException>(() => _k.Grants.DecideAsync(Harness.Manager(), grant.Value.Id, true, null))).RuleId);
        Assert.Equal(["requested", "approved", "revoked"], (await _k.LogAsync()).Where(e => e.Record.Kind == AuditKinds.Grant).Select(e => e.Record.Detail!.Split(' ')[0]));
    }

    [Fact]
    public async Task C6_use_outside_the_consent_is_refused_until_the_customer_consents_and_again_after_it_withdraws()
    {
        var customer = await _k.ApprovedAsync("Consent1");
        Assert.Equal("C-6", (await Assert.ThrowsAsync<PolicyRefusalException>(() => _h.Query.GetAsync(S1, customer.Id, Purposes.Marketing))).RuleId);
        await Assert.ThrowsAsync<ScopeDeniedException>(() => _k.Care.RecordConsentAsync(Harness.Salesperson("S2"), customer.Id, [Purposes.Marketing], "同意书"));
        await Assert.ThrowsAsync<RequestValidationException>(() => _k.Care.RecordConsentAsync(S1, customer.Id, [Purposes.Marketing], null));

        var consent = await _k.Care.RecordConsentAsync(S1, customer.Id, [Purposes.Marketing], "同意书 M-3");

        Assert.Equal([Purposes.SalesDevelopment, Purposes.Marketing], consent.Purposes);
        var read = await _h.Query.GetAsync(S1, customer.Id, Purposes.Marketing);
        Assert.Equal(ConfidentialityKit.Email("Consent1"), read.Contact!.Email);
        Assert.Equal(consent.Purposes, read.Consent!.Purposes);
        await _k.Care.RecordConsentAsync(S1, customer.Id, [], null);
        Assert.Equal("C-6", (await Assert.ThrowsAsync<PolicyRefusalException>(() => _h.Query.GetAsync(S1, customer.Id, Purposes.Marketing))).RuleId);
        Assert.Equal(ConfidentialityKit.Email("Consent1"), (await _h.Query.GetAsync(S1, customer.Id)).Contact!.Email);
    }

    [Fact]
    public async Task C6_sharing_with_a_third_party_needs_consent_and_a_contract_and_never_happens_in_bulk()
    {
        var customer = await _k.ApprovedAsync("Share1");
        var manager = Harness.Manager();
        Assert.Equal("C-6", (await Assert.ThrowsAsync<PolicyRefusalException>(() => _k.Care.ShareAsync(manager, customer.Id, "物流伙伴", "DPA-2026-07"))).RuleId);
        await _k.Care.RecordConsentAsync(S1, customer.Id, [Purposes.ThirdPartySharing], "同意书 T-1");
        var missing = await Assert.ThrowsAsync<RequestValidationException>(() => _k.Care.ShareAsync(manager, customer.Id, "物流伙伴", " "));
        Assert.Equal("contract_reference", missing.Violations.Single().Field);
        await Assert.ThrowsAsync<ScopeDeniedException>(() => _k.Care.ShareAsync(S1, customer.Id, "物流伙伴", "DPA-2026-07"));

        var shared = await _k.Care.ShareAsync(manager, customer.Id, "物流伙伴", "DPA-2026-07");

        Assert.Equal(ConfidentialityKit.Phone("Share1"), shared.Contact.Phone);
        var entry = (await _k.LogAsync()).Single(e => e.Record.Kind == AuditKinds.Share);
        Assert.Equal((Purposes.ThirdPartySharing, "third party 物流伙伴; contract DPA-2026-07"), (entry.Record.Purpose, entry.Record.Detail));
        var bulk = await Assert.ThrowsAsync<PolicyRefusalException>(async () =>
        {
            await foreach (var _ in _h.Export.ExecuteAsync(manager, "B-SH", CancellationToken.None, Purposes.ThirdPartySharing))
            {
            }
        });
        Assert.Equal("C-6", bulk.RuleId);
    }

    [Fact]
    public async Task C5_an_export_audits_every_row_it_shows_in_clear_and_none_it_masks()
    {
        var first = await _k.ApprovedAsync("Export1");
        var second = await _k.ApprovedAsync("Export2");
        var before = (await _k.LogAsync()).Count;

        await foreach (var _ in _h.Export.ExecuteAsync(Harness.Secretary(), "B-SH", CancellationToken.None))
        {
        }

        await foreach (var _ in _h.Export.ExecuteAsync(ConfidentialityKit.Regional(), "B-SH", CancellationToken.None))
        {
        }

        var reads = (await _k.LogAsync()).Skip(before).ToList();
        Assert.Equal(new[] { first.Id, second.Id }.Order(), reads.Select(e => e.Record.CustomerId!).Order());
        Assert.All(reads, e => Assert.Equal((AuditKinds.Read, "SEC-B-SH", Purposes.Administration), (e.Record.Kind, e.Record.EmployeeId, e.Record.Purpose)));
    }

    [Fact]
    public async Task C10_destroying_the_data_key_makes_the_data_unreadable_for_ever_and_keeps_history_and_audit()
    {
        var customer = await _k.ApprovedAsync("Destroy1");
        await _h.Query.GetAsync(S1, customer.Id);
        var history = await _h.Store.HistoryAsync(customer.Id);
        await Assert.ThrowsAsync<ScopeDeniedException>(() => _k.Care.DestroyAsync(Harness.Manager(), customer.Id, "客户来函"));

        var at = await _k.Care.DestroyAsync(Harness.Hq, customer.Id, "客户来函 2026-03-10");

        var value = (byte[])(await Db.HashGetAsync(RegistrationKeys.Customer(customer.Id), ConfidentialityKeys.EnvelopeField))!;
        Assert.Equal((EnvelopeKind.Destroyed, 9), (Envelope.KindOf(value), value.Length));
        var read = await _h.Query.GetAsync(S1, customer.Id);
        Assert.Equal((true, (CustomerContact?)null), (read.ContactDestroyed, read.Contact));
        Assert.Equal(CustomerStatus.Protected, read.State.Status);
        Assert.Equal(history, await _h.Store.HistoryAsync(customer.Id));
        Assert.Equal(at, await _k.Care.DestroyAsync(Harness.Hq, customer.Id, "again"));
        Assert.Equal("C-10", (await Assert.ThrowsAsync<PolicyRefusalException>(() => _k.Grants.RequestAsync(S9, customer.Id, Purposes.SalesDevelopment, "x", 1))).RuleId);
        Assert.Equal("C-10", (await Assert.ThrowsAsync<PolicyRefusalException>(() => _k.Care.RecordConsentAsync(S1, customer.Id, [], null))).RuleId);

        var log = await _k.LogAsync();
        Assert.Equal([AuditKinds.Change, AuditKinds.Read, AuditKinds.Destroy], log.Select(e => e.Record.Kind));
        Assert.Equal(CustomerClassification.Protected.Count, log[2].Record.Fields.Count); // every protected field the customer had
        Assert.True((await _h.Audit.VerifyAsync()).Intact);
    }

    /// <summary>What every RPC of every service asks of an account (AccountAccessInterceptor), from Registration's record.</summary>
    private async Task RequireActiveAsync(Caller caller) => (await _k.Blocks.GetAsync(caller.EmployeeId, CancellationToken.None)).RequireActive();

    [Fact]
    public async Task C7_an_incident_freezes_the_accounts_at_once_lists_the_customers_they_touched_and_logs_every_step()
    {
        var a = await _k.ApprovedAsync("Leak1");
        var b = await _k.ApprovedAsync("Leak2", owner: "S2");
        var c = await _k.ApprovedAsync("Leak3", owner: "S2");
        await _h.Query.GetAsync(S1, a.Id);
        await _h.Query.GetAsync(Harness.Salesperson("S2"), b.Id);
        await Assert.ThrowsAsync<ScopeDeniedException>(() => _k.Incidents.RecordAsync(Harness.Manager(), "疑似泄露", ["S1"], null));

        var incident = await _k.Incidents.RecordAsync(Harness.Hq, "疑似导出客户电话", ["S1"], null);

        var frozen = await Assert.ThrowsAsync<PolicyRefusalException>(() => RequireActiveAsync(S1));
        Assert.Equal(("C-7", RefusalCode.PermissionDenied, incident.Value.Id), (frozen.RuleId, frozen.Code, frozen.Metadata["incidentIds"]));
        await RequireActiveAsync(Harness.Salesperson("S2"));
        Assert.Equal(1, incident.Value.AffectedCustomers);
        Assert.Equal(["S1"], incident.Value.Frozen);
        var affected = await _k.Incidents.AffectedAsync(Harness.Hq, incident.Value.Id, 10, null);
        Assert.Equal([(a.Id, "S1")], affected.Items.Select(i => (i.CustomerId, string.Join(',', i.EmployeeIds))));
        Assert.DoesNotContain(affected.Items, i => i.CustomerId == b.Id || i.CustomerId == c.Id);

        await _k.Incidents.AddStepAsync(Harness.Hq, incident.Value.Id, "已通知客户");
        await _k.Incidents.UnfreezeAsync(Harness.Hq, incident.Value.Id, "S1", "调查排除");
        await RequireActiveAsync(S1);
        var closed = await _k.Incidents.CloseAsync(Harness.Hq, incident.Value.Id, "误报");

        Assert.Equal(
            [IncidentSteps.Recorded, IncidentSteps.Frozen, IncidentSteps.AffectedListed, IncidentSteps.Step, IncidentSteps.Unfrozen, IncidentSteps.Closed],
            closed.Value.Steps.Select(s => s.What));
        var logged = (await _k.LogAsync()).Where(e => e.Record.Kind == AuditKinds.Incident).Select(e => e.Record.Detail!).ToList();
        Assert.Equal(closed.Value.Steps.Select(s => $"{incident.Value.Id} {s.What}"), logged.Select(d => d.Split(':')[0]));
    }

    [Fact]
    public async Task C9_an_employee_who_leaves_loses_every_grant_and_all_access_at_once_and_a_redelivery_changes_nothing()
    {
        var customer = await _k.ApprovedAsync("Leave1");
        var grant = await _k.Grants.RequestAsync(S9, customer.Id, Purposes.SalesDevelopment, "协同开发", 5);
        await _k.Grants.DecideAsync(Harness.Manager(), grant.Value.Id, true, null);
        var pending = await _k.Grants.RequestAsync(S9, (await _k.ApprovedAsync("Leave2")).Id, Purposes.SalesDevelopment, "协同开发", 5);
        Assert.False((await _h.Query.GetAsync(S9, customer.Id)).ContactMasked);

        Assert.Equal(2, await _k.Leavers.ExecuteAsync("S9", "辞职"));

        Assert.Equal("C-9", (await Assert.ThrowsAsync<PolicyRefusalException>(() => RequireActiveAsync(S9))).RuleId);
        Assert.Equal(GrantStatus.Ended, (await _k.Grants.GetAsync(Harness.Hq, grant.Value.Id)).Value.StatusAt(_h.Clock.UtcNow));
        Assert.Equal(GrantStatus.Ended, (await _k.Grants.GetAsync(Harness.Hq, pending.Value.Id)).Value.StatusAt(_h.Clock.UtcNow));
        await Assert.ThrowsAsync<ScopeDeniedException>(() => _h.Query.GetAsync(S9, customer.Id));
        var logged = (await _k.LogAsync()).Count;

        Assert.Equal(0, await _k.Leavers.ExecuteAsync("S9", "辞职"));
        Assert.Equal(logged, (await _k.LogAsync()).Count);
    }

    [Fact]
    public async Task C4_key_rotation_rewraps_every_data_key_in_the_background_while_readers_keep_reading()
    {
        var tags = Enumerable.Range(1, 40).Select(i => "Rot" + i).ToList();
        var ids = new Dictionary<string, string>();
        foreach (var tag in tags)
        {
            ids[tag] = (await _k.ApprovedAsync(tag)).Id;
        }

        // A clear contact hash from before encryption existed: the pass encrypts it too.
        var legacy = (await _h.File.ExecuteAsync(S1, Harness.Filing("旧数据有限公司"))).Customer.Value.Id;
        await Db.HashDeleteAsync(RegistrationKeys.Customer(legacy), ConfidentialityKeys.EnvelopeField);
        await Db.HashSetAsync(ConfidentialityKeys.LegacyContact(legacy), [new("name", "老王"), new("phone", "13700001111")]);

        // The operator adds k2 and makes it active; the old key stays in the ring while the pass runs.
        var rotated = _h.Confidential.Ring.WithActive("k2", new Dictionary<string, byte[]> { ["k2"] = System.Security.Cryptography.RandomNumberGenerator.GetBytes(32) });
        var store = new ConfidentialStore(redis.Connection, rotated);
        var rotation = new KeyRotation(redis.Connection, store, _h.Time, NullLogger<KeyRotation>.Instance);
        Assert.True(await rotation.IsDueAsync());

        using var done = new CancellationTokenSource();
        var reads = 0;
        var readers = Enumerable.Range(0, 4).Select(r => Task.Run(async () =>
        {
            while (!done.IsCancellationRequested)
            {
                foreach (var tag in tags.Skip(r * 10).Take(10))
                {
                    var opened = store.Open(ids[tag], (await store.LoadAsync(ids[tag], null)).Value);
                    Assert.Equal(ConfidentialityKit.Phone(tag), opened.Record!.Contact.Phone);
                    Interlocked.Increment(ref reads);
                }
            }
        })).ToList();

        var pass = await rotation.RunPassAsync(CancellationToken.None);
        await done.CancelAsync();
        await Task.WhenAll(readers);

        Assert.NotNull(pass);
        Assert.True(reads > 0);
        // SCAN may return a key twice (or the migrated one, new during the pass): re-wrapping is counted once per key.
        Assert.Equal((40L, 1L, 0L), (pass.Rewrapped, pass.Migrated, pass.UnderOtherKeys));
        Assert.InRange(pass.Scanned, 40, 45);
        Assert.False(await rotation.IsDueAsync());
        var retired = new ConfidentialStore(redis.Connection, rotated.Without(_h.Confidential.Ring.ActiveId));
        foreach (var tag in tags)
        {
            var value = (await retired.LoadAsync(ids[tag], null)).Value!;
            Assert.Equal("k2", Envelope.KeyIdOf(value));
            Assert.Equal(ConfidentialityKit.Bank(tag), retired.Open(ids[tag], value).Record!.Contact.BankAccount);
        }

        Assert.False(await Db.KeyExistsAsync(ConfidentialityKeys.LegacyContact(legacy)));
        Assert.Equal("13700001111", retired.Open(legacy, (await retired.LoadAsync(legacy, null)).Value).Record!.Contact.Phone);
    }
}
