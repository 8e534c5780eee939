
namespace CustomerProtection.Registration.Confidentiality.Domain;

/// <summary>C-6: what confidential data is used for. The words of the protos and the audit log.</summary>
public static class Purposes
{
    /// <summary>The owner and co-developers developing the customer: what the contact was collected for.</summary>
    public const string SalesDevelopment = "sales_development";
    public const string Service = "service";
    public const string Marketing = "marketing";

    /// <summary>Handing the data to someone outside the company (needs consent and a contract).</summary>
    public const string ThirdPartySharing = "third_party_sharing";

    /// <summary>The policy's own work by branch staff and hq (approvals, disputes, audits, incidents).</summary>
    public const string Administration = "administration";

    /// <summary>What a customer can consent to.</summary>
    public static readonly IReadOnlyList<string> Consentable = [SalesDevelopment, Service, Marketing, ThirdPartySharing];

    /// <summary>Purposes a read or a grant may name; sharing goes through its own RPC (one customer, a contract).</summary>
    public static readonly IReadOnlyList<string> ForUse = [SalesDevelopment, Service, Marketing, Administration];
}

/// <summary>
/// C-6: the customer's consent and its scope, recorded with the contact (and encrypted with it, so a
/// scope cannot be widened in storage without breaking the blob's authentication).
/// </summary>
public sealed record Consent(IReadOnlyList<string> Purposes, string? Evidence, DateTimeOffset RecordedAt, string RecordedBy)
{
    /// <summary>
    /// A filing without a stated consent: the contact was given for the business relationship the
    /// filing documents (P-2.1's evidence), so development is in scope and nothing else.
    /// </summary>
    public static Consent Implied(DateTimeOffset at, string by) => ConsentScope.Implied.RecordedBy(by, at);

    /// <summary>Administration needs no consent (the policy's own work); development is implied; the rest must be consented.</summary>
    public bool Covers(string purpose) =>
        purpose is Domain.Purposes.Administration or Domain.Purposes.SalesDevelopment || Purposes.Contains(purpose);
}

/// <summary>A consent as submitted (filing, RecordConsent).</summary>
public sealed record ConsentInput(IReadOnlyList<string>? Purposes, string? Evidence);

/// <summary>A well-formed consent scope, recorded as a <see cref="Consent"/> when written.</summary>
public sealed record ConsentScope(IReadOnlyList<string> Purposes, string? Evidence)
{
    public static readonly ConsentScope Implied = new([Domain.Purposes.SalesDevelopment], null);

    public Consent RecordedBy(string employeeId, DateTimeOffset at) => new(Purposes, Evidence, at, employeeId);
}

public static class ConsentRules
{
    public const int MaxEvidenceLength = 200;

    /// <summary>The scope as recorded: known purposes only, development always included, in a stable order; none given: <see cref="ConsentScope.Implied"/>.</summary>
    public static ConsentScope Validate(ICollection<FieldViolation> violations, string prefix, ConsentInput? input)
    {
        if (input is null || (input.Purposes is not { Count: > 0 } && string.IsNullOrWhiteSpace(input.Evidence)))
        {
            return ConsentScope.Implied;
        }

        var purposes = input.Purposes ?? [];
        for (var i = 0; i < purposes.Count; i++)
        {
            if (!Purposes.Consentable.Contains(purposes[i]))
            {
                violations.Add(new($"{prefix}purposes[{i}]", $"未知用途，可选 {string.Join(", ", Purposes.Consentable)} / unknown purpose, one of {string.Join(", ", Purposes.Consentable)}"));
            }
        }

        var evidence = string.IsNullOrWhiteSpace(input.Evidence) ? null : input.Evidence.Trim();
        if (evidence?.Length > MaxEvidenceLength)
        {
            violations.Add(new(prefix + "evidence", $"最长 {MaxEvidenceLength} 字 / at most {MaxEvidenceLength} characters"));
        }

        if (evidence is null && purposes.Any(p => p != Purposes.SalesDevelopment))
        {
            violations.Add(new(prefix + "evidence", "超出开发用途的同意须注明凭证 / a consent beyond development needs its evidence (the signed form)"));
        }

        return new ConsentScope(Purposes.Consentable.Where(p => p == Purposes.SalesDevelopment || purposes.Contains(p)).ToList(), evidence);
    }

    /// <summary>A purpose named by a caller: one of <see cref="Purposes.ForUse"/>, or none (the caller's usual one).</summary>
    public static string? ValidPurpose(ICollection<FieldViolation> violations, string field, string? purpose, bool allowSharing = false)
    {
        if (string.IsNullOrWhiteSpace(purpose))
        {
            return null;
        }

        if (Purposes.ForUse.Contains(purpose) || (allowSharing && purpose == Purposes.ThirdPartySharing))
        {
            return purpose;
        }

        violations.Add(new(field, $"未知用途，可选 {string.Join(", ", Purposes.ForUse)} / unknown purpose, one of {string.Join(", ", Purposes.ForUse)}"));
        return null;
    }

    /// <summary>C-6: the purpose is outside what the customer consented to.</summary>
    public static PolicyRefusalException OutsideScope(string customerId, string purpose, Consent consent) => new(
        "C-6",
        $"客户未同意将其信息用于 {purpose} / the customer has not consented to use for {purpose}",
        new Dictionary<string, string>
        {
            ["customerId"] = customerId,
            ["purpose"] = purpose,
            ["consentedPurposes"] = string.Join(",", consent.Purposes),
        });
}
