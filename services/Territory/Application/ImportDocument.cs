using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using CsvHelper;
using CsvHelper.Configuration;

namespace CustomerProtection.Territory.Application;

/// <summary>One row of an import, with the label its errors are reported under.</summary>
public sealed record ImportRow<T>(string Label, T Input);

/// <summary>
/// A whole organisation as imported: JSON (<c>{"regions":[...],"branches":[...],"employees":[...],
/// "dealers":[...]}</c>, snake_case fields as in the protos) or one CSV with a <c>type</c> column.
/// Parsing only; <see cref="ImportOrganization"/> validates.
/// </summary>
public sealed class ImportDocument
{
    public List<ImportRow<RegionInput>> Regions { get; } = [];
    public List<ImportRow<BranchInput>> Branches { get; } = [];
    public List<ImportRow<EmployeeInput>> Employees { get; } = [];
    public List<ImportRow<DealerInput>> Dealers { get; } = [];

    public int Count => Regions.Count + Branches.Count + Employees.Count + Dealers.Count;

    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        PropertyNameCaseInsensitive = true,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    };

    public static ImportDocument ParseJson(ReadOnlySpan<byte> content)
    {
        JsonShape? shape;
        try
        {
            shape = JsonSerializer.Deserialize<JsonShape>(content, Json);
        }
        catch (JsonException ex)
        {
            throw new RequestValidationException(new FieldViolation("content", $"JSON 无法解析 / not valid JSON: {ex.Message}"));
        }

        var doc = new ImportDocument();
        if (shape is null)
        {
            return doc;
        }

        for (var i = 0; i < shape.Regions.Count; i++)
        {
            var r = shape.Regions[i];
            doc.Regions.Add(new($"regions[{i}].", new RegionInput(r.Id ?? "", r.Name ?? "")));
        }

        for (var i = 0; i < shape.Branches.Count; i++)
        {
            var b = shape.Branches[i];
            doc.Branches.Add(new($"branches[{i}].", new BranchInput(b.Id ?? "", b.RegionId ?? "", b.Name ?? "", b.Kind ?? "branch", b.Direct ?? true, b.ManagerId, b.AutoApproveFilings ?? false)));
        }

        for (var i = 0; i < shape.Employees.Count; i++)
        {
            var e = shape.Employees[i];
            doc.Employees.Add(new($"employees[{i}].", new EmployeeInput(e.Id ?? "", e.Name ?? "", e.Role ?? "", e.BranchId, e.RegionId, e.ManagerId, e.HireDate, e.Status, e.Email)));
        }

        for (var i = 0; i < shape.Dealers.Count; i++)
        {
            var d = shape.Dealers[i];
            doc.Dealers.Add(new($"dealers[{i}].", new DealerInput(d.Id ?? "", d.Name ?? "", d.BranchId ?? "", d.RegionId, d.Kind ?? "", d.TaxpayerId, d.InvoiceTitle ?? "")));
        }

        return doc;
    }

    /// <summary>CSV header: type,id,name,region_id,branch_id,role,manager_id,status,hire_date,kind,direct,taxpayer_id,invoice_title.</summary>
    public static ImportDocument ParseCsv(ReadOnlySpan<byte> content)
    {
        var doc = new ImportDocument();
        var config = new CsvConfiguration(CultureInfo.InvariantCulture)
        {
            TrimOptions = TrimOptions.Trim,
            MissingFieldFound = null,
            HeaderValidated = null,
        };
        using var reader = new StringReader(Encoding.UTF8.GetString(content));
        using var csv = new CsvReader(reader, config);
        try
        {
            if (!csv.Read() || !csv.ReadHeader())
            {
                return doc;
            }

            while (csv.Read())
            {
                var row = csv.Parser.Row;
                var label = $"row[{row}].";
                string? Field(string name) => NullIfEmpty(csv.GetField(name));
                switch (Field("type")?.ToLowerInvariant())
                {
                    case "region":
                        doc.Regions.Add(new(label, new RegionInput(Field("id") ?? "", Field("name") ?? "")));
                        break;
                    case "branch":
                        doc.Branches.Add(new(label, new BranchInput(Field("id") ?? "", Field("region_id") ?? "", Field("name") ?? "", Field("kind") ?? "branch",
                            !string.Equals(Field("direct"), "false", StringComparison.OrdinalIgnoreCase), Field("manager_id"), false)));
                        break;
                    case "employee":
                        doc.Employees.Add(new(label, new EmployeeInput(Field("id") ?? "", Field("name") ?? "", Field("role") ?? "", Field("branch_id"), Field("region_id"),
                            Field("manager_id"), Field("hire_date"), Field("status"), Field("email"))));
                        break;
                    case "dealer":
                        doc.Dealers.Add(new(label, new DealerInput(Field("id") ?? "", Field("name") ?? "", Field("branch_id") ?? "", Field("region_id"), Field("kind") ?? "",
                            Field("taxpayer_id"), Field("invoice_title") ?? "")));
                        break;
                    default:
                        throw new RequestValidationException(new FieldViolation(label + "type", "必须是 region, branch, employee, dealer 之一 / must be region, branch, employee or dealer"));
                }
            }
        }
        catch (CsvHelperException ex)
        {
            throw new RequestValidationException(new FieldViolation("content", $"CSV 无法解析 / not valid CSV: {ex.Message}"));
        }

        return doc;
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;

    private sealed class JsonShape
    {
        public List<JsonRegion> Regions { get; set; } = [];
        public List<JsonBranch> Branches { get; set; } = [];
        public List<JsonEmployee> Employees { get; set; } = [];
        public List<JsonDealer> Dealers { get; set; } = [];
    }

    private sealed record JsonRegion(string? Id, string? Name);

    private sealed record JsonBranch(string? Id, string? RegionId, string? Name, string? Kind, bool? Direct, string? ManagerId, bool? AutoApproveFilings);

    private sealed record JsonEmployee(string? Id, string? Name, string? Role, string? BranchId, string? RegionId, string? ManagerId, string? Status, string? HireDate, string? Email = null);

    private sealed record JsonDealer(string? Id, string? Name, string? BranchId, string? RegionId, string? Kind, string? TaxpayerId, string? InvoiceTitle);
}
