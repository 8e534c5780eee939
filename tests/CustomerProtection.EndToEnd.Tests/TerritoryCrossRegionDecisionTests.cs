using System.Globalization;
using System.Text;
using CustomerProtection.Platform.V1;
using CustomerProtection.Policy.Actors;
using CustomerProtection.Territory.V1;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using Grpc.Core;

namespace CustomerProtection.EndToEnd.Tests;

/// <summary>
/// P-4.1 and P-10 through the real AppHost: nobody decides within the secretary's 24 hours; unanswered,
/// the filing escalates by itself and hq and the target regional manager decide together.
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class TerritoryCrossRegionDecisionTests(SystemFixture system)
{
    private CrossRegionRequests.CrossRegionRequestsClient Filings => new(system.Channel(ResourceNames.Territory));
    private Metadata Hq => system.As("HQ-1", Roles.Hq);

    [Fact]
    public async Task P10_unanswered_for_24_hours_the_filing_escalates_and_is_approved_only_once_hq_and_the_target_regional_manager_both_approved()
    {
        var s = Guid.NewGuid().ToString("N")[..8];
        var json = $$"""
            {"regions":[{"id":"R-EAST-{{s}}","name":"华东大区"},{"id":"R-WEST-{{s}}","name":"西部大区"}],
             "branches":[{"id":"B-SH-{{s}}","region_id":"R-EAST-{{s}}","name":"上海分公司","kind":"branch"}],
             "employees":[{"id":"S1-{{s}}","name":"张三","role":"salesperson","branch_id":"B-SH-{{s}}"},
                          {"id":"RM-{{s}}","name":"西部经理","role":"regional_manager","region_id":"R-WEST-{{s}}"}]}
            """;
        await new OrganizationDirectory.OrganizationDirectoryClient(system.Channel(ResourceNames.Territory))
            .ImportOrganizationAsync(new ImportOrganizationRequest { Format = ImportFormat.Json, Content = ByteString.CopyFrom(json, Encoding.UTF8) }, Hq);
        var manager = system.As("RM-" + s, Roles.RegionalManager, null, "R-WEST-" + s);
        var submitted = await Filings.CreateCrossRegionRequestAsync(new CreateCrossRegionRequestRequest
        {
            RequestId = "FD-" + s,
            TargetRegionId = "R-WEST-" + s,
            Customer = new CustomerRef { InvoiceTitle = "成都双决机械有限公司" + s },
            Reason = "客户在西部",
        }, system.As("S1-" + s, Roles.Salesperson, "B-SH-" + s, "R-EAST-" + s));

        // Within the 24 hours hq may not decide in the secretary's place (P-10), and says until when.
        var early = await Assert.ThrowsAsync<RpcException>(async () => await Filings.DecideCrossRegionRequestAsync(
            new DecideCrossRegionRequestRequest { CrossRegionRequestId = submitted.Id, Approve = true }, Hq));
        Assert.Equal(StatusCode.FailedPrecondition, early.StatusCode);
        var info = early.GetRpcStatus()!.GetDetail<ErrorInfo>();
        Assert.Equal("P-10", info.Reason);
        Assert.Equal(Iso(submitted.SubmittedAt), info.Metadata["submitted_at"]);
        Assert.Equal(Iso(submitted.Deadline), info.Metadata["deadline"]);

        await new Clock.ClockClient(system.Channel(ResourceNames.Territory))
            .AdvanceAsync(new AdvanceRequest { By = Duration.FromTimeSpan(TimeSpan.FromHours(24)) }, Hq);
        var escalated = await Eventually.GetAsync(async () =>
        {
            var f = await Filings.GetCrossRegionRequestAsync(new GetCrossRegionRequestRequest { CrossRegionRequestId = submitted.Id }, Hq);
            return f.EscalatedAt is not null ? f : null;
        }, $"escalation of {submitted.Id}");
        Assert.Equal(CrossRegionRequestStage.EscalatedAwaitingBoth, escalated.Stage);

        var byManager = await Filings.DecideCrossRegionRequestAsync(new DecideCrossRegionRequestRequest { CrossRegionRequestId = submitted.Id, Approve = true, Reason = "大区同意" }, manager);
        Assert.Equal(CrossRegionRequestStatus.Escalated, byManager.Status);
        Assert.Equal(CrossRegionRequestStage.EscalatedAwaitingHq, byManager.Stage);
        Assert.Empty((await Filings.ListCrossRegionRequestsAsync(new ListCrossRegionRequestsRequest { Queue = CrossRegionRequestQueue.Escalated }, manager)).CrossRegionRequests);

        // hq, the second decider, sees the manager's decision in its queue.
        var inHqQueue = (await Filings.ListCrossRegionRequestsAsync(new ListCrossRegionRequestsRequest { Queue = CrossRegionRequestQueue.Escalated, PageSize = 500 }, Hq)).CrossRegionRequests.Single(f => f.Id == submitted.Id);
        Assert.Equal(("RM-" + s, true, "大区同意"), (inHqQueue.RegionalManagerDecision.DecidedBy, inHqQueue.RegionalManagerDecision.Approve, inHqQueue.RegionalManagerDecision.Reason));

        var approved = await Filings.DecideCrossRegionRequestAsync(new DecideCrossRegionRequestRequest { CrossRegionRequestId = submitted.Id, Approve = true, Reason = "总部同意" }, Hq);
        Assert.Equal(CrossRegionRequestStatus.Approved, approved.Status);
        Assert.Equal(CrossRegionRequestStage.Decided, approved.Stage);
        Assert.Equal(("RM-" + s, Role.RegionalManager, true), (approved.RegionalManagerDecision.DecidedBy, approved.RegionalManagerDecision.DeciderRole, approved.RegionalManagerDecision.Approve));
        Assert.Equal(("HQ-1", Role.Hq, true), (approved.HqDecision.DecidedBy, approved.HqDecision.DeciderRole, approved.HqDecision.Approve));
        Assert.Equal(approved.HqDecision.DecidedAt, approved.DecidedAt);
        Assert.Null(approved.SecretaryAnswer);
    }

    private static string Iso(Timestamp at) => at.ToDateTimeOffset().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
