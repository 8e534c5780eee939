using CustomerProtection.Protos;
using System.Globalization;
using CustomerProtection.Arbitration.V1;
using CustomerProtection.Platform.V1;
using CustomerProtection.Policy;
using CustomerProtection.Registration.V1;
using CustomerProtection.Policy.Actors;
using CustomerProtection.Territory.V1;
using Google.Rpc;
using Grpc.Core;
using NodaTime;

namespace CustomerProtection.EndToEnd.Tests;

/// <summary>
/// Arbitration through the real AppHost: cases opened against Registration's filings, the customer
/// shown as disputed there, resolutions acted on by the due-queue when the shared clock passes their
/// deadlines, awards applied by Registration, violations reaching Penalty. Every expectation is
/// computed from the clock's answer (other classes move it too, only forward).
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class ArbitrationTests(SystemFixture system)
{
    private static readonly WorkingDayCalendar Calendar = WorkingDayCalendar.LoadDefault();

    private Cases.CasesClient CasesClient => new(system.Channel(ResourceNames.Arbitration));
    private Customers.CustomersClient RegistrationCustomers => new(system.Channel(ResourceNames.Registration));
    private Ownership.OwnershipClient RegistrationOwnership => new(system.Channel(ResourceNames.Registration));
    private Metadata Hq => system.As("HQ-1", Roles.Hq);

    private sealed record Org(string S, Metadata Owner, Metadata Objector, Metadata Third, Metadata Secretary, Metadata Manager)
    {
        public string Id(string name) => $"{name}-{S}";
    }

    /// <summary>The shared test organisation: S1 owns, S2 objects, S3 is a third salesperson; BM manages the branch.</summary>
    private async Task<Org> ImportAsync()
    {
        var org = await TestOrganisation.ImportAsync(system);
        return new Org(org.S, org.Salesperson1, org.As("S2", Roles.Salesperson), org.As("S3", Roles.Salesperson), org.Secretary, org.As("BM", Roles.BranchManager));
    }

    private async Task<LocalDate> TodayAsync() =>
        LocalDate.FromDateOnly((await new Clock.ClockClient(system.Channel(ResourceNames.Arbitration)).GetTimeAsync(new GetTimeRequest(), Hq)).Today.ToDateOnly());

    private static string Iso(LocalDate date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static Google.Type.Date Day(LocalDate date) => new() { Year = date.Year, Month = date.Month, Day = date.Day };

    /// <summary>Moves the shared clock forward by whole days and waits until Arbitration and Registration follow.</summary>
    private async Task AdvanceDaysAsync(int days)
    {
        var moved = await new Clock.ClockClient(system.Channel(ResourceNames.Arbitration))
            .AdvanceAsync(new AdvanceRequest { By = Google.Protobuf.WellKnownTypes.Duration.FromTimeSpan(TimeSpan.FromDays(days)) }, Hq);
        foreach (var service in new[] { ResourceNames.Arbitration, ResourceNames.Registration })
        {
            await Eventually.GetAsync(async () =>
            {
                var t = await new Clock.ClockClient(system.Channel(service)).GetTimeAsync(new GetTimeRequest(), Hq);
                return t.Offset.ToTimeSpan() >= moved.Offset.ToTimeSpan() ? t : null;
            }, $"{service} following the clock", TimeSpan.FromSeconds(10));
        }
    }

    /// <summary>S1 files a customer and the branch secretary approves it: announced today (P-2.1, P-2.2).</summary>
    private async Task<CustomerView> AnnouncedCustomerAsync(Org org, string name)
    {
        var today = await TodayAsync();
        var filed = await RegistrationCustomers.FileCustomerAsync(new FileCustomerRequest
        {
            InvoiceTitle = $"{name}{org.S}有限公司",
            CustomerClass = CustomerClass.Important,
            DeclaredAnnualSales = "100000",
            EvidenceKind = FilingEvidenceKind.Visit,
            EvidenceDate = Day(today),
            Evidence = "拜访 / visit",
        }, org.Owner);
        return filed.Status == CustomerStatus.Protected
            ? filed
            : await RegistrationCustomers.ApproveFilingAsync(new CustomerProtection.Registration.V1.ApproveFilingRequest { CustomerId = filed.CustomerId }, org.Secretary);
    }

    private async Task<Case> ObjectAsync(Org org, CustomerView customer, Metadata objector) =>
        await CasesClient.FileObjectionAsync(new FileObjectionRequest { CustomerId = customer.CustomerId, Reason = "我先拜访过 / I visited first" }, objector);

    private async Task<Case> CaseWhenAsync(string caseId, Func<Case, bool> condition, string what) =>
        await Eventually.GetAsync(async () =>
        {
            var c = await CasesClient.GetCaseAsync(new GetCaseRequest { CaseId = caseId }, Hq);
            return condition(c) ? c : null;
        }, what);

    private async Task<OwnershipInfo> OwnershipWhenAsync(string customerId, Func<OwnershipInfo, bool> condition, string what) =>
        await Eventually.GetAsync(async () =>
        {
            var o = await RegistrationOwnership.GetOwnershipAsync(new GetOwnershipRequest { CustomerId = customerId }, Hq);
            return condition(o) ? o : null;
        }, what);

    [Fact]
    public async Task P2_2_an_objection_within_the_window_opens_a_case_that_Registration_shows_and_a_late_one_is_refused_with_the_deadline()
    {
        var org = await ImportAsync();
        var early = await AnnouncedCustomerAsync(org, "华光精密");
        var late = await AnnouncedCustomerAsync(org, "华光电子");
        var announced = await TodayAsync();

        var opened = await ObjectAsync(org, early, org.Objector);

        Assert.Equal((CaseKind.Objection, CaseStatus.Open, org.Id("S1")), (opened.Kind, opened.Status, opened.RespondentId));
        Assert.Equal(("P-9.1", org.Id("S1")), (opened.Recommendation.DecidingRule, opened.Recommendation.RecommendedId));
        var disputed = await OwnershipWhenAsync(early.CustomerId, o => o.Disputed, "CaseOpened in Registration");
        Assert.Equal(opened.CaseId, disputed.OpenCaseId);

        // Past the third working day after the announcement.
        var deadline = Calendar.AddWorkingDays(announced, 3).Value;
        await AdvanceDaysAsync(Period.DaysBetween(announced, deadline) + 1);
        var error = await Assert.ThrowsAsync<RpcException>(() => ObjectAsync(org, late, org.Objector));

        Assert.Equal(StatusCode.FailedPrecondition, error.StatusCode);
        var info = error.GetRpcStatus()!.GetDetail<ErrorInfo>();
        Assert.Equal("P-2.2", info.Reason);
        Assert.Equal(Iso(deadline), info.Metadata["deadline"]);
        Assert.False((await RegistrationOwnership.GetOwnershipAsync(new GetOwnershipRequest { CustomerId = late.CustomerId }, Hq)).Disputed);
    }

    /// <summary>An auction on an objection: bids by the owner, the objector and a third salesperson.</summary>
    private async Task<(Org Org, CustomerView Customer, Case Closed)> AuctionClosedAsync()
    {
        var org = await ImportAsync();
        var customer = await AnnouncedCustomerAsync(org, "竞拍精工");
        var opened = await ObjectAsync(org, customer, org.Objector);
        var today = await TodayAsync();

        await CasesClient.ResolveByAuctionAsync(new ResolveByAuctionRequest { CaseId = opened.CaseId, ClosesOn = Day(today.PlusDays(1)), Reason = "竞拍 / auction" }, org.Manager);
        await CasesClient.PlaceBidAsync(new PlaceBidRequest { CaseId = opened.CaseId, Amount = "5000", Milestone = Milestone.Trial }, org.Owner);
        await CasesClient.PlaceBidAsync(new PlaceBidRequest { CaseId = opened.CaseId, Amount = "12000", Milestone = Milestone.Deal }, org.Objector);
        await CasesClient.PlaceBidAsync(new PlaceBidRequest { CaseId = opened.CaseId, Amount = "8000", Milestone = Milestone.Deal }, org.Third);

        await AdvanceDaysAsync(2);
        var closed = await CaseWhenAsync(opened.CaseId, c => c.Status == CaseStatus.AuctionCommitment, "the auction's close");
        return (org, customer, closed);
    }

    [Fact]
    public async Task P2_4c_an_auction_with_three_bidders_is_won_by_the_highest_and_Registration_transfers_the_customer()
    {
        var (org, customer, closed) = await AuctionClosedAsync();

        Assert.Equal(org.Id("S2"), closed.Auction.HolderId);
        Assert.Equal([org.Id("S2"), org.Id("S3"), org.Id("S1")], closed.Auction.Ranking.Select(id => closed.Auction.Bids.Single(b => b.EntryId == id).BidderId));
        var award = Assert.Single(closed.Awards);
        Assert.Equal((Resolution.Auction, org.Id("S1")), (award.Resolution, award.PreviousOwnerId));
        var owner = await OwnershipWhenAsync(customer.CustomerId, o => o.OwnerId == org.Id("S2"), "OwnershipAwarded in Registration");
        // The case stays open through the commitment: still disputed in Registration (P-2.4(c)).
        Assert.Equal((org.Id("S2"), true, closed.CaseId), (owner.OwnerId, owner.Disputed, owner.OpenCaseId));
        Assert.Equal("25000.00", (await CasesClient.GetLedgerAsync(new GetLedgerRequest { CaseId = closed.CaseId }, org.Manager)).Held);
    }

    [Fact]
    public async Task P2_4c_a_winner_who_misses_the_commitment_forfeits_the_bid_and_loses_the_customer_to_the_second()
    {
        var (org, customer, closed) = await AuctionClosedAsync();
        var today = await TodayAsync();
        var lastDay = LocalDate.FromDateOnly(closed.Auction.CommitmentLastDay.ToDateOnly());

        await AdvanceDaysAsync(Period.DaysBetween(today, lastDay) + 1);
        var next = await CaseWhenAsync(closed.CaseId, c => c.Auction.HolderId == org.Id("S3"), "the commitment's end");

        Assert.Equal((CaseStatus.AuctionCommitment, org.Id("S3")), (next.Status, next.OwnerId));
        Assert.Equal([org.Id("S2")], next.Auction.FailedBidderIds);
        Assert.Equal((org.Id("S3"), org.Id("S2")), (next.Awards[^1].OwnerId, next.Awards[^1].PreviousOwnerId));
        var ledger = await CasesClient.GetLedgerAsync(new GetLedgerRequest { PersonId = org.Id("S2") }, org.Objector);
        var forfeited = Assert.Single(ledger.Entries);
        Assert.Equal(("12000.00", LedgerEntryStatus.Forfeited), (forfeited.Amount, forfeited.Status));

        // Registration applies the case's second award: the second bidder owns the customer, still disputed.
        var owner = await OwnershipWhenAsync(customer.CustomerId, o => o.OwnerId == org.Id("S3"), "the second OwnershipAwarded in Registration");
        Assert.Equal((org.Id("S2"), true, closed.CaseId), (owner.PreviousOwnerId, owner.Disputed, owner.OpenCaseId));
        var history = await RegistrationCustomers.GetOwnershipHistoryAsync(new GetOwnershipHistoryRequest { CustomerId = customer.CustomerId }, Hq);
        Assert.Equal([(org.Id("S1"), org.Id("S2")), (org.Id("S2"), org.Id("S3"))],
            history.Events.Where(e => e.Change == OwnershipChange.Awarded).Select(e => (e.FromOwnerId, e.ToOwnerId)));
    }

    [Fact]
    public async Task P2_4b_a_trial_claim_is_met_by_the_claimants_own_trial_recorded_in_Registration()
    {
        var org = await ImportAsync();
        var customer = await AnnouncedCustomerAsync(org, "试用仪器");
        var opened = await ObjectAsync(org, customer, org.Objector);
        var today = await TodayAsync();
        await OwnershipWhenAsync(customer.CustomerId, o => o.Disputed, "CaseOpened in Registration");
        await CasesClient.ResolveBySurpassingClaimAsync(new ResolveBySurpassingClaimRequest
        {
            CaseId = opened.CaseId, Milestone = Milestone.Trial, DueOn = Day(today.PlusDays(1)), Reason = "超越进度 / surpassing",
        }, org.Manager);

        // The claimant, neither owner nor co-developer, records the promised trial; only a trial.
        var trial = await RegistrationCustomers.RecordProgressAsync(new RecordProgressRequest
        {
            CustomerId = customer.CustomerId, Kind = ProgressKind.Trial, On = Day(today), Note = "样品试用 / sample trial", Evidence = "TRIAL-" + org.S,
        }, org.Objector);
        Assert.Equal(org.Id("S2"), trial.RecordedBy);
        var visit = await Assert.ThrowsAsync<RpcException>(() => RegistrationCustomers.RecordProgressAsync(new RecordProgressRequest
        {
            CustomerId = customer.CustomerId, Kind = ProgressKind.Visit, On = Day(today), Evidence = "VISIT-" + org.S,
        }, org.Objector).ResponseAsync);
        Assert.Equal(StatusCode.PermissionDenied, visit.StatusCode);
        var progress = await CasesClient.GetMilestoneProgressAsync(new GetMilestoneProgressRequest { CaseId = opened.CaseId }, org.Manager);
        Assert.Equal(Day(today), progress.ReachedOn);

        await AdvanceDaysAsync(2);
        var won = await CaseWhenAsync(opened.CaseId, c => c.Status == CaseStatus.Closed, "the trial claim's date");

        Assert.Equal((Outcome.ClaimMet, org.Id("S2")), (won.Outcome, won.OwnerId));
        var owner = await OwnershipWhenAsync(customer.CustomerId, o => o.OwnerId == org.Id("S2") && !o.Disputed, "the claimant's award and CaseClosed in Registration");
        Assert.Equal(org.Id("S1"), owner.PreviousOwnerId);
    }

    [Fact]
    public async Task P2_4b_a_deposit_claim_met_by_a_deal_takes_the_customer_and_one_missed_forfeits_the_deposit()
    {
        var org = await ImportAsync();
        var metCustomer = await AnnouncedCustomerAsync(org, "超越机电");
        var missedCustomer = await AnnouncedCustomerAsync(org, "超越仪表");
        var met = await ObjectAsync(org, metCustomer, org.Objector);
        var missed = await ObjectAsync(org, missedCustomer, org.Third);
        var today = await TodayAsync();
        var due = Day(today.PlusDays(1));

        var pending = await CasesClient.ResolveBySurpassingClaimAsync(new ResolveBySurpassingClaimRequest { CaseId = met.CaseId, Milestone = Milestone.Deal, DueOn = due, Reason = "超越进度 / surpassing" }, org.Manager);
        await CasesClient.ResolveBySurpassingClaimAsync(new ResolveBySurpassingClaimRequest { CaseId = missed.CaseId, Milestone = Milestone.Trial, DueOn = due, Reason = "超越进度 / surpassing" }, org.Manager);
        Assert.Equal((CaseStatus.ClaimPending, "5000.00"), (pending.Status, pending.Claim.Deposit));

        // The claimant's deal, shipped today through Territory's ledger (the ERP records it as hq).
        await new SalesLedger.SalesLedgerClient(system.Channel(ResourceNames.Territory)).RecordSaleAsync(new RecordSaleRequest
        {
            Id = org.Id("ERP"),
            SellerId = org.Id("S2"),
            Customer = new CustomerProtection.Territory.V1.CustomerRef { CustomerId = metCustomer.CustomerId, InvoiceTitle = metCustomer.InvoiceTitle },
            ProductCode = "P1",
            UnitPrice = "100.00",
            Quantity = "10",
            ShippedOn = ProtoDays.Day(Iso(today)),
            RegionId = org.Id("R-EAST"),
            Kind = CustomerProtection.Territory.V1.SaleKind.FormalPurchase,
        }, Hq);
        var progress = await Eventually.GetAsync(async () =>
        {
            var m = await CasesClient.GetMilestoneProgressAsync(new GetMilestoneProgressRequest { CaseId = met.CaseId }, org.Manager);
            return m.ReachedOn is not null ? m : null;
        }, "SaleRecorded in Arbitration");
        Assert.Equal(Day(today), progress.ReachedOn);

        await AdvanceDaysAsync(2);
        var won = await CaseWhenAsync(met.CaseId, c => c.Status == CaseStatus.Closed, "the met claim's date");
        var lost = await CaseWhenAsync(missed.CaseId, c => c.Status == CaseStatus.Closed, "the missed claim's date");

        Assert.Equal((Outcome.ClaimMet, org.Id("S2")), (won.Outcome, won.OwnerId));
        Assert.Equal("5000.00", (await CasesClient.GetLedgerAsync(new GetLedgerRequest { CaseId = met.CaseId }, org.Manager)).Refunded);
        await OwnershipWhenAsync(metCustomer.CustomerId, o => o.OwnerId == org.Id("S2") && !o.Disputed, "the claimant's award in Registration");

        Assert.Equal((Outcome.ClaimMissed, org.Id("S1")), (lost.Outcome, lost.OwnerId));
        Assert.Equal("5000.00", (await CasesClient.GetLedgerAsync(new GetLedgerRequest { CaseId = missed.CaseId }, org.Manager)).Forfeited);
        var kept = await OwnershipWhenAsync(missedCustomer.CustomerId, o => !o.Disputed, "CaseClosed in Registration");
        Assert.Equal(org.Id("S1"), kept.OwnerId);
    }

    [Fact]
    public async Task P4_5_a_complaint_on_the_eighth_working_day_is_refused_and_one_in_time_is_decided_by_hq_and_fined_by_Penalty()
    {
        var org = await ImportAsync();
        var customer = await AnnouncedCustomerAsync(org, "侵占化工");
        var today = await TodayAsync();
        var eighthBefore = Calendar.AddWorkingDays(today, -8).Value;

        var error = await Assert.ThrowsAsync<RpcException>(() => CasesClient.FileEncroachmentComplaintAsync(new FileEncroachmentComplaintRequest
        {
            CustomerId = customer.CustomerId,
            AccusedId = org.Id("S3"),
            DiscoveredOn = Day(eighthBefore),
            Description = "抢单 / took my customer",
        }, org.Owner).ResponseAsync);

        Assert.Equal(StatusCode.FailedPrecondition, error.StatusCode);
        var info = error.GetRpcStatus()!.GetDetail<ErrorInfo>();
        Assert.Equal("P-4.5", info.Reason);
        Assert.Equal(Iso(Calendar.AddWorkingDays(eighthBefore, 7).Value), info.Metadata["deadline"]);

        var opened = await CasesClient.FileEncroachmentComplaintAsync(new FileEncroachmentComplaintRequest
        {
            CustomerId = customer.CustomerId,
            AccusedId = org.Id("S3"),
            DiscoveredOn = Day(today),
            Description = "抢单 / took my customer",
        }, org.Owner);
        Assert.Contains(opened.CaseId, (await CasesClient.ListCasesAsync(new ListCasesRequest { HqQueue = true, PageSize = 500 }, Hq)).Cases.Select(c => c.CaseId));

        var decided = await CasesClient.DecideAsync(new DecideRequest
        {
            CaseId = opened.CaseId,
            Reason = "侵占成立 / encroachment confirmed",
            Violations = { new ViolationFinding { ViolatorId = org.Id("S3"), RuleId = "P-4.5", Kind = "encroachment", ManagerFinding = ManagerFinding.Negligent } },
        }, Hq);

        var violationId = Assert.Single(decided.ViolationIds);
        var penalties = new CustomerProtection.Penalty.V1.Penalties.PenaltiesClient(system.Channel(ResourceNames.Penalty));
        var received = await Eventually.GetAsync(async () =>
            await penalties.GetViolationAsync(new CustomerProtection.Penalty.V1.GetViolationRequest { ViolationId = violationId }, Hq), "ViolationConfirmed in Penalty");
        Assert.Equal("P-4.5", received.RuleId);
    }
}
