using ChainedEntry = CustomerProtection.Registration.Confidentiality.Domain.ChainedEntry;
using CustomerProtection.Registration.Confidentiality.Application;
using CustomerProtection.Registration.Confidentiality.Crypto;
using CustomerProtection.Registration.Confidentiality.Persistence;
using CustomerProtection.Registration.Confidentiality.Persistence.Audit;
using CustomerProtection.Registration.Domain;
using CustomerProtection.Protos;
using CustomerProtection.Registration.V1;
using Google.Protobuf.WellKnownTypes;
using CustomerProtection.ServiceDefaults.Encryption;
using DomainGrant = CustomerProtection.Registration.Confidentiality.Domain.AccessGrant;
using DomainIncident = CustomerProtection.Registration.Confidentiality.Domain.Incident;

namespace CustomerProtection.Registration.Confidentiality.Grpc;

/// <summary>Confidentiality domain → proto: Timestamp for instants (unset for none), enums for the domain's words (<see cref="ProtoWords"/>), absent strings empty.</summary>
public static class ConfidentialityMapping
{
    public static AccessGrant ToProto(Versioned<DomainGrant> versioned, DateTimeOffset now)
    {
        var g = versioned.Value;
        return new AccessGrant
        {
            GrantId = g.Id,
            CustomerId = g.CustomerId,
            BranchId = g.BranchId,
            EmployeeId = g.EmployeeId,
            EmployeeRole = ProtoWords.Value<AccountRole>(g.EmployeeRole),
            Purpose = ProtoWords.Value<Purpose>(g.Purpose),
            Reason = g.Reason ?? "",
            Days = g.Days,
            Status = ProtoWords.Value<AccessGrantStatus>(g.StatusAt(now)),
            RequestedAt = At(g.RequestedAt),
            DecidedBy = g.DecidedBy ?? "",
            DecidedAt = At(g.DecidedAt),
            DecisionReason = g.DecisionReason ?? "",
            ExpiresAt = At(g.ExpiresAt),
            EndedAt = At(g.EndedAt),
            EndedBy = g.EndedBy ?? "",
            Version = versioned.Version,
        };
    }

    public static ConsentView ToProto(string customerId, Domain.Consent consent)
    {
        var view = new ConsentView
        {
            CustomerId = customerId,
            Evidence = consent.Evidence ?? "",
            RecordedAt = At(consent.RecordedAt),
            RecordedBy = consent.RecordedBy,
        };
        view.Purposes.Add(consent.Purposes.Select(ProtoWords.Value<Purpose>));
        return view;
    }

    public static V1.AuditEntry ToProto(ChainedEntry entry)
    {
        var r = entry.Record;
        var view = new V1.AuditEntry
        {
            EntryId = entry.EntryId,
            Sequence = entry.Sequence,
            At = At(r.At),
            EmployeeId = r.EmployeeId,
            Role = ProtoWords.Value<AccountRole>(r.Role),
            CustomerId = r.CustomerId ?? "",
            Kind = ProtoWords.Value<AuditEntryKind>(r.Kind),
            Purpose = ProtoWords.Value<Purpose>(r.Purpose),
            Rpc = r.Rpc,
            Detail = r.Detail ?? "",
            Hash = Convert.ToHexStringLower(entry.Hash),
        };
        view.Fields.Add(r.Fields);
        return view;
    }

    public static AuditVerification ToProto(ChainVerification verification) => new()
    {
        Intact = verification.Intact,
        EntriesChecked = verification.Checked,
        HeadSequence = verification.HeadSequence,
        HeadHash = Convert.ToHexStringLower(verification.HeadHash),
        BrokenSequence = verification.Broken?.Sequence ?? 0,
        BrokenEntryId = verification.Broken?.EntryId ?? "",
        BrokenReason = ProtoWords.Value<BrokenLinkReason>(verification.Broken?.Reason),
    };

    public static Incident ToProto(Versioned<DomainIncident> versioned)
    {
        var i = versioned.Value;
        var view = new Incident
        {
            IncidentId = i.Id,
            Description = i.Description,
            Status = ProtoWords.Value<V1.IncidentStatus>(i.Status),
            RecordedBy = i.RecordedBy,
            RecordedAt = At(i.RecordedAt),
            SuspectedFrom = At(i.SuspectedFrom),
            AffectedCustomers = i.AffectedCustomers,
            Version = versioned.Version,
        };
        view.EmployeeIds.Add(i.EmployeeIds);
        view.FrozenEmployeeIds.Add(i.Frozen);
        view.Steps.Add(i.Steps.Select(s => new IncidentStep { At = At(s.At), By = s.By, What = ProtoWords.Value<IncidentStepKind>(s.What), Note = s.Note ?? "" }));
        return view;
    }

    public static KeyStatus ToProto(KeyRing ring, RotationPass? pass)
    {
        var status = new KeyStatus
        {
            ActiveKeyId = ring.ActiveId,
            PassKeyId = pass?.KeyId ?? "",
            PassStartedAt = At(pass?.StartedAt),
            PassFinishedAt = At(pass?.FinishedAt),
            ValuesScanned = pass?.Scanned ?? 0,
            ValuesRewrapped = pass?.Rewrapped ?? 0,
            ValuesUnderOtherKeys = pass?.UnderOtherKeys ?? 0,
        };
        status.KeyIds.Add(ring.Ids.Order(StringComparer.Ordinal));
        return status;
    }

    public static ListAffectedCustomersResponse ToProto(AffectedPage page)
    {
        var list = new ListAffectedCustomersResponse { NextPageToken = page.NextPageToken ?? "" };
        foreach (var item in page.Items)
        {
            var customer = new V1.AffectedCustomer { CustomerId = item.CustomerId };
            customer.EmployeeIds.Add(item.EmployeeIds);
            list.AffectedCustomers.Add(customer);
        }

        return list;
    }

    /// <summary>Unset (null) for no instant.</summary>
    public static Timestamp? At(DateTimeOffset? at) => at is { } t ? Timestamp.FromDateTimeOffset(t) : null;
}
