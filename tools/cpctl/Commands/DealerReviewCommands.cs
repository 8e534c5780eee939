using System.CommandLine;
using CustomerProtection.Cli.Core;
using CustomerProtection.Territory.V1;
using static CustomerProtection.Cli.Core.CommandKit;

namespace CustomerProtection.Cli.Commands;

/// <summary><c>cpctl dealer-review …</c>: point-to-area dealers that lost their right to stay (P-7), for hq.</summary>
internal static class DealerReviewCommands
{
    public static Command Create(CommandKit kit) => Group("dealer-review", "违规的点对面经销商（总部改为点对点或终止） / point-to-area dealers with a confirmed violation: hq converts or ends them (P-7)",
        List(kit), Decide(kit));

    private static Command List(CommandKit kit)
    {
        var (size, token) = (PageSize(), PageToken());
        return kit.Command("list", "待总部决定的经销商 / the dealers waiting for hq", async (s, p, ct) =>
        {
            var answer = await s.DealerReviews.ListDealerReviewsAsync(new ListDealerReviewsRequest { PageSize = p.GetValue(size), PageToken = p.GetValue(token) ?? "" },
                s.Headers, cancellationToken: ct);
            s.Out.Table(answer, answer.Reviews, "dealer_id", "region_id", "violation_id", "rule_id", "opened_at", "status");
        }, size, token);
    }

    private static Command Decide(CommandKit kit)
    {
        var id = Id("dealer-id", "经销商编号 / dealer id");
        var convert = Flag("--convert", "改为点对点 / convert to point-to-point");
        var end = Flag("--end", "终止任命 / end the appointment");
        var reason = Optional("--reason", "理由 / reason");
        return kit.Command("decide", "总部改为点对点或终止 / hq converts the dealer to point-to-point or ends it (P-7)", async (s, p, ct) =>
            s.Out.Record(await s.DealerReviews.DecideDealerReviewAsync(new DecideDealerReviewRequest
            {
                DealerId = p.GetValue(id)!,
                Decision = Either(p, convert, end) ? DealerReviewDecision.ConvertToPointToPoint : DealerReviewDecision.EndAppointment,
                Reason = p.GetValue(reason) ?? "",
            }, s.Headers, cancellationToken: ct)), id, convert, end, reason);
    }
}
