using System.Text;
using CustomerProtection.Cli;
using CustomerProtection.Cli.Core;

// Chinese in tables and messages, whatever the terminal's default.
Console.OutputEncoding = Encoding.UTF8;
using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancel.Cancel();
};

return await CpctlApp.RunAsync(args, new CliEnvironment(
    Console.Out, Console.Error, CpctlApp.ProcessVariables(), Environment.CurrentDirectory,
    OutIsTerminal: !Console.IsOutputRedirected, ErrorIsTerminal: !Console.IsErrorRedirected), cancel.Token);
