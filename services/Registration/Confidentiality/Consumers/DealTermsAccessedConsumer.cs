using CustomerProtection.Contracts.Territory;
using CustomerProtection.Registration.Confidentiality.Domain;
using CustomerProtection.Registration.Confidentiality.Persistence.Audit;
using MassTransit;

namespace CustomerProtection.Registration.Confidentiality.Consumers;

/// <summary>
/// C-5 for the sales side: Territory's reads and changes of a customer's deal terms (a sale's prices, a
/// violation's evidence, the P-3.7 floor) join the one audit log, chained and verified with Registration's
/// own entries. The detail names the sale or violation and the customer's identity key (Territory may
/// know a customer only by it). A redelivered message appends its entry again: the log shows the access
/// twice rather than lose it.
/// </summary>
public sealed class DealTermsAccessedConsumer(AuditLog audit) : IConsumer<DealTermsAccessed>
{
    public Task Consume(ConsumeContext<DealTermsAccessed> context) => audit.AppendAsync([Entry(context.Message)]);

    /// <summary>The audit entry of an access: the RPC prefixed with the service that answered it.</summary>
    public static AuditRecord Entry(DealTermsAccessed m) =>
        new(m.OccurredAt, m.EmployeeId, m.Role, m.CustomerId, m.Kind == DealTermsAccessKinds.Change ? AuditKinds.Change : AuditKinds.Read, m.Fields, m.Purpose,
            $"territory:{m.Rpc}", $"{m.Detail} ({m.CustomerIdentityKey})");
}
