using CustomerProtection.Protos;
using CustomerProtection.Registration.V1;
using CustomerProtection.Territory.Application;
using CustomerProtection.Territory.Domain;

namespace CustomerProtection.Territory.Clients;

/// <summary>
/// Registration's <c>Ownership/GetOwnership</c>. The channel forwards the caller's bearer token
/// (TerritoryServices): a service-to-service call acts for the caller, so Registration applies the
/// caller's own rights.
/// </summary>
public sealed class RegistrationOwnershipLookup(Ownership.OwnershipClient client, RegistrationCalls calls) : IOwnershipLookup
{
    public async Task<OwnershipFacts> GetAsync(ResolvedCustomer customer, CancellationToken cancellationToken)
    {
        var request = customer.IdentityKey is null
            ? new GetOwnershipRequest { CustomerId = customer.CustomerId ?? "" }
            : new GetOwnershipRequest { TaxpayerId = customer.TaxpayerId ?? "", InvoiceTitle = customer.InvoiceTitle ?? "" };
        var info = await calls.CallAsync(ct => client.GetOwnershipAsync(request, cancellationToken: ct).ResponseAsync, cancellationToken);
        return Map(info, customer.IdentityKey);
    }

    public static OwnershipFacts Map(OwnershipInfo info, string? identityKey)
    {
        var key = string.IsNullOrEmpty(info.IdentityKey) ? identityKey ?? "" : info.IdentityKey;
        if (!info.Found)
        {
            return OwnershipFacts.NotFound(key);
        }

        return new OwnershipFacts(
            true,
            NullIfEmpty(info.CustomerId),
            key,
            NullIfEmpty(info.InvoiceTitle),
            NullIfEmpty(info.OwnerId),
            NullIfEmpty(info.OwnerBranchId),
            NullIfEmpty(info.OwnerRegionId),
            ProtoWords.Word(info.Stage),
            ProtoWords.Word(info.Status),
            info.ProtectedSince?.ToDateOnly(),
            info.LastProtectedDay?.ToDateOnly(),
            info.ProtectedNow,
            [.. info.CoDeveloperIds],
            NullIfEmpty(info.PreviousOwnerId),
            info.LapsedOn?.ToDateOnly());
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
