using CustomerProtection.Registration.Domain;
using NodaTime;

namespace CustomerProtection.Registration.Application;

/// <summary>
/// Registration's question to the clock seam: a customer's protection (P-3) at an instant, with the
/// parameters of its period (P-14) and the calendar in force now.
/// </summary>
public static class ProtectionNow
{
    public static ProtectionState Evaluate(this PolicyClock clock, Customer customer) => clock.Evaluate(customer, clock.Now);

    public static ProtectionState Evaluate(this PolicyClock clock, Customer customer, Instant now) => Protection.Evaluate(customer, clock.Book, clock.Calendar, now);
}
