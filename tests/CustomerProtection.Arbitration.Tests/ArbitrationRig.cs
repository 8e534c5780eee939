using CustomerProtection.Arbitration.Application;
using CustomerProtection.Arbitration.Persistence;
using CustomerProtection.Storage;
using CustomerProtection.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using StackExchange.Redis;
using static CustomerProtection.Arbitration.Tests.TestData;

namespace CustomerProtection.Arbitration.Tests;

/// <summary>
/// Arbitration's use cases over a real redis-server, with known answers for Registration and Territory
/// (their gRPC clients are not under test) and a fake clock: what the store tests share.
/// </summary>
public abstract class ArbitrationRig(RedisServer redis)
{
    protected RedisServer Redis => redis;

    protected RedisOutbox Outbox { get; } = new("arbitration");
    protected FakeTimeProvider Time { get; } = Clock();
    protected InMemoryRegistration Registration { get; } = new();
    protected InMemoryDirectory Directory { get; } = new();

    protected ArbitrationStore Store => new(redis.Connection, Outbox);
    protected PolicyClock Policy => PolicyClock(Time);
    protected FileObjection FileObjection => new(Store, Registration, Policy);
    protected FileEncroachmentComplaint FileEncroachmentComplaint => new(Store, Registration, Policy);
    protected ResolveBySurpassingClaim ResolveBySurpassingClaim => new(Store, Policy);
    protected ResolveByAuction ResolveByAuction => new(Store, Policy);
    protected PlaceBid PlaceBid => new(Store, Policy);
    protected DecideCase DecideCase => new(Store, Directory, Policy);
    protected SettleDueWork Due => new(Store, new MilestoneReader(Store, Registration, Policy), Directory, Policy, NullLogger<SettleDueWork>.Instance);
    protected IDatabase Db => redis.Connection.GetDatabase();
}
