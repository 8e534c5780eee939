namespace CustomerProtection.Time;

/// <summary>
/// The controllable clock (tests and demos only, switched on by <c>Clock:Controllable</c>): the
/// machine's time plus an offset that all services share through Redis. It only moves forward,
/// so a deadline that has passed stays passed.
/// </summary>
public sealed class SharedClock(TimeProvider machine) : TimeProvider
{
    private long _offsetTicks;

    public TimeSpan Offset => TimeSpan.FromTicks(Interlocked.Read(ref _offsetTicks));

    public override DateTimeOffset GetUtcNow() => machine.GetUtcNow() + Offset;

    public override TimeZoneInfo LocalTimeZone => machine.LocalTimeZone;

    /// <summary>Adopts the shared offset; a stale (smaller) value from a late message is ignored.</summary>
    public void Observe(TimeSpan offset)
    {
        var ticks = offset.Ticks;
        long current;
        do
        {
            current = Interlocked.Read(ref _offsetTicks);
            if (ticks <= current)
            {
                return;
            }
        }
        while (Interlocked.CompareExchange(ref _offsetTicks, ticks, current) != current);
    }
}
