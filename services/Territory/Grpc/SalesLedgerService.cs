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
    Application.ListServiceSupport listServiceSupport) : SalesLedger.SalesLedgerBase
{
    public override async Task<SaleAuthorization> AuthorizeSale(AuthorizeSaleRequest request, ServerCallContext context)
    {
        var answer = await authorize.ExecuteAsync(Caller.From(context), new AuthorizationInput(
            Customer(request.Customer), request.ProductCode, request.UnitPrice, request.RegionId, request.ThroughAgent, request.SellerId), context.CancellationToken);
        var verdict = answer.Verdict;
        return new SaleAuthorization
        {
            Decision = Decision(verdict.Decision),
            Findings = { verdict.Findings.Select(ToProto) },
            CustomerIdentityKey = answer.IdentityKey,
            OwnerId = verdict.Protector ?? "",
            CustomerProtected = verdict.Protector is not null,
            FloorPrice = Money.Format(verdict.Floor),
            ApprovedPrice = Money.Format(verdict.ApprovedPrice),
            CrossRegionFilingId = verdict.Filing?.Id ?? "",
        };
    }

    public override async Task<V1.Sale> RecordSale(RecordSaleRequest request, ServerCallContext context) =>
        ToProto(await record.ExecuteAsync(Caller.From(context), new SaleInput(
            request.Id, request.SellerId, Customer(request.Customer), request.ProductCode, request.UnitPrice, request.Quantity,
            request.ShippedOn, request.RegionId, request.ThroughAgent, request.AgentName), context.CancellationToken));

    public override async Task<V1.Sale> GetSale(GetSaleRequest request, ServerCallContext context) =>
        ToProto(await query.GetSaleAsync(Caller.From(context), request.Id));

    public override async Task<ListSaleViolationsResponse> ListViolations(ListSaleViolationsRequest request, ServerCallContext context)
    {
        var (items, next) = await query.ListViolationsAsync(Caller.From(context), request.SaleId, request.PageSize, request.PageToken);
        return new ListSaleViolationsResponse { Violations = { items.Select(ToProto) }, NextPageToken = next ?? "" };
    }

    public override async Task<ListCreditsResponse> ListCredits(ListCreditsRequest request, ServerCallContext context)
    {
        var report = await query.CreditsAsync(Caller.From(context), request.EmployeeId, request.From, request.To);
        return new ListCreditsResponse
        {
            EmployeeId = report.EmployeeId,
            Credits = { report.Credits.Select(c => new Credit { SaleId = c.SaleId, ShippedOn = Dates.Iso(c.Day), Amount = Money.Format(c.Amount), SellerId = c.SellerId }) },
            Total = Money.Format(report.Total),
        };
    }

    public override async Task<V1.ServiceSupportAgreement> RecordServiceSupport(RecordServiceSupportRequest request, ServerCallContext context) =>
        ToProto(await recordServiceSupport.ExecuteAsync(Caller.From(context), new ServiceSupportInput(
            request.Id, Customer(request.Customer), request.DeveloperId, request.SupportingBranchId, request.Fee, request.ValidFrom, request.ValidUntil, request.Terms)));

    public override async Task<ListServiceSupportResponse> ListServiceSupport(ListServiceSupportRequest request, ServerCallContext context) =>
        new() { Agreements = { (await listServiceSupport.ExecuteAsync(Caller.From(context), request.SupportingBranchId, request.DeveloperId)).Select(ToProto) } };
}
