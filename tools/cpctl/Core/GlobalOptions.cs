using System.CommandLine;

namespace CustomerProtection.Cli.Core;

/// <summary>
/// Options every command takes (recursive): output format, service addresses and identity. Each has an
/// environment variable beside it (the flag wins); addresses fall back to the AppHost's <c>.data/services.json</c>,
/// the development key to <c>.data/dev-signing.key</c>.
/// </summary>
public sealed class GlobalOptions
{
    public Option<bool> Json { get; } = Recursive(new Option<bool>("--json") { Description = "以 JSON 输出（脚本用） / print JSON (for scripts); errors as JSON on stderr" });

    public Option<string?> Registration { get; } = Address(ResourceNames.Registration, "CP_REGISTRATION");
    public Option<string?> Territory { get; } = Address(ResourceNames.Territory, "CP_TERRITORY");
    public Option<string?> Arbitration { get; } = Address(ResourceNames.Arbitration, "CP_ARBITRATION");
    public Option<string?> Penalty { get; } = Address(ResourceNames.Penalty, "CP_PENALTY");
    public Option<string?> Notifications { get; } = Address(ResourceNames.Notifications, "CP_NOTIFICATIONS");

    public Option<FileInfo?> ServicesFile { get; } = Recursive(new Option<FileInfo?>("--services-file")
    {
        Description = "服务地址文件 / the AppHost's address file (CP_SERVICES_FILE; default .data/services.json)",
    });

    public Option<string?> Token { get; } = Recursive(new Option<string?>("--token")
    {
        Description = "访问令牌（生产环境） / bearer token, e.g. from the company's OIDC provider (CP_TOKEN)",
    });

    public Option<string?> As { get; } = Recursive(new Option<string?>("--as")
    {
        Description = "开发环境：以该员工身份调用 / development: act as this employee (CP_AS; role, branch and region from the directory unless given; default HQ-CPCTL as hq)",
    });

    public Option<string?> AsRole { get; } = Recursive(new Option<string?>("--as-role")
    {
        Description = "开发环境：令牌角色 / development: the token's role (CP_ROLE)",
    });

    public Option<string?> AsBranch { get; } = Recursive(new Option<string?>("--as-branch")
    {
        Description = "开发环境：令牌分公司 / development: the token's branch (CP_BRANCH)",
    });

    public Option<string?> AsRegion { get; } = Recursive(new Option<string?>("--as-region")
    {
        Description = "开发环境：令牌大区 / development: the token's region (CP_REGION)",
    });

    public Option<FileInfo?> KeyFile { get; } = Recursive(new Option<FileInfo?>("--key-file")
    {
        Description = "开发签名密钥文件 / development signing key file (CP_SIGNING_KEY holds the key itself; default .data/dev-signing.key)",
    });

    public IEnumerable<Option> All =>
        [Json, Registration, Territory, Arbitration, Penalty, Notifications, ServicesFile, Token, As, AsRole, AsBranch, AsRegion, KeyFile];

    private static Option<string?> Address(string service, string variable) => Recursive(new Option<string?>("--" + service)
    {
        Description = $"{service} 服务的 gRPC 地址 / {service}'s gRPC address, e.g. http://localhost:5001 ({variable})",
    });

    private static T Recursive<T>(T option) where T : Option
    {
        option.Recursive = true;
        return option;
    }
}
