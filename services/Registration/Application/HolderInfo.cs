using System.Globalization;
using CustomerProtection.Registration.Domain;

namespace CustomerProtection.Registration.Application;

/// <summary>Who holds a customer (X-4): names, branch and dates; nothing confidential (C-1).</summary>
public sealed record HolderInfo(
    string CustomerId,
    string Title,
    string? OwnerId,
    string? OwnerName,
    string BranchId,
    string Status,
    string Stage,
    DateOnly? Since,
    DateOnly? LastProtectedDay,
    bool ProtectedNow,
    string? OpenCaseId,
    bool Provisional)
{
    public static HolderInfo Of(Customer customer, ProtectionState state) => new(
        customer.Id,
        customer.Title,
        state.OwnerOf(customer),
        state.OwnerOf(customer) is null ? null : customer.OwnerName,
        customer.BranchId,
        state.Status,
        customer.Stage,
        customer.Status == CustomerStatus.Pending ? Protection.Date(Policy.PolicyTime.DateOf(NodaTime.Instant.FromDateTimeOffset(customer.FiledAt))) : customer.ApprovedOn,
        state.End is { } end ? Protection.Date(end.LastDay) : null,
        state.ProtectedNow,
        customer.OpenCaseId,
        state.End?.Provisional ?? false);

    /// <summary>
    /// P-9.1: the earlier valid filing wins; a later filing of a held identity is ALREADY_EXISTS and
    /// its ErrorInfo names the holder (owner, branch, since, protected until, stage) and, when the ownership
    /// gate found it, which P-2.5 rule matched (<paramref name="matchedBy"/>).
    /// </summary>
    public PolicyRefusalException Taken(string? matchedBy = null)
    {
        var details = new Dictionary<string, string>
        {
            ["customerId"] = CustomerId,
            ["ownerId"] = OwnerId ?? "",
            ["ownerName"] = OwnerName ?? "",
            ["branchId"] = BranchId,
            ["since"] = Iso(Since),
            ["protectedUntil"] = Iso(LastProtectedDay),
            ["stage"] = Stage,
            ["status"] = Status,
        };
        if (matchedBy is not null)
        {
            details["matchedBy"] = matchedBy;
        }

        return new(
            "P-9.1",
            $"客户已被 {OwnerName}（{BranchId}）{(Status == CustomerStatus.Pending ? "备案待审" : "保护")}，自 {Iso(Since)} 起至 {Iso(LastProtectedDay)} / already {(Status == CustomerStatus.Pending ? "filed (pending approval)" : "protected")} by {OwnerName} ({BranchId}) since {Iso(Since)} until {Iso(LastProtectedDay)}",
            details,
            RefusalCode.AlreadyExists);
    }

    public static string Iso(DateOnly? date) => date?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? "";
}

