using CustomerProtection.Protos;
using System.Diagnostics;
using Grpc.Core;

namespace CustomerProtection.EndToEnd.Tests.Faults;

/// <summary>
/// A moderate load through the services' gRPC clients while a dependency is killed and comes back: a few callers,
/// each taking turns at a filing (with its approval and the owner's encroachment complaint), a poaching sale (a
/// violation for Penalty, a shipment for Registration, a deal for Arbitration), a customer complaint and another
/// sale, with a pause between calls (four callers make at most ~20 calls a second). Each call is made once with a
/// deadline and recorded with its outcome; nothing is retried here.
/// </summary>
internal sealed class FaultLoad : IAsyncDisposable
{
    /// <summary>Bounds a caller however long a test waits: at most this many operations.</summary>
    private const int MaxOperationsPerCaller = 300;

    /// <summary>
    /// Filings per salesperson in one test: with S1's customers filed before each cycle, below the X-1 holding cap
    /// (200 protected customers), which would refuse a filing for good reason and look like a fault.
    /// </summary>
    private const int MaxFilingsPerSalesperson = 150;

    private static readonly TimeSpan Pause = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan CallDeadline = TimeSpan.FromSeconds(20);

    private readonly FaultScenario _scenario;
    private readonly int _cycle;
    private readonly IReadOnlyList<Filing> _customers;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task[] _callers;

    private FaultLoad(FaultScenario scenario, int cycle, IReadOnlyList<Filing> customers, int callers)
    {
        _scenario = scenario;
        _cycle = cycle;
        _customers = customers;
        _callers = [.. Enumerable.Range(0, callers).Select(c => Task.Run(() => RunAsync(c)))];
    }

    /// <param name="customers">Protected customers of S1 that this cycle's sales and complaints are about.</param>
    public static FaultLoad Start(FaultScenario scenario, int cycle, IReadOnlyList<Filing> customers, int callers = 4) =>
        new(scenario, cycle, customers, callers);

    private LoadRecord Record => _scenario.Record;

    private async Task RunAsync(int caller)
    {
        for (var n = 0; n < MaxOperationsPerCaller && !_stop.IsCancellationRequested; n++)
        {
            var tag = $"R{_cycle}C{caller}N{n:D3}";
            switch ((n + caller) % 4)
            {
                case 0 when Record.Filers.AddOrUpdate($"S{1 + (n % 3)}", 1, (_, count) => count + 1) <= MaxFilingsPerSalesperson:
                    await FileAndApproveAsync(tag, $"S{1 + (n % 3)}");
                    break;
                case 0:
                case 2:
                    await ComplainAsync(tag, _customers[n % _customers.Count]);
                    break;
                default:
                    await SellAsync(tag, _scenario.Org.Id(n % 2 == 0 ? "S2" : "S3"), _customers[n % _customers.Count]);
                    break;
            }

            await Task.Delay(Pause);
        }
    }

    private async Task FileAndApproveAsync(string tag, string filerName)
    {
        var filer = _scenario.Org.Id(filerName);
        var title = $"故障演练{_scenario.Org.S}{tag}有限公司";
        var filed = await CallAsync(LoadRecord.Kinds.File, title, deadline =>
            _scenario.Customers.FileCustomerAsync(_scenario.Filing(title), _scenario.Org.As(filerName, "salesperson"), deadline).ResponseAsync);
        if (filed is null)
        {
            return;
        }

        Record.Filings[filed.CustomerId] = new Filing(filed.CustomerId, title, filer);
        if (filed.Status == CustomerProtection.Registration.V1.CustomerStatus.Protected)
        {
            Record.Approvals[filed.CustomerId] = 0;
            return;
        }

        var approved = await CallAsync(LoadRecord.Kinds.Approve, filed.CustomerId, deadline =>
            _scenario.Customers.ApproveFilingAsync(new Registration.V1.ApproveFilingRequest { CustomerId = filed.CustomerId }, _scenario.Org.Secretary, deadline).ResponseAsync);
        if (approved is null)
        {
            return;
        }

        Record.Approvals[filed.CustomerId] = 0;

        // P-4.5: the owner complains that another salesperson took the customer: an ownership case, whose CaseOpened
        // (Arbitration's outbox) marks the customer disputed in Registration.
        var accused = _scenario.Org.Id(filerName == "S1" ? "S2" : "S1");
        var opened = await CallAsync(LoadRecord.Kinds.Encroachment, filed.CustomerId, deadline =>
            _scenario.Cases.FileEncroachmentComplaintAsync(new Arbitration.V1.FileEncroachmentComplaintRequest
            {
                CustomerId = filed.CustomerId,
                AccusedId = accused,
                DiscoveredOn = DateOnly.ParseExact(_scenario.Today, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture).ToProtoDate(),
                Description = $"客户被抢 / customer taken {tag}",
            }, _scenario.Org.As(filerName, "salesperson"), deadline).ResponseAsync);
        if (opened is not null)
        {
            Record.Cases[opened.CaseId] = filed.CustomerId;
        }
    }

    private async Task SellAsync(string tag, string seller, Filing customer)
    {
        var spec = new SaleSpec($"ERP-{_scenario.Org.S}-{tag}", seller, customer.CustomerId, customer.Title, _cycle);
        Record.SalesAsked[spec.Id] = spec;
        var sale = await CallAsync(LoadRecord.Kinds.Sale, spec.Id, deadline =>
            _scenario.Ledger.RecordSaleAsync(_scenario.SaleRequest(spec), _scenario.Erp, deadline).ResponseAsync);
        if (sale is not null)
        {
            Record.Sales[spec.Id] = sale;
        }
    }

    private async Task ComplainAsync(string tag, Filing customer)
    {
        var complaint = await CallAsync(LoadRecord.Kinds.Complaint, tag, deadline =>
            _scenario.Complaints.RecordComplaintAsync(new Arbitration.V1.RecordComplaintRequest
            {
                CustomerId = customer.CustomerId,
                Channel = Arbitration.V1.ComplaintChannel.Phone,
                Description = $"送货延迟 / late delivery {tag}",
            }, _scenario.Org.Secretary, deadline).ResponseAsync);
        if (complaint is not null)
        {
            Record.Complaints[complaint.ComplaintId] = customer.CustomerId;
        }
    }

    /// <summary>Makes one call and records it; the response when acknowledged, else null.</summary>
    private async Task<T?> CallAsync<T>(string kind, string key, Func<DateTime, Task<T>> call) where T : class
    {
        var started = DateTimeOffset.UtcNow;
        try
        {
            var response = await call(DateTime.UtcNow + CallDeadline);
            Record.Calls.Enqueue(new Call(kind, key, started, DateTimeOffset.UtcNow, StatusCode.OK, null));
            return response;
        }
        catch (RpcException ex)
        {
            Record.Calls.Enqueue(new Call(kind, key, started, DateTimeOffset.UtcNow, ex.StatusCode, ex.Status.Detail));
            return null;
        }
    }

    /// <summary>Waits until <paramref name="count"/> calls that started at or after <paramref name="since"/> matched <paramref name="which"/>.</summary>
    public async Task WaitForAsync(Func<Call, bool> which, int count, DateTimeOffset since, TimeSpan timeout, string what, CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        while (Record.Calls.Count(c => c.Started >= since && which(c)) < count)
        {
            if (_callers.FirstOrDefault(c => c.IsFaulted) is { } faulted)
            {
                await faulted; // a caller's own failure (not a call's): say what it was
            }

            Assert.False(_callers.All(c => c.IsCompleted), $"the load ended before {what}");
            Assert.True(watch.Elapsed < timeout,
                $"{what} did not happen within {timeout.TotalSeconds} s; calls since: {string.Join("; ", Record.Calls.Where(c => c.Started >= since).TakeLast(12))}");
            await Task.Delay(50, cancellationToken);
        }
    }

    /// <summary>Stops the callers after their calls in flight have ended (each has its deadline).</summary>
    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        await Task.WhenAll(_callers);
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _stop.Dispose();
    }
}
