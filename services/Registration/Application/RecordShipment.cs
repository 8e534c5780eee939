using CustomerProtection.Contracts.Registration;
using CustomerProtection.Contracts.Territory;
using CustomerProtection.Registration.Domain;
using CustomerProtection.Registration.Persistence;

namespace CustomerProtection.Registration.Application;

/// <summary>
/// P-1.1, P-3.1: a shipment (Territory's SaleRecorded, or hq's RPC). Only a formal purchase counts: the first
/// one in the owner's own protection period (shipped on or after the period's start) makes the owner's stage
/// formal and the period the formal one counted from that shipment; each later one restarts the 180 days
/// (with a fresh extension cap). A formal purchase outside the owner's period — to a free customer, or
/// dated before the period began (an earlier owner's sale delivered late) — is kept as the fact that the
/// customer has bought (<see cref="Customer.LastShipmentOn"/>) and starts nobody's period. A shipment no
/// later than the last one changes nothing, so redelivery is harmless. A sample or a trial (P-1.1: they do
/// not count) is development progress (P-1.2): a `trial` progress record, once per sale, and the owner's
/// progress for P-3.4 when the owner or a co-developer shipped it while the customer is protected.
/// </summary>
public sealed class RecordShipment(CustomerStore store, CustomerWriter writer, PolicyClock clock)
{
    public async Task<Versioned<Customer>> ByHqAsync(Caller caller, string? customerId, string? taxpayerId, string? invoiceTitle, string? shippedOn, string? saleId)
    {
        if (!caller.IsHq)
        {
            throw new ScopeDeniedException("只有总公司可以录入发货 / only hq records shipments");
        }

        var violations = new List<FieldViolation>();
        var date = FilingRules.PastDate(violations, "shipped_on", shippedOn, clock.Today);
        var id = await Lookup.ResolveAsync(store, violations, customerId, taxpayerId, invoiceTitle);
        if (violations.Count > 0 || date is null)
        {
            throw new RequestValidationException(violations);
        }

        // hq's RPC records formal purchases (the ledger records samples and trials with their kind).
        return await ApplyAsync(id, date.Value, saleId, caller.EmployeeId) ?? throw new EntityNotFoundException("customer", id);
    }

    /// <summary>
    /// The sales ledger's fact: the customer Territory found through Registration's owner lookup (the record
    /// that holds the customer, P-2.5), else the record of its identity key; an unknown customer is not ours to track.
    /// </summary>
    public async Task<Versioned<Customer>?> FromSaleAsync(SaleRecorded sale)
    {
        var id = sale.CustomerId ?? await store.IdentityAsync(sale.CustomerIdentityKey);
        if (id is null)
        {
            return null;
        }

        return sale.Kind == SaleKinds.FormalPurchase
            ? await ApplyAsync(id, sale.ShippedOn, sale.SaleId, sale.SellerId)
            : await TrialAsync(id, sale);
    }

    private async Task<Versioned<Customer>?> ApplyAsync(string customerId, DateOnly shippedOn, string? saleId, string by)
    {
        try
        {
            return await writer.UpdateAsync(customerId, current =>
            {
                var customer = current.Value;
                var now = clock.Now;
                var state = clock.Evaluate(customer, now);
                // The owner's own period: protected now and shipped on or after the period began.
                var inPeriod = state.ProtectedNow && customer.PeriodStart <= shippedOn;
                var becomesFormal = inPeriod && customer.Stage == Stages.Prospect;
                var restarts = inPeriod && (becomesFormal || customer.PeriodStart < shippedOn);
                if (!restarts && customer.LastShipmentOn >= shippedOn)
                {
                    return Task.FromResult<(AtomicChange?, Versioned<Customer>?)>((null, current));
                }

                var at = now.ToDateTimeOffset();
                var next = customer with { LastShipmentOn = customer.LastShipmentOn > shippedOn ? customer.LastShipmentOn : shippedOn };
                var history = new List<HistoryEntry>();
                var events = new List<object>();
                if (becomesFormal)
                {
                    history.Add(new(at, Changes.Formal, state.Status, customer.OwnerId, customer.OwnerId, $"首次正式采购 / first formal purchase {saleId}".TrimEnd(), by));
                }

                if (restarts)
                {
                    next = next with
                    {
                        Stage = Stages.Formal,
                        PeriodStart = shippedOn,
                        ExtensionDays = 0,
                        PendingExtension = null,
                        RemindersFrom = at,
                        RemindersSent = null,
                    };
                    var end = clock.Evaluate(next, now).End!;
                    events.Add(new ProtectionPeriodChanged(customer.Id, customer.IdentityKey, customer.OwnerId!, customer.BranchId, Stages.Formal,
                        PeriodChangeCauses.Shipment, shippedOn, Protection.Date(end.LastDay), at));
                }

                return Task.FromResult<(AtomicChange?, Versioned<Customer>?)>((writer.Change(current, next, now, history, events), new Versioned<Customer>(next, current.Version + 1)));
            });
        }
        catch (EntityNotFoundException)
        {
            return null;
        }
    }

    /// <summary>A sample or a trial (P-1.1, P-1.2): a `trial` progress record naming the sale, written once however often the sale is delivered.</summary>
    private async Task<Versioned<Customer>?> TrialAsync(string customerId, SaleRecorded sale)
    {
        var evidence = $"sale {sale.SaleId}";
        try
        {
            return await writer.UpdateAsync(customerId, async current =>
            {
                if ((await store.ProgressAsync(customerId)).Any(p => p.Evidence == evidence))
                {
                    return ((AtomicChange?)null, (Versioned<Customer>?)current);
                }

                var customer = current.Value;
                var now = clock.Now;
                var at = now.ToDateTimeOffset();
                var what = sale.Kind == SaleKinds.Sample ? "样品出货 / sample shipped" : "试用出货 / trial shipped";
                var entry = new ProgressEntry(ProgressKinds.Trial, sale.ShippedOn, $"{what}: {sale.ProductCode}", evidence, sale.SellerId, at);
                // P-3.4 counts the holder's own progress in their period, as RecordProgress does.
                var counts = clock.Evaluate(customer, now).ProtectedNow && customer.PeriodStart <= sale.ShippedOn
                    && (sale.SellerId == customer.OwnerId || customer.IsCoDeveloper(sale.SellerId));
                var next = counts ? customer with { ProgressDates = [.. (customer.ProgressDates ?? []).Append(sale.ShippedOn).Distinct().Order()] } : customer;
                var change = writer.Change(current, next, now, [],
                    [new ProgressRecorded(customer.Id, customer.OwnerId, sale.SellerId, entry.Kind, entry.On, at)], progress: entry);
                return ((AtomicChange?)change, (Versioned<Customer>?)new Versioned<Customer>(next, current.Version + 1));
            });
        }
        catch (EntityNotFoundException)
        {
            return null;
        }
    }
}
