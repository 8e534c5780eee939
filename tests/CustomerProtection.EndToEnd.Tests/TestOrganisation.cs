using CustomerProtection.Protos;
using System.Text;
using CustomerProtection.Platform.V1;
using CustomerProtection.Registration.V1;
using CustomerProtection.Policy.Actors;
using CustomerProtection.Policy.Identity;
using CustomerProtection.Territory.V1;
using Google.Protobuf;
using Grpc.Core;

namespace CustomerProtection.EndToEnd.Tests;

/// <summary>
/// A fresh branch imported through Territory and waited for in Registration's replica: region
/// <c>R-EAST-{s}</c>, branch <c>B-SH-{s}</c> whose manager is <c>BM-{s}</c> (set on the branch only, so
/// Territory finds a salesperson's manager through the branch), salespeople <c>S1</c>–<c>S3</c> and the
/// secretary <c>SEC</c>. Every id carries the suffix, so tests sharing the one system never meet.
/// </summary>
public sealed record TestOrganisation(SystemFixture System, string S)
{
    public string Branch => Id("B-SH");

    public string Region => Id("R-EAST");

    public string Id(string name) => $"{name}-{S}";

    public Metadata As(string name, string role) => System.As(Id(name), role, Branch, Region);

    public Metadata Salesperson1 => As("S1", Roles.Salesperson);

    public Metadata Secretary => As("SEC", Roles.BranchSecretary);

    /// <summary>
    /// A valid unified social credit code (GB 32100-2015 check character), unique per call: an
    /// enterprise (91) of Wuxi (320200), nine random code characters, the check character.
    /// </summary>
    public static string NewTaxpayerId()
    {
        var body = "91320200" + string.Concat(Enumerable.Range(0, 9).Select(_ => SocialCreditCode.Alphabet[Random.Shared.Next(SocialCreditCode.Alphabet.Length)]));
        var code = body + SocialCreditCode.ComputeCheckCharacter(body);
        Assert.True(SocialCreditCode.Validate(code).IsValid);
        return code;
    }

    /// <summary>A filing after a visit on <paramref name="today"/> (P-2.1); <paramref name="taxpayerId"/> empty: identity by invoice title.</summary>
    public static FileCustomerRequest Filing(string title, string taxpayerId, string today) => new()
    {
        TaxpayerId = taxpayerId,
        InvoiceTitle = title,
        CustomerClass = CustomerClass.Potential,
        DeclaredAnnualSales = "100000",
        EvidenceKind = FilingEvidenceKind.Visit,
        EvidenceDate = ProtoDays.Day(today),
        Evidence = "拜访纪要 / visit notes",
    };

    /// <summary>An employee's address when the organisation is imported with e-mail: <c>s1-{s}@example.com</c> for <c>S1-{s}</c>.</summary>
    public string EmailOf(string name) => $"{Id(name).ToLowerInvariant()}@example.com";

    /// <param name="s">The suffix of every id; a test that already names its ids with one passes it.</param>
    /// <param name="withEmail">Give everyone an address (<see cref="EmailOf"/>), for the notices' mails; without, they are listed as undeliverable.</param>
    public static async Task<TestOrganisation> ImportAsync(SystemFixture system, string? s = null, bool withEmail = false)
    {
        var org = new TestOrganisation(system, s ?? Guid.NewGuid().ToString("N")[..8]);
        string Email(string name) => withEmail ? $"\"email\":\"{org.EmailOf(name)}\"," : "";
        var json = $$"""
            {"regions":[{"id":"{{org.Region}}","name":"华东大区"}],
             "branches":[{"id":"{{org.Branch}}","region_id":"{{org.Region}}","name":"上海分公司","kind":"branch","manager_id":"{{org.Id("BM")}}"}],
             "employees":[{"id":"{{org.Id("BM")}}",{{Email("BM")}}"name":"经理","role":"branch_manager","branch_id":"{{org.Branch}}","hire_date":"2019-04-01"},
                          {"id":"{{org.Id("S1")}}",{{Email("S1")}}"name":"张三","role":"salesperson","branch_id":"{{org.Branch}}","hire_date":"2020-01-02"},
                          {"id":"{{org.Id("S2")}}",{{Email("S2")}}"name":"王五","role":"salesperson","branch_id":"{{org.Branch}}","hire_date":"2020-01-02"},
                          {"id":"{{org.Id("S3")}}",{{Email("S3")}}"name":"赵六","role":"salesperson","branch_id":"{{org.Branch}}","hire_date":"2020-01-02"},
                          {"id":"{{org.Id("SEC")}}",{{Email("SEC")}}"name":"秘书","role":"branch_secretary","branch_id":"{{org.Branch}}","hire_date":"2020-01-02"}]}
            """;
        var hq = system.As("HQ-1", Roles.Hq);
        await new OrganizationDirectory.OrganizationDirectoryClient(system.Channel(ResourceNames.Territory))
            .ImportOrganizationAsync(new ImportOrganizationRequest { Format = ImportFormat.Json, Content = ByteString.CopyFrom(json, Encoding.UTF8) }, hq);
        var replica = new OrganizationReplica.OrganizationReplicaClient(system.Channel(ResourceNames.Registration));
        foreach (var name in new[] { "BM", "S1", "S2", "S3", "SEC" })
        {
            await Eventually.GetAsync(async () => await replica.GetEmployeeAsync(new GetEmployeeReplicaRequest { EmployeeId = org.Id(name) }, hq), $"{org.Id(name)} in Registration");
        }

        await Eventually.GetAsync(async () => await replica.GetBranchAsync(new GetBranchReplicaRequest { BranchId = org.Branch }, hq), "the branch in Registration");
        return org;
    }

    /// <summary>The system's business date (the shared clock), as the protos write dates.</summary>
    public async Task<string> TodayAsync() =>
        (await new Clock.ClockClient(System.Channel(ResourceNames.Registration)).GetTimeAsync(new GetTimeRequest(), System.As("HQ-1", Roles.Hq))).Today.ToIso(); // as hq: a test may have recorded S1 as left (C-9)

    /// <summary>S1 files an important customer after a visit today and the secretary approves: S1 protects it (P-2.1).</summary>
    public async Task<CustomerView> FileProtectedCustomerAsync(string title)
    {
        var customers = new Customers.CustomersClient(System.Channel(ResourceNames.Registration));
        var filed = await customers.FileCustomerAsync(new FileCustomerRequest
        {
            InvoiceTitle = title,
            CustomerClass = CustomerClass.Important,
            DeclaredAnnualSales = "100000",
            EvidenceKind = FilingEvidenceKind.Visit,
            EvidenceDate = ProtoDays.Day(await TodayAsync()),
            Evidence = "拜访 / visit",
        }, Salesperson1);
        return filed.Status == CustomerStatus.Protected
            ? filed
            : await customers.ApproveFilingAsync(new ApproveFilingRequest { CustomerId = filed.CustomerId }, Secretary);
    }
}
