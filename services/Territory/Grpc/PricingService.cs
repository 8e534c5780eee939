using CustomerProtection.Protos;
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
    Application.GetPriceApproval getPriceApproval,
    RecordDealTermsReads audit) : Pricing.PricingBase
{
    public override async Task<V1.AskingPrice> SetAskingPrice(SetAskingPriceRequest request, ServerCallContext context)
    {
        var caller = Caller.From(context);
        var (price, from) = await setAskingPrice.ExecuteAsync(caller, new AskingPriceInput(request.RegionId, request.ProductCode, request.Price, request.EffectiveFrom));
        return Describe(price, from, caller);
    }

    public override async Task<V1.AskingPrice> GetAskingPrice(GetAskingPriceRequest request, ServerCallContext context)
    {
        var caller = Caller.From(context);
        var (price, on) = await getAskingPrice.ExecuteAsync(request.RegionId, request.ProductCode, request.On);
        return price is null
            ? new V1.AskingPrice { RegionId = request.RegionId, ProductCode = request.ProductCode, On = on.ToProtoDate() }
            : Describe(price, on, caller);
    }

    public override async Task<V1.PriceApproval> RequestPriceApproval(RequestPriceApprovalRequest request, ServerCallContext context)
    {
        var caller = Caller.From(context);
        return await ShownAsync(await requestPriceApproval.ExecuteAsync(caller, new PriceApprovalInput(
            request.RequestId, Customer(request.Customer), request.ProductCode, request.RegionId, request.RequestedPrice, request.Reason), context.CancellationToken), caller, context);
    }

    public override async Task<V1.PriceApproval> DecidePriceApproval(DecidePriceApprovalRequest request, ServerCallContext context)
    {
        var caller = Caller.From(context);
        return await ShownAsync(await decidePriceApproval.ExecuteAsync(caller, new PriceDecisionInput(request.Id, request.Approve, request.FinalPrice, request.ValidUntil, request.Reason)), caller, context);
    }

    public override async Task<V1.PriceApproval> GetPriceApproval(GetPriceApprovalRequest request, ServerCallContext context)
    {
        var caller = Caller.From(context);
        return await ShownAsync(await getPriceApproval.ExecuteAsync(caller, request.Id), caller, context);
    }

    /// <summary>The approval as the caller may see it; a floor that was another sale's price, shown to hq, is a read of that customer's deal terms (C-5).</summary>
    private async Task<V1.PriceApproval> ShownAsync(Versioned<Domain.PriceApproval> approval, Caller caller, ServerCallContext context)
    {
        var a = approval.Value;
        if ((a.FloorIsPreviousSale || a.FloorRuleId == "P-3.7") && DealTerms.MaySeeApprovalFloor(caller, a))
        {
            await audit.RecordAsync(caller, Rpc(context), [new DealTermsRead(null, a.IdentityKey, RecordDealTermsReads.PreviousSalePrice, $"price approval {a.Id}")]);
        }

        return ToProto(approval, caller);
    }

    /// <summary>C-2: the prices only for those <see cref="DealTerms.MaySeeAskingPrices"/> names; the dates and who set them for anyone.</summary>
    private static V1.AskingPrice Describe(Versioned<Domain.AskingPrice> price, DateOnly on, Caller caller)
    {
        var clear = DealTerms.MaySeeAskingPrices(caller, price.Value.RegionId);
        V1.AskingPriceVersion Shown(Domain.AskingPriceVersion v)
        {
            var shown = SalesMapping.ToProto(v);
            shown.Price = clear ? shown.Price : "";
            return shown;
        }

        return new()
        {
            RegionId = price.Value.RegionId,
            ProductCode = price.Value.ProductCode,
            Versions = { price.Value.Versions.Select(Shown) },
            InForce = price.Value.InForce(on) is { } v ? Shown(v) : null,
            On = on.ToProtoDate(),
            Version = price.Version,
            PricesWithheld = !clear,
        };
    }
}
