using System.Globalization;
using ChainedEntry = CustomerProtection.Registration.Confidentiality.Domain.ChainedEntry;
using CustomerProtection.Registration.Confidentiality.Application;
using CustomerProtection.Registration.Confidentiality.Crypto;
using CustomerProtection.Registration.Confidentiality.Persistence;
using CustomerProtection.Registration.Confidentiality.Persistence.Audit;
using CustomerProtection.Registration.Domain;
using CustomerProtection.Registration.V1;
using CustomerProtection.ServiceDefaults.Encryption;
using DomainGrant = CustomerProtection.Registration.Confidentiality.Domain.AccessGrant;
using DomainIncident = CustomerProtection.Registration.Confidentiality.Domain.Incident;

namespace CustomerProtection.Registration.Confidentiality.Grpc;

/// <summary>Confidentiality domain → proto. Instants as ISO strings, absent values as empty strings.</summary>
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
            EmployeeRole = g.EmployeeRole,
            Purpose = g.Purpose,
            Reason = g.Reason ?? "",
            Days = g.Days,
            Status = g.StatusAt(now),
            RequestedAt = Iso(g.RequestedAt),
            DecidedBy = g.DecidedBy ?? "",
            DecidedAt = Iso(g.DecidedAt),
            DecisionReason = g.DecisionReason ?? "",
            ExpiresAt = Iso(g.ExpiresAt),
            EndedAt = Iso(g.EndedAt),
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
            RecordedAt = Iso(consent.RecordedAt),
            RecordedBy = consent.RecordedBy,
        };
        view.Purposes.Add(consent.Purposes);
        return view;
    }

    public static V1.AuditEntry ToProto(ChainedEntry entry)
    {
        var r = entry.Record;
        var view = new V1.AuditEntry
        {
            EntryId = entry.EntryId,
            Sequence = entry.Sequence,
            At = Iso(r.At),
            EmployeeId = r.EmployeeId,
            Role = r.Role,
            CustomerId = r.CustomerId ?? "",
            Kind = r.Kind,
            Purpose = r.Purpose ?? "",
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
        BrokenReason = verification.Broken?.Reason ?? "",
    };

    public static Incident ToProto(Versioned<DomainIncident> versioned)
    {
        var i = versioned.Value;
        var view = new Incident
        {
            IncidentId = i.Id,
            Description = i.Description,
            Status = i.Status,
            RecordedBy = i.RecordedBy,
            RecordedAt = Iso(i.RecordedAt),
            SuspectedFrom = Iso(i.SuspectedFrom),
            AffectedCustomers = i.AffectedCustomers,
            Version = versioned.Version,
        };
        view.EmployeeIds.Add(i.EmployeeIds);
        view.FrozenEmployeeIds.Add(i.Frozen);
        view.Steps.Add(i.Steps.Select(s => new IncidentStep { At = Iso(s.At), By = s.By, What = s.What, Note = s.Note ?? "" }));
        return view;
    }

    public static KeyStatus ToProto(KeyRing ring, RotationPass? pass)
    {
        var status = new KeyStatus
        {
            ActiveKeyId = ring.ActiveId,
            PassKeyId = pass?.KeyId ?? "",
            PassStartedAt = Iso(pass?.StartedAt),
            PassFinishedAt = Iso(pass?.FinishedAt),
            ValuesScanned = pass?.Scanned ?? 0,
            ValuesRewrapped = pass?.Rewrapped ?? 0,
            ValuesUnderOtherKeys = pass?.UnderOtherKeys ?? 0,
        };
        status.KeyIds.Add(ring.Ids.Order(StringComparer.Ordinal));
        return status;
    }

    public static AffectedCustomers ToProto(AffectedPage page)
    {
        var list = new AffectedCustomers { NextPageToken = page.NextPageToken ?? "" };
        foreach (var item in page.Items)
        {
            var customer = new V1.AffectedCustomer { CustomerId = item.CustomerId };
            customer.EmployeeIds.Add(item.EmployeeIds);
            list.Customers.Add(customer);
        }

        return list;
    }

    public static string Iso(DateTimeOffset? at) => at?.ToString("O", CultureInfo.InvariantCulture) ?? "";
}
