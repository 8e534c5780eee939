using System.CommandLine;
using CustomerProtection.Cli;

var root = new RootCommand("cpctl — 客户保护系统命令行 / the CustomerProtection command line")
{
    TokenCommand.Create(),
};

return root.Parse(args).Invoke();
