using System.Collections.Frozen;

namespace CustomerProtection.Contracts;

/// <summary>
/// Every event type of the system by its full name. The Redis outboxes store the name with each
/// entry and the relays resolve it here, so an entry written by one build is published as the
/// same MassTransit message type (namespace + type name) by another.
/// </summary>
public static class ContractTypes
{
    private static readonly FrozenDictionary<string, Type> ByName = typeof(ContractTypes).Assembly
        .GetTypes()
        .Where(t => t is { IsClass: true, IsAbstract: false, IsPublic: true } && t.Namespace?.StartsWith("CustomerProtection.Contracts.", StringComparison.Ordinal) == true)
        .ToFrozenDictionary(t => t.FullName!, StringComparer.Ordinal);

    public static string NameOf(Type type) =>
        ByName.ContainsKey(type.FullName ?? "") ? type.FullName! : throw new ArgumentException($"{type} is not an event contract", nameof(type));

    public static Type Resolve(string name) =>
        ByName.TryGetValue(name, out var type) ? type : throw new InvalidOperationException($"Unknown event contract '{name}'");
}
