using CustomerProtection.Penalty.V1;
using CustomerProtection.Registration.V1;
using CustomerProtection.Policy.Actors;
using CustomerProtection.Territory.V1;
using Grpc.Core;

namespace CustomerProtection.EndToEnd.Tests;

/// <summary>
/// Issue 7 end to end, in one piece: a poaching sale recorded in Territory's ledger (P-5) crosses
/// RabbitMQ as exactly one ViolationDetected (issue 5) and becomes exactly one fine for the seller in
/// Penalty (P-8.1), however often it is recorded or delivered; hq's negligence finding then makes exactly one fine
/// for the seller's manager, whom Territory named in the event.
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class TerritoryPenaltyTests(SystemFixture system) : IAsyncLifetime
{
    private readonly string _s = Guid.NewGuid().ToString("N")[..8];
    private PenaltyBus _bus = null!;

    private SalesLedger.SalesLedgerClient Ledger => new(system.Channel(ResourceNames.Territory));
    private Penalties.PenaltiesClient Penalty => new(system.Channel(ResourceNames.Penalty));
    private Metadata Hq => system.As("HQ-1", Roles.Hq);

    private string Id(string name) => $"{name}-{_s}";

    public async Task InitializeAsync() => _bus = await PenaltyBus.StartAsync(system);

    public async Task DisposeAsync() => await _bus.DisposeAsync();

    private Task<Fine> FineAsync(string fineId) =>
        Eventually.GetAsync<Fine>(async () => await Penalty.GetFineAsync(new GetFineRequest { FineId = fineId }, Hq), $"fine {fineId}");

    /// <summary>
    /// Penalty's queue is first in, first out: once a violation published after the others has its
    /// fine and its PenaltyImposed, the deliveries before it have been taken and handled.
    /// </summary>
    private async Task DrainAsync()
    {
        var sentinel = "V-SENTINEL-" + Guid.NewGuid().ToString("N")[..8];
        await _bus.PublishAsync(PenaltyBus.Detected(sentinel, "S-SENTINEL-" + _s, "B-SENTINEL-" + _s, null, 0m, await PenaltyBus.NowAsync(system)));
        await FineAsync(sentinel + ".violator");
        await Eventually.GetAsync(() => Task.FromResult(_bus.Imposed.ContainsKey(sentinel + ".violator") ? "" : null), "the sentinel's PenaltyImposed");
    }

    [Fact]
    public async Task P5_P8_1_a_poaching_sale_in_Territory_fines_the_seller_once_and_after_hqs_negligence_finding_the_manager_once()
    {
        var org = await TestOrganisation.ImportAsync(system, _s);
        var title = $"恒通电气{_s}有限公司";
        await org.FileProtectedCustomerAsync(title);
        var today = await org.TodayAsync();
        var sale = new RecordSaleRequest
        {
            Id = Id("ERP"),
            SellerId = Id("S2"),
            Customer = new CustomerProtection.Territory.V1.CustomerRef { InvoiceTitle = title },
            ProductCode = "P1",
            UnitPrice = "100.00",
            Quantity = "5",
            ShippedOn = ProtoDays.Day(today),
            RegionId = Id("R-EAST"),
            Kind = CustomerProtection.Territory.V1.SaleKind.FormalPurchase,
        };

        // The ERP posts the shipment twice (a retry): one sale, one violation, one event. Territory's
        // outbox relay publishes its stream batch after batch, so once a later sale's violation and
        // the first one's are both on the bus, every event of the first sale has been published.
        var recorded = await Ledger.RecordSaleAsync(sale, Hq);
        await Ledger.RecordSaleAsync(sale, Hq);
        var laterSale = sale.Clone();
        laterSale.Id = Id("ERP-LATER");
        laterSale.SellerId = Id("S3");
        var later = await Ledger.RecordSaleAsync(laterSale, Hq);
        var violationId = Assert.Single(recorded.Violations).ViolationId;
        await Eventually.GetAsync(() => Task.FromResult(_bus.Detections.GetValueOrDefault(Assert.Single(later.Violations).ViolationId)), "the later sale's ViolationDetected");
        await Eventually.GetAsync(() => Task.FromResult(_bus.Detections.GetValueOrDefault(violationId)), "the sale's ViolationDetected");
        var published = Assert.Single(_bus.Detections[violationId]).Value;
        var violatorFine = await FineAsync(violationId + ".violator");

        // The broker delivers Territory's very event once more: still one fine.
        await _bus.PublishAsync(published);
        await DrainAsync();

        Assert.Equal((Id("S2"), Liability.Violator, "5000.00", FineStatus.Proposed), (violatorFine.EmployeeId, violatorFine.Liability, violatorFine.Amount, violatorFine.Status));
        Assert.Equal(("P-5", Id("B-SH"), Id("R-EAST")), (violatorFine.RuleId, violatorFine.BranchId, violatorFine.RegionId));
        Assert.Equal(Id("BM"), published.Violator.ManagerId);
        var sellerFines = await Penalty.ListFinesAsync(new ListFinesRequest { Filter = new FineFilter { EmployeeId = Id("S2") } }, Hq);
        Assert.Equal([violationId + ".violator"], sellerFines.Fines.Select(f => f.Id));
        Assert.Single(_bus.Imposed[violationId + ".violator"]);
        Assert.False(_bus.Imposed.ContainsKey(violationId + ".manager"));
        var violation = await Penalty.GetViolationAsync(new GetViolationRequest { ViolationId = violationId }, Hq);
        Assert.Equal(("territory:sale:" + Id("ERP"), "500.00"), (violation.Detection.Source, violation.CustomerAnnualShipments));

        // hq finds the manager negligent, and records it twice: one manager's fine.
        var finding = new RecordManagerFindingRequest
        {
            ViolationId = violationId,
            ManagerFinding = ManagerFinding.Negligent,
            Reason = "未制止撬单 / did not stop the poaching",
        };
        var found = await Penalty.RecordManagerFindingAsync(finding, Hq);
        var again = await Penalty.RecordManagerFindingAsync(finding, Hq);
        await DrainAsync();

        var managerFine = Assert.Single(found.Fines, f => f.Liability == Liability.Manager);
        Assert.Equal((violationId + ".manager", Id("BM"), "10000.00"), (managerFine.Id, managerFine.EmployeeId, managerFine.Amount));
        Assert.Equal([violationId + ".manager", violationId + ".violator"], again.Fines.Select(f => f.Id).Order(StringComparer.Ordinal));
        var managerFines = await Penalty.ListFinesAsync(new ListFinesRequest { Filter = new FineFilter { EmployeeId = Id("BM") } }, Hq);
        Assert.Equal([violationId + ".manager"], managerFines.Fines.Select(f => f.Id));
        Assert.Single(_bus.Imposed[violationId + ".manager"]);
        Assert.Single(_bus.Imposed[violationId + ".violator"]);
        // The branch: S2's and S3's violator fines and the manager's.
        var branchTotals = await Penalty.GetFineTotalsAsync(new GetFineTotalsRequest { Filter = new FineFilter { BranchId = Id("B-SH") } }, Hq);
        Assert.Equal((3L, "20000.00"), (branchTotals.Count, branchTotals.Amount));
    }
}
