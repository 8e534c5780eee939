using CustomerProtection.Contracts.Registration;
using CustomerProtection.Contracts.Violations;
using CustomerProtection.Policy;
using CustomerProtection.Registration.Application;
using CustomerProtection.Registration.Domain;
using CustomerProtection.Registration.Persistence;
using CustomerProtection.Policy.Errors;
using CustomerProtection.Testing;
using Grpc.Core;

namespace CustomerProtection.Registration.Tests;

/// <summary>Filing, approval and announcement on a real redis-server (P-2.1, P-2.2, P-2.3, P-2.5, P-6, P-9.1, X-1, X-2, X-4).</summary>
public sealed class FilingTests(RedisServer redis) : IClassFixture<RedisServer>, IAsyncLifetime
{
    private readonly Harness _h = new(redis);

    public async Task InitializeAsync()
    {
        await redis.FlushAsync();
        await _h.SeedBranchAsync("B-SH", autoApprove: false, "S1", "S2", "S3");
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task P2_1_a_filing_is_pending_and_holds_the_identity_until_the_secretary_decides()
    {
        var filed = (await _h.File.ExecuteAsync(Harness.Salesperson("S1"), Harness.Filing("上海华光电子有限公司"))).Customer;

        var view = await _h.Query.GetAsync(Harness.Salesperson("S1"), filed.Value.Id);
        Assert.Equal(CustomerStatus.Pending, view.State.Status);
        Assert.False(view.State.ProtectedNow);
        // Not announced before approval (P-2.1): the one event is the filing itself, for the monthly report.
        var filing = Assert.Single(await _h.EventsAsync<FilingSubmitted>());
        Assert.Equal((filed.Value.Id, "S1"), (filing.CustomerId, filing.FilerId));
        Assert.Single(await _h.OutboxAsync());
        var check = await _h.Query.CheckDuplicateAsync(null, "上海华光电子有限公司", false);
        Assert.Equal("taken", check.Verdict);
        Assert.Equal("S1", check.Holder!.OwnerId);
    }

    [Fact]
    public async Task P2_1_approval_starts_the_30_day_prospect_period_that_day_and_announces_the_filing()
    {
        var filed = (await _h.File.ExecuteAsync(Harness.Salesperson("S1"), Harness.Filing("上海华光电子有限公司"))).Customer;
        var approved = await _h.Decide.ApproveAsync(Harness.Secretary(), filed.Value.Id);

        var state = _h.Clock.Evaluate(approved.Value);
        Assert.Equal(new DateOnly(2026, 3, 10), approved.Value.ApprovedOn);
        Assert.Equal(new NodaTime.LocalDate(2026, 4, 9), state.End!.LastDay);
        Assert.True(state.ProtectedNow);
        // P-2.2: three working days after the announcement (2026-03-11, 12, 13).
        Assert.Equal(new DateOnly(2026, 3, 13), approved.Value.ObjectionWindowEnds);

        var announced = Assert.Single(await _h.EventsAsync<FilingApproved>());
        Assert.Equal(filed.Value.Id, announced.CustomerId);
        Assert.Equal("S1", announced.OwnerId);
        Assert.Equal(new DateOnly(2026, 4, 9), announced.LastProtectedDay);
        Assert.Equal(new DateOnly(2026, 3, 13), announced.ObjectionWindowEnds);
        var announcements = await _h.Query.AnnouncementsAsync(Harness.Salesperson("S2"), "B-SH", 10, null);
        Assert.Equal([filed.Value.Id], announcements.Items.Select(i => i.Customer.Value.Id));

        // After the window the announcement is no longer current.
        _h.AdvanceTo(new DateTimeOffset(2026, 3, 14, 0, 0, 0, TimeSpan.FromHours(8)));
        Assert.Empty((await _h.Query.AnnouncementsAsync(Harness.Salesperson("S2"), "B-SH", 10, null)).Items);
    }

    [Fact]
    public async Task P9_1_a_second_filing_of_a_held_identity_is_AlreadyExists_naming_the_holder()
    {
        var taxpayerId = Harness.NewTaxpayerId();
        await _h.FileAndApproveAsync("S1", "上海华光电子有限公司", taxpayerId);

        var refusal = await Assert.ThrowsAsync<PolicyRefusalException>(() =>
            _h.File.ExecuteAsync(Harness.Salesperson("S2"), Harness.Filing("华光电子（上海）有限公司", taxpayerId.ToLowerInvariant())));

        Assert.Equal(RefusalCode.AlreadyExists, refusal.Code);
        Assert.Equal("P-9.1", refusal.RuleId);
        Assert.Equal("S1", refusal.Metadata["ownerId"]);
        Assert.Equal("销售S1", refusal.Metadata["ownerName"]);
        Assert.Equal("B-SH", refusal.Metadata["branchId"]);
        Assert.Equal("2026-03-10", refusal.Metadata["since"]);
        Assert.Equal("2026-04-09", refusal.Metadata["protectedUntil"]);
        Assert.Equal("prospect", refusal.Metadata["stage"]);
    }

    [Fact]
    public async Task P2_5_a_taxpayer_id_with_a_bad_check_character_is_InvalidArgument_and_nothing_is_written()
    {
        var good = Harness.NewTaxpayerId();
        var bad = good[..17] + (good[17] == '1' ? '2' : '1');

        var error = await Assert.ThrowsAsync<RequestValidationException>(() => _h.File.ExecuteAsync(Harness.Salesperson("S1"), Harness.Filing("某某公司", bad)));

        var violation = Assert.Single(error.Violations);
        Assert.Equal("taxpayer_id", violation.Field);
        Assert.Contains("manual_review", violation.Description, StringComparison.Ordinal);
        Assert.Null(await _h.Store.IdentityAsync("uscc:" + bad));
        Assert.Empty(await _h.OutboxAsync());
    }

    [Fact]
    public async Task P2_5_with_a_manual_review_asked_the_code_is_filed_as_written_and_never_auto_approved()
    {
        await _h.SeedBranchAsync("B-AUTO", autoApprove: true, "A1");
        var good = Harness.NewTaxpayerId();
        var bad = good[..17] + (good[17] == '1' ? '2' : '1');

        var filed = (await _h.File.ExecuteAsync(Harness.Salesperson("A1", "B-AUTO"), Harness.Filing("某某公司", bad, manualReview: true))).Customer;

        Assert.True(filed.Value.ManualReview);
        Assert.Equal("uscc:" + bad, filed.Value.IdentityKey);
        Assert.Equal(CustomerStatus.Pending, filed.Value.Status);
    }

    [Fact]
    public async Task P2_1_a_branch_with_auto_approval_approves_a_filing_without_conflict_at_once()
    {
        await _h.SeedBranchAsync("B-AUTO", autoApprove: true, "A1", "A2");

        var clean = (await _h.File.ExecuteAsync(Harness.Salesperson("A1", "B-AUTO"), Harness.Filing("杭州西湖龙井茶业有限公司"))).Customer;
        // a near-duplicate title (市 dropped) is a conflict for the secretary, not auto-approved.
        var similar = (await _h.File.ExecuteAsync(Harness.Salesperson("A2", "B-AUTO"), Harness.Filing("杭州市西湖龙井茶业有限公司"))).Customer;

        Assert.Equal(CustomerStatus.Protected, clean.Value.Status);
        Assert.Equal("auto", clean.Value.ApprovedBy);
        Assert.Equal(CustomerStatus.Pending, similar.Value.Status);
        var queue = await _h.Query.PendingAsync(Harness.Secretary("B-AUTO"), "B-AUTO", 10, null);
        var pending = Assert.Single(queue.Items);
        var near = Assert.Single(await _h.Query.NearDuplicatesOfAsync(pending.Customer.Value));
        Assert.Equal(clean.Value.Id, near.Customer.Id);
    }

    [Fact]
    public async Task P6_a_dealer_filing_a_known_dealer_is_refused_and_recorded_once_for_the_branch_manager_not_fined()
    {
        var dealerTaxpayerId = Harness.NewTaxpayerId();
        await _h.DealerAsync("D1", "B-SH", Harness.NewTaxpayerId(), "上海甲贸易有限公司");
        await _h.DealerAsync("D2", "B-SH", dealerTaxpayerId, "上海乙贸易有限公司");
        var list = new ListRefusedDealerFilings(_h.Store);

        var first = await Assert.ThrowsAsync<PolicyRefusalException>(() => _h.File.ExecuteAsync(Harness.Dealer("D1"), Harness.Filing("上海乙贸易有限公司", dealerTaxpayerId)));
        var again = await Assert.ThrowsAsync<PolicyRefusalException>(() => _h.File.ExecuteAsync(Harness.Dealer("D1"), Harness.Filing("上海乙贸易有限公司", dealerTaxpayerId)));

        Assert.Equal("P-6", first.RuleId);
        Assert.Equal(RefusalCode.FailedPrecondition, first.Code);
        Assert.Equal("D2", first.Metadata["dealerId"]);
        Assert.Equal(first.Metadata["attemptId"], again.Metadata["attemptId"]);
        // Nothing happened: no violation for Penalty to fine; the attempt is told to the branch manager once.
        Assert.Empty(await _h.EventsAsync<ViolationDetected>());
        var told = Assert.Single(await _h.EventsAsync<DealerFilingRefused>());
        Assert.Equal((first.Metadata["attemptId"], "D1", "M-B-SH", "D2"), (told.AttemptId, told.DealerId, told.BranchManagerId, told.FiledDealerId));
        var (recorded, next) = await list.ExecuteAsync(Harness.Manager(), null, 0, null);
        var attempt = Assert.Single(recorded);
        Assert.Null(next);
        Assert.Equal((first.Metadata["attemptId"], "D1", "D2", "uscc:" + dealerTaxpayerId, new DateOnly(2026, 3, 10)),
            (attempt.Id, attempt.DealerId, attempt.FiledDealerId, attempt.IdentityKey, attempt.On));
        Assert.Single((await list.ExecuteAsync(Harness.Hq, "B-SH", 0, null)).Items);
        await Assert.ThrowsAsync<ScopeDeniedException>(() => list.ExecuteAsync(Harness.Secretary(), null, 0, null));
        await Assert.ThrowsAsync<ScopeDeniedException>(() => list.ExecuteAsync(Harness.Dealer("D1"), "B-SH", 0, null));
        Assert.Null(await _h.Store.IdentityAsync("uscc:" + dealerTaxpayerId));

        // The next day the same attempt is a new one.
        _h.Time.Advance(TimeSpan.FromDays(1));
        await Assert.ThrowsAsync<PolicyRefusalException>(() => _h.File.ExecuteAsync(Harness.Dealer("D1"), Harness.Filing("上海乙贸易有限公司", dealerTaxpayerId)));
        Assert.Equal(2, (await list.ExecuteAsync(Harness.Manager(), "B-SH", 0, null)).Items.Count);
        Assert.Empty(await _h.EventsAsync<ViolationDetected>());
    }

    [Fact]
    public async Task P6_a_dealer_may_file_an_end_customer()
    {
        await _h.DealerAsync("D1", "B-SH", Harness.NewTaxpayerId(), "上海甲贸易有限公司");

        var filed = (await _h.File.ExecuteAsync(Harness.Dealer("D1"), Harness.Filing("苏州终端用户制造有限公司"))).Customer;

        Assert.Equal("D1", filed.Value.OwnerId);
        Assert.Equal(CustomerStatus.Pending, filed.Value.Status);
    }

    [Fact]
    public async Task X1_the_cap_counts_protected_customers_only_a_filing_or_approval_at_the_cap_is_refused_with_the_numbers_and_formal_customers_do_not_count()
    {
        var book = new PolicyBook([new PolicyVersion(PolicyBook.PolicyStart, PolicyParameters.Defaults with { HoldingCap = 3 })]);
        var h = new Harness(redis, book);
        var a = await h.FileAndApproveAsync("S1", "甲一有限公司");
        await h.FileAndApproveAsync("S1", "乙二有限公司");

        // X-1 caps protected customers: pending filings are not protected and do not count.
        var pendingOne = (await h.File.ExecuteAsync(Harness.Salesperson("S1"), Harness.Filing("丙三有限公司"))).Customer;
        var pendingTwo = (await h.File.ExecuteAsync(Harness.Salesperson("S1"), Harness.Filing("戊五有限公司"))).Customer;
        await h.Decide.ApproveAsync(Harness.Secretary(), pendingOne.Value.Id);

        var refusal = await Assert.ThrowsAsync<PolicyRefusalException>(() => h.File.ExecuteAsync(Harness.Salesperson("S1"), Harness.Filing("丁四有限公司")));
        Assert.Equal("X-1", refusal.RuleId);
        Assert.Equal("3", refusal.Metadata["held"]);
        Assert.Equal("3", refusal.Metadata["cap"]);
        Assert.Null(await h.Store.IdentityAsync(CustomerProtection.Policy.Identity.CustomerIdentity.Key(null, "丁四有限公司")));
        var approval = await Assert.ThrowsAsync<PolicyRefusalException>(() => h.Decide.ApproveAsync(Harness.Secretary(), pendingTwo.Value.Id));
        Assert.Equal(("X-1", "3"), (approval.RuleId, approval.Metadata["held"]));
        Assert.Equal(CustomerStatus.Pending, (await h.CustomerAsync(pendingTwo.Value.Id)).Status);

        // A formal customer leaves the count (HoldingCapCountsFormalCustomers = false).
        await h.Shipments.ByHqAsync(Harness.Hq, a.Value.Id, null, null, "2026-03-10", "SALE-1");
        var fourth = (await h.File.ExecuteAsync(Harness.Salesperson("S1"), Harness.Filing("丁四有限公司"))).Customer;
        Assert.Equal(CustomerStatus.Pending, fourth.Value.Status);
    }

    [Fact]
    public async Task X1_a_lapsed_customer_no_longer_counts_even_before_the_due_queue_ran()
    {
        var book = new PolicyBook([new PolicyVersion(PolicyBook.PolicyStart, PolicyParameters.Defaults with { HoldingCap = 1 })]);
        var h = new Harness(redis, book);
        await h.FileAndApproveAsync("S1", "甲一有限公司");
        h.AdvanceTo(new DateTimeOffset(2026, 4, 10, 0, 0, 0, TimeSpan.FromHours(8)));

        var filed = (await h.File.ExecuteAsync(Harness.Salesperson("S1"), Harness.Filing("乙二有限公司"))).Customer;

        Assert.Equal(CustomerStatus.Pending, filed.Value.Status);
    }

    [Fact]
    public async Task P2_3_a_lapsed_customer_is_filed_again_as_the_same_customer_and_the_former_owner_is_named_for_objections()
    {
        var first = await _h.FileAndApproveAsync("S1", "上海华光电子有限公司");
        _h.AdvanceTo(new DateTimeOffset(2026, 4, 10, 0, 0, 0, TimeSpan.FromHours(8)));

        var again = (await _h.File.ExecuteAsync(Harness.Salesperson("S2"), Harness.Filing("上海华光电子有限公司"))).Customer;
        await _h.Decide.ApproveAsync(Harness.Secretary(), again.Value.Id);

        Assert.Equal(first.Value.Id, again.Value.Id);
        var announced = (await _h.EventsAsync<FilingApproved>()).Last();
        Assert.Equal("S2", announced.OwnerId);
        Assert.Equal("S1", announced.PreviousOwnerId);
        var history = await _h.Store.HistoryAsync(first.Value.Id);
        Assert.Equal([Changes.Filed, Changes.Approved, Changes.Filed, Changes.Approved], history.Select(e => e.Change));
    }

    [Fact]
    public async Task X2_the_former_owner_cannot_file_a_customer_that_lapsed_from_them_for_30_days()
    {
        await _h.FileAndApproveAsync("S1", "上海华光电子有限公司");
        _h.AdvanceTo(new DateTimeOffset(2026, 4, 10, 0, 0, 0, TimeSpan.FromHours(8)));

        var refusal = await Assert.ThrowsAsync<PolicyRefusalException>(() => _h.File.ExecuteAsync(Harness.Salesperson("S1"), Harness.Filing("上海华光电子有限公司")));
        Assert.Equal("X-2", refusal.RuleId);
        Assert.Equal("2026-04-10", refusal.Metadata["freedOn"]);
        Assert.Equal("2026-05-10", refusal.Metadata["allowedFrom"]);

        _h.AdvanceTo(new DateTimeOffset(2026, 5, 10, 0, 0, 0, TimeSpan.FromHours(8)));
        var again = (await _h.File.ExecuteAsync(Harness.Salesperson("S1"), Harness.Filing("上海华光电子有限公司"))).Customer;
        Assert.Equal(CustomerStatus.Pending, again.Value.Status);
    }

    [Fact]
    public async Task P2_1_a_rejected_filing_frees_the_identity()
    {
        var filed = (await _h.File.ExecuteAsync(Harness.Salesperson("S1"), Harness.Filing("上海华光电子有限公司"))).Customer;
        await _h.Decide.RejectAsync(Harness.Secretary(), filed.Value.Id, "拜访证据不足");

        var again = (await _h.File.ExecuteAsync(Harness.Salesperson("S2"), Harness.Filing("上海华光电子有限公司"))).Customer;

        Assert.Equal(filed.Value.Id, again.Value.Id);
        Assert.Equal("S2", again.Value.OwnerId);
    }

    [Fact]
    public async Task P2_1_only_the_branch_secretary_approves()
    {
        var filed = (await _h.File.ExecuteAsync(Harness.Salesperson("S1"), Harness.Filing("上海华光电子有限公司"))).Customer;

        await Assert.ThrowsAsync<ScopeDeniedException>(() => _h.Decide.ApproveAsync(Harness.Salesperson("S2"), filed.Value.Id));
        await Assert.ThrowsAsync<ScopeDeniedException>(() => _h.Decide.ApproveAsync(Harness.Secretary("B-BJ"), filed.Value.Id));
        Assert.Equal(CustomerStatus.Pending, (await _h.CustomerAsync(filed.Value.Id)).Status);
    }

    [Fact]
    public async Task X4_the_duplicate_check_names_holder_and_near_duplicates_and_reveals_no_contact()
    {
        var held = await _h.FileAndApproveAsync("S1", "无锡华光电子有限公司");

        var check = await _h.Query.CheckDuplicateAsync(null, "无锡市华光电子有限公司", false);

        Assert.Equal("free", check.Verdict);
        Assert.Null(check.Holder);
        var near = Assert.Single(check.NearDuplicates);
        Assert.Equal(held.Value.Id, near.Customer.Id);
        Assert.True(near.Score >= 0.75);
        var exact = await _h.Query.CheckDuplicateAsync(null, "无锡华光电子有限公司", false);
        Assert.Equal("taken", exact.Verdict);
        Assert.Equal("销售S1", exact.Holder!.OwnerName);
        Assert.Equal(new DateOnly(2026, 4, 9), exact.Holder.LastProtectedDay);
        Assert.Empty(exact.NearDuplicates);
    }

    [Fact]
    public async Task Bad_input_is_InvalidArgument_with_every_field_and_nothing_is_written()
    {
        var input = Harness.Filing("") with { Class = "vip", DeclaredAnnualSales = "-5", EvidenceKind = "guess", EvidenceDate = "2026-03-11" };

        var error = await Assert.ThrowsAsync<RequestValidationException>(() => _h.File.ExecuteAsync(Harness.Salesperson("S1"), input));

        Assert.Equal(["customer_class", "declared_annual_sales", "evidence_date", "evidence_kind", "invoice_title"],
            error.Violations.Select(v => v.Field).Distinct().Order(StringComparer.Ordinal));
        Assert.Empty(await _h.Store.BranchCustomerIdsAsync("B-SH", null, 10));
    }

    [Fact]
    public async Task Only_salespeople_and_dealers_file()
    {
        await Assert.ThrowsAsync<ScopeDeniedException>(() => _h.File.ExecuteAsync(Harness.Secretary(), Harness.Filing("上海华光电子有限公司")));
    }
}
