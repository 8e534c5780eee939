using CustomerProtection.Protos;
using CustomerProtection.ServiceDefaults.Security;
using CustomerProtection.Territory.Application;
using CustomerProtection.Territory.Domain;
using CustomerProtection.Territory.V1;
using Grpc.Core;
using static CustomerProtection.Territory.Grpc.SalesMapping;

namespace CustomerProtection.Territory.Grpc;

/// <summary>Thin gRPC surface of the sales ledger and the sale authorisation.</summary>
public sealed class SalesLedgerService(
    AuthorizeSale authorize,
    RecordSale record,
    QuerySales query,
    Application.RecordServiceSupport recordServiceSupport,
    Application.ListServiceSupport listServiceSupport,
    RecordDealTermsReads audit) : SalesLedger.SalesLedgerBase
{
    public override async Task<SaleAuthorization> AuthorizeSale(AuthorizeSaleRequest request, ServerCallContext context)
    {
        var caller = Caller.From(context);
        var answer = await authorize.ExecuteAsync(caller, new AuthorizationInput(
            Customer(request.Customer), request.ProductCode, request.UnitPrice, request.RegionId, request.ThroughAgent, request.SellerId), context.CancellationToken);
        var (verdict, floorWithheld) = DealTerms.AsToldTo(answer.Verdict, caller);
        if (verdict.FloorIsPreviousSale && !floorWithheld)
        {
            // hq is shown another sale's price: a read of that customer's deal terms (C-5).
            await audit.RecordAsync(caller, Rpc(context),
                [new DealTermsRead(answer.Ownership.CustomerId, answer.IdentityKey, RecordDealTermsReads.PreviousSalePrice, "P-3.7 floor")]);
        }

        return new SaleAuthorization
        {
            Decision = Decision(verdict.Decision),
            Findings = { verdict.Findings.Select(ToProto) },
            CustomerIdentityKey = answer.IdentityKey,
            OwnerId = verdict.Protector ?? "",
            CustomerProtected = verdict.Protector is not null,
            FloorPrice = Money.Format(verdict.Floor),
            ApprovedPrice = Money.Format(verdict.ApprovedPrice),
            CrossRegionRequestId = verdict.Filing?.Id ?? "",
            FloorWithheld = floorWithheld,
        };
    }

    public override async Task<V1.Sale> RecordSale(RecordSaleRequest request, ServerCallContext context)
    {
        var caller = Caller.From(context);
        return ToProto(await record.ExecuteAsync(caller, new SaleInput(
            request.Id, request.SellerId, Customer(request.Customer), request.ProductCode, request.UnitPrice, request.Quantity,
            request.ShippedOn, request.RegionId, request.ThroughAgent, request.AgentName, SalesMapping.Kind(request.Kind)), context.CancellationToken), caller);
    }

    public override async Task<V1.Sale> GetSale(GetSaleRequest request, ServerCallContext context)
    {
        var caller = Caller.From(context);
        var sale = await query.GetSaleAsync(caller, request.Id);
        await audit.RecordAsync(caller, Rpc(context), RecordDealTermsReads.ClearReads(sale, caller));
        return ToProto(sale, caller);
    }

    public override async Task<ListSaleViolationsResponse> ListViolations(ListSaleViolationsRequest request, ServerCallContext context)
    {
        var caller = Caller.From(context);
        var (items, next) = await query.ListViolationsAsync(caller, request.SaleId, request.PageSize, request.PageToken);
        await audit.RecordAsync(caller, Rpc(context), RecordDealTermsReads.ClearReads(items, caller));
        return new ListSaleViolationsResponse { Violations = { items.Select(v => ToProto(v, caller)) }, NextPageToken = next ?? "" };
    }

    public override async Task<ListCreditsResponse> ListCredits(ListCreditsRequest request, ServerCallContext context)
    {
        var caller = Caller.From(context);
        var report = await query.CreditsAsync(caller, request.EmployeeId, request.From, request.To);
        var clear = DealTerms.MaySeeCreditAmounts(caller, report.EmployeeId);
        if (clear)
        {
            await audit.RecordAsync(caller, Rpc(context),
                report.Credits.Select(s => new DealTermsRead(s.CustomerId, s.IdentityKey, RecordDealTermsReads.SaleAmount, $"credit of sale {s.Id}")));
        }
        return new ListCreditsResponse
        {
            EmployeeId = report.EmployeeId,
            Credits =
            {
                report.Credits.Select(c => new Credit { SaleId = c.Id, ShippedOn = c.ShippedOn.ToProtoDate(), Amount = clear ? Money.Format(c.Amount) : "", SellerId = c.SellerId }),
            },
            Total = clear ? Money.Format(report.Total) : "",
            AmountsWithheld = !clear,
        };
    }

    public override async Task<V1.ServiceSupportAgreement> RecordServiceSupport(RecordServiceSupportRequest request, ServerCallContext context) =>
        ToProto(await recordServiceSupport.ExecuteAsync(Caller.From(context), new ServiceSupportInput(
            request.RequestId, Customer(request.Customer), request.DeveloperId, request.SupportingBranchId, request.Fee, request.ValidFrom, request.ValidUntil, request.Terms)));

    public override async Task<ListServiceSupportResponse> ListServiceSupport(ListServiceSupportRequest request, ServerCallContext context) =>
        new() { Agreements = { (await listServiceSupport.ExecuteAsync(Caller.From(context), request.SupportingBranchId, request.DeveloperId)).Select(ToProto) } };
}
