using CustomerProtection.Policy.Actors;
using CustomerProtection.Policy.Errors;
using CustomerProtection.Registration.Confidentiality.Domain;
using CustomerProtection.Registration.Confidentiality.Persistence;
using CustomerProtection.Registration.Domain;
using CustomerProtection.Testing;
using StackExchange.Redis;

namespace CustomerProtection.Registration.Tests.Confidentiality;

/// <summary>
/// docs/api.md on the confidentiality creates and lists, on a real redis-server: a create retried with its request_id
/// answers the first and changes nothing (the key reused for something else is InvalidArgument on request_id); a page
/// of more than 500 is InvalidArgument on page_size.
/// </summary>
public sealed class RequestIdAndPagingTests(RedisServer redis) : IClassFixture<RedisServer>, IAsyncLifetime
{
    private readonly Harness _h = new(redis);
    private ConfidentialityKit _k = null!;

    private static readonly Caller S9 = Harness.Salesperson("S9", "B-BJ");
    private static readonly ConsentInput ServiceConsent = new([Purposes.Service, Purposes.Marketing], "同意书 2026-0309");

    public async Task InitializeAsync()
    {
        await redis.FlushAsync();
        _k = new ConfidentialityKit(_h);
        await _h.SeedBranchAsync("B-SH", autoApprove: false, "S1", "S2");
        await _h.SeedBranchAsync("B-BJ", autoApprove: false, "S9");
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private IDatabase Db => redis.Connection.GetDatabase();

    [Fact]
    public async Task Api_ids_C3_an_access_request_retried_with_its_request_id_is_one_request_audited_once()
    {
        var customer = await _k.ApprovedAsync("Retry1", consent: ServiceConsent);

        var first = await _k.Grants.RequestAsync(S9, customer.Id, Purposes.Service, "售后协同 / after-sales", 3, "retry-1");
        var again = await _k.Grants.RequestAsync(S9, customer.Id, Purposes.Service, "售后协同 / after-sales", 3, "retry-1");
        var reused = await Assert.ThrowsAsync<RequestValidationException>(() =>
            _k.Grants.RequestAsync(S9, customer.Id, Purposes.Marketing, "推广 / marketing", 3, "retry-1"));

        Assert.Equal(first.Value.Id, again.Value.Id);
        Assert.Equal("request_id", Assert.Single(reused.Violations).Field);
        Assert.Equal(1, await Db.SortedSetLengthAsync(ConfidentialityKeys.BranchGrants("B-SH")));
        Assert.Single(await _k.LogAsync(), e => e.Record.Kind == AuditKinds.Grant && e.Record.Detail!.StartsWith($"requested {first.Value.Id}", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Api_ids_C7_an_incident_retried_with_its_request_id_is_one_incident_and_another_under_the_key_is_refused()
    {
        var first = await _k.Incidents.RecordAsync(Harness.Hq, "疑似导出客户电话 / phones exported", ["S1"], null, "retry-2");
        var again = await _k.Incidents.RecordAsync(Harness.Hq, "疑似导出客户电话 / phones exported", ["S1"], null, "retry-2");
        var reused = await Assert.ThrowsAsync<RequestValidationException>(() =>
            _k.Incidents.RecordAsync(Harness.Hq, "另一事件 / another incident", ["S2"], null, "retry-2"));

        Assert.Equal(first.Value.Id, again.Value.Id);
        Assert.Equal("request_id", Assert.Single(reused.Violations).Field);
        Assert.Single(await _k.LogAsync(), e => e.Record.Kind == AuditKinds.Incident && e.Record.Detail == $"{first.Value.Id} {IncidentSteps.Recorded}: 疑似导出客户电话 / phones exported");
        Assert.Equal([first.Value.Id], (await _k.Blocks.GetAsync("S1", CancellationToken.None)).FrozenBy);
        Assert.Empty((await _k.Blocks.GetAsync("S2", CancellationToken.None)).FrozenBy);
    }

    [Fact]
    public async Task Api_ids_C7_an_incident_step_retried_with_its_request_id_is_one_step_audited_once_and_another_note_under_the_key_is_refused()
    {
        var incident = await _k.Incidents.RecordAsync(Harness.Hq, "疑似泄露 / suspected leak", ["S1"], null);

        var first = await _k.Incidents.AddStepAsync(Harness.Hq, incident.Value.Id, "已通知客户 / customers told", "step-1");
        var again = await _k.Incidents.AddStepAsync(Harness.Hq, incident.Value.Id, "已通知客户 / customers told", "step-1");
        var reused = await Assert.ThrowsAsync<RequestValidationException>(() =>
            _k.Incidents.AddStepAsync(Harness.Hq, incident.Value.Id, "已报告监管 / regulator told", "step-1"));

        Assert.Equal(first.Version, again.Version);
        Assert.Single(again.Value.Steps, s => s.What == IncidentSteps.Step);
        Assert.Equal("request_id", Assert.Single(reused.Violations).Field);
        Assert.Single(await _k.LogAsync(), e => e.Record.Kind == AuditKinds.Incident && e.Record.Detail == $"{incident.Value.Id} {IncidentSteps.Step}: 已通知客户 / customers told");

        // Without a request_id every call is a step of its own.
        var third = await _k.Incidents.AddStepAsync(Harness.Hq, incident.Value.Id, "已通知客户 / customers told");
        Assert.Equal(2, third.Value.Steps.Count(s => s.What == IncidentSteps.Step));
    }

    [Fact]
    public async Task Api_paging_ListAccessGrants_ListAuditEntries_and_ListAffectedCustomers_refuse_501_on_page_size()
    {
        var incident = await _k.Incidents.RecordAsync(Harness.Hq, "疑似泄露 / suspected leak", ["S1"], null);

        var grants = await Assert.ThrowsAsync<RequestValidationException>(() => _k.Grants.ListAsync(S9, null, 501, null));
        var audit = await Assert.ThrowsAsync<RequestValidationException>(() => _k.AuditQueries.QueryAsync(Harness.Hq, null, null, null, null, 501, null));
        var affected = await Assert.ThrowsAsync<RequestValidationException>(() => _k.Incidents.AffectedAsync(Harness.Hq, incident.Value.Id, 501, null));

        Assert.All(new[] { grants, audit, affected }, e => Assert.Equal("page_size", Assert.Single(e.Violations).Field));
        Assert.Empty((await _k.Grants.ListAsync(S9, null, 500, null)).Items);
    }
}
