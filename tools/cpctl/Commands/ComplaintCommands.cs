using System.CommandLine;
using CustomerProtection.Arbitration.V1;
using CustomerProtection.Cli.Core;
using static CustomerProtection.Cli.Core.CommandKit;

namespace CustomerProtection.Cli.Commands;

/// <summary><c>cpctl complaint …</c>: customers' complaints about service, answered in time and resolved (M-3).</summary>
internal static class ComplaintCommands
{
    public static Command Create(CommandKit kit) => Group("complaint", "客户投诉 / customer complaints about service (M-3)",
        Record(kit), Answer(kit), Resolve(kit), Show(kit), List(kit));

    private static Command Record(CommandKit kit)
    {
        var requestId = Optional("--request-id", "请求编号：重试时给同一个，只建一次 / request id: a retry with the same one creates once (default: none)");
        var customer = Id("customer-id", "客户编号 / customer id");
        var about = Optional("--about", "涉及员工 / the employee it is about");
        var channel = Required("--channel", "渠道 / channel: phone, email, visit, letter, other");
        var received = Optional("--received-at", "收到时间 / received at: an ISO instant, or a day yyyy-MM-dd (its start in Asia/Shanghai); default: now");
        var description = Required("--description", "内容 / description");
        return kit.Command("record", "登记客户投诉 / record a customer's complaint (branch staff or hq)", async (s, p, ct) =>
            s.Out.Record(await s.Complaints.RecordComplaintAsync(new RecordComplaintRequest
            {
                CustomerId = p.GetValue(customer)!,
                AboutEmployeeId = p.GetValue(about) ?? "",
                Channel = Vocabulary.Parse<ComplaintChannel>(p.GetValue(channel)!, "--channel"),
                ReceivedAt = Timestamp(p.GetValue(received), "--received-at"),
                Description = p.GetValue(description)!,
                RequestId = p.GetValue(requestId) ?? "",
            }, s.Headers, cancellationToken: ct)), customer, about, channel, received, description, requestId);
    }

    private static Command Answer(CommandKit kit)
    {
        var id = Id("complaint-id", "投诉编号 / complaint id");
        var answer = Required("--answer", "答复 / the answer");
        return kit.Command("answer", "答复投诉（时限内） / answer a complaint within the response time", async (s, p, ct) =>
            s.Out.Record(await s.Complaints.AnswerComplaintAsync(new AnswerComplaintRequest { ComplaintId = p.GetValue(id)!, Answer = p.GetValue(answer)! },
                s.Headers, cancellationToken: ct)), id, answer);
    }

    private static Command Resolve(CommandKit kit)
    {
        var id = Id("complaint-id", "投诉编号 / complaint id");
        var resolution = Required("--resolution", "处理结果 / resolution");
        var followUp = Required("--follow-up", "内部改进措施 / the internal action so that it does not repeat");
        return kit.Command("resolve", "结案并记录改进 / resolve with an internal follow-up", async (s, p, ct) =>
            s.Out.Record(await s.Complaints.ResolveComplaintAsync(new ResolveComplaintRequest
            {
                ComplaintId = p.GetValue(id)!,
                Resolution = p.GetValue(resolution)!,
                FollowUp = p.GetValue(followUp)!,
            }, s.Headers, cancellationToken: ct)), id, resolution, followUp);
    }

    private static Command Show(CommandKit kit)
    {
        var id = Id("complaint-id", "投诉编号 / complaint id");
        return kit.Command("show", "投诉详情 / one complaint", async (s, p, ct) =>
            s.Out.Record(await s.Complaints.GetComplaintAsync(new GetComplaintRequest { ComplaintId = p.GetValue(id)! }, s.Headers, cancellationToken: ct)), id);
    }

    private static Command List(CommandKit kit)
    {
        var branch = Required("--branch", "分公司 / branch id");
        var overdue = Flag("--overdue", "仅超时未答复 / only overdue ones");
        var (size, token) = (PageSize(), PageToken());
        return kit.Command("list", "分公司的投诉 / a branch's complaints", async (s, p, ct) =>
        {
            var answer = await s.Complaints.ListComplaintsAsync(new ListComplaintsRequest
            {
                BranchId = p.GetValue(branch)!,
                OverdueOnly = p.GetValue(overdue),
                PageSize = p.GetValue(size),
                PageToken = p.GetValue(token) ?? "",
            }, s.Headers, cancellationToken: ct);
            s.Out.Table(answer, answer.Complaints, "complaint_id", "customer_id", "status", "overdue", "response_due_on", "channel", "about_employee_id", "escalated_to");
        }, branch, overdue, size, token);
    }
}
