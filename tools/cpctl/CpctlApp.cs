using System.Collections;
using System.CommandLine;
using CustomerProtection.Cli.Commands;
using CustomerProtection.Cli.Core;
using CustomerProtection.Cli.Demo;

namespace CustomerProtection.Cli;

/// <summary>
/// cpctl as a function of its arguments, output streams and environment: <c>Program</c> passes the process's,
/// tests pass their own and read what it printed.
/// </summary>
public static class CpctlApp
{
    public static Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, IReadOnlyDictionary<string, string> environment,
        CancellationToken ct = default) =>
        RunAsync(args, new CliEnvironment(stdout, stderr, environment, Environment.CurrentDirectory), ct);

    public static async Task<int> RunAsync(string[] args, CliEnvironment environment, CancellationToken ct = default)
    {
        var root = Build(environment);
        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (var error in parse.Errors)
            {
                await environment.Error.WriteLineAsync(error.Message);
            }

            await environment.Error.WriteLineAsync(string.Join(' ', ["帮助 / help: cpctl", .. Path(parse), "--help"]));
            return ExitCodes.InvalidArgument;
        }

        var invocation = new InvocationConfiguration
        {
            Output = environment.Out,
            Error = environment.Error,
            // In-process callers (tests) keep their own Ctrl+C handling; the token cancels.
            ProcessTerminationTimeout = null,
        };
        return await parse.InvokeAsync(invocation, ct);
    }

    /// <summary>The process's environment variables, for <c>Program</c>.</summary>
    public static IReadOnlyDictionary<string, string> ProcessVariables() =>
        Environment.GetEnvironmentVariables().Cast<DictionaryEntry>()
            .ToDictionary(e => (string)e.Key, e => (string?)e.Value ?? "", StringComparer.Ordinal);

    private static RootCommand Build(CliEnvironment environment)
    {
        var globals = new GlobalOptions();
        var kit = new CommandKit(environment, globals);
        var root = new RootCommand("cpctl — 客户保护系统命令行 / the CustomerProtection command line. " +
            "退出码 / exit codes: 0 ok, 1 error, 2 invalid argument, 3 unavailable, 4 refused by policy, 5 already exists, " +
            "6 not found, 7 permission denied, 8 not authenticated, 9 conflict, 10 demo check failed, 11 audit chain broken")
        {
            DemoCommand.Create(kit),
            CustomerCommands.Create(kit),
            CustomerCommands.ListShortForm(kit),
            PoolCommands.Create(kit),
            CaseCommands.Create(kit),
            ComplaintCommands.Create(kit),
            MaintenanceCommands.FollowUp(kit),
            MaintenanceCommands.Survey(kit),
            MaintenanceCommands.Verify(kit),
            SaleCommands.Create(kit),
            PriceCommands.Create(kit),
            CrossRegionCommands.Create(kit),
            GroupCommands.Create(kit),
            DealerReviewCommands.Create(kit),
            ReportCommands.Create(kit),
            OpportunityCommands.Create(kit),
            FineCommands.Create(kit),
            NotifyCommands.Create(kit),
            ViolationCommands.Create(kit),
            AccessCommands.Create(kit),
            DataCommands.Create(kit),
            AuditCommands.Create(kit),
            IncidentCommands.Create(kit),
            OrgCommands.Create(kit),
            ClockCommands.Create(kit),
            PolicyCommands.Create(kit),
            StatusCommand.Create(kit),
            TokenCommand.Create(kit),
        };
        foreach (var option in globals.All)
        {
            root.Options.Add(option);
        }

        return root;
    }

    private static IEnumerable<string> Path(ParseResult parse)
    {
        var names = new List<string>();
        for (var result = parse.CommandResult; result.Parent is System.CommandLine.Parsing.CommandResult parent; result = parent)
        {
            names.Insert(0, result.Command.Name);
        }

        return names;
    }
}
