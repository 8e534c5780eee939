using System.Globalization;

namespace CustomerProtection.EndToEnd.Tests.Faults;

/// <summary>What Linux says about a process, read from /proc (the fault tests run where the AppHost runs local processes).</summary>
internal static class ProcessTree
{
    /// <summary>The process's name (/proc/&lt;pid&gt;/comm), or null when it is gone.</summary>
    public static string? Name(int pid) => Read($"/proc/{pid}/comm")?.Trim();

    /// <summary>The command line, arguments separated by spaces (redis-server rewrites its own into "redis-server host:port").</summary>
    public static string? CommandLine(int pid) => Read($"/proc/{pid}/cmdline")?.Replace('\0', ' ').Trim();

    /// <summary>The environment variables whose names start with one of <paramref name="prefixes"/>, sorted.</summary>
    public static IReadOnlyList<string> Environment(int pid, params string[] prefixes) =>
        [.. (Read($"/proc/{pid}/environ") ?? "")
            .Split('\0', StringSplitOptions.RemoveEmptyEntries)
            .Where(v => prefixes.Any(p => v.StartsWith(p, StringComparison.Ordinal)))
            .Order(StringComparer.Ordinal)];

    /// <summary>When the process started (clock ticks since boot): with the pid, who it is — a pid can be reused.</summary>
    public static long? StartTime(int pid)
    {
        var stat = Read($"/proc/{pid}/stat");
        if (stat is null)
        {
            return null;
        }

        // "pid (comm) state ppid ..." — comm may hold spaces and parentheses; the fields after the last ')' are fixed.
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return long.Parse(fields[19], CultureInfo.InvariantCulture);
    }

    public static bool IsAlive(int pid, long startTime) => StartTime(pid) == startTime && Read($"/proc/{pid}/stat")?.Contains(") Z ", StringComparison.Ordinal) == false;

    /// <summary>Every descendant of <paramref name="pid"/>, found through each process's parent id.</summary>
    public static IReadOnlyList<int> Descendants(int pid)
    {
        var parents = new Dictionary<int, int>();
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(directory), NumberStyles.None, CultureInfo.InvariantCulture, out var child)
                && Read($"{directory}/stat") is { } stat)
            {
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                parents[child] = int.Parse(fields[1], CultureInfo.InvariantCulture);
            }
        }

        var found = new List<int>();
        var frontier = new Queue<int>([pid]);
        while (frontier.TryDequeue(out var parent))
        {
            foreach (var (child, _) in parents.Where(p => p.Value == parent))
            {
                found.Add(child);
                frontier.Enqueue(child);
            }
        }

        return found;
    }

    private static string? Read(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
