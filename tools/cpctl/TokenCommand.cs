using System.CommandLine;
using CustomerProtection.ServiceDefaults.Security;

namespace CustomerProtection.Cli;

/// <summary>
/// <c>cpctl token</c>: a development token for an employee and role, signed with the key the AppHost
/// generated (.data/dev-signing.key by default). Production takes tokens from the company's OIDC
/// provider; this command is for development and demos.
/// </summary>
internal static class TokenCommand
{
    public static Command Create()
    {
        var employee = new Option<string>("--employee") { Description = "员工号 / employee id (the token's sub)", Required = true };
        var role = new Option<string>("--role") { Description = "角色 / role: " + string.Join(", ", Roles.All), Required = true };
        var branch = new Option<string?>("--branch") { Description = "分公司 / branch id (branch roles, dealers)" };
        var region = new Option<string?>("--region") { Description = "大区 / region id (every role but hq)" };
        var hours = new Option<int>("--hours") { Description = "有效小时数 / lifetime in hours", DefaultValueFactory = _ => 8 };
        var keyFile = new Option<FileInfo?>("--key-file") { Description = "签名密钥文件 / signing key file (default: .data/dev-signing.key, or CP_SIGNING_KEY)" };

        var command = new Command("token", "签发开发令牌 / mint a development token")
        {
            employee, role, branch, region, hours, keyFile,
        };
        command.SetAction(parse =>
        {
            var roleName = parse.GetValue(role)!;
            if (!Roles.IsKnown(roleName))
            {
                Console.Error.WriteLine($"未知角色 / unknown role '{roleName}': {string.Join(", ", Roles.All)}");
                return ExitCodes.InvalidArgument;
            }

            var lifetime = parse.GetValue(hours);
            if (lifetime is < 1 or > 24 * 30)
            {
                Console.Error.WriteLine("--hours: 1..720");
                return ExitCodes.InvalidArgument;
            }

            var key = SigningKey(parse.GetValue(keyFile));
            if (key is null)
            {
                Console.Error.WriteLine("找不到签名密钥 / no signing key: start the system once (./run.sh) so that .data/dev-signing.key exists, or pass --key-file / CP_SIGNING_KEY");
                return ExitCodes.Unavailable;
            }

            Console.WriteLine(DevTokens.Mint(key, parse.GetValue(employee)!, roleName, parse.GetValue(branch), parse.GetValue(region),
                TimeProvider.System.GetUtcNow(), TimeSpan.FromHours(lifetime)));
            return ExitCodes.Ok;
        });
        return command;
    }

    private static string? SigningKey(FileInfo? file)
    {
        if (file is not null)
        {
            return File.ReadAllText(file.FullName).Trim();
        }

        if (Environment.GetEnvironmentVariable("CP_SIGNING_KEY") is { Length: > 0 } fromEnvironment)
        {
            return fromEnvironment.Trim();
        }

        // The repository's .data folder, found from the working directory upwards.
        for (var dir = new DirectoryInfo(Environment.CurrentDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, ".data", "dev-signing.key");
            if (File.Exists(candidate))
            {
                return File.ReadAllText(candidate).Trim();
            }
        }

        return null;
    }
}

/// <summary>Exit codes scripts can rely on.</summary>
internal static class ExitCodes
{
    public const int Ok = 0;
    public const int InvalidArgument = 2;
    public const int Unavailable = 3;
}
