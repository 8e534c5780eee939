using System.Globalization;
using System.Text;
using CsvHelper;
using CsvHelper.Configuration;
using CustomerProtection.Registration.Domain;

namespace CustomerProtection.Registration.Application;

/// <summary>One row of an imported customer list, with its 1-based data row number.</summary>
public sealed record ImportRow(int Row, FilingInput Filing, string? OwnerId, string? Stage, string? ApprovedOn, string? LastShipmentOn);

/// <summary>
/// The CSV shape of X-7, the same columns in and out so that an export can be imported elsewhere:
/// <c>taxpayer_id, invoice_title, owner_id, customer_class, declared_annual_sales, stage,
/// approved_on, last_shipment_on, contact_name, contact_phone, contact_email, contact_address,
/// evidence</c>; the export adds the customer id, status and period columns. CsvHelper parses and
/// writes (quoting, embedded commas and newlines); nothing here is a hand-written CSV parser.
/// </summary>
public static class CustomerCsv
{
    public static readonly string[] ExportColumns =
    [
        "customer_id", "taxpayer_id", "invoice_title", "owner_id", "owner_name", "customer_class", "declared_annual_sales", "stage", "status",
        "approved_on", "period_start", "last_protected_day", "last_shipment_on", "co_developer_ids",
        "contact_name", "contact_phone", "contact_email", "contact_address", "contact_masked",
    ];

    private static readonly CsvConfiguration Configuration = new(CultureInfo.InvariantCulture)
    {
        TrimOptions = TrimOptions.Trim,
        MissingFieldFound = null,
        HeaderValidated = null,
        PrepareHeaderForMatch = args => args.Header.Trim().ToLowerInvariant(),
    };

    public static List<ImportRow> Parse(Stream content, int maxRows)
    {
        var rows = new List<ImportRow>();
        using var reader = new StreamReader(content, Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        using var csv = new CsvReader(reader, Configuration);
        try
        {
            if (!csv.Read() || !csv.ReadHeader())
            {
                return rows;
            }

            if (!csv.HeaderRecord!.Any(h => h.Trim().Equals("invoice_title", StringComparison.OrdinalIgnoreCase)))
            {
                throw new RequestValidationException(new FieldViolation("chunk", "CSV 缺少表头 invoice_title / the CSV header has no invoice_title column"));
            }

            while (csv.Read())
            {
                if (rows.Count == maxRows)
                {
                    throw new RequestValidationException(new FieldViolation("chunk", $"最多 {maxRows} 行 / at most {maxRows} rows"));
                }

                string? Field(string name) => csv.TryGetField(name, out string? value) && !string.IsNullOrWhiteSpace(value) ? value : null;
                rows.Add(new ImportRow(
                    rows.Count + 1,
                    new FilingInput(
                        Field("taxpayer_id"),
                        Field("invoice_title"),
                        ManualReview: false,
                        Field("customer_class") ?? CustomerClasses.Ordinary,
                        Field("declared_annual_sales"),
                        new CustomerContact(Field("contact_name"), Field("contact_phone"), Field("contact_email"), Field("contact_address")),
                        EvidenceKind: null,
                        EvidenceDate: null,
                        Field("evidence")),
                    Field("owner_id"),
                    Field("stage"),
                    Field("approved_on"),
                    Field("last_shipment_on")));
            }
        }
        catch (CsvHelperException ex)
        {
            throw new RequestValidationException(new FieldViolation("chunk", $"CSV 无法解析 / not valid CSV: {ex.Message}"));
        }

        return rows;
    }

    public static string Header()
    {
        using var text = new StringWriter(CultureInfo.InvariantCulture);
        using (var csv = new CsvWriter(text, Configuration))
        {
            foreach (var column in ExportColumns)
            {
                csv.WriteField(column);
            }

            csv.NextRecord();
        }

        return text.ToString();
    }

    public static string Rows(IEnumerable<CustomerDetails> customers)
    {
        using var text = new StringWriter(CultureInfo.InvariantCulture);
        using (var csv = new CsvWriter(text, Configuration))
        {
            foreach (var details in customers)
            {
                var c = details.Customer.Value;
                var state = details.State;
                var contact = details.Contact ?? CustomerContact.Empty;
                string?[] fields =
                [
                    c.Id, c.TaxpayerId, c.Title, state.OwnerOf(c), state.OwnerOf(c) is null ? null : c.OwnerName, c.Class,
                    c.Sales.ToString(CultureInfo.InvariantCulture), c.Stage, state.Status,
                    Iso(c.ApprovedOn), Iso(c.PeriodStart), state.End is { } end ? Iso(Protection.Date(end.LastDay)) : null, Iso(c.LastShipmentOn),
                    string.Join(' ', c.CoDevelopers ?? []),
                    contact.Name, contact.Phone, contact.Email, contact.Address, details.ContactMasked ? "true" : "false",
                ];
                foreach (var field in fields)
                {
                    csv.WriteField(field ?? "");
                }

                csv.NextRecord();
            }
        }

        return text.ToString();
    }

    private static string? Iso(DateOnly? date) => date?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
