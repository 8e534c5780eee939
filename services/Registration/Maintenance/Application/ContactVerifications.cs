using CustomerProtection.Registration.Application;
using CustomerProtection.Registration.Confidentiality.Application;
using CustomerProtection.Registration.Confidentiality.Crypto;
using CustomerProtection.Registration.Confidentiality.Domain;
using CustomerProtection.Registration.Confidentiality.Persistence;
using CustomerProtection.Registration.Confidentiality.Persistence.Audit;
using CustomerProtection.Registration.Domain;
using CustomerProtection.Registration.Maintenance.Domain;
using CustomerProtection.Registration.Maintenance.Persistence;
using CustomerProtection.Registration.Persistence;

namespace CustomerProtection.Registration.Maintenance.Application;

/// <summary>A customer whose contacts were not verified within its class's interval.</summary>
public sealed record StaleVerification(Customer Customer, MaintenanceDeadline Deadline, int DaysOverdue);

/// <summary>
/// Re-verification of a customer's contacts (seed 客户维护: "定期对客户信息进行更新和核实"): the owner
/// confirms them or corrects them; a correction is a confidential write (<see cref="ConfidentialWriter"/>:
/// sealed under a fresh key, audited, C-4, C-5) in the same atomic step as the verification, guarded by the
/// envelope read. Customers not verified within their class's interval since the filing or the last
/// verification are listed for the owner, the branch's readers and hq.
/// </summary>
public sealed class ContactVerifications(
    CustomerStore store, MaintenanceStore maintenance, MaintainedCustomers customers, ConfidentialStore confidential, ConfidentialWriter writer, AuditLog audit, PolicyClock clock)
{
    public async Task<MaintenancePage<StaleVerification>> ListStaleAsync(Caller caller, string? branchId, int pageSize, string? pageToken)
    {
        var today = clock.Today;
        var held = await customers.InScopeAsync(caller, branchId);
        var stale = new List<StaleVerification>();
        foreach (var chunk in held.Chunk(500))
        {
            var verified = await maintenance.VerificationsAsync(chunk.Select(c => c.Value.Id).ToList());
            foreach (var (customer, last) in chunk.Zip(verified))
            {
                var since = MaintenanceRules.VerificationSince(customer.Value, last is null ? null : Dates.ToLocalDate(last.VerifiedOn));
                var deadline = MaintenanceRules.Deadline(clock, since, p => MaintenanceRules.VerificationDays(p, customer.Value.Class));
                if (deadline.IsOverdue(today))
                {
                    stale.Add(new StaleVerification(customer.Value, deadline, deadline.DaysOverdue(today)));
                }
            }
        }

        return MaintainedCustomers.Page(stale.OrderByDescending(s => s.DaysOverdue).ThenBy(s => s.Customer.Id, StringComparer.Ordinal).ToList(), pageSize, pageToken);
    }

    /// <summary>The owner confirms the contacts are still right.</summary>
    public Task<ContactVerification> ConfirmAsync(Caller caller, string? customerId) => VerifyAsync(caller, customerId, null);

    /// <summary>The owner corrects the contacts: the fields given replace the stored ones; the others stay.</summary>
    public Task<ContactVerification> CorrectAsync(Caller caller, string? customerId, CustomerContact correction)
    {
        var violations = new List<FieldViolation>();
        FilingRules.CheckContact(violations, "contact.", correction);
        if (new[] { correction.Name, correction.Phone, correction.Email, correction.Address }.All(string.IsNullOrWhiteSpace))
        {
            violations.Add(new("contact", "至少更正一项 / correct at least one field"));
        }

        RequestValidationException.ThrowIfAny(violations);
        return VerifyAsync(caller, customerId, correction);
    }

    private Task<ContactVerification> VerifyAsync(Caller caller, string? customerId, CustomerContact? correction)
    {
        Lookup.RequireId(customerId);
        return OptimisticConcurrency.RetryAsync(async () =>
        {
            var loading = confidential.LoadAsync(customerId!, null);
            var current = await store.GetAsync(customerId!) ?? throw new EntityNotFoundException("customer", customerId!);
            var stored = (await loading).Value;
            var customer = current.Value;
            if (caller.EmployeeId != customer.OwnerId)
            {
                throw new ScopeDeniedException("只有负责人核实客户信息 / only the owner verifies the customer's contacts");
            }

            var state = clock.Evaluate(customer);
            if (!state.ProtectedNow)
            {
                throw new PolicyRefusalException("P-3.5", "客户不在保护期内 / the customer is not protected", new Dictionary<string, string> { ["status"] = state.Status });
            }

            var now = clock.UtcNow;
            var key = RegistrationKeys.Customer(customer.Id);
            var change = new AtomicChange().Expect(key, current.Version);
            IReadOnlyList<string> corrected = [];
            if (correction is not null)
            {
                var opened = confidential.Open(customer.Id, stored);
                if (opened.Destroyed)
                {
                    throw AccessRequests.Destroyed(customer.Id, opened.DestroyedAt!.Value);
                }

                var record = opened.Record ?? new ConfidentialRecord(CustomerContact.Empty, Consent.Implied(customer.FiledAt, customer.FiledBy));
                var fields = CustomerClassification.Protected
                    .Where(f => FilingRules.NullIfBlank(f.Get(correction)) is not null)
                    .ToList();
                var contact = fields.Aggregate(record.Contact, (c, f) => f.With(c, f.Get(correction)!.Trim()));
                corrected = fields.Select(f => f.Name).ToList();
                // The existing confidential write (C-4 envelope, C-5 audit), guarded by the envelope read.
                change.ExpectFieldUnchanged(key, ConfidentialityKeys.EnvelopeField, stored ?? Array.Empty<byte>());
                writer.Add(change, customer.Id, new ConfidentialWrite(caller, contact, record.Consent, Purposes.SalesDevelopment), now);
            }

            var verification = new ContactVerification(customer.Id, caller.EmployeeId, now, clock.TodayDate, corrected);
            change.SetField(MaintenanceKeys.Verified, customer.Id, MaintenanceStore.Encode(verification));
            var outcome = await maintenance.CommitAsync(change);
            if (outcome.Succeeded && correction is not null)
            {
                audit.NotifyAppended();
            }

            return (outcome, verification);
        });
    }
}
