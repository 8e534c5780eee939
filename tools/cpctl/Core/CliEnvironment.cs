namespace CustomerProtection.Cli.Core;

/// <summary>
/// Everything cpctl takes from the process: its output streams, environment variables and working directory.
/// Passed in (never read from <see cref="Console"/> or <see cref="Environment"/> directly), so that tests run
/// cpctl in-process with captured output and an environment of their own.
/// </summary>
public sealed record CliEnvironment(
    TextWriter Out,
    TextWriter Error,
    IReadOnlyDictionary<string, string> Variables,
    string WorkingDirectory,
    bool OutIsTerminal = false,
    bool ErrorIsTerminal = false)
{
    public const string DataFolder = ".data";

    /// <summary>The variable's value, or null when it is unset or empty.</summary>
    public string? Variable(string name) => Variables.TryGetValue(name, out var value) && value.Length > 0 ? value : null;

    /// <summary>A file in the repository's <c>.data</c> folder, found from the working directory upwards.</summary>
    public string? FindDataFile(string fileName)
    {
        for (var dir = new DirectoryInfo(WorkingDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, DataFolder, fileName);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }
}

/// <summary>A problem found before or without a server answer (no address, no key, a bad file): its exit code and what to do.</summary>
public sealed class CliException(int exitCode, string message) : Exception(message)
{
    public int ExitCode { get; } = exitCode;
}
