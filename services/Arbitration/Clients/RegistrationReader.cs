using CustomerProtection.Arbitration.Application;
using CustomerProtection.Arbitration.Domain;
using CustomerProtection.Protos;
using CustomerProtection.Registration.V1;
using Grpc.Core;

namespace CustomerProtection.Arbitration.Clients;

/// <summary>Registration's <c>Customers/GetCustomer</c> and <c>Customers/ListProgress</c>, under the service's own identity (<see cref="IServiceToken"/>).</summary>
public sealed class RegistrationReader(Customers.CustomersClient client) : IRegistrationReader
{
    public async Task<CustomerFacts?> GetCustomerAsync(string customerId, CancellationToken cancellationToken)
    {
        try
        {
            var view = await client.GetCustomerAsync(new GetCustomerRequest { CustomerId = customerId }, cancellationToken: cancellationToken);
            return Map(view);
        }
        catch (RpcException ex) when (ex.StatusCode == StatusCode.NotFound)
        {
            return null;
        }
    }

    public async Task<IReadOnlyList<ProgressFact>> ListProgressAsync(string customerId, CancellationToken cancellationToken)
    {
        var list = await client.ListProgressAsync(new ListProgressRequest { CustomerId = customerId }, cancellationToken: cancellationToken);
        return list.ProgressRecords
            .Select(r => r.On is { } on && ProtoWords.Word(r.Kind) is { } kind ? new ProgressFact(customerId, kind, on.ToDateOnly(), NullIfEmpty(r.Evidence), r.RecordedBy) : null)
            .OfType<ProgressFact>()
            .ToList();
    }

    public static CustomerFacts Map(CustomerView view) => new(
        view.CustomerId,
        view.IdentityKey,
        view.InvoiceTitle,
        view.BranchId,
        NullIfEmpty(view.RegionId),
        NullIfEmpty(view.OwnerId),
        ProtoWords.Word(view.Status) ?? "",
        view.ProtectedNow,
        view.ApprovedOn?.ToDateOnly(),
        [.. view.CoDeveloperIds],
        NullIfEmpty(view.PreviousOwnerId),
        view.ObjectionWindowEnds?.ToDateOnly());

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
