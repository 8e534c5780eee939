using System.Text.RegularExpressions;
using CustomerProtection.Contracts.Violations;
using CustomerProtection.Penalty.Domain;

namespace CustomerProtection.Penalty.Application;

/// <summary>
/// The three ways a violation is reported, mapped to one <see cref="ViolationReport"/> and checked
/// before anything is read or written: a malformed event is refused whole (and, after MassTransit's
/// retries, lands in the queue's _error queue for inspection) instead of producing a wrong fine.
/// </summary>
public static partial class ViolationReports
{
    public const int MaxTextLength = 4000;
    public const decimal MaxShipments = 1_000_000_000_000m;

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$")]
    private static partial Regex IdPattern();

    public static ViolationReport From(ViolationDetected e) => new(
        e.ViolationId,
        e.RuleId,
        e.Kind,
        Copy(e.Violator),
        NullIfEmpty(e.InjuredEmployeeId),
        NullIfEmpty(e.CustomerId),
        NullIfEmpty(e.CustomerIdentityKey),
        e.CustomerAnnualShipments,
        new Detection(e.Source ?? "", e.Evidence ?? "", e.DetectedAt),
        null,
        e.DetectedAt,
        e.Source ?? "",
        "service");

    /// <summary>A confirmation states the customer's annual shipments as the case established them.</summary>
    public static ViolationReport From(ViolationConfirmed e) => new(
        e.ViolationId,
        e.RuleId,
        e.Kind,
        Copy(e.Violator),
        null,
        null,
        null,
        e.CustomerAnnualShipments,
        null,
        new Finding(e.ManagerFinding, NullIfEmpty(e.CaseId), e.Reason ?? "", e.ConfirmedBy ?? "", e.ConfirmedAt, e.CustomerAnnualShipments),
        e.ConfirmedAt,
        e.ConfirmedBy ?? "",
        "service");

    /// <summary>hq's finding over gRPC: adds to a violation that has arrived; carries no parties of its own.</summary>
    public static ViolationReport FromHq(Caller caller, string violationId, string managerFinding, string reason, decimal? customerAnnualShipments, DateTimeOffset now) => new(
        violationId,
        null,
        null,
        null,
        null,
        null,
        null,
        customerAnnualShipments,
        null,
        new Finding(managerFinding, null, reason, caller.EmployeeId, now, customerAnnualShipments),
        now,
        caller.EmployeeId,
        caller.Role);

    public static void Validate(ViolationReport report)
    {
        var violations = new List<FieldViolation>();
        CheckId(violations, "violation_id", report.ViolationId, required: true);
        if (report.Violator is { } violator)
        {
            CheckText(violations, "rule_id", report.RuleId, 32, required: true);
            CheckText(violations, "kind", report.Kind, 64, required: true);
            CheckId(violations, "violator.employee_id", violator.EmployeeId, required: true);
            CheckText(violations, "violator.role", violator.Role, 32, required: true);
            CheckId(violations, "violator.branch_id", violator.BranchId, required: false);
            CheckId(violations, "violator.region_id", violator.RegionId, required: false);
            CheckId(violations, "violator.manager_id", violator.ManagerId, required: false);
        }

        CheckId(violations, "injured_employee_id", report.InjuredEmployeeId, required: false);
        CheckText(violations, "customer_id", report.CustomerId, 128, required: false);
        CheckText(violations, "customer_identity_key", report.CustomerIdentityKey, 256, required: false);
        CheckShipments(violations, "customer_annual_shipments", report.CustomerAnnualShipments);
        if (report.Detection is { } detection)
        {
            CheckText(violations, "source", detection.Source, 64, required: true);
            CheckText(violations, "evidence", detection.Evidence, MaxTextLength, required: false);
        }

        if (report.Finding is { } finding)
        {
            if (!ManagerFindings.All.Contains(finding.ManagerFinding))
            {
                violations.Add(new("manager_finding", $"须为 {string.Join("/", ManagerFindings.All)} 之一 / one of {string.Join(", ", ManagerFindings.All)}"));
            }

            CheckText(violations, "reason", finding.Reason, MaxTextLength, required: false);
            CheckText(violations, "confirmed_by", finding.By, 64, required: true);
            CheckText(violations, "case_id", finding.CaseId, 128, required: false);
        }

        RequestValidationException.ThrowIfAny(violations);
    }

    public static void CheckId(List<FieldViolation> violations, string field, string? id, bool required)
    {
        if (string.IsNullOrEmpty(id))
        {
            if (required)
            {
                violations.Add(new(field, "必填 / required"));
            }
        }
        else if (!IdPattern().IsMatch(id))
        {
            violations.Add(new(field, "编号只能含字母、数字、_ . : -，最长 128 / letters, digits, _ . : - only, at most 128"));
        }
    }

    public static void CheckText(List<FieldViolation> violations, string field, string? text, int maxLength, bool required)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            if (required)
            {
                violations.Add(new(field, "必填 / required"));
            }
        }
        else if (text.Length > maxLength)
        {
            violations.Add(new(field, $"最长 {maxLength} 字 / at most {maxLength} characters"));
        }
    }

    public static void CheckShipments(List<FieldViolation> violations, string field, decimal? shipments)
    {
        if (shipments is < 0 or > MaxShipments)
        {
            violations.Add(new(field, "须为 0 至 1 万亿元 / between 0 and 1,000,000,000,000 CNY"));
        }
    }

    private static Party? Copy(ViolationParty? party) =>
        party is null ? null : new Party(party.EmployeeId, party.Role, NullIfEmpty(party.BranchId), NullIfEmpty(party.RegionId), NullIfEmpty(party.ManagerId));

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
