using CustomerProtection.Registration.Application;
using CustomerProtection.Registration.Confidentiality.Crypto;
using CustomerProtection.Registration.Confidentiality.Domain;
using CustomerProtection.Registration.Confidentiality.Persistence;
using CustomerProtection.Registration.Confidentiality.Persistence.Audit;
using CustomerProtection.Registration.Domain;
using CustomerProtection.Registration.Persistence;
using CustomerProtection.ServiceDefaults.Encryption;

namespace CustomerProtection.Registration.Confidentiality.Application;

/// <summary>What was handed to a third party (C-6).</summary>
public sealed record SharedData(string CustomerId, CustomerContact Contact, string ThirdParty, string ContractReference);

/// <summary>
/// The customer's rights over its data: its consent and scope (C-6), sharing with a third party one
/// customer at a time under consent and contract (C-6; there is deliberately no bulk way), and
/// destruction on request (C-10). Each rewrites the customer's envelope guarded by the value read
/// (a concurrent filing, rotation or destruction makes it decide again) and audits itself in the same
/// atomic step.
/// </summary>
public sealed class CustomerDataCare(CustomerStore customers, ConfidentialStore confidential, AuditLog audit, PolicyClock clock, RpcName rpc)
{
    private const int Attempts = 5;
    public const int MaxTextLength = 200;

    /// <summary>C-6: the owner, the branch's secretary or manager, or hq records the customer's consent (the whole scope after it).</summary>
    public async Task<Consent> RecordConsentAsync(Caller caller, string? customerId, IReadOnlyList<string> purposes, string? evidence)
    {
        Lookup.RequireId(customerId);
        var violations = new List<FieldViolation>();
        var scope = ConsentRules.Validate(violations, "", new ConsentInput(purposes, evidence));
        RequestValidationException.ThrowIfAny(violations);
        return await RewriteAsync(customerId!, (customer, opened, now) =>
        {
            if (Disclosure.RoleClearance(caller, customer) is not (Clearance.Owner or Clearance.BranchStaff or Clearance.Hq))
            {
                throw new ScopeDeniedException("只有负责人、分公司秘书或经理、总公司可以登记同意 / only the owner, the branch's secretary or manager, or hq record a consent");
            }

            var record = opened.Record ?? new ConfidentialRecord(CustomerContact.Empty, Consent.Implied(customer.FiledAt, customer.FiledBy));
            var consent = scope.RecordedBy(caller.EmployeeId, now);
            var entry = new AuditRecord(now, caller.EmployeeId, caller.Role, customer.Id, AuditKinds.Consent, [], Purposes.Administration, rpc.Current,
                $"consent: {string.Join(',', consent.Purposes)}" + (consent.Evidence is null ? "" : $"; evidence {consent.Evidence}"));
            return (confidential.Seal(customer.Id, record with { Consent = consent }), entry, consent);
        });
    }

    /// <summary>
    /// C-6: the branch manager of the customer's branch, or hq, hands one customer's data to a third
    /// party: only with the customer's consent to third-party sharing and the contract that binds the
    /// recipient; the hand-over is audited before the data is returned.
    /// </summary>
    public async Task<SharedData> ShareAsync(Caller caller, string? customerId, string? thirdParty, string? contractReference)
    {
        Lookup.RequireId(customerId);
        var violations = new List<FieldViolation>();
        Require(violations, "third_party", thirdParty);
        Require(violations, "contract_reference", contractReference);
        RequestValidationException.ThrowIfAny(violations);

        var loading = confidential.LoadAsync(customerId!, null);
        var customer = (await customers.GetAsync(customerId!))?.Value ?? throw new EntityNotFoundException("customer", customerId!);
        if (!caller.IsHq && !AccessGrantRules.CanDecide(caller, customer.BranchId))
        {
            throw new ScopeDeniedException($"只有 {customer.BranchId} 的经理或总公司可以向第三方提供 / only the manager of {customer.BranchId} or hq share with a third party");
        }

        var opened = confidential.Open(customer.Id, (await loading).Value);
        if (opened.Destroyed)
        {
            throw AccessRequests.Destroyed(customer.Id, opened.DestroyedAt!.Value);
        }

        var record = opened.Record ?? new ConfidentialRecord(CustomerContact.Empty, Consent.Implied(customer.FiledAt, customer.FiledBy));
        if (!record.Consent.Covers(Purposes.ThirdPartySharing))
        {
            throw ConsentRules.OutsideScope(customer.Id, Purposes.ThirdPartySharing, record.Consent);
        }

        await audit.AppendAsync(
        [
            new AuditRecord(clock.UtcNow, caller.EmployeeId, caller.Role, customer.Id, AuditKinds.Share, CustomerClassification.Present(record.Contact),
                Purposes.ThirdPartySharing, rpc.Current, $"third party {thirdParty!.Trim()}; contract {contractReference!.Trim()}"),
        ]);
        return new SharedData(customer.Id, record.Contact, thirdParty.Trim(), contractReference.Trim());
    }

    /// <summary>
    /// C-10, hq on the customer's request: the envelope — and with it the only copy of the wrapped data
    /// key — is replaced by a mark that holds no key material, so the data can never be read again from
    /// this store. The customer itself, its ownership history and the audit log stay. Idempotent.
    /// </summary>
    public async Task<DateTimeOffset> DestroyAsync(Caller caller, string? customerId, string? reason)
    {
        if (!caller.IsHq)
        {
            throw new ScopeDeniedException("只有总公司可以销毁客户个人信息 / only hq destroys a customer's personal data");
        }

        Lookup.RequireId(customerId);
        var violations = new List<FieldViolation>();
        Require(violations, "reason", reason);
        RequestValidationException.ThrowIfAny(violations);
        var already = default(DateTimeOffset?);
        var destroyedAt = await RewriteAsync(customerId!, (customer, opened, now) =>
        {
            if (opened.Destroyed)
            {
                already = opened.DestroyedAt;
                return (null, null, opened.DestroyedAt!.Value);
            }

            var entry = new AuditRecord(now, caller.EmployeeId, caller.Role, customer.Id, AuditKinds.Destroy,
                CustomerClassification.Present(opened.Record?.Contact ?? CustomerContact.Empty), Purposes.Administration, rpc.Current, reason!.Trim());
            return (Envelope.Destroyed(now), entry, now);
        }, destroying: true);
        return already ?? destroyedAt;
    }

    /// <summary>
    /// Read the customer and its envelope, decide the new envelope, write it guarded by the value read
    /// (absent stays absent: the check op passes on a missing key and fails on any other value).
    /// </summary>
    private Task<T> RewriteAsync<T>(string customerId, Func<Customer, OpenedConfidential, DateTimeOffset, (byte[]? Value, AuditRecord? Entry, T Result)> decide, bool destroying = false) =>
        OptimisticConcurrency.RetryAsync(async () =>
        {
            var loading = confidential.LoadAsync(customerId, null);
            var customer = (await customers.GetAsync(customerId))?.Value ?? throw new EntityNotFoundException("customer", customerId);
            var stored = (await loading).Value;
            var opened = confidential.Open(customerId, stored);
            if (opened.Destroyed && !destroying)
            {
                throw AccessRequests.Destroyed(customerId, opened.DestroyedAt!.Value);
            }

            var (value, entry, result) = decide(customer, opened, clock.UtcNow);
            if (value is null)
            {
                return (ChangeResult.Applied, result);
            }

            var key = RegistrationKeys.Customer(customerId);
            var change = new AtomicChange()
                .ExpectFieldUnchanged(key, ConfidentialityKeys.EnvelopeField, stored ?? Array.Empty<byte>())
                .SetField(key, ConfidentialityKeys.EnvelopeField, value);
            if (destroying)
            {
                // Clear contact fields from before encryption, if the migration has not reached them yet.
                change.ReplaceHash(ConfidentialityKeys.LegacyContact(customerId), []);
            }

            if (entry is not null)
            {
                AuditLog.Pending(change, entry);
            }

            var outcome = await customers.CommitAsync(change);
            if (outcome.Succeeded)
            {
                audit.NotifyAppended();
            }

            return (outcome, result);
        }, Attempts, refusal: OptimisticConcurrency.Conflict);

    private static void Require(List<FieldViolation> violations, string field, string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            violations.Add(new(field, "必填 / required"));
        }
        else if (value.Length > MaxTextLength)
        {
            violations.Add(new(field, $"最长 {MaxTextLength} 字 / at most {MaxTextLength} characters"));
        }
    }
}
