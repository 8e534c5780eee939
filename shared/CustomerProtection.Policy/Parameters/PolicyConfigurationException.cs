namespace CustomerProtection.Policy;

/// <summary>Policy versions or parameters that cannot be put in force.</summary>
public sealed class PolicyConfigurationException : Exception
{
    public PolicyConfigurationException()
    {
    }

    public PolicyConfigurationException(string message)
        : base(message)
    {
    }

    public PolicyConfigurationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
