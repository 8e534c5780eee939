using CustomerProtection.ServiceDefaults.Security;
using CustomerProtection.Territory.Application;
using CustomerProtection.Territory.V1;
using Grpc.Core;

namespace CustomerProtection.Territory.Grpc;

/// <summary>Thin gRPC surface of P-7's dealer reviews.</summary>
public sealed class DealerReviewsService(ListDealerReviews list, DecideDealerReview decide) : DealerReviews.DealerReviewsBase
{
    public override async Task<ListDealerReviewsResponse> ListDealerReviews(ListDealerReviewsRequest request, ServerCallContext context)
    {
        var items = await list.ExecuteAsync(Caller.From(context), request.PageToken, request.PageSize);
        var size = request.PageSize == 0 ? PageSizes.Default : request.PageSize;
        return new ListDealerReviewsResponse
        {
            Reviews = { items.Select(ToProto) },
            NextPageToken = items.Count == size ? items[^1].Value.DealerId : "",
        };
    }

    public override async Task<V1.DealerReview> DecideDealerReview(DecideDealerReviewRequest request, ServerCallContext context)
    {
        var convert = request.Decision switch
        {
            DealerReviewDecision.ConvertToPointToPoint => true,
            DealerReviewDecision.EndAppointment => false,
            _ => throw new RequestValidationException(new FieldViolation("decision", "convert_to_point_to_point 或 end_appointment / convert_to_point_to_point or end_appointment")),
        };
        return ToProto(await decide.ExecuteAsync(Caller.From(context), request.DealerId, convert, request.Reason));
    }

    private static V1.DealerReview ToProto(Versioned<Domain.DealerReview> versioned)
    {
        var r = versioned.Value;
        return new V1.DealerReview
        {
            DealerId = r.DealerId,
            BranchId = r.BranchId,
            RegionId = r.RegionId,
            ViolationId = r.ViolationId,
            RuleId = r.RuleId,
            DirectBranchIds = { r.DirectBranchIds },
            OpenedAt = SalesMapping.Time(r.OpenedAt),
            Status = r.Status switch
            {
                Domain.DealerReviewStatuses.Open => DealerReviewStatus.Open,
                Domain.DealerReviewStatuses.Converted => DealerReviewStatus.Converted,
                Domain.DealerReviewStatuses.Ended => DealerReviewStatus.Ended,
                _ => DealerReviewStatus.Unspecified,
            },
            DecidedBy = r.DecidedBy ?? "",
            DecidedAt = SalesMapping.Time(r.DecidedAt),
            Reason = r.Reason ?? "",
            Version = versioned.Version,
        };
    }
}
