using System.Globalization;
using CustomerProtection.Registration.Domain;
using CustomerProtection.Registration.Persistence.Storage;

namespace CustomerProtection.Registration.Persistence;

/// <summary>
/// The one mapping between the domain records and their storage messages (Storage.proto), property
/// by property and by hand: a property added to <see cref="Customer"/> must be added here, to the
/// proto and to <see cref="CustomerProperties"/> (StorageFormatTests fail until it is). Conventions:
/// null ↔ absent (optional fields), dates ↔ day numbers, instants ↔ Unix seconds — second precision,
/// as the JSON before stored them; nothing in the policy needs less than a second. An empty list is
/// stored as no elements and read back as null, which is how the use cases already write "none".
/// </summary>
public static class StorageMapping
{
    /// <summary>How many stored (settable) properties <see cref="Customer"/> has that this mapping knows.</summary>
    public const int CustomerProperties = 36;

    internal static StoredCustomer ToMessage(Customer c)
    {
        var m = new StoredCustomer
        {
            Id = c.Id,
            IdentityKey = c.IdentityKey,
            Title = c.Title,
            Class = c.Class,
            BranchId = c.BranchId,
            Status = c.Status,
            Stage = c.Stage,
            FiledBy = c.FiledBy,
            FiledAt = c.FiledAt.ToUnixTimeSeconds(),
            ManualReview = c.ManualReview,
            ExtensionDays = c.ExtensionDays,
        };
        if (c.Sales.Scale == 0 && c.Sales >= long.MinValue && c.Sales <= long.MaxValue)
        {
            m.SalesUnits = (long)c.Sales;
        }
        else
        {
            m.SalesText = c.Sales.ToString(CultureInfo.InvariantCulture);
        }

        if (c.RegionId is { } regionId) m.RegionId = regionId;
        if (c.OwnerId is { } ownerId) m.OwnerId = ownerId;
        if (c.OwnerName is { } ownerName) m.OwnerName = ownerName;
        if (c.EvidenceKind is { } evidenceKind) m.EvidenceKind = evidenceKind;
        if (c.EvidenceDate is { } evidenceDate) m.EvidenceDate = evidenceDate.DayNumber;
        if (c.Evidence is { } evidence) m.Evidence = evidence;
        if (c.ApprovedOn is { } approvedOn) m.ApprovedOn = approvedOn.DayNumber;
        if (c.ApprovedBy is { } approvedBy) m.ApprovedBy = approvedBy;
        if (c.PeriodStart is { } periodStart) m.PeriodStart = periodStart.DayNumber;
        if (c.SpecialPeriodDays is { } specialPeriodDays) m.SpecialPeriodDays = specialPeriodDays;
        if (c.LastShipmentOn is { } lastShipmentOn) m.LastShipmentOn = lastShipmentOn.DayNumber;
        if (c.ObjectionWindowEnds is { } objectionWindowEnds) m.ObjectionWindowEnds = objectionWindowEnds.DayNumber;
        if (c.CoDevelopers is { } coDevelopers) m.CoDevelopers.AddRange(coDevelopers);
        if (c.OpenCaseId is { } openCaseId) m.OpenCaseId = openCaseId;
        if (c.CaseClaimantId is { } caseClaimantId) m.CaseClaimantId = caseClaimantId;
        if (c.CaseOpenedAt is { } caseOpenedAt) m.CaseOpenedAt = caseOpenedAt.ToUnixTimeMilliseconds();
        if (c.PreviousOwnerId is { } previousOwnerId) m.PreviousOwnerId = previousOwnerId;
        if (c.FreedAt is { } freedAt) m.FreedAt = freedAt.ToUnixTimeSeconds();
        if (c.FreedReason is { } freedReason) m.FreedReason = freedReason;
        if (c.ProgressDates is { } progressDates) m.ProgressDates.AddRange(progressDates.Select(d => d.DayNumber));
        if (c.PendingExtension is { } pending) m.PendingExtension = ToMessage(pending);
        if (c.RemindersFrom is { } remindersFrom) m.RemindersFrom = remindersFrom.ToUnixTimeSeconds();
        if (c.RemindersSent is { } remindersSent) m.RemindersSent.AddRange(remindersSent);
        if (c.FlaggedMonth is { } flaggedMonth) m.FlaggedMonth = flaggedMonth;
        return m;
    }

    internal static Customer FromMessage(StoredCustomer m) => new()
    {
        Id = m.Id,
        IdentityKey = m.IdentityKey,
        Title = m.Title,
        Class = m.Class,
        Sales = m.HasSalesText ? decimal.Parse(m.SalesText, NumberStyles.Number, CultureInfo.InvariantCulture) : m.SalesUnits,
        BranchId = m.BranchId,
        RegionId = m.HasRegionId ? m.RegionId : null,
        Status = m.Status,
        Stage = m.Stage,
        OwnerId = m.HasOwnerId ? m.OwnerId : null,
        OwnerName = m.HasOwnerName ? m.OwnerName : null,
        FiledBy = m.FiledBy,
        FiledAt = DateTimeOffset.FromUnixTimeSeconds(m.FiledAt),
        EvidenceKind = m.HasEvidenceKind ? m.EvidenceKind : null,
        EvidenceDate = m.HasEvidenceDate ? DateOnly.FromDayNumber(m.EvidenceDate) : null,
        Evidence = m.HasEvidence ? m.Evidence : null,
        ManualReview = m.ManualReview,
        ApprovedOn = m.HasApprovedOn ? DateOnly.FromDayNumber(m.ApprovedOn) : null,
        ApprovedBy = m.HasApprovedBy ? m.ApprovedBy : null,
        PeriodStart = m.HasPeriodStart ? DateOnly.FromDayNumber(m.PeriodStart) : null,
        ExtensionDays = m.ExtensionDays,
        SpecialPeriodDays = m.HasSpecialPeriodDays ? m.SpecialPeriodDays : null,
        LastShipmentOn = m.HasLastShipmentOn ? DateOnly.FromDayNumber(m.LastShipmentOn) : null,
        ObjectionWindowEnds = m.HasObjectionWindowEnds ? DateOnly.FromDayNumber(m.ObjectionWindowEnds) : null,
        CoDevelopers = m.CoDevelopers.Count > 0 ? [.. m.CoDevelopers] : null,
        OpenCaseId = m.HasOpenCaseId ? m.OpenCaseId : null,
        CaseClaimantId = m.HasCaseClaimantId ? m.CaseClaimantId : null,
        CaseOpenedAt = m.HasCaseOpenedAt ? DateTimeOffset.FromUnixTimeMilliseconds(m.CaseOpenedAt) : null,
        PreviousOwnerId = m.HasPreviousOwnerId ? m.PreviousOwnerId : null,
        FreedAt = m.HasFreedAt ? DateTimeOffset.FromUnixTimeSeconds(m.FreedAt) : null,
        FreedReason = m.HasFreedReason ? m.FreedReason : null,
        ProgressDates = m.ProgressDates.Count > 0 ? [.. m.ProgressDates.Select(DateOnly.FromDayNumber)] : null,
        PendingExtension = m.PendingExtension is { } pending ? FromMessage(pending) : null,
        RemindersFrom = m.HasRemindersFrom ? DateTimeOffset.FromUnixTimeSeconds(m.RemindersFrom) : null,
        RemindersSent = m.RemindersSent.Count > 0 ? [.. m.RemindersSent] : null,
        FlaggedMonth = m.HasFlaggedMonth ? m.FlaggedMonth : null,
    };

    internal static StoredPendingExtension ToMessage(PendingExtension e)
    {
        var m = new StoredPendingExtension { Days = e.Days, RequestedOn = e.RequestedOn.DayNumber, RequestedBy = e.RequestedBy };
        if (e.Reason is { } reason) m.Reason = reason;
        return m;
    }

    internal static PendingExtension FromMessage(StoredPendingExtension m) =>
        new(m.Days, DateOnly.FromDayNumber(m.RequestedOn), m.RequestedBy, m.HasReason ? m.Reason : null);

    internal static StoredHistoryEntry ToMessage(HistoryEntry e)
    {
        var m = new StoredHistoryEntry { At = e.At.ToUnixTimeSeconds(), Change = e.Change, Status = e.Status, By = e.By };
        if (e.From is { } from) m.From = from;
        if (e.To is { } to) m.To = to;
        if (e.Reason is { } reason) m.Reason = reason;
        if (e.CaseId is { } caseId) m.CaseId = caseId;
        return m;
    }

    internal static HistoryEntry FromMessage(StoredHistoryEntry m) =>
        new(DateTimeOffset.FromUnixTimeSeconds(m.At), m.Change, m.Status, m.HasFrom ? m.From : null, m.HasTo ? m.To : null,
            m.HasReason ? m.Reason : null, m.By, m.HasCaseId ? m.CaseId : null);

    internal static StoredProgressEntry ToMessage(ProgressEntry e)
    {
        var m = new StoredProgressEntry { Kind = e.Kind, On = e.On.DayNumber, RecordedBy = e.RecordedBy, RecordedAt = e.RecordedAt.ToUnixTimeSeconds() };
        if (e.Note is { } note) m.Note = note;
        if (e.Evidence is { } evidence) m.Evidence = evidence;
        return m;
    }

    internal static ProgressEntry FromMessage(StoredProgressEntry m) =>
        new(m.Kind, DateOnly.FromDayNumber(m.On), m.HasNote ? m.Note : null, m.HasEvidence ? m.Evidence : null, m.RecordedBy,
            DateTimeOffset.FromUnixTimeSeconds(m.RecordedAt));
}
