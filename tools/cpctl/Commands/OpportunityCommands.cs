using System.CommandLine;
using CustomerProtection.Cli.Core;
using CustomerProtection.Territory.V1;
using static CustomerProtection.Cli.Core.CommandKit;

namespace CustomerProtection.Cli.Commands;

/// <summary><c>cpctl opportunity …</c>: external opportunities handed out in a branch's or region's published round robin (P-11, X-5).</summary>
internal static class OpportunityCommands
{
    public static Command Create(CommandKit kit) => Group("opportunity", "外部商机轮流分配 / external opportunities, round robin (P-11, X-5)",
        Publish(kit), Show(kit), Rotation(kit));

    private static Command Publish(CommandKit kit)
    {
        var requestId = Optional("--request-id", "请求编号：重试时给同一个，只发布一次 / request id: a retry with the same one publishes once (default: none)");
        var title = Required("--title", "标题 / title");
        var description = Optional("--description", "描述 / description");
        var branch = Optional("--branch", "分公司的业务员 / a branch's salespeople");
        var region = Optional("--region", "大区的业务员 / a region's salespeople (hq)");
        return kit.Command("publish", "发布商机，按公布顺序分配 / publish an opportunity: it goes to the next eligible salesperson", async (s, p, ct) =>
            s.Out.Record(await s.Opportunities.PublishOpportunityAsync(new PublishOpportunityRequest
            {
                RequestId = p.GetValue(requestId) ?? "",
                Title = p.GetValue(title)!,
                Description = p.GetValue(description) ?? "",
                BranchId = p.GetValue(branch) ?? "",
                RegionId = p.GetValue(region) ?? "",
            }, s.Headers, cancellationToken: ct)), requestId, title, description, branch, region);
    }

    private static Command Show(CommandKit kit)
    {
        var id = Id("opportunity-id", "商机编号 / opportunity id");
        return kit.Command("show", "商机及其分配（跳过了谁、为何） / one opportunity, its assignee and whom it skipped", async (s, p, ct) =>
            s.Out.Record(await s.Opportunities.GetOpportunityAsync(new GetOpportunityRequest { Id = p.GetValue(id)! }, s.Headers, cancellationToken: ct)), id);
    }

    private static Command Rotation(CommandKit kit)
    {
        var branch = Optional("--branch", "分公司 / branch id");
        var region = Optional("--region", "大区 / region id");
        return kit.Command("rotation", "公布的顺序及全部分配 / the published order and every assignment", async (s, p, ct) =>
        {
            var answer = await s.Opportunities.GetRotationAsync(new GetRotationRequest { BranchId = p.GetValue(branch) ?? "", RegionId = p.GetValue(region) ?? "" },
                s.Headers, cancellationToken: ct);
            if (s.Out.Json)
            {
                s.Out.WriteJson(answer);
                return;
            }

            s.Out.Line($"{answer.RotationId}: {string.Join(" → ", answer.Order)}   (上一位 / last: {answer.LastAssigneeId})");
            s.Out.Table(answer, answer.Assignments, "id", "title", "assignee_id", "position", "published_at", "skipped");
        }, branch, region);
    }
}
