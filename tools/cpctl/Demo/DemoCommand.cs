namespace CustomerProtection.Cli.Demo;
internal static class DemoCommand { public static System.CommandLine.Command Create(CustomerProtection.Cli.Core.CommandKit kit) => new("demo"); }
