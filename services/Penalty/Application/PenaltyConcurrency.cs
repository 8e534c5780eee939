namespace CustomerProtection.Penalty.Application;

/// <summary>
/// A violation's detection and confirmation, and every violation of one violator, write the same
/// aggregates at once: Penalty decides again on fresh data more often than the default.
/// </summary>
internal static class PenaltyConcurrency
{
    public const int Attempts = 8;
}
