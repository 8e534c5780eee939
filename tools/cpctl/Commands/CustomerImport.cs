using System.CommandLine;
using System.Globalization;
using CsvHelper;
using CsvHelper.Configuration;
using CustomerProtection.Cli.Core;
using CustomerProtection.Protos;
using CustomerProtection.Registration.V1;
using Google.Protobuf;
using Spectre.Console;
using static CustomerProtection.Cli.Core.CommandKit;

namespace CustomerProtection.Cli.Commands;

/// <summary>
/// <c>cpctl customer import</c> (X-7): a branch's existing list, streamed to Registration's ImportCustomers in
/// chunks (the server takes up to 100,000 rows / 64 MiB and files each row on its own), with a progress bar on
/// stderr when it is a terminal, a summary, and a CSV of the duplicates and refusals beside the input.
/// </summary>
internal static class CustomerImport
{
    private static readonly CsvConfiguration Csv = new(CultureInfo.InvariantCulture)
    {
        MissingFieldFound = null,
        HeaderValidated = null,
        PrepareHeaderForMatch = args => args.Header.Trim().ToLowerInvariant(),
    };

    public static Command Create(CommandKit kit)
    {
        var branch = Required("--branch", "分公司 / branch id");
        var file = new Option<FileInfo>("--file")
        {
            Description = "CSV 文件，表头 / CSV file, header: taxpayer_id,invoice_title,owner_id,customer_class,declared_annual_sales,stage," +
                "approved_on,last_shipment_on,contact_name,contact_phone,contact_email,contact_address,evidence",
            Required = true,
        };
        var rejects = new Option<FileInfo?>("--rejects") { Description = "重复和拒绝的明细文件 / where to write duplicates and refusals (default: <file>.rejects.csv)" };
        var chunk = Number("--chunk-kb", "每块大小 KB / chunk size in KiB", 64);
        return kit.Command("import", "批量导入分公司已有客户（秘书、经理或总部） / bulk import a branch's customer list (X-7; secretary, manager or hq)", async (s, p, ct) =>
        {
            var input = p.GetValue(file)!;
            if (!input.Exists)
            {
                throw new CliException(ExitCodes.InvalidArgument, $"--file: {input.FullName} 不存在 / does not exist");
            }

            var chunkBytes = p.GetValue(chunk) * 1024;
            if (chunkBytes is < 1024 or > 4 * 1024 * 1024)
            {
                throw new CliException(ExitCodes.InvalidArgument, "--chunk-kb: 1..4096");
            }

            var report = await SendAsync(s, p.GetValue(branch)!, input, chunkBytes, ct);
            var rejectsFile = p.GetValue(rejects) ?? new FileInfo(input.FullName + ".rejects.csv");
            var rejected = report.Results.Where(r => r.Outcome != ImportOutcome.Filed).ToList();
            if (rejected.Count > 0)
            {
                WriteRejects(input, rejectsFile, rejected);
            }

            if (s.Out.Json)
            {
                s.Out.WriteJson(report);
                return;
            }

            s.Out.Line($"行 / rows {report.Rows}   已备案 / filed {report.Filed}   重复 / duplicates {report.Duplicates}   拒绝 / refused {report.Refused}");
            foreach (var group in rejected.Where(r => r.Outcome == ImportOutcome.Refused).GroupBy(r => r.RuleId).OrderByDescending(g => g.Count()))
            {
                s.Out.Line($"  拒绝 / refused [{group.Key}] × {group.Count()}: {group.First().Reason}");
            }

            if (rejected.Count > 0)
            {
                s.Out.Line($"明细 / details: {rejectsFile.FullName}");
            }
        }, branch, file, rejects, chunk);
    }

    /// <summary>Streams the file; the bar shows the upload, then the server's filing (its answer comes at the end).</summary>
    private static async Task<ImportCustomersResponse> SendAsync(Session s, string branchId, FileInfo input, int chunkBytes, CancellationToken ct)
    {
        using var call = s.Customers.ImportCustomers(s.Headers, cancellationToken: ct);

        async Task UploadAsync(Action<int> sent)
        {
            await using var stream = input.OpenRead();
            var buffer = new byte[chunkBytes];
            int read;
            while ((read = await stream.ReadAsync(buffer, ct)) > 0)
            {
                await call.RequestStream.WriteAsync(new ImportCustomersRequest { BranchId = branchId, Chunk = ByteString.CopyFrom(buffer, 0, read) }, ct);
                sent(read);
            }

            await call.RequestStream.CompleteAsync();
        }

        if (!s.Environment.ErrorIsTerminal)
        {
            await UploadAsync(_ => { });
            return await call.ResponseAsync;
        }

        ImportCustomersResponse? answer = null;
        await Output.Console(s.Environment.Error, terminal: true).Progress().StartAsync(async progress =>
        {
            var upload = progress.AddTask("上传 / upload", maxValue: Math.Max(1, input.Length));
            await UploadAsync(n => upload.Increment(n));
            upload.Value = upload.MaxValue;
            var filing = progress.AddTask("备案中 / filing rows on the server").IsIndeterminate();
            answer = await call.ResponseAsync;
            filing.Value = filing.MaxValue;
            filing.IsIndeterminate = false;
        });
        return answer!;
    }

    /// <summary>One line per duplicate or refused row, with the row's own identity beside the server's verdict.</summary>
    private static void WriteRejects(FileInfo input, FileInfo output, IReadOnlyList<ImportRowResult> rejected)
    {
        var wanted = rejected.Select(r => r.Row).ToHashSet();
        var originals = new Dictionary<int, (string TaxpayerId, string Title)>();
        using (var reader = new CsvReader(new StreamReader(input.FullName), Csv))
        {
            if (reader.Read() && reader.ReadHeader())
            {
                // Numbered as the server numbers them: the first data row is 1.
                for (var row = 1; reader.Read(); row++)
                {
                    if (wanted.Contains(row))
                    {
                        originals[row] = (reader.TryGetField("taxpayer_id", out string? t) ? t ?? "" : "", reader.TryGetField("invoice_title", out string? i) ? i ?? "" : "");
                    }
                }
            }
        }

        using var writer = new CsvWriter(new StreamWriter(output.FullName), Csv);
        foreach (var header in new[] { "row", "outcome", "rule_id", "reason", "taxpayer_id", "invoice_title", "holder_customer_id", "holder_owner_id",
                     "holder_owner_name", "holder_branch_id", "holder_status", "holder_last_protected_day" })
        {
            writer.WriteField(header);
        }

        writer.NextRecord();
        foreach (var r in rejected)
        {
            var (taxpayerId, title) = originals.GetValueOrDefault(r.Row, ("", ""));
            var holder = r.Holder ?? new Holder();
            foreach (var field in new[] { r.Row.ToString(CultureInfo.InvariantCulture), Vocabulary.Word(r.Outcome), r.RuleId, r.Reason, taxpayerId, title,
                         r.CustomerId, holder.OwnerId, holder.OwnerName, holder.BranchId, holder.Status == CustomerStatus.Unspecified ? "" : Vocabulary.Word(holder.Status),
                         holder.LastProtectedDay.ToIso() })
            {
                writer.WriteField(field);
            }

            writer.NextRecord();
        }
    }
}
