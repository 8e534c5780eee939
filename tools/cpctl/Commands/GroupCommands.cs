using System.CommandLine;
using CustomerProtection.Cli.Core;
using CustomerProtection.Territory.V1;
using static CustomerProtection.Cli.Core.CommandKit;

namespace CustomerProtection.Cli.Commands;

/// <summary><c>cpctl group …</c>: hq links subsidiaries to a group (集团, P-4.4).</summary>
internal static class GroupCommands
{
    public static Command Create(CommandKit kit) => Group("group", "集团与子公司（总部维护） / groups and their subsidiaries, kept by hq (P-4.4)",
        Link(kit, "link", "总部把子公司归入集团 / hq links a subsidiary to a group", (s, parent, subsidiary, ct) => s.CustomerGroups.LinkSubsidiaryAsync(new LinkSubsidiaryRequest { Parent = parent, Subsidiary = subsidiary }, s.Headers, cancellationToken: ct).ResponseAsync),
        Link(kit, "unlink", "总部把子公司移出集团 / hq unlinks a subsidiary from its group", (s, parent, subsidiary, ct) => s.CustomerGroups.UnlinkSubsidiaryAsync(new UnlinkSubsidiaryRequest { Parent = parent, Subsidiary = subsidiary }, s.Headers, cancellationToken: ct).ResponseAsync),
        Show(kit));

    private static Command Link(CommandKit kit, string name, string description, Func<Session, CustomerRef, CustomerRef, CancellationToken, Task<CustomerGroup>> call)
    {
        var parentTaxpayer = Optional("--parent-taxpayer-id", "集团的统一社会信用代码 / the group's (parent's) taxpayer id");
        var parentTitle = Optional("--parent-title", "集团的发票抬头 / the group's (parent's) invoice title");
        var taxpayer = Optional("--taxpayer-id", "子公司的统一社会信用代码 / the subsidiary's taxpayer id");
        var title = Optional("--title", "子公司的发票抬头 / the subsidiary's invoice title");
        return kit.Command(name, description, async (s, p, ct) => s.Out.Record(await call(s,
            new CustomerRef { TaxpayerId = p.GetValue(parentTaxpayer) ?? "", InvoiceTitle = p.GetValue(parentTitle) ?? "" },
            new CustomerRef { TaxpayerId = p.GetValue(taxpayer) ?? "", InvoiceTitle = p.GetValue(title) ?? "" }, ct)), parentTaxpayer, parentTitle, taxpayer, title);
    }

    private static Command Show(CommandKit kit)
    {
        var taxpayer = Optional("--taxpayer-id", "集团或子公司的代码 / the taxpayer id of the group or a subsidiary");
        var title = Optional("--title", "集团或子公司的抬头 / the invoice title of the group or a subsidiary");
        return kit.Command("show", "客户所属的集团 / the group a customer belongs to", async (s, p, ct) =>
            s.Out.Record(await s.CustomerGroups.GetGroupAsync(new GetGroupRequest
            {
                Customer = new CustomerRef { TaxpayerId = p.GetValue(taxpayer) ?? "", InvoiceTitle = p.GetValue(title) ?? "" },
            }, s.Headers, cancellationToken: ct)), taxpayer, title);
    }
}
