using CustomerProtection.ServiceDefaults.Security;
using CustomerProtection.Territory.Application;
using CustomerProtection.Territory.V1;
using Grpc.Core;
using static CustomerProtection.Territory.Grpc.SalesMapping;

namespace CustomerProtection.Territory.Grpc;

/// <summary>Thin gRPC surface of groups (P-4.4).</summary>
public sealed class CustomerGroupsService(LinkGroupMember link, UnlinkGroupMember unlink, GetCustomerGroup get) : CustomerGroups.CustomerGroupsBase
{
    public override async Task<V1.CustomerGroup> LinkSubsidiary(LinkSubsidiaryRequest request, ServerCallContext context) =>
        ToProto(await link.ExecuteAsync(Caller.From(context), OptionalCustomer(request.Parent), OptionalCustomer(request.Subsidiary)));

    public override async Task<V1.CustomerGroup> UnlinkSubsidiary(UnlinkSubsidiaryRequest request, ServerCallContext context) =>
        ToProto(await unlink.ExecuteAsync(Caller.From(context), OptionalCustomer(request.Parent), OptionalCustomer(request.Subsidiary)));

    public override async Task<V1.CustomerGroup> GetGroup(GetGroupRequest request, ServerCallContext context) =>
        ToProto(await get.ExecuteAsync(OptionalCustomer(request.Customer)));

    private static V1.CustomerGroup ToProto(Versioned<Domain.CustomerGroup> versioned) => new()
    {
        ParentIdentityKey = versioned.Value.ParentIdentityKey,
        ParentInvoiceTitle = versioned.Value.ParentInvoiceTitle,
        ParentTaxpayerId = versioned.Value.ParentTaxpayerId ?? "",
        Subsidiaries =
        {
            versioned.Value.Members.Select(m => new V1.GroupMember
            {
                IdentityKey = m.IdentityKey,
                InvoiceTitle = m.InvoiceTitle,
                TaxpayerId = m.TaxpayerId ?? "",
                LinkedBy = m.LinkedBy,
                LinkedAt = SalesMapping.Time(m.LinkedAt),
            }),
        },
        Version = versioned.Version,
    };
}
