namespace CustomerProtection.Contracts.Territory;

/// <summary>P-4.4: hq linked a subsidiary to a group (the parent's invoice identity).</summary>
public sealed record CustomerGroupLinked(string ParentIdentityKey, string SubsidiaryIdentityKey, string LinkedBy, DateTimeOffset LinkedAt);

/// <summary>P-4.4: hq unlinked a subsidiary from its group.</summary>
public sealed record CustomerGroupUnlinked(string ParentIdentityKey, string SubsidiaryIdentityKey, string UnlinkedBy, DateTimeOffset UnlinkedAt);
