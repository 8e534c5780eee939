using System.Globalization;
using CustomerProtection.Policy.Identity;
using NodaTime;
using CustomerProtection.Registration.Confidentiality.Domain;

namespace CustomerProtection.Registration.Domain;

/// <summary>A filing as submitted (P-2.1): plain data from the gRPC request or an import row.</summary>
public sealed record FilingInput(
    string? TaxpayerId,
    string? InvoiceTitle,
    bool ManualReview,
    string? Class,
    string? DeclaredAnnualSales,
    CustomerContact Contact,
    string? EvidenceKind,
    string? EvidenceDate,
    string? Evidence,
    ConsentInput? Consent = null);

/// <summary>A filing whose fields are well formed, with its identity key (P-2.5).</summary>
public sealed record ValidFiling(
    string IdentityKey,
    string Title,
    bool ManualReview,
    string Class,
    decimal Sales,
    CustomerContact Contact,
    string? EvidenceKind,
    DateOnly? EvidenceDate,
    string? Evidence,
    ConsentScope Consent);

/// <summary>
/// Well-formedness of filings and look-ups. The identity is the invoice identity (P-2.5): the
/// taxpayer id when given (character set and GB 32100-2015 checksum checked, the
/// registering-authority prefix not), else the normalised invoice title.
/// </summary>
public static class FilingRules
{
    public const int MaxTitleLength = 200;
    public const int MaxTextLength = 1000;
    public const decimal MaxSales = 1_000_000_000_000m;

    /// <summary>
    /// The identity key of a look-up or filing; null with a violation when the taxpayer id or the
    /// title cannot be used. A check-character failure is refused unless <paramref name="manualReview"/> is
    /// asked for (P-2.5: a few real codes fail the checksum). Text that cannot be normalised (a lone
    /// or reversed surrogate, U+FFFE ...) is refused on its own field, both when both are bad
    /// (P-2.5). Never throws.
    /// </summary>
    public static string? Identity(ICollection<FieldViolation> violations, string prefix, string? taxpayerId, string? invoiceTitle, bool manualReview)
    {
        if (string.IsNullOrWhiteSpace(taxpayerId) && string.IsNullOrWhiteSpace(invoiceTitle))
        {
            violations.Add(new(prefix + "invoice_title", "纳税人识别号或开票抬头必填 / a taxpayer id or an invoice title is required"));
            return null;
        }

        if (invoiceTitle?.Length > MaxTitleLength)
        {
            violations.Add(new(prefix + "invoice_title", $"最长 {MaxTitleLength} 字 / at most {MaxTitleLength} characters"));
            return null;
        }

        var taxpayer = NullIfBlank(taxpayerId);
        // With a taxpayer id the title takes no part in the key, but it is stored and normalised
        // all the same (X-4's near-duplicate keys), so it must be normalisable too. Without one,
        // CustomerIdentity.Key normalises it and says so.
        var titleRefused = false;
        if (taxpayer is not null && invoiceTitle is not null && !InvoiceTitle.TryNormalize(invoiceTitle, out _, out var titleError))
        {
            violations.Add(new(prefix + "invoice_title", $"[P-2.5] {titleError}"));
            titleRefused = true;
        }

        try
        {
            var key = CustomerIdentity.Key(taxpayer, invoiceTitle ?? "", manualReview);
            return titleRefused ? null : key;
        }
        catch (InvalidTaxpayerIdException ex)
        {
            var hint = ex.Validation?.Error == SocialCreditCodeError.BadCheckCharacter
                ? "；如确为真实代码，请申请人工核验 (manual_review) / if the code is real, ask for a manual identity review (manual_review)"
                : "";
            violations.Add(new(prefix + "taxpayer_id", $"[P-2.5] {ex.Validation?.Message ?? ex.Message}{hint}"));
            return null;
        }
        catch (InvalidInvoiceTitleException ex)
        {
            violations.Add(new(prefix + "invoice_title", $"[P-2.5] {ex.Message}"));
            return null;
        }
        catch (ArgumentException)
        {
            violations.Add(new(prefix + "invoice_title", "开票抬头为空 / the invoice title is empty"));
            return null;
        }
    }

    public static ValidFiling? Validate(ICollection<FieldViolation> violations, string prefix, FilingInput input, LocalDate today, bool evidenceRequired = true)
    {
        var before = violations.Count;
        if (string.IsNullOrWhiteSpace(input.InvoiceTitle))
        {
            violations.Add(new(prefix + "invoice_title", "必填 / required"));
        }

        var key = Identity(violations, prefix, input.TaxpayerId, input.InvoiceTitle, input.ManualReview);
        CheckOneOf(violations, prefix + "customer_class", input.Class, CustomerClasses.All);
        var sales = Sales(violations, prefix + "declared_annual_sales", input.DeclaredAnnualSales);
        CheckContact(violations, prefix + "contact.", input.Contact);
        var consent = ConsentRules.Validate(violations, prefix + "consent.", input.Consent);

        string? evidenceKind = null;
        DateOnly? evidenceDate = null;
        if (evidenceRequired || !string.IsNullOrWhiteSpace(input.EvidenceKind))
        {
            CheckOneOf(violations, prefix + "evidence_kind", input.EvidenceKind, EvidenceKinds.All);
            evidenceKind = input.EvidenceKind;
        }

        if (evidenceRequired || !string.IsNullOrWhiteSpace(input.EvidenceDate))
        {
            evidenceDate = PastDate(violations, prefix + "evidence_date", input.EvidenceDate, today);
        }

        CheckLength(violations, prefix + "evidence", input.Evidence, MaxTextLength);
        if (violations.Count > before || key is null)
        {
            return null;
        }

        // A code that passes its checksum needs no review even when one was asked for.
        var manualReview = input.ManualReview && SocialCreditCode.Validate(input.TaxpayerId).Error == SocialCreditCodeError.BadCheckCharacter;
        return new ValidFiling(key, input.InvoiceTitle!.Trim(), manualReview, input.Class!, sales, Trimmed(input.Contact),
            evidenceKind, evidenceDate, NullIfBlank(input.Evidence)?.Trim(), consent);
    }

    public static decimal Sales(ICollection<FieldViolation> violations, string field, string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return 0;
        }

        if (!decimal.TryParse(text, NumberStyles.Number, CultureInfo.InvariantCulture, out var sales) || sales < 0 || sales > MaxSales)
        {
            violations.Add(new(field, "金额：非负数字，如 350000 / amount: a non-negative number such as 350000"));
            return 0;
        }

        return sales;
    }

    /// <summary>A yyyy-MM-dd date not after today (null when absent and reported as required).</summary>
    public static DateOnly? PastDate(ICollection<FieldViolation> violations, string field, string? text, LocalDate today, bool required = true)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            if (required)
            {
                violations.Add(new(field, "必填，格式 yyyy-MM-dd / required, as yyyy-MM-dd"));
            }

            return null;
        }

        if (!DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            violations.Add(new(field, "日期格式 yyyy-MM-dd / date as yyyy-MM-dd"));
            return null;
        }

        if (Protection.Local(date) > today)
        {
            violations.Add(new(field, $"不能晚于今天 {today:yyyy-MM-dd} / cannot be after today {today:yyyy-MM-dd}"));
            return null;
        }

        if (Protection.Local(date) < Policy.PolicyBook.PolicyStart)
        {
            violations.Add(new(field, "不能早于政策生效日 2013-12-02 / cannot be before the policy took effect, 2013-12-02 (P-14)"));
            return null;
        }

        return date;
    }

    public static void CheckOneOf(ICollection<FieldViolation> violations, string field, string? value, IReadOnlyList<string> allowed)
    {
        if (value is null || !allowed.Contains(value))
        {
            violations.Add(new(field, $"必须是 {string.Join(", ", allowed)} 之一 / must be one of {string.Join(", ", allowed)}"));
        }
    }

    public static void CheckLength(ICollection<FieldViolation> violations, string field, string? value, int max)
    {
        if (value?.Length > max)
        {
            violations.Add(new(field, $"最长 {max} 字 / at most {max} characters"));
        }
    }

    public static void CheckContact(ICollection<FieldViolation> violations, string prefix, CustomerContact contact)
    {
        CheckLength(violations, prefix + "name", contact.Name, 100);
        CheckLength(violations, prefix + "phone", contact.Phone, 32);
        CheckLength(violations, prefix + "email", contact.Email, 254);
        CheckLength(violations, prefix + "address", contact.Address, 300);
        CheckLength(violations, prefix + "bank_account", contact.BankAccount, 64);
        CheckLength(violations, prefix + "deal_terms", contact.DealTerms, 1000);
        CheckLength(violations, prefix + "financials", contact.Financials, 1000);
        CheckLength(violations, prefix + "contracts", contact.Contracts, 1000);
        if (!string.IsNullOrWhiteSpace(contact.Email) && !contact.Email.Contains('@', StringComparison.Ordinal))
        {
            violations.Add(new(prefix + "email", "不是电子邮件地址 / not an e-mail address"));
        }
    }

    private static CustomerContact Trimmed(CustomerContact c) =>
        CustomerClassification.Protected.Aggregate(c, (trimmed, field) => field.With(trimmed, NullIfBlank(field.Get(c))?.Trim()));

    public static string? NullIfBlank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}
