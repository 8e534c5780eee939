using System.Diagnostics;
using System.Globalization;
using CustomerProtection.Arbitration.V1;
using CustomerProtection.Penalty.V1;
using CustomerProtection.Registration.V1;
using CustomerProtection.Territory.V1;
using Grpc.Core;
using Grpc.Net.Client;
using Xunit.Abstractions;

namespace CustomerProtection.EndToEnd.Tests.Faults;

/// <summary>
/// One fault test's world on the fault system: an organisation of its own (TestOrganisation: S1–S3, the
/// secretary, the manager), the gRPC clients the load uses, the record of what was acknowledged, the probe and
/// the event observer; and the checks that everything acknowledged is there, once.
/// </summary>
internal sealed class FaultScenario : IAsyncDisposable
{
    private static readonly TimeSpan ReadDeadline = TimeSpan.FromSeconds(20);

    private FaultScenario(ITestOutputHelper output, SystemProbe probe, TestOrganisation org, EventObserver observer, string today, Func<string, GrpcChannel> channel)
    {
        Output = output;
        Probe = probe;
        Org = org;
        Observer = observer;
        Today = today;
        var system = org.System;
        Customers = new Customers.CustomersClient(channel(ResourceNames.Registration));
        Ledger = new SalesLedger.SalesLedgerClient(channel(ResourceNames.Territory));
        Complaints = new CustomerComplaints.CustomerComplaintsClient(channel(ResourceNames.Arbitration));
        Cases = new Cases.CasesClient(channel(ResourceNames.Arbitration));
        Penalties = new Penalties.PenaltiesClient(channel(ResourceNames.Penalty));
        Erp = system.As(org.Id("ERP"), "erp");
        Hq = system.As("HQ-1", "hq");
    }

    public ITestOutputHelper Output { get; }
    public SystemProbe Probe { get; }
    public TestOrganisation Org { get; }
    public EventObserver Observer { get; }
    public string Today { get; }
    public LoadRecord Record { get; } = new();
    public Customers.CustomersClient Customers { get; }
    public SalesLedger.SalesLedgerClient Ledger { get; }
    public CustomerComplaints.CustomerComplaintsClient Complaints { get; }
    public Cases.CasesClient Cases { get; }
    public Penalties.PenaltiesClient Penalties { get; }
    public Metadata Erp { get; }
    public Metadata Hq { get; }

    /// <summary>Waits until the system is Healthy (a test before may have broken it), then sets up the organisation and the observer.</summary>
    /// <param name="channel">The channel the load's clients of a service use; the system's shared one unless given.</param>
    public static async Task<FaultScenario> StartAsync(SystemFixture system, ITestOutputHelper output, CancellationToken cancellationToken, Func<string, GrpcChannel>? channel = null)
    {
        var probe = await SystemProbe.StartAsync(system);
        try
        {
            await probe.WaitHealthyAsync(TimeSpan.FromMinutes(2), cancellationToken);
            var org = await TestOrganisation.ImportAsync(system);
            var observer = await EventObserver.StartAsync(system, employeeId => employeeId.EndsWith("-" + org.S, StringComparison.Ordinal));
            return new FaultScenario(output, probe, org, observer, await org.TodayAsync(), channel ?? system.Channel);
        }
        catch
        {
            await probe.DisposeAsync();
            throw;
        }
    }

    public void Log(string line) => Output.WriteLine($"{DateTimeOffset.UtcNow:HH:mm:ss.fff} {line}");

    public FileCustomerRequest Filing(string title) => new()
    {
        InvoiceTitle = title,
        CustomerClass = CustomerClass.Important,
        DeclaredAnnualSales = "100000",
        EvidenceKind = FilingEvidenceKind.Visit,
        EvidenceDate = ProtoDays.Day(Today),
        Evidence = "拜访 / visit",
    };

    public RecordSaleRequest SaleRequest(SaleSpec spec) => new()
    {
        Id = spec.Id,
        SellerId = spec.SellerId,
        Customer = new Territory.V1.CustomerRef { InvoiceTitle = spec.Title },
        ProductCode = "P1",
        UnitPrice = "100.00",
        Quantity = "5",
        ShippedOn = ProtoDays.Day(Today),
        RegionId = Org.Region,
        Kind = Territory.V1.SaleKind.FormalPurchase,
    };

    /// <summary>Customers S1 files and has approved before a cycle (the system is whole then): what the cycle's sales poach and its complaints are about.</summary>
    public async Task<IReadOnlyList<Filing>> ProtectedCustomersAsync(int cycle, int count)
    {
        var customers = new List<Filing>();
        for (var i = 0; i < count; i++)
        {
            var title = $"故障客户{Org.S}R{cycle}K{i}有限公司";
            var view = await Org.FileProtectedCustomerAsync(title);
            Assert.Equal(CustomerStatus.Protected, view.Status);
            customers.Add(new Filing(view.CustomerId, title, Org.Id("S1")));
        }

        return customers;
    }

    /// <summary>
    /// Asks every service for something it keeps in Redis until each answers; returns, per service, how long after
    /// <paramref name="since"/> its first answer came. A NotFound is an answer too (the service read Redis to say it).
    /// </summary>
    public async Task<IReadOnlyDictionary<string, TimeSpan>> WaitEveryServiceAnswersAsync(Filing customer, DateTimeOffset since, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var probes = new Dictionary<string, Func<DateTime, Task>>
        {
            [ResourceNames.Registration] = deadline => Customers.GetCustomerAsync(new GetCustomerRequest { CustomerId = customer.CustomerId }, Org.Secretary, deadline).ResponseAsync,
            [ResourceNames.Territory] = deadline => Ledger.GetSaleAsync(new GetSaleRequest { Id = Record.Sales.Keys.FirstOrDefault() ?? "ERP-NONE-" + Org.S }, Erp, deadline).ResponseAsync,
            [ResourceNames.Arbitration] = deadline => Complaints.ListComplaintsAsync(new ListComplaintsRequest { BranchId = Org.Branch, PageSize = 1 }, Org.Secretary, deadline).ResponseAsync,
            [ResourceNames.Penalty] = deadline => Penalties.GetFineTotalsAsync(new GetFineTotalsRequest { Filter = new FineFilter { BranchId = Org.Branch } }, Hq, deadline).ResponseAsync,
        };
        var answered = await Task.WhenAll(probes.Select(async probe =>
        {
            var watch = Stopwatch.StartNew();
            string last = "";
            while (true)
            {
                try
                {
                    await probe.Value(DateTime.UtcNow.AddSeconds(5));
                    return (Service: probe.Key, After: DateTimeOffset.UtcNow - since);
                }
                catch (RpcException ex) when (ex.StatusCode == StatusCode.NotFound)
                {
                    return (Service: probe.Key, After: DateTimeOffset.UtcNow - since);
                }
                catch (RpcException ex)
                {
                    last = $"{ex.StatusCode}: {ex.Status.Detail}";
                }

                Assert.True(watch.Elapsed < timeout, $"{probe.Key} did not answer within {timeout.TotalSeconds} s; last: {last}");
                await Task.Delay(100, cancellationToken);
            }
        }));
        return answered.ToDictionary(a => a.Service, a => a.After);
    }

    /// <summary>
    /// After the faults: sales that were not acknowledged are asked again (RecordSale is idempotent by sale id), so
    /// that every sale is known to exist; then everything acknowledged is read back and every consequence counted.
    /// </summary>
    public async Task VerifyAsync(CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        var unacknowledged = Record.SalesAsked.Values.Where(s => !Record.Sales.ContainsKey(s.Id)).ToList();
        foreach (var spec in unacknowledged)
        {
            Record.Sales[spec.Id] = await UntilAcknowledgedAsync(deadline => Ledger.RecordSaleAsync(SaleRequest(spec), Erp, deadline).ResponseAsync, $"sale {spec.Id} asked again", cancellationToken);
        }

        Log($"verifying: {Record.Filings.Count} filings ({Record.Approvals.Count} approved), {Record.SalesAsked.Count} sales " +
            $"({unacknowledged.Count} asked again), {Record.Complaints.Count} of {Record.ComplaintsAsked} complaints and {Record.Cases.Count} encroachment cases acknowledged");

        // Every check runs, and every problem is reported together: one lost write or doubled event should not hide another.
        var problems = new List<string>();
        async Task CheckAsync(string what, Func<Task> check)
        {
            try
            {
                await check();
            }
            catch (Exception ex) when (ex is Xunit.Sdk.XunitException or RpcException)
            {
                problems.Add($"{what}: {ex.Message}");
                Log($"PROBLEM {what}: {ex.Message}");
            }
        }

        var violations = new Dictionary<string, SaleSpec>(StringComparer.Ordinal);
        await CheckAsync("territory sales", () => VerifySalesAsync(violations));
        await CheckAsync("penalty fines", () => VerifyFinesAsync(violations, cancellationToken));
        await CheckAsync("events on the bus", () => VerifyEventsAsync(violations, cancellationToken));
        await CheckAsync("registration filings", () => VerifyFilingsAsync(cancellationToken));
        await CheckAsync("registration applied CaseOpened once", () => VerifyCasesAsync(cancellationToken));
        await CheckAsync("registration applied SaleRecorded once", () => VerifyShipmentsAsync(cancellationToken));
        await CheckAsync("arbitration complaints and deals", () => VerifyArbitrationAsync(cancellationToken));
        await CheckAsync("territory credits", VerifyCreditsAsync);
        Log($"verified in {watch.Elapsed.TotalSeconds:0.0} s");
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    /// <summary>Territory: every sale is there once, with its one P-5 violation (the seller poached S1's customer). Fills violation id → sale.</summary>
    private async Task VerifySalesAsync(Dictionary<string, SaleSpec> violations)
    {
        foreach (var spec in Record.SalesAsked.Values)
        {
            var stored = await Ledger.GetSaleAsync(new GetSaleRequest { Id = spec.Id }, Erp, DateTime.UtcNow + ReadDeadline);
            var violation = Assert.Single(stored.Violations);
            Assert.Equal(("P-5", spec.SellerId, Org.Id("S1")), (violation.RuleId, violation.ViolatorId, stored.OwnerId));
            Assert.Equal(Assert.Single(Record.Sales[spec.Id].Violations).ViolationId, violation.ViolationId);
            Assert.True(violations.TryAdd(violation.ViolationId, spec), $"violation {violation.ViolationId} of two sales");
        }
    }

    /// <summary>Penalty: exactly one fine per violation, the totals match, and the P-8.3 count of each violator went up once per violation.</summary>
    private async Task VerifyFinesAsync(IReadOnlyDictionary<string, SaleSpec> violations, CancellationToken cancellationToken)
    {
        var expected = violations.Keys.Select(v => v + ".violator").Order(StringComparer.Ordinal).ToList();
        var fines = await UntilAsync(async () =>
        {
            var all = await ListFinesAsync();
            return all.Count >= expected.Count ? all : null;
        }, () => $"{expected.Count} fines in Penalty", TimeSpan.FromSeconds(120), cancellationToken);
        Assert.Equal(expected, fines.Select(f => f.Id).Order(StringComparer.Ordinal));
        Assert.All(fines, f => Assert.Equal((Liability.Violator, violations[f.ViolationId].SellerId), (f.Liability, f.EmployeeId)));

        var totals = await Penalties.GetFineTotalsAsync(new GetFineTotalsRequest { Filter = new FineFilter { BranchId = Org.Branch } }, Hq, DateTime.UtcNow + ReadDeadline, cancellationToken);
        Assert.Equal(((long)expected.Count, fines.Sum(f => decimal.Parse(f.Amount, CultureInfo.InvariantCulture))),
            (totals.Count, decimal.Parse(totals.Amount, CultureInfo.InvariantCulture)));

        foreach (var violator in violations.GroupBy(v => v.Value.SellerId))
        {
            var counts = new List<int>();
            foreach (var (violationId, _) in violator)
            {
                var violation = await Penalties.GetViolationAsync(new GetViolationRequest { ViolationId = violationId }, Hq, DateTime.UtcNow + ReadDeadline, cancellationToken);
                Assert.Equal(violator.Key, violation.Violator.EmployeeId);
                Assert.Equal([violationId + ".violator"], violation.Fines.Select(f => f.Id));
                counts.Add(violation.ViolationsInWindow);
            }

            Assert.Equal(Enumerable.Range(1, counts.Count), counts.Order());
        }

        Log($"penalty: {fines.Count} fines for {violations.Count} violations, totals {totals.Count} / {totals.Amount}");
    }

    private async Task<List<Fine>> ListFinesAsync()
    {
        var fines = new List<Fine>();
        var token = "";
        do
        {
            var page = await Penalties.ListFinesAsync(new ListFinesRequest { Filter = new FineFilter { BranchId = Org.Branch }, PageSize = 500, PageToken = token }, Hq, DateTime.UtcNow + ReadDeadline);
            fines.AddRange(page.Fines);
            token = page.NextPageToken;
        }
        while (token.Length > 0);
        return fines;
    }

    /// <summary>On the bus: one ViolationDetected per violation and one PenaltyImposed per fine, each under one message id.</summary>
    private async Task VerifyEventsAsync(IReadOnlyDictionary<string, SaleSpec> violations, CancellationToken cancellationToken)
    {
        var fineIds = violations.Keys.Select(v => v + ".violator").ToHashSet(StringComparer.Ordinal);
        await UntilAsync(() => Task.FromResult(violations.Keys.All(Observer.Detected.ContainsKey) && fineIds.All(Observer.Imposed.ContainsKey) ? "" : null),
            () => $"every ViolationDetected and PenaltyImposed on the bus (seen {Observer.Detected.Count} of {violations.Count}, {Observer.Imposed.Count} of {fineIds.Count})",
            TimeSpan.FromSeconds(60), cancellationToken);
        Assert.Equal(violations.Keys.Order(StringComparer.Ordinal), Observer.Detected.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(fineIds.Order(StringComparer.Ordinal), Observer.Imposed.Keys.Order(StringComparer.Ordinal));
        var detectedTwice = Observer.Detected.Where(d => d.Value.Count != 1).Select(d => $"{d.Key}×{d.Value.Count}").ToList();
        var imposedTwice = Observer.Imposed.Where(d => d.Value.Count != 1).Select(d => $"{d.Key}×{d.Value.Count}").ToList();
        Assert.True(detectedTwice.Count == 0, $"ViolationDetected under more than one message id: {string.Join(", ", detectedTwice)}");
        Assert.True(imposedTwice.Count == 0, $"PenaltyImposed under more than one message id: {string.Join(", ", imposedTwice)}");
    }

    /// <summary>Registration: every acknowledged filing is there as filed, protected once its approval was acknowledged.</summary>
    private async Task VerifyFilingsAsync(CancellationToken cancellationToken)
    {
        foreach (var filing in Record.Filings.Values)
        {
            var customer = await Customers.GetCustomerAsync(new GetCustomerRequest { CustomerId = filing.CustomerId }, Org.Secretary, DateTime.UtcNow + ReadDeadline, cancellationToken);
            Assert.Equal((filing.Title, filing.FiledBy), (customer.InvoiceTitle, customer.FiledBy));
            if (Record.Approvals.ContainsKey(filing.CustomerId))
            {
                Assert.Equal((filing.FiledBy, CustomerStatus.Protected), (customer.OwnerId, customer.Status));
            }
        }
    }

    /// <summary>
    /// Every acknowledged encroachment case is there, and Arbitration's CaseOpened reached Registration and was
    /// applied once: the customer disputed in that case, one "disputed" entry in its ownership history (X-6).
    /// </summary>
    private async Task VerifyCasesAsync(CancellationToken cancellationToken)
    {
        var twice = new List<string>();
        foreach (var (caseId, customerId) in Record.Cases)
        {
            var @case = await Cases.GetCaseAsync(new GetCaseRequest { CaseId = caseId }, Hq, DateTime.UtcNow + ReadDeadline, cancellationToken);
            Assert.Equal((Arbitration.V1.CaseKind.Encroachment, customerId), (@case.Kind, @case.CustomerId));
            var customer = await UntilAsync(async () =>
            {
                var view = await Customers.GetCustomerAsync(new GetCustomerRequest { CustomerId = customerId }, Org.Secretary, DateTime.UtcNow + ReadDeadline);
                return view.Disputed ? view : null;
            }, () => $"customer {customerId} disputed in case {caseId}", TimeSpan.FromSeconds(60), cancellationToken);
            Assert.Equal(caseId, customer.OpenCaseId);
            var history = await Customers.GetOwnershipHistoryAsync(new GetOwnershipHistoryRequest { CustomerId = customerId }, Hq, DateTime.UtcNow + ReadDeadline, cancellationToken);
            var disputed = history.Events.Where(e => e.Change == OwnershipChange.Disputed).ToList();
            if (disputed.Count != 1)
            {
                twice.Add($"{caseId} (customer {customerId}) at {string.Join(" and ", disputed.Select(e => e.At))}");
            }
        }

        Assert.True(twice.Count == 0,
            $"{twice.Count} of {Record.Cases.Count} cases marked their customer disputed more than once (a CaseOpened applied twice): {string.Join("; ", twice)}");
    }

    /// <summary>Every customer that was sold to became formal once (Territory's SaleRecorded: one "formal" entry in its history).</summary>
    private async Task VerifyShipmentsAsync(CancellationToken cancellationToken)
    {
        foreach (var customerId in Record.SalesAsked.Values.Select(s => s.CustomerId).Distinct())
        {
            await UntilAsync(async () =>
            {
                var customer = await Customers.GetCustomerAsync(new GetCustomerRequest { CustomerId = customerId }, Org.Secretary, DateTime.UtcNow + ReadDeadline);
                return customer.Stage == CustomerStage.Formal ? customer : null;
            }, () => $"customer {customerId} formal after its sales", TimeSpan.FromSeconds(60), cancellationToken);
            var history = await Customers.GetOwnershipHistoryAsync(new GetOwnershipHistoryRequest { CustomerId = customerId }, Hq, DateTime.UtcNow + ReadDeadline, cancellationToken);
            Assert.Single(history.Events, e => e.Change == OwnershipChange.Formal);
        }
    }

    /// <summary>
    /// Arbitration: every acknowledged complaint is there (and no more complaints than were asked); its record of
    /// deals (Territory's SaleRecorded, one sorted-set member per sale: <c>cp:{arbitration}:deals:{identity key}</c>)
    /// holds each sale once.
    /// </summary>
    private async Task VerifyArbitrationAsync(CancellationToken cancellationToken)
    {
        foreach (var (complaintId, customerId) in Record.Complaints)
        {
            var complaint = await Complaints.GetComplaintAsync(new GetComplaintRequest { ComplaintId = complaintId }, Org.Secretary, DateTime.UtcNow + ReadDeadline, cancellationToken);
            Assert.Equal((customerId, Org.Branch), (complaint.CustomerId, complaint.BranchId));
        }

        var listed = new List<string>();
        var token = "";
        do
        {
            var page = await Complaints.ListComplaintsAsync(new ListComplaintsRequest { BranchId = Org.Branch, PageSize = 100, PageToken = token }, Org.Secretary, DateTime.UtcNow + ReadDeadline, cancellationToken);
            listed.AddRange(page.Complaints.Select(c => c.ComplaintId));
            token = page.NextPageToken;
        }
        while (token.Length > 0);
        Assert.Empty(Record.Complaints.Keys.Except(listed));
        // A complaint whose answer was lost may exist; never more than were asked.
        Assert.InRange(listed.Count, Record.Complaints.Count, Record.ComplaintsAsked);
        Assert.Equal(listed.Count, listed.Distinct().Count());

        foreach (var customer in Record.Sales.Values.GroupBy(s => s.CustomerIdentityKey))
        {
            var key = $"cp:{{arbitration}}:deals:{{{customer.Key}}}";
            var members = await UntilAsync(async () =>
            {
                var length = await Probe.Redis.SortedSetLengthAsync(key);
                return length >= customer.Count() ? (object)length : null;
            }, () => $"{customer.Count()} deals in {key}", TimeSpan.FromSeconds(60), cancellationToken);
            Assert.Equal((long)customer.Count(), (long)members);
        }
    }

    /// <summary>Territory's performance credit (P-4.3): each sale credited once, to the developing salesperson.</summary>
    private async Task VerifyCreditsAsync()
    {
        foreach (var employee in Record.Sales.Values.GroupBy(s => s.CreditedTo))
        {
            var credits = await Ledger.ListCreditsAsync(new ListCreditsRequest { EmployeeId = employee.Key }, Hq, DateTime.UtcNow + ReadDeadline);
            Assert.Equal(employee.Select(s => s.Id).Order(StringComparer.Ordinal), credits.Credits.Select(c => c.SaleId).Order(StringComparer.Ordinal));
            Assert.Equal(employee.Sum(s => decimal.Parse(s.Amount, CultureInfo.InvariantCulture)), decimal.Parse(credits.Total, CultureInfo.InvariantCulture));
        }
    }

    /// <summary>Makes an idempotent call until it is acknowledged (the system is back; an outage answers Unavailable).</summary>
    private static async Task<T> UntilAcknowledgedAsync<T>(Func<DateTime, Task<T>> call, string what, CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                return await call(DateTime.UtcNow + ReadDeadline);
            }
            catch (RpcException ex) when (ex.StatusCode is StatusCode.Unavailable or StatusCode.DeadlineExceeded)
            {
                Assert.True(watch.Elapsed < TimeSpan.FromSeconds(60), $"{what}: still {ex.StatusCode} after 60 s ({ex.Status.Detail})");
                await Task.Delay(200, cancellationToken);
            }
        }
    }

    /// <summary>Polls until the probe returns something (a consequence crossing RabbitMQ); fails after <paramref name="timeout"/>.</summary>
    private static async Task<T> UntilAsync<T>(Func<Task<T?>> probe, Func<string> what, TimeSpan timeout, CancellationToken cancellationToken) where T : class
    {
        var watch = Stopwatch.StartNew();
        while (true)
        {
            if (await probe() is { } value)
            {
                return value;
            }

            Assert.True(watch.Elapsed < timeout, $"{what()}: not within {timeout.TotalSeconds} s");
            await Task.Delay(200, cancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Observer.DisposeAsync();
        await Probe.DisposeAsync();
    }
}
