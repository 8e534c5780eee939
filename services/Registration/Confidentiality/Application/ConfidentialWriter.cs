using CustomerProtection.Registration.Confidentiality.Crypto;
using CustomerProtection.Registration.Confidentiality.Domain;
using CustomerProtection.Registration.Confidentiality.Persistence;
using CustomerProtection.Registration.Confidentiality.Persistence.Audit;
using CustomerProtection.Registration.Domain;
using CustomerProtection.Registration.Persistence;

namespace CustomerProtection.Registration.Confidentiality.Application;

/// <summary>A write of a customer's confidential and secret fields (a filing, an import row): by whom, for which purpose, under which consent.</summary>
public sealed record ConfidentialWrite(Caller By, CustomerContact Contact, Consent Consent, string Purpose);

/// <summary>
/// Adds a confidential write to a customer's atomic step: the new envelope (sealed under a fresh data
/// key, C-4) replaces the old one, and its audit entry (C-5, kind change: the fields written, never
/// their values) goes into the same step, so neither exists without the other.
/// </summary>
public sealed class ConfidentialWriter(ConfidentialStore store, RpcName rpc)
{
    public void Add(AtomicChange change, string customerId, ConfidentialWrite write, DateTimeOffset at)
    {
        change.SetField(RegistrationKeys.Customer(customerId), ConfidentialityKeys.EnvelopeField, store.Seal(customerId, new ConfidentialRecord(write.Contact, write.Consent)));
        AuditLog.Pending(change, new AuditRecord(
            at, write.By.EmployeeId, write.By.Role, customerId, AuditKinds.Change, CustomerClassification.Present(write.Contact), write.Purpose, rpc.Current,
            "consent: " + string.Join(',', write.Consent.Purposes)));
    }
}
