using CustomerProtection.Contracts.Registration;
using CustomerProtection.Contracts.Territory;
using CustomerProtection.Registration.Domain;
using CustomerProtection.Registration.Persistence;

namespace CustomerProtection.Registration.Application;

/// <summary>
/// P-1.1, P-3.1: a shipment (Territory's SaleRecorded, or hq's RPC until that exists). A first
/// formal purchase makes a prospect formal, and its protection becomes the formal period counted
/// from that shipment; each later shipment restarts the 180 days (with a fresh extension cap).
/// A shipment no later than the last one changes nothing, so redelivery is harmless. A free
/// customer still becomes formal (it has bought), without anyone's period restarting.
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

        return await ApplyAsync(id, date.Value, saleId, caller.EmployeeId) ?? throw new EntityNotFoundException("customer", id);
    }

    /// <summary>
    /// The sales ledger's fact: the customer Territory found through Registration's owner lookup (the record
    /// that holds the customer, P-2.5), else the record of its identity key; an unknown customer is not ours to track.
    /// </summary>
    public async Task<Versioned<Customer>?> FromSaleAsync(SaleRecorded sale)
    {
        var id = sale.CustomerId ?? await store.IdentityAsync(sale.CustomerIdentityKey);
        return id is null ? null : await ApplyAsync(id, sale.ShippedOn, sale.SaleId, sale.SellerId);
    }

    private async Task<Versioned<Customer>?> ApplyAsync(string customerId, DateOnly shippedOn, string? saleId, string by)
    {
        try
        {
            return await writer.UpdateAsync(customerId, current =>
            {
                var customer = current.Value;
                var becomesFormal = customer.Stage == Stages.Prospect;
                if (!becomesFormal && customer.LastShipmentOn >= shippedOn)
                {
                    return Task.FromResult<(AtomicChange?, Versioned<Customer>?)>((null, current));
                }

                var now = clock.Now;
                var at = now.ToDateTimeOffset();
                var state = clock.Evaluate(customer, now);
                var next = customer with
                {
                    Stage = Stages.Formal,
                    LastShipmentOn = customer.LastShipmentOn > shippedOn ? customer.LastShipmentOn : shippedOn,
                };
                var history = new List<HistoryEntry>();
                var events = new List<object>();
                if (becomesFormal)
                {
                    history.Add(new(at, Changes.Formal, state.Status, state.OwnerOf(customer), state.OwnerOf(customer), $"首次正式采购 / first formal purchase {saleId}".TrimEnd(), by));
                }

                var restarts = state.ProtectedNow && (becomesFormal || customer.PeriodStart < shippedOn);
                if (restarts)
                {
                    next = next with
                    {
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
}
