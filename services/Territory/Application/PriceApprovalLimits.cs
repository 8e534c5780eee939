namespace CustomerProtection.Territory.Application;

/// <summary>What the requests and decisions of price approvals (P-3.7) accept alike.</summary>
public static class PriceApprovalLimits
{
    public const int MaxReasonLength = 500;
}
