using CustomerProtection.Contracts.Arbitration;
using CustomerProtection.Contracts.Registration;
using CustomerProtection.Policy;
using CustomerProtection.Policy.Identity;
using CustomerProtection.Registration.Application;
using CustomerProtection.Registration.Domain;
using CustomerProtection.Registration.Persistence;
using CustomerProtection.Policy.Errors;
using CustomerProtection.Policy.Actors;
using CustomerProtection.Storage;
using CustomerProtection.Testing;
using Grpc.Core;
using Microsoft.Extensions.Logging.Abstractions;

namespace CustomerProtection.Registration.Tests;

/// <summary>
/// The one ownership gate (docs/ownership.md) on a real redis-server: each path that gives a customer an
/// owner keeps P-2.5, C-9, P-12/X-2, X-1 and P-13 as the rule book writes them.
/// </summary>
public sealed class OwnershipGateTests(RedisServer redis) : IClassFixture<RedisServer>, IAsyncLifetime
{
    private const string Title = "无锡探针科技有限公司";
    private readonly Harness _h = new(redis);

    public async Task InitializeAsync()
    {
        await redis.FlushAsync();
        await _h.SeedBranchAsync("B-SH", autoApprove: false, "S1", "S2", "S3");
        await _h.SeedBranchAsync("B-BJ", autoApprove: false, "S9");
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private static Caller Sales(string id) => Harness.Salesperson(id, id == "S9" ? "B-BJ" : "B-SH");

    [Fact]
    public async Task P2_5_a_title_only_filing_meets_the_record_held_by_taxpayer_id_and_is_told_it_matched_by_title()
    {
        var held = await _h.FileAndApproveAsync("S1", Title, Harness.NewTaxpayerId());

        // Another branch, a differently written title (full-width brackets, spaces): the same customer.
        var refusal = await Assert.ThrowsAsync<PolicyRefusalException>(() => _h.File.ExecuteAsync(Sales("S9"), Harness.Filing(" 无锡探针科技有限公司 ")));

        Assert.Equal((RefusalCode.AlreadyExists, "P-9.1"), (refusal.Code, refusal.RuleId));
        Assert.Equal((held.Value.Id, "S1", MatchedBy.InvoiceTitle), (refusal.Metadata["customerId"], refusal.Metadata["ownerId"], refusal.Metadata["matchedBy"]));
        Assert.Null(await _h.Store.IdentityAsync(CustomerIdentity.Key(null, Title)));

        // The duplicate check and the owner lookup agree with the gate.
        var check = await _h.Query.CheckDuplicateAsync(null, Title, false);
        Assert.Equal((Verdicts.Taken, held.Value.Id, MatchedBy.InvoiceTitle), (check.Verdict, check.Holder!.CustomerId, check.MatchedBy));
        var owner = (await _h.Query.OwnershipAsync(null, null, Title))!.Value;
        Assert.Equal(("S1", MatchedBy.InvoiceTitle), (owner.Customer.Value.OwnerId, owner.MatchedBy));
    }

    [Fact]
    public async Task P2_5_a_filing_with_a_taxpayer_id_meets_the_title_only_record_held_under_that_title()
    {
        var held = await _h.FileAndApproveAsync("S1", Title);
        var taxpayerId = Harness.NewTaxpayerId();

        var refusal = await Assert.ThrowsAsync<PolicyRefusalException>(() => _h.File.ExecuteAsync(Sales("S2"), Harness.Filing("无锡探针科技有限公司", taxpayerId)));

        Assert.Equal(("P-9.1", held.Value.Id, MatchedBy.InvoiceTitle), (refusal.RuleId, refusal.Metadata["customerId"], refusal.Metadata["matchedBy"]));
        Assert.Null(await _h.Store.IdentityAsync("uscc:" + taxpayerId));

        // A sale named with the taxpayer id and the title finds the holder (Territory's look-up before a sale).
        var owner = (await _h.Query.OwnershipAsync(null, taxpayerId, Title))!.Value;
        Assert.Equal((held.Value.Id, "S1"), (owner.Customer.Value.Id, owner.Customer.Value.OwnerId));
        Assert.Equal(Verdicts.Taken, (await _h.Query.CheckDuplicateAsync(taxpayerId, Title, false)).Verdict);
    }

    [Fact]
    public async Task P2_5_records_with_different_taxpayer_ids_are_different_customers_but_a_title_only_filing_meets_each()
    {
        var first = await _h.FileAndApproveAsync("S1", Title, Harness.NewTaxpayerId());
        var second = await _h.FileAndApproveAsync("S2", Title, Harness.NewTaxpayerId());
        Assert.NotEqual(first.Value.Id, second.Value.Id);

        var refusal = await Assert.ThrowsAsync<PolicyRefusalException>(() => _h.File.ExecuteAsync(Sales("S3"), Harness.Filing(Title)));
        Assert.Equal("P-9.1", refusal.RuleId);

        // Once neither holds it (both lapse, P-3.5), the title-only filing goes through.
        _h.AdvanceTo(Harness.Start.AddDays(40));
        var filed = (await _h.File.ExecuteAsync(Sales("S3"), Harness.Filing(Title))).Customer;
        Assert.Equal(CustomerStatus.Pending, filed.Value.Status);
        Assert.Equal("title:" + InvoiceTitle.Normalize(Title), filed.Value.IdentityKey);
    }

    [Fact]
    public async Task P2_5_concurrent_filings_of_one_company_with_and_without_its_taxpayer_id_leave_exactly_one_holder()
    {
        for (var round = 0; round < 20; round++)
        {
            var title = $"并发探针{round}号科技有限公司";
            var attempts = new[] { ("S1", Harness.NewTaxpayerId()), ("S2", (string?)null), ("S3", Harness.NewTaxpayerId()), ("S9", null) }
                .Select(async a =>
                {
                    try
                    {
                        return (await _h.File.ExecuteAsync(Sales(a.Item1), Harness.Filing(title, a.Item2))).Customer.Value.Id;
                    }
                    catch (PolicyRefusalException ex) when (ex.RuleId == "P-9.1")
                    {
                        return null;
                    }
                });
            var winners = (await Task.WhenAll(attempts)).OfType<string>().ToList();

            // Two records with different taxpayer ids may both stand (different customers); a title-only one stands alone.
            var records = await _h.Store.GetManyAsync(winners);
            Assert.NotEmpty(records);
            Assert.True(records.Count == 1 || records.All(r => r.Value.TaxpayerId is not null), $"round {round}: {string.Join(", ", records.Select(r => r.Value.IdentityKey))}");
        }
    }

    [Fact]
    public async Task P12_a_salesperson_of_another_branch_can_neither_file_nor_claim_a_leavers_pool_customer()
    {
        var customer = await _h.FileAndApproveAsync("S1", Title, Harness.NewTaxpayerId());
        await _h.EmployeeAsync("S1", "销售S1", Roles.Salesperson, "B-SH", "M-B-SH", status: "left", version: 2);
        await _h.Leavers.ExecuteAsync("S1", "辞职");
        _h.AdvanceTo(Harness.Start.AddDays(10)); // after the priority window: the branch rule holds on its own

        var taxpayerId = (await _h.CustomerAsync(customer.Value.Id)).TaxpayerId;
        var byTitle = await Assert.ThrowsAsync<PolicyRefusalException>(() => _h.File.ExecuteAsync(Sales("S9"), Harness.Filing(Title)));
        var byId = await Assert.ThrowsAsync<PolicyRefusalException>(() => _h.File.ExecuteAsync(Sales("S9"), Harness.Filing(Title, taxpayerId)));
        await Assert.ThrowsAsync<ScopeDeniedException>(() => _h.ClaimFromPool.ExecuteAsync(Sales("S9"), customer.Value.Id));

        Assert.Equal(("P-12", "B-SH"), (byTitle.RuleId, byTitle.Metadata["poolBranchId"]));
        Assert.Equal("P-12", byId.RuleId);
        var after = await _h.CustomerAsync(customer.Value.Id);
        Assert.Equal((CustomerStatus.Pool, "B-SH", (string?)null), (after.Status, after.BranchId, after.OwnerId));

        // The branch manager may reallocate it to anyone of the branch (P-13).
        Assert.Equal("S2", (await _h.ReallocateCustomer.ExecuteAsync(Harness.Manager(), customer.Value.Id, "S2", "分配")).Value.OwnerId);
    }

    [Fact]
    public async Task P12_inside_the_priority_window_filing_a_leavers_customer_is_a_claim_and_X2_the_quota_counts_it()
    {
        var book = new PolicyBook([new PolicyVersion(PolicyBook.PolicyStart, PolicyParameters.Defaults with { PoolClaimsPerDay = 1 })]);
        var h = new Harness(redis, book);
        var first = await h.FileAndApproveAsync("S1", Title);
        var second = await h.FileAndApproveAsync("S1", "无锡探针二号科技有限公司");
        await h.Leavers.ExecuteAsync("S1", null);

        var early = await Assert.ThrowsAsync<PolicyRefusalException>(() => h.File.ExecuteAsync(Sales("S2"), Harness.Filing(Title)));
        Assert.Equal(("P-12", "2026-03-13"), (early.RuleId, early.Metadata["openToAllFrom"]));

        // A priority claimant files it: that is their pool taking of the day.
        await h.MarkBehindTarget.ExecuteAsync(Harness.Manager(), "S3", true);
        var filed = (await h.File.ExecuteAsync(Sales("S3"), Harness.Filing(Title))).Customer;
        Assert.Equal((first.Value.Id, "S3"), (filed.Value.Id, filed.Value.OwnerId));
        var quota = await Assert.ThrowsAsync<PolicyRefusalException>(() => h.ClaimFromPool.ExecuteAsync(Sales("S3"), second.Value.Id));
        Assert.Equal(("X-2", "1"), (quota.RuleId, quota.Metadata["claimsToday"]));
    }

    [Fact]
    public async Task X2_the_previous_owners_cool_down_holds_on_a_filing_of_the_same_customer_under_another_identity()
    {
        var taxpayerId = Harness.NewTaxpayerId();
        await _h.FileAndApproveAsync("S1", Title, taxpayerId);
        _h.AdvanceTo(Harness.Start.AddDays(40)); // lapsed on 2026-04-10 (P-3.5)

        var refusal = await Assert.ThrowsAsync<PolicyRefusalException>(() => _h.File.ExecuteAsync(Sales("S1"), Harness.Filing(Title)));
        Assert.Equal(("X-2", "2026-05-10"), (refusal.RuleId, refusal.Metadata["allowedFrom"]));

        // Anyone else may file it (P-2.3), and the previous owner is named for an objection.
        var filed = (await _h.File.ExecuteAsync(Sales("S9"), Harness.Filing(Title))).Customer;
        Assert.Equal(("S9", "S1"), (filed.Value.OwnerId, filed.Value.PreviousOwnerId));
    }

    [Fact]
    public async Task C9_an_award_to_someone_who_left_is_not_applied_recorded_once_and_reported_to_arbitration()
    {
        var customer = await _h.FileAndApproveAsync("S1", Title);
        await _h.EmployeeAsync("S2", "销售S2", Roles.Salesperson, "B-SH", "M-B-SH", status: "left", version: 2);
        await _h.Cases.OpenedAsync(new CaseOpened("CASE-1", "objection", customer.Value.Id, "S2", "S1", _h.Time.GetUtcNow()));
        var award = new OwnershipAwarded("CASE-1", customer.Value.Id, "S2", "S1", [], Resolutions.Decision, "进度优先", "M-B-SH", _h.Time.GetUtcNow());

        Assert.True(await _h.Cases.AwardedAsync(award));
        Assert.False(await _h.Cases.AwardedAsync(award));

        var after = await _h.CustomerAsync(customer.Value.Id);
        Assert.Equal(("S1", CustomerStatus.Protected), (after.OwnerId, after.Status));
        var refused = Assert.Single(await _h.EventsAsync<OwnershipAwardRefused>());
        Assert.Equal(("CASE-1", "S2", "C-9"), (refused.CaseId, refused.OwnerId, refused.RuleId));
        Assert.Equal(Changes.AwardRefused, (await _h.Store.HistoryAsync(customer.Value.Id))[^1].Change);
        Assert.DoesNotContain(await _h.EventsAsync<OwnershipChanged>(), e => e.ToOwnerId == "S2");
    }

    [Fact]
    public async Task X1_reallocation_and_awards_respect_the_holding_cap()
    {
        var h = new Harness(redis, new PolicyBook([new PolicyVersion(PolicyBook.PolicyStart, PolicyParameters.Defaults with { HoldingCap = 1 })]));
        await h.FileAndApproveAsync("S2", "乙方已有客户有限公司");
        var customer = await h.FileAndApproveAsync("S1", Title);

        var reallocation = await Assert.ThrowsAsync<PolicyRefusalException>(() => h.ReallocateCustomer.ExecuteAsync(Harness.Manager(), customer.Value.Id, "S2", null));
        Assert.Equal(("X-1", "1", "1"), (reallocation.RuleId, reallocation.Metadata["held"], reallocation.Metadata["cap"]));

        await h.Cases.OpenedAsync(new CaseOpened("CASE-2", "objection", customer.Value.Id, "S2", "S1", h.Time.GetUtcNow()));
        Assert.True(await h.Cases.AwardedAsync(new OwnershipAwarded("CASE-2", customer.Value.Id, "S2", "S1", [], Resolutions.Decision, "裁决", "HQ-1", h.Time.GetUtcNow())));
        Assert.Equal("X-1", Assert.Single(await h.EventsAsync<OwnershipAwardRefused>()).RuleId);
        Assert.Equal("S1", (await h.CustomerAsync(customer.Value.Id)).OwnerId);
    }

    [Fact]
    public async Task P13_a_reallocation_opens_no_objection_window_a_claim_does()
    {
        var customer = await _h.FileAndApproveAsync("S1", Title);
        Assert.NotNull(customer.Value.ObjectionWindowEnds);

        var reallocated = await _h.ReallocateCustomer.ExecuteAsync(Harness.Manager(), customer.Value.Id, "S2", "调整");

        Assert.Null(reallocated.Value.ObjectionWindowEnds);
        Assert.Null((await _h.CustomerAsync(customer.Value.Id)).ObjectionWindowEnds);
    }

    [Fact]
    public async Task C9_an_approval_decided_while_the_filer_leaves_fails_in_its_step_and_is_refused_when_decided_again()
    {
        var filed = (await _h.File.ExecuteAsync(Sales("S1"), Harness.Filing(Title))).Customer;
        var owner = (await _h.Organization.EmployeeAsync("S1"))!;
        var admission = await _h.Gate.AdmitAsync(OwnerChangeKind.Approve, filed, owner, "B-SH", await _h.Gate.ReadAsync(filed));
        var approved = filed.Value with { Status = CustomerStatus.Protected };
        var change = admission.Guard(_h.Writer.Change(filed, approved, _h.Clock.Now, [], []), approved);

        // The departure is recorded between the decision and its step.
        await _h.EmployeeAsync("S1", "销售S1", Roles.Salesperson, "B-SH", "M-B-SH", status: "left", version: 2);

        Assert.Equal(ChangeFailure.VersionMoved, (await _h.Store.CommitAsync(change)).Failure);
        var refusal = await Assert.ThrowsAsync<PolicyRefusalException>(() => _h.Decide.ApproveAsync(Harness.Secretary(), filed.Value.Id));
        Assert.Equal("C-9", refusal.RuleId);
        Assert.Equal(CustomerStatus.Pending, (await _h.CustomerAsync(filed.Value.Id)).Status);
    }

    [Fact]
    public async Task P2_5_records_of_one_customer_both_held_before_layout_5_are_listed_for_hq_not_merged_and_new_filings_meet_them()
    {
        var titleOnly = await _h.FileAndApproveAsync("S1", Title);
        var withId = await _h.FileAndApproveAsync("S9", "无锡探针科技有限公司（无锡）", Harness.NewTaxpayerId(), branch: "B-BJ");
        var unrelated = await _h.FileAndApproveAsync("S2", "无锡探针科技有限公司（无锡）", Harness.NewTaxpayerId());

        // Before layout 5 a record with a taxpayer id was in no title group: write one such pair by hand.
        var normalized = InvoiceTitle.Normalize(Title);
        var bucket = RegistrationKeys.Identities("title:" + normalized);
        await _h.Db.HashSetAsync(bucket, "title:" + normalized, titleOnly.Value.Id);
        var other = await _h.CustomerAsync(withId.Value.Id) with { Title = Title };
        await _h.Db.HashSetAsync(RegistrationKeys.Customer(other.Id), "d", StorageFormat.Encode(other));
        await _h.Db.HashDeleteAsync(bucket, RegistrationKeys.TitleGroupField(normalized));
        await _h.Db.StringSetAsync(StorageMigration.Marker, "4");
        Assert.Empty(await new ListIdentityConflicts(_h.Store, _h.Clock).ExecuteAsync(Harness.Hq));

        await new StorageMigration(redis.Connection, _h.Replica, _h.Clock, NullLogger<StorageMigration>.Instance).MigrateAsync();

        var conflict = Assert.Single(await new ListIdentityConflicts(_h.Store, _h.Clock).ExecuteAsync(Harness.Hq));
        Assert.Equal((titleOnly.Value.Id, withId.Value.Id), (conflict.TitleOnly.Value.Id, conflict.WithTaxpayerId.Value.Id));
        Assert.NotEqual(unrelated.Value.Id, conflict.WithTaxpayerId.Value.Id);
        Assert.Equal(("S1", "S9"), ((await _h.CustomerAsync(titleOnly.Value.Id)).OwnerId, (await _h.CustomerAsync(withId.Value.Id)).OwnerId));
        await Assert.ThrowsAsync<ScopeDeniedException>(() => new ListIdentityConflicts(_h.Store, _h.Clock).ExecuteAsync(Harness.Manager()));

        // Settled when one of them no longer holds it (here: its protection lapses).
        _h.AdvanceTo(Harness.Start.AddDays(40));
        Assert.Empty(await new ListIdentityConflicts(_h.Store, _h.Clock).ExecuteAsync(Harness.Hq));
    }

    [Fact]
    public async Task P9_a_case_reopened_after_a_refused_award_stays_disputed_whatever_order_its_events_arrive_in()
    {
        var customer = await _h.FileAndApproveAsync("S1", Title);
        var id = customer.Value.Id;
        var t = _h.Time.GetUtcNow();

        // Opened, closed after an award the gate refused, reopened by Arbitration: the reopening overtakes the close.
        Assert.True(await _h.Cases.OpenedAsync(new CaseOpened("CASE-R", "objection", id, "S2", "S1", t)));
        Assert.True(await _h.Cases.OpenedAsync(new CaseOpened("CASE-R", "objection", id, "S2", "S1", t.AddSeconds(2))));
        Assert.False(await _h.Cases.ClosedAsync(new CaseClosed("CASE-R", id, "decided", t.AddSeconds(1))) && (await _h.CustomerAsync(id)).OpenCaseId is null);
        Assert.Equal("CASE-R", (await _h.CustomerAsync(id)).OpenCaseId);
        await Assert.ThrowsAsync<PolicyRefusalException>(() => _h.ReallocateCustomer.ExecuteAsync(Harness.Manager(), id, "S2", null));

        // The reopened case's own close lifts the marker; a late redelivery of an opening marks nothing again.
        Assert.True(await _h.Cases.ClosedAsync(new CaseClosed("CASE-R", id, "decided", t.AddSeconds(3))));
        Assert.False(await _h.Cases.OpenedAsync(new CaseOpened("CASE-R", "objection", id, "S2", "S1", t.AddSeconds(2))));
        Assert.False(await _h.Cases.OpenedAsync(new CaseOpened("CASE-R", "objection", id, "S2", "S1", t)));
        Assert.Null((await _h.CustomerAsync(id)).OpenCaseId);

        // A close that overtakes its own opening is remembered: the opening that arrives after it marks nothing.
        Assert.True(await _h.Cases.ClosedAsync(new CaseClosed("CASE-Q", id, "withdrawn", t.AddSeconds(5))));
        Assert.False(await _h.Cases.OpenedAsync(new CaseOpened("CASE-Q", "objection", id, "S2", "S1", t.AddSeconds(4))));
        Assert.Null((await _h.CustomerAsync(id)).OpenCaseId);
    }
}
