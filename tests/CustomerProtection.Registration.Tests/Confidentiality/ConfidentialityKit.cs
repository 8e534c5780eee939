using System.Text;
using CustomerProtection.Registration.Confidentiality.Application;
using CustomerProtection.Registration.Confidentiality.Domain;
using CustomerProtection.Registration.Confidentiality.Persistence;
using CustomerProtection.Registration.Domain;
using CustomerProtection.Policy.Actors;
using Microsoft.Extensions.Options;

namespace CustomerProtection.Registration.Tests.Confidentiality;

/// <summary>The confidentiality use cases wired over a <see cref="Harness"/> as the service wires them.</summary>
public sealed class ConfidentialityKit
{
    public ConfidentialityKit(Harness h, GrantOptions? grants = null)
    {
        H = h;
        Documents = new DocumentStore(h.Redis.Connection);
        Grants = new AccessRequests(h.Store, h.Confidential, Documents, h.Clock, Harness.Rpc, Options.Create(grants ?? new GrantOptions()));
        Care = new CustomerDataCare(h.Store, h.Confidential, h.Audit, h.Clock, Harness.Rpc);
        Incidents = new LeakIncidents(h.Store, Documents, h.Audit, h.Clock, Harness.Rpc);
        Leavers = new EndLeaverAccess(h.Store, Grants, h.Audit, h.Clock, Harness.Rpc);
        AuditQueries = new AuditQueries(h.Audit, h.Store, h.Organization);
        Blocks = new AccountBlocks(h.Redis.Connection);
    }

    public Harness H { get; }
    public DocumentStore Documents { get; }
    public AccessRequests Grants { get; }
    public CustomerDataCare Care { get; }
    public LeakIncidents Incidents { get; }
    public EndLeaverAccess Leavers { get; }
    public AuditQueries AuditQueries { get; }
    public AccountBlocks Blocks { get; }

    public static Caller Regional(string region = "R-EAST") => new("RM-1", Roles.RegionalManager, null, region);

    /// <summary>
    /// A filing with protected fields of its own (phone, e-mail, bank account, deal terms, financials and
    /// contracts unique to <paramref name="tag"/>) and an optional consent.
    /// </summary>
    public static FilingInput Filing(string title, string tag, ConsentInput? consent = null) =>
        new(null, title, false, CustomerClasses.Potential, "100000",
            new CustomerContact("李" + tag, Phone(tag), Email(tag), "上海市浦东新区" + tag + "路 8 号", Bank(tag), DealTerms(tag), Financials(tag), Contracts(tag)),
            "visit", "2026-03-09", "拜访纪要", consent);

    public static string Phone(string tag) => "139" + Digits(tag, 8);

    public static string Email(string tag) => $"buyer.{tag.ToLowerInvariant()}@example.com";

    public static string Bank(string tag) => "6222" + Digits(tag + "bank", 15);

    /// <summary>Deal terms (C-1 confidential): payment and discount agreed with the customer.</summary>
    public static string DealTerms(string tag) => $"月结 {Digits(tag + "terms", 2)} 天，折扣 {Digits(tag + "discount", 6)}";

    /// <summary>Financials (C-1 secret): the customer's revenue and loans.</summary>
    public static string Financials(string tag) => $"营收 {Digits(tag + "revenue", 9)} 元，贷款 {Digits(tag + "loan", 7)} 元";

    /// <summary>Contracts (C-1 secret): a signed agreement's reference.</summary>
    public static string Contracts(string tag) => $"HT-{Digits(tag + "contract", 10)}";

    /// <summary>A filed and approved customer of S1 in B-SH with a contact made from <paramref name="tag"/>.</summary>
    public async Task<Customer> ApprovedAsync(string tag, string owner = "S1", ConsentInput? consent = null, string branch = "B-SH")
    {
        var (filed, _) = await H.File.ExecuteAsync(Harness.Salesperson(owner, branch), Filing($"保密测试{tag}有限公司", tag, consent));
        return (await H.Decide.ApproveAsync(Harness.Secretary(branch), filed.Value.Id)).Value;
    }

    public async Task ChainAsync() => await H.Audit.ChainAllAsync();

    /// <summary>Every entry of the chained log.</summary>
    public async Task<IReadOnlyList<ChainedEntry>> LogAsync()
    {
        await ChainAsync();
        var all = new List<ChainedEntry>();
        string? token = null;
        do
        {
            var page = await H.Audit.QueryAsync(null, null, null, null, 1000, token);
            all.AddRange(page.Entries);
            token = page.NextPageToken;
        }
        while (token is not null);
        return all;
    }

    private static string Digits(string seed, int count)
    {
        var hash = System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(seed));
        return string.Concat(hash.Take(count).Select(b => (char)('0' + b % 10)));
    }
}
