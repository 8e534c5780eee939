using CustomerProtection.ServiceDefaults.Security;
using CustomerProtection.Territory.Application;
using CustomerProtection.Territory.Domain;
using CustomerProtection.Territory.V1;
using Grpc.Core;
using static CustomerProtection.Territory.Grpc.SalesMapping;

namespace CustomerProtection.Territory.Grpc;

/// <summary>Thin gRPC surface of asking prices (P-4.2) and price-floor approvals (P-3.7, P-4.2).</summary>
public sealed class PricingService(
    Application.SetAskingPrice setAskingPrice,
    Application.GetAskingPrice getAskingPrice,
    Application.RequestPriceApproval requestPriceApproval,
    Application.DecidePriceApproval decidePriceApproval,
    Application.GetPriceApproval getPriceApproval) : Pricing.PricingBase
{
    public override async Task<V1.AskingPrice> SetAskingPrice(SetAskingPriceRequest request, ServerCallContext context)
    {
        var (price, from) = await setAskingPrice.ExecuteAsync(Caller.From(context), new AskingPriceInput(request.RegionId, request.ProductCode, request.Price, request.EffectiveFrom));
        return Describe(price, from);
    }

    public override async Task<V1.AskingPrice> GetAskingPrice(GetAskingPriceRequest request, ServerCallContext context)
    {
        var (price, on) = await getAskingPrice.ExecuteAsync(request.RegionId, request.ProductCode, request.On);
        return price is null
            ? new V1.AskingPrice { RegionId = request.RegionId, ProductCode = request.ProductCode, On = Dates.Iso(on) }
            : Describe(price, on);
    }

    public override async Task<V1.PriceApproval> RequestPriceApproval(RequestPriceApprovalRequest request, ServerCallContext context) =>
        ToProto(await requestPriceApproval.ExecuteAsync(Caller.From(context), new PriceApprovalInput(
            request.Id, Customer(request.Customer), request.ProductCode, request.RegionId, request.RequestedPrice, request.Reason), context.CancellationToken));

    public override async Task<V1.PriceApproval> DecidePriceApproval(DecidePriceApprovalRequest request, ServerCallContext context) =>
        ToProto(await decidePriceApproval.ExecuteAsync(Caller.From(context), new PriceDecisionInput(request.Id, request.Approve, request.FinalPrice, request.ValidUntil, request.Reason)));

    public override async Task<V1.PriceApproval> GetPriceApproval(GetPriceApprovalRequest request, ServerCallContext context) =>
        ToProto(await getPriceApproval.ExecuteAsync(Caller.From(context), request.Id));

    private static V1.AskingPrice Describe(Versioned<Domain.AskingPrice> price, DateOnly on) => new()
    {
        RegionId = price.Value.RegionId,
        ProductCode = price.Value.ProductCode,
        Versions = { price.Value.Versions.Select(SalesMapping.ToProto) },
        InForce = price.Value.InForce(on) is { } v ? SalesMapping.ToProto(v) : null,
        On = Dates.Iso(on),
        Version = price.Version,
    };
}
