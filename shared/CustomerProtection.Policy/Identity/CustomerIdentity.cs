namespace CustomerProtection.Policy.Identity;

/// <summary>A taxpayer id that cannot be used as an identity (P-2.5).</summary>
public sealed class InvalidTaxpayerIdException : ArgumentException
{
    public InvalidTaxpayerIdException()
    {
    }

    public InvalidTaxpayerIdException(string message)
        : base(message)
    {
    }

    public InvalidTaxpayerIdException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public InvalidTaxpayerIdException(SocialCreditCodeValidation validation)
        : base(validation?.Message, "taxpayerId")
    {
        Validation = validation;
    }

    /// <summary>What is wrong with the id.</summary>
    public SocialCreditCodeValidation? Validation { get; }
}

/// <summary>
/// The customer identity key (P-2.5): two records are the same customer iff their keys are equal.
/// </summary>
public static class CustomerIdentity
{
    public const string TaxpayerIdPrefix = "uscc:";
    public const string TitlePrefix = "title:";

    /// <summary>
    /// <c>uscc:&lt;code&gt;</c> when a taxpayer id is given (the invoice title then does not take part),
    /// else <c>title:&lt;normalised invoice title&gt;</c>.
    /// </summary>
    /// <exception cref="InvalidTaxpayerIdException">The taxpayer id is present but not a valid code (including
    /// one that cannot be normalised, <see cref="SocialCreditCodeError.Unnormalizable"/>).</exception>
    /// <exception cref="InvalidInvoiceTitleException">No taxpayer id and the title cannot be normalised.</exception>
    /// <exception cref="ArgumentException">No taxpayer id and the title is empty after normalisation.</exception>
    public static string Key(string? taxpayerId, string invoiceTitle) => Key(taxpayerId, invoiceTitle, manualReview: false);

    /// <summary>
    /// As <see cref="Key(string?, string)"/>; with <paramref name="manualReview"/> (P-2.5: the filer
    /// asked for a manual identity review, and the filing goes to the secretary's queue) a code that
    /// fails only its check character is accepted as it is. Wrong length, invalid characters and text
    /// that cannot be normalised are refused either way: no real code has them. Throws as
    /// <see cref="Key(string?, string)"/>.
    /// </summary>
    public static string Key(string? taxpayerId, string invoiceTitle, bool manualReview)
    {
        if (!string.IsNullOrWhiteSpace(taxpayerId))
        {
            var validation = SocialCreditCode.Validate(taxpayerId);
            if (validation.IsValid || (manualReview && validation.Error == SocialCreditCodeError.BadCheckCharacter))
            {
                return TaxpayerIdPrefix + validation.Normalized;
            }

            throw new InvalidTaxpayerIdException(validation);
        }

        ArgumentNullException.ThrowIfNull(invoiceTitle);
        var title = InvoiceTitle.Normalize(invoiceTitle);
        if (title.Length == 0)
        {
            throw new ArgumentException("开票抬头为空 / The invoice title is empty", nameof(invoiceTitle));
        }

        return TitlePrefix + title;
    }
}
