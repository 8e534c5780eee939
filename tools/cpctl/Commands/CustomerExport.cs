using System.CommandLine;
using System.Text;
using CustomerProtection.Cli.Core;
using CustomerProtection.Registration.V1;
using Grpc.Core;
using static CustomerProtection.Cli.Core.CommandKit;

namespace CustomerProtection.Cli.Commands;

/// <summary><c>cpctl customer export</c> (X-7): a branch's customers as CSV, contacts masked as the caller may see them (C-2).</summary>
internal static class CustomerExport
{
    public static Command Create(CommandKit kit)
    {
        var branch = Required("--branch", "分公司 / branch id");
        var output = new Option<FileInfo?>("--output") { Description = "写入文件（默认标准输出） / write to this file (default: stdout)" };
        return kit.Command("export", "导出分公司客户为 CSV（按权限遮蔽联系方式） / export a branch's customers as CSV, contacts masked per C-2 (X-7)", async (s, p, ct) =>
        {
            using var call = s.Customers.ExportCustomers(new ExportCustomersRequest { BranchId = p.GetValue(branch)! }, s.Headers, cancellationToken: ct);
            var file = p.GetValue(output);
            await using var target = file is null ? null : file.Create();
            var bytes = 0L;
            // A chunk may end inside a character: the decoder keeps the partial bytes for the next one.
            var decoder = Encoding.UTF8.GetDecoder();
            await foreach (var chunk in call.ResponseStream.ReadAllAsync(ct))
            {
                if (target is null)
                {
                    var chars = new char[Encoding.UTF8.GetMaxCharCount(chunk.Chunk.Length)];
                    var count = decoder.GetChars(chunk.Chunk.Span, chars, flush: false);
                    await s.Environment.Out.WriteAsync(chars.AsMemory(0, count), ct);
                }
                else
                {
                    chunk.Chunk.WriteTo(target);
                }

                bytes += chunk.Chunk.Length;
            }

            if (file is not null)
            {
                await s.Environment.Error.WriteLineAsync($"已导出 / exported {bytes} bytes to {file.FullName}");
            }
        }, branch, output);
    }
}
