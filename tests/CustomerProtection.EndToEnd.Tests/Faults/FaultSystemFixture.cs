namespace CustomerProtection.EndToEnd.Tests.Faults;

/// <summary>
/// A system of the fault tests' own (the real AppHost, as <see cref="SystemFixture"/> starts it): they kill
/// its Redis and its RabbitMQ, which would break every other end-to-end test sharing the one system.
/// </summary>
public sealed class FaultSystemFixture : SystemFixture;

/// <summary>
/// Not run in parallel with any other collection: xunit runs it after the parallel ones (the shared system's
/// collection) have finished and disposed their fixtures, so only one AppHost runs at a time on the machine.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class FaultCollection : ICollectionFixture<FaultSystemFixture>
{
    public const string Name = "faults";
}
