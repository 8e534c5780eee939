using CustomerProtection.Contracts.Violations;
using CustomerProtection.Penalty.V1;
using CustomerProtection.Policy.Actors;
using CustomerProtection.Registration.V1;
using CustomerProtection.Territory.V1;
using Google.Rpc;
using Grpc.Core;

namespace CustomerProtection.EndToEnd.Tests;

/// <summary>
/// P-8.3 through the running system: hq declares a serious case in Penalty with a heavier fine and the
/// violator's dismissal; Territory records the departure (SeriousCaseDeclared), Registration moves the
/// violator's customers to the branch's pool (P-12) and every service refuses the account (C-9).
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class SeriousCaseTests(SystemFixture system) : IAsyncLifetime
{
    private PenaltyBus _bus = null!;

    private Penalties.PenaltiesClient Penalty => new(system.Channel(ResourceNames.Penalty));
    private Metadata Hq => system.As("HQ-1", Roles.Hq);

    public async Task InitializeAsync() => _bus = await PenaltyBus.StartAsync(system);

    public async Task DisposeAsync() => await _bus.DisposeAsync();

    [Fact]
    public async Task P8_3_hq_declares_a_serious_case_a_heavier_uncapped_fine_and_a_dismissal_that_starts_the_leaver_flow()
    {
        var org = await TestOrganisation.ImportAsync(system);
        var customer = await org.FileProtectedCustomerAsync($"严重情节测试{org.S}有限公司");
        var violator = org.Id("S1");
        var violation = "V-SERIOUS-" + org.S;
        await _bus.PublishAsync(PenaltyBus.Detected(violation, violator, org.Branch, org.Id("BM"), 0m, await PenaltyBus.NowAsync(system)) with
        {
            Violator = new ViolationParty(violator, Roles.Salesperson, org.Branch, org.Region, org.Id("BM")),
        });
        var proposed = await Eventually.GetAsync<Fine>(async () => await Penalty.GetFineAsync(new GetFineRequest { FineId = violation + ".violator" }, Hq), "the violator's fine");
        Assert.Equal(("5000.00", ""), (proposed.Amount, proposed.MaxAmount));

        var notHeavier = await Assert.ThrowsAsync<RpcException>(async () => await Penalty.DeclareSeriousCaseAsync(
            new DeclareSeriousCaseRequest { ViolationId = violation, Fine = "5000", Dismissal = true, Reason = "x" }, Hq));
        Assert.Equal((StatusCode.FailedPrecondition, "P-8.3"), (notHeavier.StatusCode, notHeavier.GetRpcStatus()!.GetDetail<ErrorInfo>().Reason));

        var declared = await Penalty.DeclareSeriousCaseAsync(new DeclareSeriousCaseRequest
        {
            ViolationId = violation,
            Fine = "180000",
            Dismissal = true,
            Reason = "经代理商向受保护客户报价，情节严重 / quoted a protected customer through an agent: serious",
        }, Hq);

        Assert.True(declared.Serious);
        Assert.Equal(("HQ-1", "180000.00", true), (declared.SeriousCase.By, declared.SeriousCase.Fine, declared.SeriousCase.Dismissal));
        var fine = Assert.Single(declared.Fines, f => f.Liability == Liability.Violator);
        Assert.Equal(("180000.00", FineStatus.Adjusted, true), (fine.Amount, fine.Status, fine.Serious));

        // The leaver flow: Territory records the departure, Registration returns the customer to the pool.
        var employee = await Eventually.GetAsync(async () =>
        {
            var e = await new OrganizationDirectory.OrganizationDirectoryClient(system.Channel(ResourceNames.Territory))
                .GetEmployeeAsync(new GetEmployeeRequest { EmployeeId = violator }, Hq);
            return e.Status == EmployeeStatus.Left ? e : null;
        }, "the dismissal recorded as a departure");
        Assert.Equal(ProtoDays.Day(await org.TodayAsync()), employee.LeftOn);
        var pooled = await Eventually.GetAsync(async () =>
        {
            var c = await new Customers.CustomersClient(system.Channel(ResourceNames.Registration))
                .GetCustomerAsync(new GetCustomerRequest { CustomerId = customer.CustomerId }, org.Secretary);
            return c.Status == CustomerStatus.Pool ? c : null;
        }, "P-12 pool move of the dismissed salesperson's customer");
        Assert.Equal((org.Branch, "", violator), (pooled.BranchId, pooled.OwnerId, pooled.PreviousOwnerId));
        var refused = await Eventually.GetAsync(async () =>
        {
            try
            {
                await new Customers.CustomersClient(system.Channel(ResourceNames.Registration))
                    .GetCustomerAsync(new GetCustomerRequest { CustomerId = customer.CustomerId }, org.Salesperson1);
                return null;
            }
            catch (RpcException ex) when (ex.StatusCode == StatusCode.PermissionDenied)
            {
                return ex;
            }
        }, "C-9: the dismissed account refused");
        Assert.Equal("C-9", refused.GetRpcStatus()!.GetDetail<ErrorInfo>().Reason);
    }
}
