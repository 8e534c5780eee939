using System.CommandLine;
using CustomerProtection.Cli.Core;
using CustomerProtection.Registration.V1;
using CustomerProtection.Territory.V1;
using Google.Protobuf;
using static CustomerProtection.Cli.Core.CommandKit;

namespace CustomerProtection.Cli.Commands;

/// <summary><c>cpctl org …</c>: Territory's organisation directory — regions, branches, employees (and departures),
/// dealers (P-7), the whole-organisation import — and Registration's copy of it (P-1.5, P-7, P-12).</summary>
internal static class OrgCommands
{
    public static Command Create(CommandKit kit) => Group("org", "组织架构：大区、分公司、员工、经销商 / the organisation: regions, branches, employees, dealers",
        Import(kit),
        Group("region", "大区 / regions", CreateRegion(kit), UpdateRegion(kit), Show(kit, "show", "查看大区 / show a region", (s, id, ct) => s.Directory.GetRegionAsync(new GetRegionRequest { RegionId = id }, s.Headers, cancellationToken: ct).ResponseAsync), ListRegions(kit)),
        Group("branch", "分公司、办事处 / branches and offices", CreateBranch(kit), UpdateBranch(kit), Show(kit, "show", "查看分公司 / show a branch", (s, id, ct) => s.Directory.GetBranchAsync(new GetBranchRequest { BranchId = id }, s.Headers, cancellationToken: ct).ResponseAsync), ListBranches(kit)),
        Group("employee", "员工 / employees", CreateEmployee(kit), UpdateEmployee(kit), Leave(kit), Show(kit, "show", "查看员工 / show an employee", (s, id, ct) => s.Directory.GetEmployeeAsync(new GetEmployeeRequest { EmployeeId = id }, s.Headers, cancellationToken: ct).ResponseAsync), ListEmployees(kit)),
        Group("dealer", "经销商 / dealers (P-7)", AppointDealer(kit), TerminateDealer(kit), Show(kit, "show", "查看经销商 / show a dealer", (s, id, ct) => s.Directory.GetDealerAsync(new GetDealerRequest { DealerId = id }, s.Headers, cancellationToken: ct).ResponseAsync), ListDealers(kit)),
        Group("replica", "备案服务中的组织副本 / Registration's copy of the organisation (from Territory's events)",
            Show(kit, "employee", "备案服务中的员工副本 / Registration's copy of an employee", (s, id, ct) => s.Replica.GetEmployeeAsync(new GetEmployeeReplicaRequest { EmployeeId = id }, s.Headers, cancellationToken: ct).ResponseAsync),
            Show(kit, "branch", "备案服务中的分公司副本 / Registration's copy of a branch", (s, id, ct) => s.Replica.GetBranchAsync(new GetBranchReplicaRequest { BranchId = id }, s.Headers, cancellationToken: ct).ResponseAsync),
            Show(kit, "dealer", "备案服务中的经销商副本 / Registration's copy of a dealer (P-6)", (s, id, ct) => s.Replica.GetDealerAsync(new GetDealerReplicaRequest { DealerId = id }, s.Headers, cancellationToken: ct).ResponseAsync)));

    private static Command Import(CommandKit kit)
    {
        var file = new Option<FileInfo>("--file") { Description = "JSON（regions/branches/employees/dealers）或 CSV（type 列） / JSON or CSV with a type column", Required = true };
        var format = Optional("--format", "格式 / json or csv (default: from the file's extension)");
        return kit.Command("import", "总部导入整个组织（先整体校验，再写入） / hq imports a whole organisation: validated whole, then written", async (s, p, ct) =>
        {
            var input = p.GetValue(file)!;
            if (!input.Exists)
            {
                throw new CliException(ExitCodes.InvalidArgument, $"--file: {input.FullName} 不存在 / does not exist");
            }

            var name = p.GetValue(format) ?? input.Extension.TrimStart('.');
            s.Out.Record(await s.Directory.ImportOrganizationAsync(new ImportOrganizationRequest
            {
                Format = Vocabulary.Parse<ImportFormat>(name, "--format"),
                Content = ByteString.CopyFrom(await File.ReadAllBytesAsync(input.FullName, ct)),
            }, s.Headers, cancellationToken: ct));
        }, file, format);
    }

    private static Command Show<T>(CommandKit kit, string name, string description, Func<Session, string, CancellationToken, Task<T>> get) where T : IMessage
    {
        var id = Id("id", "编号 / id");
        return kit.Command(name, description, async (s, p, ct) => s.Out.Record(await get(s, p.GetValue(id)!, ct)), id);
    }

    private static Command CreateRegion(CommandKit kit)
    {
        var id = Required("--id", "编号 / id");
        var name = Required("--name", "名称 / name");
        return kit.Command("create", "新建大区 / create a region", async (s, p, ct) =>
            s.Out.Record(await s.Directory.CreateRegionAsync(new CreateRegionRequest { RegionId = p.GetValue(id)!, Name = p.GetValue(name)! }, s.Headers, cancellationToken: ct)), id, name);
    }

    private static Command UpdateRegion(CommandKit kit)
    {
        var id = Id("id", "编号 / id");
        var name = Required("--name", "名称 / name");
        var version = Version();
        return kit.Command("update", "修改大区 / update a region", async (s, p, ct) =>
            s.Out.Record(await s.Directory.UpdateRegionAsync(new UpdateRegionRequest { RegionId = p.GetValue(id)!, Name = p.GetValue(name)!, ExpectedVersion = p.GetValue(version) },
                s.Headers, cancellationToken: ct)), id, name, version);
    }


    private static Command ListRegions(CommandKit kit)
    {
        var (size, token) = (PageSize(), PageToken());
        return kit.Command("list", "大区列表 / regions", async (s, p, ct) =>
        {
            var answer = await s.Directory.ListRegionsAsync(new ListRegionsRequest { PageSize = p.GetValue(size), PageToken = p.GetValue(token) ?? "" }, s.Headers, cancellationToken: ct);
            s.Out.Table(answer, answer.Regions, "id", "name", "version");
        }, size, token);
    }

    private static Command CreateBranch(CommandKit kit)
    {
        var id = Required("--id", "编号 / id");
        var region = Required("--region", "大区 / region id");
        var name = Required("--name", "名称 / name");
        var kind = new Option<string>("--kind") { Description = "类型 / kind: branch (分公司), office (办事处)", DefaultValueFactory = _ => "branch" };
        var direct = Flag("--direct", "直属 / a direct branch or office (P-7)");
        var manager = Optional("--manager", "经理员工号 / manager id");
        var auto = Flag("--auto-approve", "无冲突备案自动批准 / approve conflict-free filings automatically (P-2.1)");
        return kit.Command("create", "新建分公司或办事处 / create a branch or office", async (s, p, ct) =>
            s.Out.Record(await s.Directory.CreateBranchAsync(new CreateBranchRequest
            {
                BranchId = p.GetValue(id)!,
                RegionId = p.GetValue(region)!,
                Name = p.GetValue(name)!,
                Kind = Vocabulary.Parse<BranchKind>(p.GetValue(kind)!, "--kind"),
                Direct = p.GetValue(direct),
                ManagerId = p.GetValue(manager) ?? "",
                AutoApproveFilings = p.GetValue(auto),
            }, s.Headers, cancellationToken: ct)), id, region, name, kind, direct, manager, auto);
    }

    private static Command UpdateBranch(CommandKit kit)
    {
        var id = Id("id", "编号 / id");
        var name = Optional("--name", "名称 / name");
        var manager = Optional("--manager", "经理员工号 / manager id");
        var auto = new Option<bool?>("--auto-approve") { Description = "无冲突备案自动批准 / approve conflict-free filings automatically: true, false" };
        var version = Version();
        return kit.Command("update", "修改分公司 / update a branch", async (s, p, ct) =>
        {
            var request = new UpdateBranchRequest { BranchId = p.GetValue(id)!, ExpectedVersion = p.GetValue(version) };
            if (p.GetValue(name) is { } n)
            {
                request.Name = n;
            }

            if (p.GetValue(manager) is { } m)
            {
                request.ManagerId = m;
            }

            if (p.GetValue(auto) is { } a)
            {
                request.AutoApproveFilings = a;
            }

            s.Out.Record(await s.Directory.UpdateBranchAsync(request, s.Headers, cancellationToken: ct));
        }, id, name, manager, auto, version);
    }

    private static Command ListBranches(CommandKit kit)
    {
        var region = Optional("--region", "大区 / region id");
        var (size, token) = (PageSize(), PageToken());
        return kit.Command("list", "分公司列表 / branches", async (s, p, ct) =>
        {
            var request = new ListBranchesRequest { PageSize = p.GetValue(size), PageToken = p.GetValue(token) ?? "" };
            request.RegionId = p.GetValue(region) ?? "";
            var answer = await s.Directory.ListBranchesAsync(request, s.Headers, cancellationToken: ct);
            s.Out.Table(answer, answer.Branches, "id", "name", "region_id", "kind", "direct", "manager_id", "auto_approve_filings");
        }, region, size, token);
    }

    private static Command CreateEmployee(CommandKit kit)
    {
        var id = Required("--id", "员工号 / id");
        var name = Required("--name", "姓名 / name");
        var role = Required("--role", "角色 / role: " + string.Join(", ", Vocabulary.Words<Role>()));
        var branch = Optional("--branch", "分公司（分公司角色） / branch id (branch roles)");
        var region = Optional("--region", "大区（大区角色） / region id (regional roles)");
        var manager = Optional("--manager", "上级 / manager id");
        var hired = Optional("--hire-date", "入职日期 / hire date yyyy-MM-dd");
        return kit.Command("create", "新建员工 / create an employee", async (s, p, ct) =>
            s.Out.Record(await s.Directory.CreateEmployeeAsync(new CreateEmployeeRequest
            {
                EmployeeId = p.GetValue(id)!,
                Name = p.GetValue(name)!,
                Role = Vocabulary.Parse<Role>(p.GetValue(role)!, "--role"),
                BranchId = p.GetValue(branch) ?? "",
                RegionId = p.GetValue(region) ?? "",
                ManagerId = p.GetValue(manager) ?? "",
                HireDate = p.GetValue(hired) is { } hire ? Day(hire, "--hire-date") : null,
            }, s.Headers, cancellationToken: ct)), id, name, role, branch, region, manager, hired);
    }

    private static Command UpdateEmployee(CommandKit kit)
    {
        var id = Id("id", "员工号 / id");
        var name = Optional("--name", "姓名 / name");
        var role = Optional("--role", "角色 / role");
        var branch = Optional("--branch", "分公司 / branch id");
        var region = Optional("--region", "大区 / region id");
        var manager = Optional("--manager", "上级 / manager id");
        var status = Optional("--status", "状态 / status: active, on_leave (departures: org employee leave)");
        var version = Version();
        return kit.Command("update", "修改员工（调动、休假） / update an employee (transfer, leave of absence)", async (s, p, ct) =>
        {
            var request = new UpdateEmployeeRequest { EmployeeId = p.GetValue(id)!, ExpectedVersion = p.GetValue(version) };
            if (p.GetValue(name) is { } n)
            {
                request.Name = n;
            }

            if (p.GetValue(role) is { } r)
            {
                request.Role = Vocabulary.Parse<Role>(r, "--role");
            }

            if (p.GetValue(branch) is { } b)
            {
                request.BranchId = b;
            }

            if (p.GetValue(region) is { } g)
            {
                request.RegionId = g;
            }

            if (p.GetValue(manager) is { } m)
            {
                request.ManagerId = m;
            }

            if (p.GetValue(status) is { } st)
            {
                request.Status = Vocabulary.Parse<EmployeeStatus>(st, "--status");
            }

            s.Out.Record(await s.Directory.UpdateEmployeeAsync(request, s.Headers, cancellationToken: ct));
        }, id, name, role, branch, region, manager, status, version);
    }

    private static Command Leave(CommandKit kit)
    {
        var id = Id("id", "员工号 / id");
        var on = Optional("--on", "离职日期 / day yyyy-MM-dd (default: today)");
        var reason = Required("--reason", "原因 / reason");
        return kit.Command("leave", "记录离职：其客户进入公共池 / record a departure: the leaver's customers go to the pool (P-12, C-9)", async (s, p, ct) =>
            s.Out.Record(await s.Directory.RecordEmployeeLeftAsync(new RecordEmployeeLeftRequest
            {
                EmployeeId = p.GetValue(id)!,
                LeftOn = p.GetValue(on) is { } day ? Day(day, "--on") : null,
                Reason = p.GetValue(reason)!,
            }, s.Headers, cancellationToken: ct)), id, on, reason);
    }

    private static Command ListEmployees(CommandKit kit)
    {
        var region = Optional("--region", "大区 / region id");
        var branch = Optional("--branch", "分公司 / branch id");
        var role = Optional("--role", "角色 / role");
        var status = Optional("--status", "状态 / status: active, on_leave, left");
        var (size, token) = (PageSize(), PageToken());
        return kit.Command("list", "员工列表 / employees", async (s, p, ct) =>
        {
            var request = new ListEmployeesRequest { PageSize = p.GetValue(size), PageToken = p.GetValue(token) ?? "" };
            request.RegionId = p.GetValue(region) ?? "";
            request.BranchId = p.GetValue(branch) ?? "";
            request.Role = p.GetValue(role) is { } r ? Vocabulary.Parse<Role>(r, "--role") : Role.Unspecified;
            request.Status = p.GetValue(status) is { } st ? Vocabulary.Parse<EmployeeStatus>(st, "--status") : EmployeeStatus.Unspecified;
            var answer = await s.Directory.ListEmployeesAsync(request, s.Headers, cancellationToken: ct);
            s.Out.Table(answer, answer.Employees, "id", "name", "role", "branch_id", "region_id", "manager_id", "status", "hire_date", "left_on");
        }, region, branch, role, status, size, token);
    }

    private static Command AppointDealer(CommandKit kit)
    {
        var id = Required("--id", "编号 / id");
        var name = Required("--name", "名称 / name");
        var branch = Required("--branch", "所属分公司 / the branch it belongs to");
        var region = Optional("--region", "服务大区（默认分公司所在） / the region it serves (default: the branch's)");
        var kind = Required("--kind", "类型 / kind: point_to_point (点对点), point_to_area (点对面, P-7)");
        var taxpayer = Optional("--taxpayer-id", "经销商的统一社会信用代码 / the dealer's taxpayer id (P-6)");
        var title = Optional("--title", "经销商发票抬头 / the dealer's invoice title");
        return kit.Command("appoint", "任命经销商（直属区域不得设点对面） / appoint a dealer (P-7: no point-to-area where a direct branch is)", async (s, p, ct) =>
            s.Out.Record(await s.Directory.AppointDealerAsync(new AppointDealerRequest
            {
                DealerId = p.GetValue(id)!,
                Name = p.GetValue(name)!,
                BranchId = p.GetValue(branch)!,
                RegionId = p.GetValue(region) ?? "",
                Kind = Vocabulary.Parse<DealerKind>(p.GetValue(kind)!, "--kind"),
                TaxpayerId = p.GetValue(taxpayer) ?? "",
                InvoiceTitle = p.GetValue(title) ?? "",
            }, s.Headers, cancellationToken: ct)), id, name, branch, region, kind, taxpayer, title);
    }

    private static Command TerminateDealer(CommandKit kit)
    {
        var id = Id("id", "编号 / id");
        var reason = Required("--reason", "原因 / reason");
        return kit.Command("terminate", "终止经销商 / terminate a dealer", async (s, p, ct) =>
            s.Out.Record(await s.Directory.TerminateDealerAsync(new TerminateDealerRequest { DealerId = p.GetValue(id)!, Reason = p.GetValue(reason)! }, s.Headers, cancellationToken: ct)), id, reason);
    }

    private static Command ListDealers(CommandKit kit)
    {
        var region = Optional("--region", "大区 / region id");
        var branch = Optional("--branch", "分公司 / branch id");
        var (size, token) = (PageSize(), PageToken());
        return kit.Command("list", "经销商列表 / dealers", async (s, p, ct) =>
        {
            var request = new ListDealersRequest { PageSize = p.GetValue(size), PageToken = p.GetValue(token) ?? "" };
            request.RegionId = p.GetValue(region) ?? "";
            request.BranchId = p.GetValue(branch) ?? "";
            var answer = await s.Directory.ListDealersAsync(request, s.Headers, cancellationToken: ct);
            s.Out.Table(answer, answer.Dealers, "id", "name", "branch_id", "region_id", "kind", "status", "invoice_title", "appointed_on");
        }, region, branch, size, token);
    }
}
