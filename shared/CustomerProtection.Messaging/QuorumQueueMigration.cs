using MassTransit;
using Microsoft.Extensions.Logging;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace CustomerProtection.Messaging;

/// <summary>
/// Turns the service's classic consumer queues (left by releases before quorum queues), and quorum
/// queues of another replication factor, into quorum queues of the configured factor before the bus starts, without losing a message. RabbitMQ refuses to redeclare a queue
/// with another <c>x-queue-type</c> or <c>x-quorum-initial-group-size</c> (406 PRECONDITION_FAILED), so without this a service would not
/// start on an existing broker. Works over AMQP alone: the management plugin is not enabled on the
/// AppHost's broker and need not be on an operator's.
/// </summary>
/// <remarks>
/// For such a queue <c>Q</c>: a holding quorum queue <c>Q_quorum-migration</c> is bound to the
/// exchange <c>Q</c> and <c>Q</c> unbound from it (so publishers keep delivering, into the holding
/// queue), every message of <c>Q</c> is copied to the holding queue under publisher confirms and only
/// then acknowledged, <c>Q</c> is deleted once found empty, declared again as a quorum queue and bound, and
/// the holding queue is drained into it and deleted. A message published in the instant both
/// queues are bound arrives twice with one message id; consumers are idempotent. Every step can be
/// repeated, so a migration cut short (crash, lost connection) completes at the next start: a holding
/// queue found at start-up is always drained. MassTransit binds a consumer queue only to the exchange
/// of its own name (message exchanges bind to that exchange), which is the binding moved here.
/// </remarks>
public sealed class QuorumQueueMigration(MessagingQueues queues, ILogger<QuorumQueueMigration> logger) : IBusObserver
{
    public const string HoldingSuffix = "_quorum-migration";

    public async Task PreStart(IBus bus)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        await MigrateAsync(queues.BrokerAddress, queues.Names, queues.Replicas, logger, cts.Token, queues.BrokerCertificate);
    }

    public static async Task MigrateAsync(Uri broker, IEnumerable<string> queueNames, int replicas, ILogger logger, CancellationToken cancellationToken,
        System.Net.Security.RemoteCertificateValidationCallback? brokerCertificate = null)
    {
        // amqps:// turns TLS on (the URI sets the server name); a private CA is checked by the callback.
        var factory = new ConnectionFactory { Uri = broker, ClientProvidedName = "quorum-queue-migration", AutomaticRecoveryEnabled = false };
        factory.Ssl.CertificateValidationCallback = brokerCertificate;
        await using var connection = await factory.CreateConnectionAsync(cancellationToken);
        var rabbit = new Broker(connection, QuorumArguments(replicas), cancellationToken);
        foreach (var queue in queueNames)
        {
            var holding = queue + HoldingSuffix;
            if (await rabbit.ExistsAsync(queue) && !await rabbit.IsQuorumAsync(queue))
            {
                var moved = await rabbit.DrainAsync(queue, holding);
                logger.LogWarning("Queue {Queue} was not a quorum queue of this replication factor (a classic queue of an earlier release, or another factor): {Count} message(s) moved to {Holding}, the queue deleted to be declared as a quorum queue", queue, moved, holding);
            }

            if (await rabbit.ExistsAsync(holding))
            {
                var moved = await rabbit.RestoreAsync(queue, holding);
                logger.LogWarning("Queue {Queue} is a quorum queue now: {Count} message(s) moved back from {Holding}", queue, moved, holding);
            }
        }
    }

    /// <summary>Exactly the arguments MassTransit's <c>SetQuorumQueue(replicas)</c> declares, or its own declaration would be refused as inequivalent.</summary>
    public static Dictionary<string, object?> QuorumArguments(int replicas) => new()
    {
        [RabbitMQ.Client.Headers.XQueueType] = "quorum",
        [RabbitMQ.Client.Headers.XQuorumInitialGroupSize] = replicas,
    };

    private sealed class Broker(IConnection connection, Dictionary<string, object?> quorum, CancellationToken cancellationToken)
    {
        private const string MassTransitExchangeType = ExchangeType.Fanout;

        public Task<bool> ExistsAsync(string queue) =>
            SucceedsAsync(channel => channel.QueueDeclarePassiveAsync(queue, cancellationToken), Constants.NotFound);

        /// <summary>A passive declare does not tell the type; declaring it as quorum does (a classic queue, or another factor, is inequivalent).</summary>
        public Task<bool> IsQuorumAsync(string queue) =>
            SucceedsAsync(channel => DeclareQuorumAsync(channel, queue), Constants.PreconditionFailed);

        public async Task<long> DrainAsync(string queue, string holding)
        {
            await using var channel = await OpenAsync();
            await DeclareQuorumAsync(channel, holding);
            await channel.ExchangeDeclareAsync(queue, MassTransitExchangeType, durable: true, autoDelete: false, cancellationToken: cancellationToken);
            await channel.QueueBindAsync(holding, queue, "", cancellationToken: cancellationToken);
            await channel.QueueUnbindAsync(queue, queue, "", cancellationToken: cancellationToken);
            // Unbound, the queue receives nothing more: once a get finds it empty it can go. (Not
            // delete-if-empty: quorum queues, e.g. of another replication factor, do not support it.)
            var moved = await MoveAsync(queue, holding);
            await DeleteAsync(queue);
            return moved;
        }

        public async Task<long> RestoreAsync(string queue, string holding)
        {
            await using (var channel = await OpenAsync())
            {
                await DeclareQuorumAsync(channel, queue);
                await channel.ExchangeDeclareAsync(queue, MassTransitExchangeType, durable: true, autoDelete: false, cancellationToken: cancellationToken);
                await channel.QueueBindAsync(queue, queue, "", cancellationToken: cancellationToken);
                await channel.QueueUnbindAsync(holding, queue, "", cancellationToken: cancellationToken);
            }

            var moved = await MoveAsync(holding, queue);
            await DeleteAsync(holding);
            return moved;
        }

        /// <summary>Each message is acknowledged on <paramref name="from"/> only after the broker confirmed it on <paramref name="to"/>.</summary>
        private async Task<long> MoveAsync(string from, string to)
        {
            await using var channel = await OpenAsync();
            var moved = 0L;
            while (await channel.BasicGetAsync(from, autoAck: false, cancellationToken) is { } message)
            {
                await channel.BasicPublishAsync("", to, mandatory: true, new BasicProperties(message.BasicProperties), message.Body, cancellationToken);
                await channel.BasicAckAsync(message.DeliveryTag, multiple: false, cancellationToken);
                moved++;
            }

            return moved;
        }

        private async Task DeleteAsync(string queue)
        {
            await using var channel = await OpenAsync();
            await channel.QueueDeleteAsync(queue, ifUnused: false, ifEmpty: false, cancellationToken: cancellationToken);
        }

        private Task DeclareQuorumAsync(IChannel channel, string queue) =>
            channel.QueueDeclareAsync(queue, durable: true, exclusive: false, autoDelete: false, quorum, cancellationToken: cancellationToken);

        private Task<IChannel> OpenAsync() => connection.CreateChannelAsync(
            new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true), cancellationToken);

        /// <summary>Runs <paramref name="step"/> on a channel of its own, since the broker closes a channel on the refusal <paramref name="refusal"/>.</summary>
        private async Task<bool> SucceedsAsync(Func<IChannel, Task> step, ushort refusal)
        {
            var channel = await OpenAsync();
            try
            {
                await step(channel);
                return true;
            }
            catch (OperationInterruptedException ex) when (ex.ShutdownReason?.ReplyCode == refusal)
            {
                return false;
            }
            finally
            {
                await channel.DisposeAsync();
            }
        }
    }

    public void PostCreate(IBus bus)
    {
    }

    public void CreateFaulted(Exception exception)
    {
    }

    public Task PostStart(IBus bus, Task<BusReady> busReady) => Task.CompletedTask;

    public Task StartFaulted(IBus bus, Exception exception) => Task.CompletedTask;

    public Task PreStop(IBus bus) => Task.CompletedTask;

    public Task PostStop(IBus bus) => Task.CompletedTask;

    public Task StopFaulted(IBus bus, Exception exception) => Task.CompletedTask;
}

/// <summary>
/// The consumer queues of this service's bus (with their <c>_error</c> and <c>_skipped</c> queues),
/// collected while MassTransit configures its endpoints, i.e. before the bus starts.
/// </summary>
public sealed class MessagingQueues(Uri brokerAddress, int replicas, System.Net.Security.RemoteCertificateValidationCallback? brokerCertificate = null)
{
    private readonly List<string> _names = [];

    public Uri BrokerAddress { get; } = brokerAddress;

    /// <summary>C-4: checks an amqps:// broker's certificate against the private CA; null: the machine's trust store.</summary>
    public System.Net.Security.RemoteCertificateValidationCallback? BrokerCertificate { get; } = brokerCertificate;

    public int Replicas { get; } = replicas;

    public IReadOnlyList<string> Names
    {
        get
        {
            lock (_names)
            {
                return [.. _names];
            }
        }
    }

    public void AddEndpoint(string queue)
    {
        lock (_names)
        {
            // MassTransit's fixed names for faulted and skipped messages of an endpoint.
            _names.AddRange([queue, queue + "_error", queue + "_skipped"]);
        }
    }
}
