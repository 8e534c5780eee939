using System.Text;
using CustomerProtection.Contracts.Arbitration;
using CustomerProtection.Contracts.Registration;
using CustomerProtection.Contracts.Territory;
using CustomerProtection.Policy;
using CustomerProtection.Policy.Errors;
using CustomerProtection.Registration.Application;
using CustomerProtection.Registration.Domain;
using CustomerProtection.Storage;
using CustomerProtection.Testing;
using NodaTime;

namespace CustomerProtection.Registration.Tests;

/// <summary>
/// P-1.1 and P-3.1 across owners, on a real redis-server: only a formal purchase makes a customer formal;
/// every path that gives a customer a new owner starts that owner as a prospect until their own first
/// formal purchase, while the customer's purchases stay on record.
/// </summary>
public sealed class LifecycleTests(RedisServer redis) : IClassFixture<RedisServer>, IAsyncLifetime
{
    private static readonly TimeSpan Shanghai = TimeSpan.FromHours(8);
    private static readonly DateOnly FirstPurchase = new(2026, 3, 10);
    private readonly Harness _h = new(redis);

    public async Task InitializeAsync()
    {
        await redis.FlushAsync();
        await _h.SeedBranchAsync("B-SH", autoApprove: false, "S1", "S2");
    }

    public Task DisposeAsync() => Task.CompletedTask;

    // ---- The reference: P-3.1, P-3.2 and P-3.4 as policy.md writes them, with its period arithmetic. ----

    private static readonly PeriodArithmetic Arithmetic = new(CalendarProvider.Create().Current, rollForward: true);

    /// <summary>P-3.2, P-3.4: 30 days; 300,000–500,000 CNY declared → 90; above 500,000 → 120.</summary>
    private static int ProspectDays(decimal declared) => declared > 500_000m ? 120 : declared >= 300_000m ? 90 : 30;

    private static LocalDate ProspectLastDay(DateOnly start, decimal declared) => Arithmetic.LastProtectedDay(LocalDate.FromDateOnly(start), ProspectDays(declared)).LastDay;

    /// <summary>P-3.1: 180 days from the last formal shipment.</summary>
    private static LocalDate FormalLastDay(DateOnly shipped) => Arithmetic.LastProtectedDay(LocalDate.FromDateOnly(shipped), 180).LastDay;

    private SaleRecorded Sale(Customer customer, string id, DateOnly shippedOn, string seller, string kind) =>
        new(id, customer.IdentityKey, customer.Id, seller, "B-SH", "R-EAST", "P-100", 10m, 5m, 50m, shippedOn, false, _h.Time.GetUtcNow(), kind);

    private DateOnly Today => _h.Clock.Today.ToDateOnly();

    // ---- P-1.1 ----

    [Theory]
    [InlineData(SaleKinds.Sample)]
    [InlineData(SaleKinds.Trial)]
    public async Task P1_1_a_sample_or_trial_does_not_make_a_prospect_formal_and_is_recorded_once_as_trial_progress(string kind)
    {
        var customer = (await _h.FileAndApproveAsync("S1", "上海样品试用有限公司")).Value;
        var sale = Sale(customer, "SALE-S", FirstPurchase, "S1", kind);

        await _h.Shipments.FromSaleAsync(sale);
        await _h.Shipments.FromSaleAsync(sale);

        var stored = await _h.CustomerAsync(customer.Id);
        Assert.Equal(Stages.Prospect, stored.Stage);
        Assert.Null(stored.LastShipmentOn);
        Assert.Equal(ProspectLastDay(FirstPurchase, 100_000m), _h.Clock.Evaluate(stored).End!.LastDay);
        Assert.Empty(await _h.EventsAsync<ProtectionPeriodChanged>());
        var progress = Assert.Single(await _h.Store.ProgressAsync(customer.Id));
        Assert.Equal((ProgressKinds.Trial, FirstPurchase, "sale SALE-S", "S1"), (progress.Kind, progress.On, progress.Evidence, progress.RecordedBy));
        Assert.Equal([FirstPurchase], stored.ProgressDates!);
        Assert.Single(await _h.EventsAsync<ProgressRecorded>());
    }

    [Fact]
    public async Task P1_1_a_formal_purchase_makes_the_prospect_formal_and_an_event_without_a_kind_is_a_formal_purchase()
    {
        var customer = (await _h.FileAndApproveAsync("S1", "上海正式采购有限公司")).Value;
        // Published before the kind existed: the contract then said samples and trials were not recorded as sales.
        var old = new SaleRecorded("SALE-OLD", customer.IdentityKey, customer.Id, "S1", "B-SH", "R-EAST", "P-100", 10m, 5m, 50m, FirstPurchase, false, _h.Time.GetUtcNow());

        await _h.Shipments.FromSaleAsync(old);

        var stored = await _h.CustomerAsync(customer.Id);
        Assert.Equal(Stages.Formal, stored.Stage);
        Assert.Equal(FormalLastDay(FirstPurchase), _h.Clock.Evaluate(stored).End!.LastDay);
        Assert.Empty(await _h.Store.ProgressAsync(customer.Id));
    }

    [Fact]
    public async Task P1_1_a_sample_to_a_formal_customer_does_not_restart_its_180_days()
    {
        var customer = (await _h.FileAndApproveAsync("S1", "上海复购样品有限公司")).Value;
        await _h.Shipments.FromSaleAsync(Sale(customer, "SALE-1", FirstPurchase, "S1", SaleKinds.FormalPurchase));
        _h.AdvanceTo(new DateTimeOffset(2026, 6, 1, 10, 0, 0, Shanghai));

        await _h.Shipments.FromSaleAsync(Sale(customer, "SALE-2", Today, "S1", SaleKinds.Sample));

        var stored = await _h.CustomerAsync(customer.Id);
        Assert.Equal((FirstPurchase, FirstPurchase), (stored.PeriodStart, stored.LastShipmentOn));
        Assert.Equal(FormalLastDay(FirstPurchase), _h.Clock.Evaluate(stored).End!.LastDay);
    }

    // ---- P-3.1 across owners: every path that gives the customer a new owner ----

    public enum NewOwnerPath
    {
        RefiledAfterLapse,
        ImportedAfterLapse,
        ClaimedAfterLapse,
        ReallocatedAfterLapse,
        AwardedAfterLapse,
        ClaimedFromLeaversPool,
        ReallocatedWhileProtected,
        AwardedWhileProtected,
    }

    /// <summary>
    /// S1 makes the customer formal (a formal purchase on 2026-03-10), then the path gives it to S2. As written
    /// (P-3.1 with P-3.2/P-3.4): S2 is protected as a prospect from that day, by the declared sales of the
    /// filing that gave it (the record's declared sales otherwise), until S2's own first formal purchase,
    /// which starts P-3.1 from that shipment. The customer's purchase stays on record throughout; a sample,
    /// and a late delivery of S1's sale, change nothing.
    /// </summary>
    [Theory]
    [InlineData(NewOwnerPath.RefiledAfterLapse)]
    [InlineData(NewOwnerPath.ImportedAfterLapse)]
    [InlineData(NewOwnerPath.ClaimedAfterLapse)]
    [InlineData(NewOwnerPath.ReallocatedAfterLapse)]
    [InlineData(NewOwnerPath.AwardedAfterLapse)]
    [InlineData(NewOwnerPath.ClaimedFromLeaversPool)]
    [InlineData(NewOwnerPath.ReallocatedWhileProtected)]
    [InlineData(NewOwnerPath.AwardedWhileProtected)]
    public async Task P3_1_a_new_owner_of_a_customer_that_has_bought_is_a_prospect_until_their_own_first_formal_purchase(NewOwnerPath path)
    {
        var taxpayerId = Harness.NewTaxpayerId();
        const string title = "上海换手客户有限公司";
        var id = (await _h.FileAndApproveAsync("S1", title, taxpayerId)).Value.Id;
        await _h.Shipments.FromSaleAsync(Sale(await _h.CustomerAsync(id), "SALE-S1", FirstPurchase, "S1", SaleKinds.FormalPurchase));
        Assert.Equal(Stages.Formal, (await _h.CustomerAsync(id)).Stage);

        var declared = await GiveToS2Async(path, id, taxpayerId, title);

        var taken = await _h.CustomerAsync(id);
        var start = Today;
        Assert.Equal(("S2", CustomerStatus.Protected, Stages.Prospect), (taken.OwnerId, taken.Status, taken.Stage));
        Assert.Equal(start, taken.PeriodStart);
        Assert.Equal(FirstPurchase, taken.LastShipmentOn);
        Assert.Equal(ProspectLastDay(start, declared), _h.Clock.Evaluate(taken).End!.LastDay);

        // S1's sale delivered late, and a sample to S2, are not S2's first formal purchase.
        await _h.Shipments.FromSaleAsync(Sale(taken, "SALE-S1-LATE", FirstPurchase, "S1", SaleKinds.FormalPurchase));
        await _h.Shipments.FromSaleAsync(Sale(taken, "SALE-S2-SAMPLE", start, "S2", SaleKinds.Sample));
        Assert.Equal((Stages.Prospect, (DateOnly?)start), ((await _h.CustomerAsync(id)).Stage, (await _h.CustomerAsync(id)).PeriodStart));

        // The day before the prospect period ends, S2's first formal purchase: P-3.1 from that shipment.
        var lastDay = ProspectLastDay(start, declared);
        _h.AdvanceTo(new DateTimeOffset(lastDay.Year, lastDay.Month, lastDay.Day, 10, 0, 0, Shanghai).AddDays(-1));
        var purchase = Today;
        await _h.Shipments.FromSaleAsync(Sale(taken, "SALE-S2", purchase, "S2", SaleKinds.FormalPurchase));
        var formal = await _h.CustomerAsync(id);
        Assert.Equal((Stages.Formal, (DateOnly?)purchase, (DateOnly?)purchase), (formal.Stage, formal.PeriodStart, formal.LastShipmentOn));
        Assert.Equal(FormalLastDay(purchase), _h.Clock.Evaluate(formal).End!.LastDay);
    }

    [Fact]
    public async Task P3_1_with_NewOwnerKeepsRunningFormalPeriod_a_running_formal_period_continues_for_the_new_owner_and_a_lapsed_one_does_not()
    {
        var book = new PolicyBook([new PolicyVersion(PolicyBook.PolicyStart, PolicyParameters.Defaults with { NewOwnerKeepsRunningFormalPeriod = true })]);
        var h = new Harness(redis, book);
        var running = (await h.FileAndApproveAsync("S1", "上海续期正式甲有限公司")).Value.Id;
        var lapsing = (await h.FileAndApproveAsync("S1", "上海续期正式乙有限公司")).Value.Id;
        await h.Shipments.FromSaleAsync(Sale(await h.CustomerAsync(running), "SALE-R", FirstPurchase, "S1", SaleKinds.FormalPurchase));
        await h.Shipments.FromSaleAsync(Sale(await h.CustomerAsync(lapsing), "SALE-L", FirstPurchase, "S1", SaleKinds.FormalPurchase));

        // On the formal period's last day (2026-09-07) it still runs: the new owner continues it.
        h.AdvanceTo(new DateTimeOffset(2026, 9, 7, 10, 0, 0, Shanghai));
        await h.ReallocateCustomer.ExecuteAsync(Harness.Manager(), running, "S2", "分配");
        var kept = await h.CustomerAsync(running);
        Assert.Equal(("S2", Stages.Formal, (DateOnly?)FirstPurchase), (kept.OwnerId, kept.Stage, kept.PeriodStart));
        Assert.Equal(FormalLastDay(FirstPurchase), h.Clock.Evaluate(kept).End!.LastDay);

        // The day after, the other one has lapsed: its new owner starts as a prospect.
        h.AdvanceTo(new DateTimeOffset(2026, 9, 8, 10, 0, 0, Shanghai));
        await h.DrainDueAsync();
        await h.ReallocateCustomer.ExecuteAsync(Harness.Manager(), lapsing, "S2", "分配");
        var fresh = await h.CustomerAsync(lapsing);
        Assert.Equal((Stages.Prospect, (DateOnly?)new DateOnly(2026, 9, 8)), (fresh.Stage, fresh.PeriodStart));
    }

    /// <summary>Gives the customer to S2 by <paramref name="path"/>; returns the expected annual sales the new period is tiered by.</summary>
    private async Task<decimal> GiveToS2Async(NewOwnerPath path, string id, string taxpayerId, string title)
    {
        var afterLapse = new DateTimeOffset(2026, 9, 10, 10, 0, 0, Shanghai);   // S1's last day is 2026-09-07
        switch (path)
        {
            case NewOwnerPath.RefiledAfterLapse:
                _h.AdvanceTo(afterLapse);
                await _h.DrainDueAsync();
                var (filed, _) = await _h.File.ExecuteAsync(Harness.Salesperson("S2"), Harness.Filing(title, taxpayerId, sales: 400_000m));
                await _h.Decide.ApproveAsync(Harness.Secretary(), filed.Value.Id);
                return 400_000m;
            case NewOwnerPath.ImportedAfterLapse:
                _h.AdvanceTo(afterLapse);
                await _h.DrainDueAsync();
                var csv = $"""
                    taxpayer_id,invoice_title,owner_id,customer_class,declared_annual_sales,stage,approved_on,last_shipment_on,contact_name,contact_phone,contact_email,contact_address,evidence
                    {taxpayerId},{title},S2,ordinary,350000,,{Today:yyyy-MM-dd},,,,,,老客户
                    """;
                var report = await _h.Import.ExecuteAsync(Harness.Secretary(), "B-SH", new MemoryStream(Encoding.UTF8.GetBytes(csv)));
                Assert.Equal(ImportOutcomes.Filed, Assert.Single(report.Results).Outcome);
                return 350_000m;
            case NewOwnerPath.ClaimedAfterLapse:
                _h.AdvanceTo(afterLapse);
                await _h.DrainDueAsync();
                await _h.ClaimFromPool.ExecuteAsync(Harness.Salesperson("S2"), id);
                return 100_000m;
            case NewOwnerPath.ReallocatedAfterLapse:
                _h.AdvanceTo(afterLapse);
                await _h.DrainDueAsync();
                await _h.ReallocateCustomer.ExecuteAsync(Harness.Manager(), id, "S2", "分配");
                return 100_000m;
            case NewOwnerPath.AwardedAfterLapse:
                _h.AdvanceTo(afterLapse);
                await _h.DrainDueAsync();
                await AwardAsync(id);
                return 100_000m;
            case NewOwnerPath.ClaimedFromLeaversPool:
                // P-12: S1 leaves while the formal period runs; after the priority window anyone of the branch may claim.
                _h.AdvanceTo(new DateTimeOffset(2026, 4, 1, 10, 0, 0, Shanghai));
                await _h.EmployeeAsync("S1", "销售S1", Policy.Actors.Roles.Salesperson, "B-SH", "M-B-SH", status: "left", version: 2);
                await _h.Leavers.ExecuteAsync("S1", "辞职");
                _h.AdvanceTo(new DateTimeOffset(2026, 4, 6, 10, 0, 0, Shanghai));
                await _h.ClaimFromPool.ExecuteAsync(Harness.Salesperson("S2"), id);
                return 100_000m;
            case NewOwnerPath.ReallocatedWhileProtected:
                _h.AdvanceTo(new DateTimeOffset(2026, 4, 1, 10, 0, 0, Shanghai));
                await _h.ReallocateCustomer.ExecuteAsync(Harness.Manager(), id, "S2", "分配");
                return 100_000m;
            case NewOwnerPath.AwardedWhileProtected:
                _h.AdvanceTo(new DateTimeOffset(2026, 4, 1, 10, 0, 0, Shanghai));
                await AwardAsync(id);
                return 100_000m;
            default:
                throw new ArgumentOutOfRangeException(nameof(path));
        }
    }

    private async Task AwardAsync(string id)
    {
        var now = _h.Time.GetUtcNow();
        Assert.True(await _h.Cases.OpenedAsync(new CaseOpened("CASE-L", "objection", id, "S2", "S1", now)));
        Assert.True(await _h.Cases.AwardedAsync(new OwnershipAwarded("CASE-L", id, "S2", "S1", [], Resolutions.Decision, "P-9.2", "M-B-SH", now)));
        Assert.True(await _h.Cases.ClosedAsync(new CaseClosed("CASE-L", id, "decided", now)));
    }

    // ---- The same rules over random sequences: a small model of one customer's stage and period ----

    /// <summary>What the rule book says about one customer's owner, stage and period (nothing about who may take it: the gate's tests do that).</summary>
    private sealed class StageModel
    {
        public string? Owner;
        public DateOnly? PeriodStart;
        public bool Formal;
        public decimal Declared;
        public DateOnly? LastPurchase;
        public int Case;

        public LocalDate? LastDay => PeriodStart is { } start ? Formal ? FormalLastDay(start) : ProspectLastDay(start, Declared) : null;

        public bool ProtectedOn(DateOnly today) => Owner is not null && LastDay is { } last && LocalDate.FromDateOnly(today) <= last;

        /// <summary>Any new owner (P-3.1 with P-3.2/P-3.4): a prospect from that day.</summary>
        /// <summary>How often a customer that had bought got a new owner (the case P-3.1's row is about).</summary>
        public int NewOwnersAfterPurchase;

        public void NewOwner(string owner, DateOnly today, decimal? declared)
        {
            NewOwnersAfterPurchase += LastPurchase is null ? 0 : 1;
            (Owner, PeriodStart, Formal) = (owner, today, false);
            Declared = declared ?? Declared;
        }

        /// <summary>P-1.1, P-3.1: a formal purchase counts for the owner shipped in their protected period; the purchase is a fact either way.</summary>
        public void FormalPurchase(DateOnly shipped, DateOnly today)
        {
            if (ProtectedOn(today) && shipped >= PeriodStart && (!Formal || shipped > PeriodStart))
            {
                (Formal, PeriodStart) = (true, shipped);
            }

            LastPurchase = LastPurchase > shipped ? LastPurchase : shipped;
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(6)]
    [InlineData(7)]
    [InlineData(8)]
    public async Task P3_1_and_P1_1_random_sequences_of_owner_changes_sales_of_every_kind_and_time_follow_the_stage_model(int seed)
    {
        var rnd = new Random(seed);
        string[] people = ["S1", "S2", "S3"];
        await _h.SeedBranchAsync("B-SH", autoApprove: false, people);
        var taxpayerId = Harness.NewTaxpayerId();
        var title = $"上海随机{seed}有限公司";
        var model = new StageModel();
        string? id = null;
        var trace = new List<string>();

        for (var step = 0; step < 40; step++)
        {
            var today = Today;
            var who = people[rnd.Next(people.Length)];
            var op = id is null ? 0 : rnd.Next(8);
            if (op is 2 or 3 && who == model.Owner)
            {
                op = 7;   // a change of owner to the owner is no change
            }

            string what;
            try
            {
                switch (op)
                {
                    case 0:
                        var declared = rnd.Next(2) == 0 ? 100_000m : 400_000m;
                        what = $"{who} files ({declared})";
                        var (filed, _) = await _h.File.ExecuteAsync(Harness.Salesperson(who), Harness.Filing(title, taxpayerId, sales: declared));
                        id = filed.Value.Id;
                        await _h.Decide.ApproveAsync(Harness.Secretary(), id);
                        model.NewOwner(who, today, declared);
                        break;
                    case 1:
                        what = $"{who} claims";
                        await _h.ClaimFromPool.ExecuteAsync(Harness.Salesperson(who), id!);
                        model.NewOwner(who, today, null);
                        break;
                    case 2:
                        what = $"reallocated to {who}";
                        await _h.ReallocateCustomer.ExecuteAsync(Harness.Manager(), id!, who, "分配");
                        model.NewOwner(who, today, null);
                        break;
                    case 3:
                        what = $"awarded to {who}";
                        var caseId = $"CASE-{seed}-{++model.Case}";
                        var now = _h.Time.GetUtcNow();
                        await _h.Cases.OpenedAsync(new CaseOpened(caseId, "objection", id!, who, model.Owner, now));
                        var applied = await _h.Cases.AwardedAsync(new OwnershipAwarded(caseId, id!, who, model.Owner, [], Resolutions.Decision, "P-9.2", "M-B-SH", now));
                        await _h.Cases.ClosedAsync(new CaseClosed(caseId, id!, "decided", now));
                        if (applied && (await _h.CustomerAsync(id!)).OwnerId == who)
                        {
                            model.NewOwner(who, today, null);
                        }
                        else
                        {
                            what += " (refused)";
                        }

                        break;
                    case 4:
                    case 5:
                        var shipped = today.AddDays(-rnd.Next(0, 12));
                        what = $"{who} ships a formal purchase dated {shipped:yyyy-MM-dd}";
                        await _h.Shipments.FromSaleAsync(Sale(await _h.CustomerAsync(id!), $"SALE-{seed}-{step}", shipped, who, SaleKinds.FormalPurchase));
                        model.FormalPurchase(shipped, today);
                        break;
                    case 6:
                        var kind = rnd.Next(2) == 0 ? SaleKinds.Sample : SaleKinds.Trial;
                        what = $"{who} ships a {kind}";
                        await _h.Shipments.FromSaleAsync(Sale(await _h.CustomerAsync(id!), $"SALE-{seed}-{step}", today, who, kind));
                        break;
                    default:
                        var days = rnd.Next(1, 80);
                        what = $"+{days} days";
                        _h.AdvanceTo(_h.Time.GetUtcNow().AddDays(days));
                        await _h.DrainDueAsync();
                        break;
                }
            }
            catch (Exception refused) when (refused is PolicyRefusalException or ScopeDeniedException)
            {
                what = $"op {op} by {who} refused ({(refused as PolicyRefusalException)?.RuleId ?? "scope"})";
            }

            trace.Add($"{today:yyyy-MM-dd} {what}");
            if (id is null)
            {
                continue;
            }

            var stored = await _h.CustomerAsync(id);
            var state = _h.Clock.Evaluate(stored);
            var context = $"seed {seed}, after:\n{string.Join("\n", trace)}";
            Assert.True(model.ProtectedOn(Today) == state.ProtectedNow, $"protected: model {model.ProtectedOn(Today)}, service {state.ProtectedNow}; {context}");
            Assert.True((model.Formal ? Stages.Formal : Stages.Prospect) == stored.Stage, $"stage: model formal={model.Formal}, service {stored.Stage}; {context}");
            Assert.True(model.PeriodStart == stored.PeriodStart, $"period start: model {model.PeriodStart}, service {stored.PeriodStart}; {context}");
            Assert.True(model.LastPurchase == stored.LastShipmentOn, $"last purchase: model {model.LastPurchase}, service {stored.LastShipmentOn}; {context}");
            if (state.ProtectedNow)
            {
                Assert.True(model.Owner == stored.OwnerId && model.LastDay == state.End!.LastDay, $"owner/last day: model {model.Owner} {model.LastDay}, service {stored.OwnerId} {state.End!.LastDay}; {context}");
            }
        }

        // The sequence must have exercised the row: a customer that has bought changing hands.
        Assert.True(model.NewOwnersAfterPurchase > 0, $"seed {seed} never gave a customer that had bought a new owner:\n{string.Join("\n", trace)}");
    }
}
