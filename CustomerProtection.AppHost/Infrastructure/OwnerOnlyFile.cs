namespace CustomerProtection.AppHost.Infrastructure;

/// <summary>Small secrets kept in the data folder (signing key, broker password), created owner-only (0600).</summary>
internal static class OwnerOnlyFile
{
    public static string ReadOrCreate(string path, Func<string> create)
    {
        if (File.Exists(path))
        {
            return File.ReadAllText(path).Trim();
        }

        var value = create();
        Write(path, value, FileMode.CreateNew);
        return value;
    }

    /// <summary>Writes (replacing) a file that holds a secret.</summary>
    public static void Write(string path, string content, FileMode mode = FileMode.Create)
    {
        var options = new FileStreamOptions { Mode = mode, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using var writer = new StreamWriter(path, options);
        writer.Write(content.EndsWith('\n') ? content : content + "\n");
    }
}
