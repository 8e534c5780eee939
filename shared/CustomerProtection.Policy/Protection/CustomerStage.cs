namespace CustomerProtection.Policy;

/// <summary>P-1: the two kinds of protected customer.</summary>
public enum CustomerStage
{
    /// <summary>准客户 (P-1.2): filed, not yet bought.</summary>
    Prospect = 1,

    /// <summary>正式客户 (P-1.1): has made a first formal purchase.</summary>
    Formal = 2,
}
