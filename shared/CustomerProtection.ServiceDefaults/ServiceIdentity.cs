namespace CustomerProtection.ServiceDefaults;

/// <summary>Which service this process is (its resource name): names its keys, queues and telemetry.</summary>
public sealed record ServiceIdentity(string Name);
