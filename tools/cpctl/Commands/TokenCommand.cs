using CustomerProtection.Tokens;
using System.CommandLine;
using CustomerProtection.Cli.Core;
using CustomerProtection.Policy.Actors;

namespace CustomerProtection.Cli.Commands;

/// <summary>
/// <c>cpctl token</c>: a development token for an employee and role, signed with the key the AppHost
/// generated (.data/dev-signing.key by default). Production takes tokens from the company's OIDC
/// provider; this command is for development and demos.
/// </summary>
internal static class TokenCommand
{
    public static Command Create(CommandKit kit)
    {
        var employee = new Option<string>("--employee") { Description = "员工号 / employee id (the token's sub)", Required = true };
        var role = new Option<string>("--role") { Description = "角色 / role: " + string.Join(", ", Roles.All), Required = true };
        var branch = new Option<string?>("--branch") { Description = "分公司 / branch id (branch roles, dealers)" };
        var region = new Option<string?>("--region") { Description = "大区 / region id (every role but hq)" };
        var hours = new Option<int>("--hours") { Description = "有效小时数 / lifetime in hours", DefaultValueFactory = _ => 8 };

        var command = new Command("token", "签发开发令牌 / mint a development token (key: --key-file, CP_SIGNING_KEY or .data/dev-signing.key)")
        {
            employee, role, branch, region, hours,
        };
        command.SetAction(parse =>
        {
            var environment = kit.Environment;
            var roleName = parse.GetValue(role)!;
            if (!Roles.IsKnown(roleName))
            {
                environment.Error.WriteLine($"未知角色 / unknown role '{roleName}': {string.Join(", ", Roles.All)}");
                return ExitCodes.InvalidArgument;
            }

            var lifetime = parse.GetValue(hours);
            if (lifetime is < 1 or > 24 * 30)
            {
                environment.Error.WriteLine("--hours: 1..720");
                return ExitCodes.InvalidArgument;
            }

            var key = SigningKeySource.Find(parse.GetValue(kit.Globals.KeyFile), environment);
            if (key is null)
            {
                environment.Error.WriteLine("找不到签名密钥 / no signing key: start the system once (./run.sh) so that .data/dev-signing.key exists, or pass --key-file / CP_SIGNING_KEY");
                return ExitCodes.Unavailable;
            }

            environment.Out.WriteLine(DevTokens.Mint(key, parse.GetValue(employee)!, roleName, parse.GetValue(branch), parse.GetValue(region),
                TimeProvider.System.GetUtcNow(), TimeSpan.FromHours(lifetime)));
            return ExitCodes.Ok;
        });
        return command;
    }
}
