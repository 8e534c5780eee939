namespace CustomerProtection.Policy.Errors;

/// <summary>
/// How much of a caller's value an error may repeat. A refusal travels in the response headers (grpc-message,
/// grpc-status-details-bin), which a client takes up to 64 KB of: a message quoting a 20,000-character id whole
/// reached the caller as Unavailable instead of the refusal. Every message, ErrorInfo metadata value and
/// BadRequest description that repeats input quotes it through <see cref="Prefix"/>.
/// </summary>
public static class Echo
{
    /// <summary>The characters of a value an error repeats; enough to recognise any id the system issues.</summary>
    public const int MaxQuoted = 32;

    /// <summary>The value itself when short, otherwise its first <see cref="MaxQuoted"/> characters and "…".</summary>
    public static string Prefix(string? value) =>
        value is null ? ""
        : value.Length <= MaxQuoted ? value
        : string.Concat(value.AsSpan(0, char.IsHighSurrogate(value[MaxQuoted - 1]) ? MaxQuoted - 1 : MaxQuoted), "…");
}
