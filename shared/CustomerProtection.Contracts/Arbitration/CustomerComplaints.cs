namespace CustomerProtection.Contracts.Arbitration;

/// <summary>
/// M-3: a customer's complaint was not answered within the response time; the branch manager is
/// told (an e-mail or IM bridge consumes this). Published once per complaint.
/// </summary>
public sealed record CustomerComplaintEscalated(
    string ComplaintId,
    string CustomerId,
    string BranchId,
    string? ManagerId,
    string? AboutEmployeeId,
    DateOnly ResponseDueOn,
    DateTimeOffset ReceivedAt,
    DateTimeOffset EscalatedAt);
