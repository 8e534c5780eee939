using System.CommandLine;
using CustomerProtection.Cli.Core;
using CustomerProtection.Registration.V1;
using static CustomerProtection.Cli.Core.CommandKit;

namespace CustomerProtection.Cli.Commands;

/// <summary><c>cpctl data …</c>: the customer's rights over its confidential data — consent and its scope, sharing with one
/// third party at a time (C-6), destruction on request (C-10) — and the encryption keys' status (C-4).</summary>
internal static class DataCommands
{
    private const string CustomerId = "customer-id";

    public static Command Create(CommandKit kit) => Group("data", "客户保密信息：同意、向第三方提供、销毁、密钥 / a customer's confidential data: consent, third-party sharing, destruction, keys (C-4, C-6, C-10)",
        Consent(kit), Share(kit), Destroy(kit), Keys(kit));

    private static Command Consent(CommandKit kit)
    {
        var customer = Id(CustomerId, "客户编号 / customer id");
        var purposes = new Option<string[]>("--purpose")
        {
            Description = "同意后的全部用途（可重复；销售开发默认包含；不给则只剩销售开发） / the whole scope after this consent, repeatable " +
                "(sales_development is implied; none: back to development only): " + AccessCommands.Purposes,
            AllowMultipleArgumentsPerToken = false,
        };
        var evidence = Optional("--evidence", "签署的同意书编号 / where the signed consent is (document id; needed beyond development)");
        return kit.Command("consent", "登记客户同意（负责人、分公司秘书或经理、总部） / record the customer's consent (the owner, the branch's secretary or manager, hq; C-6)", async (s, p, ct) =>
        {
            var request = new RecordConsentRequest { CustomerId = p.GetValue(customer)!, Evidence = p.GetValue(evidence) ?? "" };
            request.Purposes.Add((p.GetValue(purposes) ?? []).Select(word => Vocabulary.Parse<Purpose>(word, "--purpose")));
            s.Out.Record(await s.CustomerData.RecordConsentAsync(request, s.Headers, cancellationToken: ct));
        }, customer, purposes, evidence);
    }

    private static Command Share(CommandKit kit)
    {
        var customer = Id(CustomerId, "客户编号 / customer id");
        var thirdParty = Required("--third-party", "接收方 / who receives the data");
        var contract = Required("--contract", "与接收方的数据处理合同编号 / the data-processing contract with them");
        return kit.Command("share", "向第三方提供一个客户的资料（经理或总部，须客户同意，留审计） / hand one customer's data to a third party " +
            "(branch manager or hq; needs consent to third_party_sharing; audited; C-6)", async (s, p, ct) =>
            s.Out.Record(await s.CustomerData.ShareWithThirdPartyAsync(new ShareWithThirdPartyRequest
            {
                CustomerId = p.GetValue(customer)!,
                ThirdParty = p.GetValue(thirdParty)!,
                ContractReference = p.GetValue(contract)!,
            }, s.Headers, cancellationToken: ct)), customer, thirdParty, contract);
    }

    private static Command Destroy(CommandKit kit)
    {
        var customer = Id(CustomerId, "客户编号 / customer id");
        var reason = Required("--reason", "客户的请求（编号） / the customer's request (reference)");
        return kit.Command("destroy", "按客户要求销毁其个人信息，不可恢复（总部） / destroy the customer's personal data on request, for good (hq; C-10)", async (s, p, ct) =>
            s.Out.Record(await s.CustomerData.DestroyPersonalDataAsync(new DestroyPersonalDataRequest { CustomerId = p.GetValue(customer)!, Reason = p.GetValue(reason)! },
                s.Headers, cancellationToken: ct)), customer, reason);
    }

    private static Command Keys(CommandKit kit) =>
        kit.Command("keys", "加密密钥及轮换进度（总部） / the key ring and the progress of re-wrapping under the active key (hq; C-4)", async (s, _, ct) =>
            s.Out.Record(await s.CustomerData.GetKeyStatusAsync(new GetKeyStatusRequest(), s.Headers, cancellationToken: ct)));
}
