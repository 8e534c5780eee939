using CustomerProtection.Contracts.Violations;
using CustomerProtection.Penalty.V1;
using CustomerProtection.Policy.Actors;
using Google.Rpc;
using Grpc.Core;

namespace CustomerProtection.EndToEnd.Tests;

/// <summary>
/// Violations published on the real RabbitMQ of the running system, fines observed over the Penalty
/// gRPC API and on the bus (P-8.1: every violation fined once, the manager jointly liable).
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class PenaltyTests(SystemFixture system) : IAsyncLifetime
{
    private readonly string _suffix = Guid.NewGuid().ToString("N")[..8];
    private PenaltyBus _bus = null!;

    private Penalties.PenaltiesClient Penalty => new(system.Channel(ResourceNames.Penalty));
    private Metadata Hq => system.As("HQ-1", Roles.Hq);
    private string Branch => "B-" + _suffix;

    public async Task InitializeAsync() => _bus = await PenaltyBus.StartAsync(system);

    public async Task DisposeAsync() => await _bus.DisposeAsync();

    private Task<Fine> FineAsync(string fineId) =>
        Eventually.GetAsync<Fine>(async () => await Penalty.GetFineAsync(new GetFineRequest { FineId = fineId }, Hq), $"fine {fineId}");

    /// <summary>
    /// The queue is first in, first out: once a violation published after the others has its fine,
    /// the earlier deliveries have been taken from the queue as well.
    /// </summary>
    private async Task DrainAsync(DateTimeOffset now)
    {
        var sentinel = "V-SENTINEL-" + Guid.NewGuid().ToString("N")[..8];
        await _bus.PublishAsync(PenaltyBus.Detected(sentinel, "S-SENTINEL-" + _suffix, Branch + "-X", null, 0m, now));
        await FineAsync(sentinel + ".violator");
        await Eventually.GetAsync(() => Task.FromResult(_bus.Imposed.ContainsKey(sentinel + ".violator") ? "" : null), "the sentinel's PenaltyImposed");
    }

    [Fact]
    public async Task P8_1_the_same_violation_delivered_three_times_is_fined_once()
    {
        var now = await PenaltyBus.NowAsync(system);
        var violation = "V-" + _suffix;
        for (var i = 0; i < 3; i++)
        {
            await _bus.PublishAsync(PenaltyBus.Detected(violation, "S1-" + _suffix, Branch, "M-" + _suffix, 200_000m, now));
        }

        var fine = await FineAsync(violation + ".violator");
        await DrainAsync(now);

        Assert.Equal(("S1-" + _suffix, "5000.00", FineStatus.Proposed, Liability.Violator), (fine.EmployeeId, fine.Amount, fine.Status, fine.Liability));
        var listed = await Penalty.ListFinesAsync(new ListFinesRequest { Filter = new FineFilter { EmployeeId = "S1-" + _suffix } }, Hq);
        Assert.Single(listed.Fines);
        Assert.Single(_bus.Imposed[violation + ".violator"]);
        var stored = await Penalty.GetViolationAsync(new GetViolationRequest { ViolationId = violation }, Hq);
        Assert.Equal(1, stored.Version);
    }

    /// <summary>P-8: hq's monthly figures come from Penalty: a branch's violations of the month (each once) and their fines.</summary>
    [Fact]
    public async Task P8_the_monthly_report_shows_a_branchs_violations_and_fines_of_the_month_and_refuses_a_salesperson()
    {
        var now = await PenaltyBus.NowAsync(system);
        foreach (var n in new[] { "1", "2" })
        {
            await _bus.PublishAsync(PenaltyBus.Detected($"V{n}-{_suffix}", $"S{n}-{_suffix}", Branch, "M-" + _suffix, 200_000m, now));
            await FineAsync($"V{n}-{_suffix}.violator");
        }

        var shanghai = now.ToOffset(TimeSpan.FromHours(8));
        var request = new GetMonthlyViolationReportRequest { Month = new Google.Type.Date { Year = shanghai.Year, Month = shanghai.Month } };
        var report = await Penalty.GetMonthlyViolationReportAsync(request, Hq);

        var branch = Assert.Single(report.Branches, b => b.BranchId == Branch);
        Assert.Equal((2L, 2L, "10000.00", "0.00", 0L), (branch.Figures.Violations, branch.Figures.Fines, branch.Figures.Amount, branch.Figures.Paid, branch.Figures.Serious));
        Assert.Contains(report.Regions, r => r.RegionId == "R-E2E" && r.Figures.Violations >= 2);
        var denied = await Assert.ThrowsAsync<RpcException>(async () =>
            await Penalty.GetMonthlyViolationReportAsync(request, system.As("S1-" + _suffix, Roles.Salesperson, Branch, "R-E2E")));
        Assert.Equal(StatusCode.PermissionDenied, denied.StatusCode);
    }

    [Fact]
    public async Task P8_1_the_manager_is_fined_once_after_hq_finds_him_negligent()
    {
        var now = await PenaltyBus.NowAsync(system);
        var violation = "V-" + _suffix;
        var manager = "M-" + _suffix;
        await _bus.PublishAsync(PenaltyBus.Detected(violation, "S1-" + _suffix, Branch, manager, 200_000m, now));
        await FineAsync(violation + ".violator");

        var found = await Penalty.RecordManagerFindingAsync(new RecordManagerFindingRequest
        {
            ViolationId = violation,
            ManagerFinding = ManagerFinding.Negligent,
            Reason = "未处理投诉 / did not act on the complaint",
        }, Hq);
        var again = await Penalty.RecordManagerFindingAsync(new RecordManagerFindingRequest
        {
            ViolationId = violation,
            ManagerFinding = ManagerFinding.Negligent,
            Reason = "未处理投诉 / did not act on the complaint",
        }, Hq);
        // Arbitration confirms the same violation as well: still one manager's fine.
        await _bus.PublishAsync(PenaltyBus.Confirmed(violation, "S1-" + _suffix, Branch, manager, ManagerFindings.Involved, 200_000m, now));
        await DrainAsync(now);

        var managerFine = Assert.Single(found.Fines, f => f.Liability == Liability.Manager);
        Assert.Equal((violation + ".manager", manager, "10000.00", "HQ-1"), (managerFine.Id, managerFine.EmployeeId, managerFine.Amount, managerFine.History[0].By));
        Assert.Equal(2, again.Fines.Count);
        var stored = await Penalty.GetViolationAsync(new GetViolationRequest { ViolationId = violation }, Hq);
        Assert.Equal(2, stored.Fines.Count);
        Assert.Equal(3, stored.Findings.Count);
        Assert.Single(_bus.Imposed[violation + ".manager"]);
        Assert.Single((await Penalty.ListFinesAsync(new ListFinesRequest { Filter = new FineFilter { EmployeeId = manager } }, Hq)).Fines);
    }

    [Fact]
    public async Task P8_1_a_confirmation_arriving_before_its_detection_ends_in_the_right_fines()
    {
        var now = await PenaltyBus.NowAsync(system);
        var violation = "V-" + _suffix;
        var manager = "M-" + _suffix;
        await _bus.PublishAsync(PenaltyBus.Confirmed(violation, "S1-" + _suffix, Branch, manager, ManagerFindings.Inactive, 2_750_000m, now));
        var managerFine = await FineAsync(violation + ".manager");

        await _bus.PublishAsync(PenaltyBus.Detected(violation, "S1-" + _suffix, Branch, manager, 2_750_000m, now));
        var detected = await Eventually.GetAsync(async () =>
        {
            var v = await Penalty.GetViolationAsync(new GetViolationRequest { ViolationId = violation }, Hq);
            return v.Detection is null ? null : v;
        }, "the detection merged into the violation");

        Assert.Equal(("35000.00", "20000.00", "50000.00"), (managerFine.Amount, managerFine.MinAmount, managerFine.MaxAmount));
        Assert.Equal([violation + ".manager", violation + ".violator"], detected.Fines.Select(f => f.Id).Order(StringComparer.Ordinal));
        Assert.Equal(ResourceNames.Territory, detected.Detection.Source);
    }

    [Fact]
    public async Task P8_a_fine_goes_from_proposed_to_appealed_and_overturned_with_PenaltySettled_and_refusals_carry_the_rule()
    {
        var now = await PenaltyBus.NowAsync(system);
        var violation = "V-" + _suffix;
        var seller = "S1-" + _suffix;
        await _bus.PublishAsync(PenaltyBus.Detected(violation, seller, Branch, "M-" + _suffix, 0m, now));
        var fineId = violation + ".violator";
        await FineAsync(fineId);

        var tooLow = await Assert.ThrowsAsync<RpcException>(async () =>
            await Penalty.AdjustFineAsync(new AdjustFineRequest { FineId = fineId, Amount = "4000", Reason = "first offence" }, Hq));
        Assert.Equal(StatusCode.FailedPrecondition, tooLow.StatusCode);
        var info = tooLow.GetRpcStatus()!.GetDetail<ErrorInfo>();
        Assert.Equal(("P-8.1", "5000.00"), (info.Reason, info.Metadata["min_amount"]));

        var notHq = await Assert.ThrowsAsync<RpcException>(async () =>
            await Penalty.ConfirmFineAsync(new ConfirmFineRequest { FineId = fineId }, system.As("M-" + _suffix, Roles.BranchManager, Branch, "R-E2E")));
        Assert.Equal(StatusCode.PermissionDenied, notHq.StatusCode);

        var badAmount = await Assert.ThrowsAsync<RpcException>(async () =>
            await Penalty.AdjustFineAsync(new AdjustFineRequest { FineId = fineId, Amount = "five thousand", Reason = "x" }, Hq));
        Assert.Equal(StatusCode.InvalidArgument, badAmount.StatusCode);
        Assert.Equal("amount", badAmount.GetRpcStatus()!.GetDetail<BadRequest>().FieldViolations.Single().Field);

        var adjusted = await Penalty.AdjustFineAsync(new AdjustFineRequest { FineId = fineId, Amount = "6000", Reason = "second offence" }, Hq);
        var appealed = await Penalty.AppealFineAsync(new AppealFineRequest { FineId = fineId, Reason = "the customer came to me" },
            system.As(seller, Roles.Salesperson, Branch, "R-E2E"));
        var overturned = await Penalty.DecideAppealAsync(new DecideAppealRequest { FineId = fineId, Outcome = AppealOutcome.Overturned, Reason = "the filing had lapsed" }, Hq);

        Assert.Equal(("6000.00", FineStatus.Adjusted), (adjusted.Amount, adjusted.Status));
        Assert.Equal(FineStatus.Appealed, appealed.Status);
        Assert.Equal([FineStatus.Proposed, FineStatus.Adjusted, FineStatus.Appealed, FineStatus.Overturned], overturned.History.Select(s => s.Status));
        Assert.Equal((seller, ActorRole.Salesperson), (overturned.History[2].By, overturned.History[2].Role));
        var settled = await Eventually.GetAsync(() => Task.FromResult(_bus.Settled.GetValueOrDefault(fineId)), "PenaltySettled");
        Assert.Equal(("overturned", 0m), (settled.Outcome, settled.Amount));

        var totals = await Penalty.GetFineTotalsAsync(new GetFineTotalsRequest { Filter = new FineFilter { BranchId = Branch } }, Hq);
        Assert.Equal((1L, "0.00"), (totals.Count, totals.Amount));
    }

    [Fact]
    public async Task A_salesperson_sees_their_own_fines_and_not_the_branchs_history()
    {
        var now = await PenaltyBus.NowAsync(system);
        await _bus.PublishAsync(PenaltyBus.Detected("V1-" + _suffix, "S1-" + _suffix, Branch, "M-" + _suffix, 0m, now));
        await _bus.PublishAsync(PenaltyBus.Detected("V2-" + _suffix, "S2-" + _suffix, Branch, "M-" + _suffix, 0m, now));
        await FineAsync("V1-" + _suffix + ".violator");
        await FineAsync("V2-" + _suffix + ".violator");
        var s1 = system.As("S1-" + _suffix, Roles.Salesperson, Branch, "R-E2E");

        var own = await Penalty.ListFinesAsync(new ListFinesRequest(), s1);
        var denied = await Assert.ThrowsAsync<RpcException>(async () =>
            await Penalty.ListViolationsAsync(new ListViolationsRequest { BranchId = Branch }, s1));
        var history = await Penalty.ListViolationsAsync(new ListViolationsRequest { BranchId = Branch },
            system.As("M-" + _suffix, Roles.BranchManager, Branch, "R-E2E"));

        Assert.Equal(["V1-" + _suffix + ".violator"], own.Fines.Select(f => f.Id));
        Assert.Equal(StatusCode.PermissionDenied, denied.StatusCode);
        Assert.Equal(["V1-" + _suffix, "V2-" + _suffix], history.Violations.Select(v => v.Id).Order(StringComparer.Ordinal));
    }
}
