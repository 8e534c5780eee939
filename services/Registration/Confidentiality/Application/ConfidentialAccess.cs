using CustomerProtection.Registration.Application;
using CustomerProtection.Registration.Confidentiality.Crypto;
using CustomerProtection.Registration.Confidentiality.Domain;
using CustomerProtection.Registration.Confidentiality.Persistence;
using CustomerProtection.Registration.Confidentiality.Persistence.Audit;
using CustomerProtection.Registration.Domain;

namespace CustomerProtection.Registration.Confidentiality.Application;

/// <summary>A customer's confidential fields as one caller gets them.</summary>
public sealed record Disclosed(CustomerContact? Contact, bool Masked, bool Destroyed, Consent? Consent);

/// <summary>
/// The read path of confidential data, for every RPC that shows it (details, export): open the
/// envelope (C-4), decide clear or masked (C-2 role, C-3 grant, C-6 purpose within the consent:
/// <see cref="Disclosure"/>), and append the audit entry of every clear read before the data leaves
/// (C-5). A destroyed customer's data reads as destroyed (C-10).
/// </summary>
public sealed class ConfidentialAccess(ConfidentialStore store, AuditLog audit, PolicyClock clock, RpcName rpc)
{
    /// <summary>Starts the read of the envelope and the caller's grant slot (callers start it beside the customer read).</summary>
    public Task<StoredConfidential> LoadAsync(Caller caller, string customerId) => store.LoadAsync(customerId, caller.EmployeeId);

    /// <summary>One customer: a purpose outside the consent or grant is refused (C-6, C-3).</summary>
    public async Task<Disclosed> DiscloseAsync(Caller caller, Customer customer, StoredConfidential stored, string? purpose) =>
        (await DiscloseManyAsync(caller, [(customer, stored)], purpose, refuseOutsideScope: true))[0];

    /// <summary>Several customers (an export page): those whose consent does not cover the purpose come masked; one batch of audit entries for the clear ones.</summary>
    public async Task<IReadOnlyList<Disclosed>> DiscloseManyAsync(Caller caller, IReadOnlyList<Customer> customers, string? purpose) =>
        await DiscloseManyAsync(caller, customers.Zip(await store.LoadManyAsync(customers.Select(c => c.Id).ToList(), caller.EmployeeId)).ToList(), purpose, refuseOutsideScope: false);

    private async Task<IReadOnlyList<Disclosed>> DiscloseManyAsync(Caller caller, IReadOnlyList<(Customer Customer, StoredConfidential Stored)> items, string? purpose, bool refuseOutsideScope)
    {
        var now = clock.UtcNow;
        var results = new List<Disclosed>(items.Count);
        var entries = new List<AuditRecord>();
        foreach (var (customer, stored) in items)
        {
            var opened = store.Open(customer.Id, stored.Value);
            if (opened.Destroyed)
            {
                results.Add(new Disclosed(null, false, true, null));
                continue;
            }

            var record = opened.Record ?? new ConfidentialRecord(CustomerContact.Empty, Consent.Implied(customer.FiledAt, customer.FiledBy));
            var decision = Disclosure.Decide(caller, customer, stored.Grant, record.Consent, purpose, now);
            if (decision.Refusal is { } refusal && refuseOutsideScope)
            {
                throw refusal;
            }

            if (!decision.Clear)
            {
                results.Add(new Disclosed(ConfidentialFields.Mask(record.Contact), true, false, null));
                continue;
            }

            var fields = CustomerClassification.Present(record.Contact);
            if (fields.Count > 0)
            {
                entries.Add(new AuditRecord(now, caller.EmployeeId, caller.Role, customer.Id, AuditKinds.Read, fields, decision.Purpose, rpc.Current,
                    decision.Clearance == Clearance.Grant ? "grant " + stored.Grant!.GrantId : null));
            }

            results.Add(new Disclosed(record.Contact, false, false, record.Consent));
        }

        // C-5: the entries are durable before any clear value is returned.
        await audit.AppendAsync(entries);
        return results;
    }
}
