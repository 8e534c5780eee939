using CustomerProtection.Tokens;
using CustomerProtection.Policy.Actors;
using CustomerProtection.Territory.V1;
using Grpc.Core;

namespace CustomerProtection.Cli.Core;

/// <summary>
/// Who cpctl calls as. Production: the token given (<c>--token</c>/<c>CP_TOKEN</c>), used as it is. Development:
/// a token minted with the AppHost's key for <c>--as</c> (with the role, branch and region from the directory, or
/// <c>--as-role</c>/...); nothing given means hq.
/// </summary>
internal sealed class Identity(CliEnvironment environment, FileInfo? keyFile)
{
    public const string DefaultEmployee = "HQ-CPCTL";
    private static readonly TimeSpan Lifetime = TimeSpan.FromHours(1);

    private string? _key;

    /// <summary>The development signing key, or a CliException that says how to get one.</summary>
    public string SigningKey => _key ??= SigningKeySource.Find(keyFile, environment) ?? throw new CliException(ExitCodes.Unavailable,
        "找不到开发签名密钥 / no development signing key: start the system once (./run.sh creates .data/dev-signing.key), " +
        "pass --key-file or CP_SIGNING_KEY, or give a token with --token / CP_TOKEN");

    public string Mint(string employeeId, string role, string? branch, string? region) =>
        DevTokens.Mint(SigningKey, employeeId, role, branch, region, TimeProvider.System.GetUtcNow(), Lifetime);

    public static Metadata Bearer(string token) => new() { { "Authorization", "Bearer " + token } };

    /// <summary>The caller's token for this command.</summary>
    public async Task<string> TokenAsync(
        string? token, string? employee, string? role, string? branch, string? region,
        Func<OrganizationDirectory.OrganizationDirectoryClient> directory, CancellationToken ct)
    {
        if ((token ?? environment.Variable("CP_TOKEN")) is { } given)
        {
            return given.Trim();
        }

        employee ??= environment.Variable("CP_AS");
        role ??= environment.Variable("CP_ROLE");
        branch ??= environment.Variable("CP_BRANCH");
        region ??= environment.Variable("CP_REGION");
        if (employee is null)
        {
            return Mint(DefaultEmployee, role ?? Roles.Hq, branch, region);
        }

        if (role is null)
        {
            // The directory knows the employee's role and placement: the same claims the company's provider would issue.
            var found = await directory().GetEmployeeAsync(new GetEmployeeRequest { EmployeeId = employee }, Bearer(Mint(DefaultEmployee, Roles.Hq, null, null)),
                cancellationToken: ct);
            role = Vocabulary.Word(found.Role);
            branch ??= NullIfEmpty(found.BranchId);
            region ??= NullIfEmpty(found.RegionId);
        }

        if (!Roles.IsKnown(role))
        {
            throw new CliException(ExitCodes.InvalidArgument, $"未知角色 / unknown role '{role}': {string.Join(", ", Roles.All)}");
        }

        return Mint(employee, role, branch, region);
    }

    private static string? NullIfEmpty(string value) => value.Length == 0 ? null : value;
}

/// <summary>The development signing key: a file given, else <c>CP_SIGNING_KEY</c>, else the repository's <c>.data/dev-signing.key</c>.</summary>
internal static class SigningKeySource
{
    public const string FileName = "dev-signing.key";

    public static string? Find(FileInfo? file, CliEnvironment environment)
    {
        if (file is not null)
        {
            return File.ReadAllText(file.FullName).Trim();
        }

        if (environment.Variable("CP_SIGNING_KEY") is { } fromEnvironment)
        {
            return fromEnvironment.Trim();
        }

        return environment.FindDataFile(FileName) is { } path ? File.ReadAllText(path).Trim() : null;
    }
}
