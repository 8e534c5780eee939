using System.Text.Json.Serialization;
using CustomerProtection.Contracts.Organization;
using CustomerProtection.Registration.Domain;

namespace CustomerProtection.Registration.Persistence;

/// <summary>
/// Source-generated System.Text.Json metadata for the JSON Registration stored customers and entries
/// in before protobuf (<see cref="StorageJson"/> reads it, adding its naming legend and converter on
/// top: runtime options apply to generated metadata).
/// </summary>
[JsonSerializable(typeof(Customer))]
[JsonSerializable(typeof(HistoryEntry))]
[JsonSerializable(typeof(ProgressEntry))]
internal sealed partial class StorageJsonContext : JsonSerializerContext;

/// <summary>The organisation copy's snapshots, as Territory's events carry them (web defaults: camelCase).</summary>
[JsonSourceGenerationOptions(System.Text.Json.JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(EmployeeSnapshot))]
[JsonSerializable(typeof(BranchSnapshot))]
[JsonSerializable(typeof(DealerSnapshot))]
[JsonSerializable(typeof(RegionSnapshot))]
internal sealed partial class ReplicaJsonContext : JsonSerializerContext;

/// <summary>P-6's refused dealer filings (web defaults).</summary>
[JsonSourceGenerationOptions(System.Text.Json.JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(RefusedDealerFiling))]
[JsonSerializable(typeof(RefusedFiling))]
internal sealed partial class RefusedFilingJsonContext : JsonSerializerContext;
