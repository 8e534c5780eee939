using CustomerProtection.ServiceDefaults.Encryption;
using CustomerProtection.Territory.Persistence;

namespace CustomerProtection.Territory.Tests;

/// <summary>C-4: one key ring for the test run, so what one store instance seals another opens (as replicas sharing a ring do).</summary>
internal static class Sealing
{
    public static readonly SealedRecords Records = new(KeyRing.Generate("test1"));
}
