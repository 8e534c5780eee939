using CustomerProtection.Notifications.Application;
using CustomerProtection.Notifications.Domain;
using CustomerProtection.Notifications.Email;
using CustomerProtection.Notifications.Persistence;
using CustomerProtection.Notifications.Robots;
using CustomerProtection.Policy;
using CustomerProtection.Storage;
using CustomerProtection.Testing;
using CustomerProtection.Time;
using MailKit.Security;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace CustomerProtection.Notifications.Tests;

/// <summary>The worker's parts as the tests build them: one redis-server, the SMTP sink, the fake clock, no robots.</summary>
internal sealed class WorkerParts(RedisServer redis, SmtpSink sink, FakeTimeProvider time)
{
    public NotificationStore Store => new(redis.Connection, new RedisOutbox(ResourceNames.Notifications));

    public PolicyClock Clock => new(PolicyBook.Default, CalendarProvider.Create(), time);

    public RecordNotice Record => new(Store, new RobotBook([]), Clock, NullLogger<RecordNotice>.Instance);

    public SendDueDeliveries Send(RetrySchedule retry) => new(Store, new ResolveAddressees(Store),
        new EmailSender(new SmtpSettings { Host = "127.0.0.1", Port = sink.Port, Security = SecureSocketOptions.None, Timeout = TimeSpan.FromSeconds(5) }),
        new RobotSender(new HttpClient(), new RobotBook([]), time), retry, Clock, NullLogger<SendDueDeliveries>.Instance);
}
