using System.CommandLine;
using CustomerProtection.Cli.Core;
using CustomerProtection.Registration.V1;
using static CustomerProtection.Cli.Core.CommandKit;

namespace CustomerProtection.Cli.Commands;

/// <summary><c>cpctl customer …</c>: Registration's customers — filing, approval, periods, extensions, progress,
/// co-developers, history, ownership, bulk import and export (P-2, P-3, M-2, X-4, X-6, X-7).</summary>
internal static class CustomerCommands
{
    private const string CustomerId = "customer-id";

    public static Command Create(CommandKit kit) => Group("customer", "客户：备案、审批、保护期、延期、进展、导入导出 / customers: filing, approval, protection, extensions, progress, import and export",
        Check(kit), File(kit), Approve(kit), Reject(kit), Pending(kit), Announcements(kit), RefusedFilings(kit), RefusedDealerFilings(kit), Show(kit), List(kit), Owner(kit), Conflicts(kit),
        Ship(kit), SpecialPeriod(kit), Extend(kit), DecideExtension(kit, approve: true), DecideExtension(kit, approve: false), ExtensionsWaiting(kit),
        Group("progress", "跟进记录 / progress records (M-2, P-3.4)", RecordProgress(kit), ListProgress(kit)),
        Group("co-developer", "共同开发人 / co-developers (P-3.6)", CoDeveloper(kit, add: true), CoDeveloper(kit, add: false)),
        History(kit), CustomerImport.Create(kit), CustomerExport.Create(kit));

    private static Command Check(CommandKit kit)
    {
        var taxpayer = Optional("--taxpayer-id", "统一社会信用代码 / taxpayer id (18 characters)");
        var title = Optional("--title", "发票抬头 / invoice title");
        var manual = Flag("--manual-review", "校验位不符时按原样查询 / look up a taxpayer id failing its check character as written (P-2.5)");
        return kit.Command("check", "查重：该客户是否已被备案 / X-4: is this customer taken, by whom, until when", async (s, p, ct) =>
        {
            s.Out.Record(await s.Customers.CheckDuplicateAsync(new CheckDuplicateRequest
            {
                TaxpayerId = p.GetValue(taxpayer) ?? "",
                InvoiceTitle = p.GetValue(title) ?? "",
                ManualReview = p.GetValue(manual),
            }, s.Headers, cancellationToken: ct));
        }, taxpayer, title, manual);
    }

    private static Command File(CommandKit kit)
    {
        var taxpayer = Optional("--taxpayer-id", "统一社会信用代码 / taxpayer id (empty: identity by invoice title)");
        var title = Required("--title", "发票抬头 / invoice title");
        var manual = Flag("--manual-review", "校验位不符，交秘书人工审核 / accept a failing check character for the secretary's review (P-2.5)");
        var customerClass = Optional("--class", "客户分类 / customer class (M-1): important, potential, ordinary");
        var sales = Optional("--annual-sales", "申报年销售额（元） / declared annual sales, CNY (P-3.4 tiers)");
        var evidenceKind = Required("--evidence-kind", "证据类型 / evidence (P-2.1): visit, phone, referral");
        var evidenceDate = Optional("--evidence-date", "证据日期 / evidence date yyyy-MM-dd (default: today)");
        var evidence = Required("--evidence", "经过或文件编号 / what happened, a document reference");
        var contact = new ContactOptions();
        return kit.Command("file", "备案客户（业务员或经销商） / file a customer (salesperson or dealer; P-2.1, P-2.5, P-6, X-1, X-2)", async (s, p, ct) =>
        {
            var request = new FileCustomerRequest
            {
                TaxpayerId = p.GetValue(taxpayer) ?? "",
                InvoiceTitle = p.GetValue(title)!,
                ManualReview = p.GetValue(manual),
                CustomerClass = p.GetValue(customerClass) is { } word ? Vocabulary.Parse<CustomerClass>(word, "--class") : CustomerClass.Unspecified,
                DeclaredAnnualSales = p.GetValue(sales) ?? "",
                EvidenceKind = Vocabulary.Parse<FilingEvidenceKind>(p.GetValue(evidenceKind)!, "--evidence-kind"),
                EvidenceDate = DayOrNull(p.GetValue(evidenceDate), "--evidence-date") ?? await TodayDateAsync(s, ct),
                Evidence = p.GetValue(evidence)!,
                Contact = contact.Read(p),
            };
            s.Out.Record(await s.Customers.FileCustomerAsync(request, s.Headers, cancellationToken: ct));
        }, [taxpayer, title, manual, customerClass, sales, evidenceKind, evidenceDate, evidence, .. contact.All]);
    }

    private static Command Approve(CommandKit kit)
    {
        var id = Id(CustomerId, "客户编号 / customer id");
        return kit.Command("approve", "秘书批准备案：保护开始并公示 / the branch secretary approves a filing: protection starts, announced (P-2.1, P-2.2)", async (s, p, ct) =>
            s.Out.Record(await s.Customers.ApproveFilingAsync(new ApproveFilingRequest { CustomerId = p.GetValue(id)! }, s.Headers, cancellationToken: ct)), id);
    }

    private static Command Reject(CommandKit kit)
    {
        var id = Id(CustomerId, "客户编号 / customer id");
        var reason = Required("--reason", "理由 / reason");
        return kit.Command("reject", "秘书驳回备案 / the branch secretary rejects a filing (P-2.1)", async (s, p, ct) =>
            s.Out.Record(await s.Customers.RejectFilingAsync(new RejectFilingRequest { CustomerId = p.GetValue(id)!, Reason = p.GetValue(reason)! },
                s.Headers, cancellationToken: ct)), id, reason);
    }

    private static Command Pending(CommandKit kit)
    {
        var branch = Required("--branch", "分公司 / branch id");
        var (size, token) = (PageSize(), PageToken());
        return kit.Command("pending", "待审批的备案及近似重复 / the secretary's queue: pending filings with near-duplicates (P-2.1, X-4)", async (s, p, ct) =>
        {
            var answer = await s.Customers.ListPendingFilingsAsync(new ListPendingFilingsRequest
            {
                BranchId = p.GetValue(branch)!,
                PageSize = p.GetValue(size),
                PageToken = p.GetValue(token) ?? "",
            }, s.Headers, cancellationToken: ct);
            s.Out.Table(answer, answer.PendingFilings, "customer.customer_id", "customer.invoice_title", "customer.taxpayer_id", "customer.filed_by",
                "customer.filed_on", "customer.manual_review", "near_duplicates");
        }, branch, size, token);
    }

    private static Command Announcements(CommandKit kit)
    {
        var branch = Required("--branch", "分公司 / branch id");
        var (size, token) = (PageSize(), PageToken());
        return kit.Command("announcements", "公示中的备案（异议期内） / current announcements, objection window open (P-2.2)", async (s, p, ct) =>
        {
            var answer = await s.Customers.ListAnnouncementsAsync(new ListAnnouncementsRequest
            {
                BranchId = p.GetValue(branch)!,
                PageSize = p.GetValue(size),
                PageToken = p.GetValue(token) ?? "",
            }, s.Headers, cancellationToken: ct);
            s.Out.Table(answer, answer.Customers, "customer_id", "invoice_title", "owner_id", "owner_name", "approved_on", "objection_window_ends");
        }, branch, size, token);
    }

    private static Command RefusedFilings(CommandKit kit)
    {
        var filer = Optional("--filer", "备案人 / the filer (default: yourself; their branch manager and hq may ask)");
        var (size, token) = (PageSize(), PageToken());
        return kit.Command("refused-filings", "被驳回或因已被占有而被拒的备案及原因，最新在前 / filings rejected (P-2.1, with the reason) or refused as taken (P-9.1, with the holder), newest first", async (s, p, ct) =>
        {
            var answer = await s.Customers.ListRefusedFilingsAsync(new ListRefusedFilingsRequest
            {
                FilerId = p.GetValue(filer) ?? "",
                PageSize = p.GetValue(size),
                PageToken = p.GetValue(token) ?? "",
            }, s.Headers, cancellationToken: ct);
            s.Out.Table(answer, answer.RefusedFilings, "refused_at", "rule_id", "invoice_title", "identity_key", "customer_id", "holder_id", "reason");
        }, filer, size, token);
    }

    private static Command RefusedDealerFilings(CommandKit kit)
    {
        var branch = Optional("--branch", "分公司 / branch id (default: the branch manager's own)");
        var (size, token) = (PageSize(), PageToken());
        return kit.Command("refused-dealer-filings", "经销商备案经销商被拒的记录（不罚款） / dealers' refused filings of another dealer, not fined (P-6; branch manager, hq)", async (s, p, ct) =>
        {
            var answer = await s.Customers.ListRefusedDealerFilingsAsync(
                new ListRefusedDealerFilingsRequest { BranchId = p.GetValue(branch) ?? "", PageSize = p.GetValue(size), PageToken = p.GetValue(token) ?? "" }, s.Headers, cancellationToken: ct);
            s.Out.Table(answer, answer.RefusedDealerFilings, "attempt_id", "dealer_id", "filed_dealer_id", "customer_identity_key", "invoice_title", "on");
        }, branch, size, token);
    }

    private static Command ExtensionsWaiting(CommandKit kit)
    {
        var branch = Optional("--branch", "分公司 / branch id (default: the caller's own)");
        var (size, token) = (PageSize(), PageToken());
        return kit.Command("extensions-waiting", "待决定的延期申请，等待最久的在前 / extension requests waiting for the branch manager or secretary, longest waiting first (P-3.3)", async (s, p, ct) =>
        {
            var answer = await s.Customers.ListExtensionRequestsAsync(new ListExtensionRequestsRequest
            {
                BranchId = p.GetValue(branch) ?? "",
                PageSize = p.GetValue(size),
                PageToken = p.GetValue(token) ?? "",
            }, s.Headers, cancellationToken: ct);
            s.Out.Table(answer, answer.Customers, "customer_id", "invoice_title", "owner_id", "pending_extension.days", "pending_extension.requested_on",
                "pending_extension.reason", "last_protected_day", "days_remaining");
        }, branch, size, token);
    }

    private static Command Show(CommandKit kit)
    {
        var id = Id(CustomerId, "客户编号 / customer id");
        return kit.Command("show", "客户详情（状态即时计算） / one customer, status computed now (P-3.5; contacts masked per C-2)", async (s, p, ct) =>
            s.Out.Record(await s.Customers.GetCustomerAsync(new GetCustomerRequest { CustomerId = p.GetValue(id)! }, s.Headers, cancellationToken: ct)), id);
    }

    private static Command List(CommandKit kit) =>
        List(kit, "list", "客户列表（可按状态、阶段、分类、到期筛选） / customers of the company, a branch or an owner, filtered by status, stage, class, expiry");

    /// <summary><c>cpctl customers …</c>: the short form the issue names (<c>cpctl customers --expiring 14</c>), <c>customer list</c> under another name.</summary>
    public static Command ListShortForm(CommandKit kit) =>
        List(kit, "customers", "客户列表，同 customer list / customers: the same as customer list (e.g. cpctl customers --expiring 14)");

    private static Command List(CommandKit kit, string name, string description)
    {
        var branch = Optional("--branch", "分公司的客户 / a branch's customers");
        var owner = Optional("--owner", "某人的客户 / one owner's customers (neither: hq the company, branch staff their branch, others their own)");
        var expiring = Number("--expiring", "N 天内到期的受保护客户，最早到期在前 / protected and ending within N days, soonest first (P-3.5)");
        var status = Words("--status", "状态 / status (computed now): pending_approval, protected, lapsed, pool, rejected");
        var stage = Words("--stage", "阶段 / stage: prospect, formal");
        var customerClass = Words("--class", "分类 / class (M-1): important, potential, ordinary");
        var (size, token) = (PageSize(), PageToken());
        return kit.Command(name, description, async (s, p, ct) =>
        {
            var request = new ListCustomersRequest
            {
                BranchId = p.GetValue(branch) ?? "",
                OwnerId = p.GetValue(owner) ?? "",
                ExpiresWithinDays = p.GetValue(expiring),
                PageSize = p.GetValue(size),
                PageToken = p.GetValue(token) ?? "",
            };
            request.Status.Add(EnumWords<CustomerStatus>(p.GetValue(status), "CUSTOMER_STATUS_", "--status"));
            request.Stage.Add(EnumWords<CustomerStage>(p.GetValue(stage), "CUSTOMER_STAGE_", "--stage"));
            request.CustomerClass.Add(EnumWords<CustomerClass>(p.GetValue(customerClass), "CUSTOMER_CLASS_", "--class"));
            var answer = await s.Customers.ListCustomersAsync(request, s.Headers, cancellationToken: ct);
            s.Out.Table(answer, answer.Customers, "customer_id", "invoice_title", "status", "stage", "customer_class", "owner_id", "owner_name",
                "last_protected_day", "days_remaining", "disputed");
        }, branch, owner, expiring, status, stage, customerClass, size, token);
    }

    /// <summary>A repeatable option of lower-case words (the proto enum's values without their prefix).</summary>
    private static Option<string[]> Words(string name, string description) =>
        new(name) { Description = description + "；可重复 / repeatable", AllowMultipleArgumentsPerToken = true };

    /// <summary>"protected" → CUSTOMER_STATUS_PROTECTED, by the enum's own names: a word it lacks is refused here.</summary>
    public static IEnumerable<T> EnumWords<T>(string[]? words, string prefix, string option) where T : struct, Enum =>
        (words ?? []).Select(word => Enum.GetValues<T>().Where(v => NameOf(v) == prefix + word.Trim().ToUpperInvariant()).Cast<T?>().FirstOrDefault()
            ?? throw new CliException(ExitCodes.InvalidArgument, $"{option}: 未知的值 {word} / unknown value {word}"));

    private static string NameOf<T>(T value) where T : struct, Enum =>
        typeof(T).GetField(value.ToString())!.GetCustomAttributes(typeof(Google.Protobuf.Reflection.OriginalNameAttribute), false)
            .Cast<Google.Protobuf.Reflection.OriginalNameAttribute>().Single().Name;

    private static Command Owner(CommandKit kit)
    {
        var identity = new IdentityOptions();
        return kit.Command("owner", "谁拥有该客户 / who owns a customer right now (internal facts only, C-1)", async (s, p, ct) =>
        {
            var (id, taxpayer, title) = identity.Read(p);
            s.Out.Record(await s.Ownership.GetOwnershipAsync(new GetOwnershipRequest { CustomerId = id, TaxpayerId = taxpayer, InvoiceTitle = title },
                s.Headers, cancellationToken: ct));
        }, identity.All);
    }

    private static Command Conflicts(CommandKit kit) =>
        kit.Command("conflicts", "身份冲突：同一客户的两条备案都在保护中（总公司，交归属案件处理）/ P-2.5 (hq): records of one customer both held, to settle through an ownership case", async (s, p, ct) =>
        {
            var answer = await s.Ownership.ListIdentityConflictsAsync(new ListIdentityConflictsRequest(), s.Headers, cancellationToken: ct);
            s.Out.Table(answer, answer.IdentityConflicts, "normalized_title", "title_only.customer_id", "title_only.owner_id", "with_taxpayer_id.customer_id",
                "with_taxpayer_id.identity_key", "with_taxpayer_id.owner_id");
        });

    private static Command Ship(CommandKit kit)
    {
        var identity = new IdentityOptions();
        var shippedOn = Optional("--shipped-on", "发货日期 / shipping day yyyy-MM-dd (default: today)");
        var sale = Optional("--sale-id", "销售单号 / sale id");
        return kit.Command("ship", "总部记录发货：首单转正式客户，每次发货重算180天 / hq records a shipment: first purchase makes a formal customer, each restarts the period (P-1.1, P-3.1)", async (s, p, ct) =>
        {
            var (id, taxpayer, title) = identity.Read(p);
            s.Out.Record(await s.Customers.RecordShipmentAsync(new RecordShipmentRequest
            {
                CustomerId = id,
                TaxpayerId = taxpayer,
                InvoiceTitle = title,
                ShippedOn = DayOrNull(p.GetValue(shippedOn), "--shipped-on") ?? await TodayDateAsync(s, ct),
                SaleId = p.GetValue(sale) ?? "",
            }, s.Headers, cancellationToken: ct));
        }, [.. identity.All, shippedOn, sale]);
    }

    private static Command SpecialPeriod(CommandKit kit)
    {
        var id = Id(CustomerId, "客户编号 / customer id");
        var days = Number("--days", "保护天数（0 恢复标准180天） / period in days (0: back to the standard 180)");
        var reason = Required("--reason", "理由 / reason");
        return kit.Command("special-period", "总部特殊备案：长订单周期的正式客户 / hq's special period for a formal customer with a long order cycle (P-3.1)", async (s, p, ct) =>
            s.Out.Record(await s.Customers.SetSpecialPeriodAsync(new SetSpecialPeriodRequest
            {
                CustomerId = p.GetValue(id)!,
                PeriodDays = p.GetValue(days),
                Reason = p.GetValue(reason)!,
            }, s.Headers, cancellationToken: ct)), id, days, reason);
    }

    private static Command Extend(CommandKit kit)
    {
        var id = Id(CustomerId, "客户编号 / customer id");
        var days = Number("--days", "延期天数 / days asked");
        var reason = Required("--reason", "理由 / reason");
        return kit.Command("extend", "申请延期（到期前提出） / the owner asks for an extension (P-3.3: refused when too late or over the cap)", async (s, p, ct) =>
            s.Out.Record(await s.Customers.RequestExtensionAsync(new RequestExtensionRequest
            {
                CustomerId = p.GetValue(id)!,
                Days = p.GetValue(days),
                Reason = p.GetValue(reason)!,
            }, s.Headers, cancellationToken: ct)), id, days, reason);
    }

    private static Command DecideExtension(CommandKit kit, bool approve)
    {
        var id = Id(CustomerId, "客户编号 / customer id");
        // A rejection must say why; an approval may.
        var reason = Optional("--reason", "理由 / reason");
        reason.Required = !approve;
        return kit.Command(approve ? "approve-extension" : "reject-extension",
            approve ? "经理或秘书批准延期 / the branch manager or secretary approves the extension (P-3.3)" : "经理或秘书驳回延期 / the branch manager or secretary rejects the extension (P-3.3)",
            async (s, p, ct) => s.Out.Record(await s.Customers.DecideExtensionAsync(new DecideExtensionRequest
            {
                CustomerId = p.GetValue(id)!,
                Approve = approve,
                Reason = p.GetValue(reason) ?? "",
            }, s.Headers, cancellationToken: ct)), id, reason);
    }

    private static Command RecordProgress(CommandKit kit)
    {
        var id = Id(CustomerId, "客户编号 / customer id");
        var kind = Required("--kind", "类型 / kind: call, email, visit, trial, quote");
        var on = Optional("--on", "日期 / day yyyy-MM-dd (default: today)");
        var note = Optional("--note", "内容 / note");
        var evidence = Optional("--evidence", "证据编号或链接 / evidence reference (P-9.2 counts only records with one)");
        return kit.Command("record", "记录跟进（负责人或共同开发人） / record progress (owner or co-developer; M-2, P-3.4)", async (s, p, ct) =>
            s.Out.Record(await s.Customers.RecordProgressAsync(new RecordProgressRequest
            {
                CustomerId = p.GetValue(id)!,
                Kind = Vocabulary.Parse<ProgressKind>(p.GetValue(kind)!, "--kind"),
                On = DayOrNull(p.GetValue(on), "--on") ?? await TodayDateAsync(s, ct),
                Note = p.GetValue(note) ?? "",
                Evidence = p.GetValue(evidence) ?? "",
            }, s.Headers, cancellationToken: ct)), id, kind, on, note, evidence);
    }

    private static Command ListProgress(CommandKit kit)
    {
        var id = Id(CustomerId, "客户编号 / customer id");
        return kit.Command("list", "跟进记录 / the customer's progress records", async (s, p, ct) =>
        {
            var answer = await s.Customers.ListProgressAsync(new ListProgressRequest { CustomerId = p.GetValue(id)! }, s.Headers, cancellationToken: ct);
            s.Out.Table(answer, answer.ProgressRecords, "on", "kind", "note", "evidence", "recorded_by", "recorded_at");
        }, id);
    }

    private static Command CoDeveloper(CommandKit kit, bool add)
    {
        var id = Id(CustomerId, "客户编号 / customer id");
        var employee = Required("--employee", "员工号 / employee id");
        return kit.Command(add ? "add" : "remove", add ? "添加共同开发人 / add a co-developer (the owner)" : "移除共同开发人 / remove a co-developer (owner or branch manager)",
            async (s, p, ct) =>
            {
                var (customerId, employeeId) = (p.GetValue(id)!, p.GetValue(employee)!);
                s.Out.Record(add
                    ? await s.Customers.AddCoDeveloperAsync(new AddCoDeveloperRequest { CustomerId = customerId, EmployeeId = employeeId }, s.Headers, cancellationToken: ct)
                    : await s.Customers.RemoveCoDeveloperAsync(new RemoveCoDeveloperRequest { CustomerId = customerId, EmployeeId = employeeId }, s.Headers, cancellationToken: ct));
            }, id, employee);
    }

    private static Command History(CommandKit kit)
    {
        var id = Id(CustomerId, "客户编号 / customer id");
        return kit.Command("history", "归属变更历史（含每次进出公共池） / every change of owner or status, across pool cycles (X-6)", async (s, p, ct) =>
        {
            var answer = await s.Customers.GetOwnershipHistoryAsync(new GetOwnershipHistoryRequest { CustomerId = p.GetValue(id)! }, s.Headers, cancellationToken: ct);
            s.Out.Table(answer, answer.Events, "at", "change", "from_owner_id", "to_owner_id", "status", "by", "reason", "case_id");
        }, id);
    }

    /// <summary>A customer named by id or by its invoice identity (P-2.5: taxpayer id, else invoice title).</summary>
    internal sealed class IdentityOptions
    {
        public Option<string?> Customer { get; } = Optional("--customer", "客户编号 / customer id");
        public Option<string?> TaxpayerId { get; } = Optional("--taxpayer-id", "统一社会信用代码 / taxpayer id");
        public Option<string?> Title { get; } = Optional("--title", "发票抬头 / invoice title");

        public Option[] All => [Customer, TaxpayerId, Title];

        public (string Id, string TaxpayerId, string Title) Read(ParseResult p)
        {
            var result = (p.GetValue(Customer) ?? "", p.GetValue(TaxpayerId) ?? "", p.GetValue(Title) ?? "");
            if (result.Item1.Length == 0 && result.Item2.Length == 0 && result.Item3.Length == 0)
            {
                throw new CliException(ExitCodes.InvalidArgument, "--customer, --taxpayer-id 或 / or --title: 至少一个 / give one");
            }

            return result;
        }
    }

    private sealed class ContactOptions
    {
        private readonly Option<string?> _name = Optional("--contact-name", "联系人（保密） / contact name (confidential, C-1)");
        private readonly Option<string?> _phone = Optional("--contact-phone", "联系电话 / contact phone");
        private readonly Option<string?> _email = Optional("--contact-email", "邮箱 / contact e-mail");
        private readonly Option<string?> _address = Optional("--contact-address", "地址 / contact address");

        public Option[] All => [_name, _phone, _email, _address];

        public Contact Read(ParseResult p) => new()
        {
            Name = p.GetValue(_name) ?? "",
            Phone = p.GetValue(_phone) ?? "",
            Email = p.GetValue(_email) ?? "",
            Address = p.GetValue(_address) ?? "",
        };
    }
}
