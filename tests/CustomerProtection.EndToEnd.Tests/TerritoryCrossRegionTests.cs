using System.Text;
using CustomerProtection.Platform.V1;
using CustomerProtection.Policy.Actors;
using CustomerProtection.Territory.V1;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using Grpc.Core;

namespace CustomerProtection.EndToEnd.Tests;

/// <summary>P-10 through the real AppHost: the 24-hour clock moved with the shared clock, escalation by the worker, exactly once.</summary>
[Collection(SystemCollection.Name)]
public sealed class TerritoryCrossRegionTests(SystemFixture system)
{
    private CrossRegionRequests.CrossRegionRequestsClient Filings => new(system.Channel(ResourceNames.Territory));
    private Metadata Hq => system.As("HQ-1", Roles.Hq);

    private async Task<string> ImportAsync()
    {
        var s = Guid.NewGuid().ToString("N")[..8];
        var json = $$"""
            {"regions":[{"id":"R-EAST-{{s}}","name":"华东大区"},{"id":"R-WEST-{{s}}","name":"西部大区"}],
             "branches":[{"id":"B-SH-{{s}}","region_id":"R-EAST-{{s}}","name":"上海分公司","kind":"branch"}],
             "employees":[{"id":"S1-{{s}}","name":"张三","role":"salesperson","branch_id":"B-SH-{{s}}"},
                          {"id":"RS-{{s}}","name":"西部秘书","role":"regional_secretary","region_id":"R-WEST-{{s}}"},
                          {"id":"RM-{{s}}","name":"西部经理","role":"regional_manager","region_id":"R-WEST-{{s}}"}]}
            """;
        await new OrganizationDirectory.OrganizationDirectoryClient(system.Channel(ResourceNames.Territory))
            .ImportOrganizationAsync(new ImportOrganizationRequest { Format = ImportFormat.Json, Content = ByteString.CopyFrom(json, Encoding.UTF8) }, Hq);
        return s;
    }

    private Metadata Seller(string s) => system.As("S1-" + s, Roles.Salesperson, "B-SH-" + s, "R-EAST-" + s);

    private Task<CrossRegionRequest> SubmitAsync(string s, string id) => Filings.CreateCrossRegionRequestAsync(new CreateCrossRegionRequestRequest
    {
        RequestId = id,
        TargetRegionId = "R-WEST-" + s,
        Customer = new CustomerRef { InvoiceTitle = "成都某某机械有限公司" + s },
        Reason = "客户在西部",
    }, Seller(s)).ResponseAsync;

    private async Task<DateTimeOffset> NowAsync() =>
        (await new Clock.ClockClient(system.Channel(ResourceNames.Territory)).GetTimeAsync(new GetTimeRequest(), Hq)).Now.ToDateTimeOffset();

    private Task AdvanceAsync(TimeSpan by) =>
        new Clock.ClockClient(system.Channel(ResourceNames.Territory)).AdvanceAsync(new AdvanceRequest { By = Duration.FromTimeSpan(by) }, Hq).ResponseAsync;

    private Task<CrossRegionRequest> EscalatedAsync(string id) => Eventually.GetAsync(async () =>
    {
        var f = await Filings.GetCrossRegionRequestAsync(new GetCrossRegionRequestRequest { CrossRegionRequestId = id }, Hq);
        return f.EscalatedAt is not null ? f : null;
    }, $"escalation of {id}");

    [Fact]
    public async Task P10_a_cross_region_request_unanswered_for_24_hours_escalates_to_hq_and_the_target_regional_manager_exactly_once()
    {
        var s = await ImportAsync();
        var submitted = await SubmitAsync(s, "F1-" + s);
        if (await NowAsync() < submitted.Deadline.ToDateTimeOffset())
        {
            Assert.Equal(CrossRegionRequestStatus.Pending, (await Filings.GetCrossRegionRequestAsync(new GetCrossRegionRequestRequest { CrossRegionRequestId = submitted.Id }, Hq)).Status);
        }

        Assert.Equal(submitted.SubmittedAt.ToDateTimeOffset().AddHours(24), submitted.Deadline.ToDateTimeOffset());
        await AdvanceAsync(TimeSpan.FromHours(24));

        var escalated = await EscalatedAsync(submitted.Id);
        Assert.Equal(CrossRegionRequestStatus.Escalated, escalated.Status);
        Assert.True(escalated.EscalatedAt.ToDateTimeOffset() >= escalated.Deadline.ToDateTimeOffset());
        var managerQueue = await Filings.ListCrossRegionRequestsAsync(new ListCrossRegionRequestsRequest { Queue = CrossRegionRequestQueue.Escalated },
            system.As("RM-" + s, Roles.RegionalManager, null, "R-WEST-" + s));
        Assert.Equal([submitted.Id], managerQueue.CrossRegionRequests.Select(f => f.Id));
        var hqQueue = await Filings.ListCrossRegionRequestsAsync(new ListCrossRegionRequestsRequest { Queue = CrossRegionRequestQueue.Escalated, PageSize = 500 }, Hq);
        Assert.Single(hqQueue.CrossRegionRequests, f => f.Id == submitted.Id);

        // Later ticks (proved to have run: a second filing escalates after them) leave the first as it was.
        var second = await SubmitAsync(s, "F2-" + s);
        await AdvanceAsync(TimeSpan.FromHours(24));
        await EscalatedAsync(second.Id);
        var again = await Filings.GetCrossRegionRequestAsync(new GetCrossRegionRequestRequest { CrossRegionRequestId = submitted.Id }, Hq);
        Assert.Equal(escalated.Version, again.Version);
        Assert.Equal(escalated.EscalatedAt, again.EscalatedAt);
    }

    [Fact]
    public async Task P10_the_secretary_answering_after_the_deadline_is_refused_with_the_rule_and_the_deadline()
    {
        var s = await ImportAsync();
        var submitted = await SubmitAsync(s, "F3-" + s);
        await AdvanceAsync(TimeSpan.FromHours(24));

        var error = await Assert.ThrowsAsync<RpcException>(async () => await Filings.AnswerCrossRegionRequestAsync(
            new AnswerCrossRegionRequestRequest { CrossRegionRequestId = submitted.Id, Confirm = true }, system.As("RS-" + s, Roles.RegionalSecretary, null, "R-WEST-" + s)));

        Assert.Equal(StatusCode.FailedPrecondition, error.StatusCode);
        var info = error.GetRpcStatus()!.GetDetail<ErrorInfo>();
        Assert.Equal("P-10", info.Reason);
        Assert.Equal(submitted.Deadline.ToDateTimeOffset().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture), info.Metadata["deadline"]);

        var decided = await Filings.DecideCrossRegionRequestAsync(new DecideCrossRegionRequestRequest { CrossRegionRequestId = submitted.Id, Approve = true },
            system.As("RM-" + s, Roles.RegionalManager, null, "R-WEST-" + s));
        Assert.Equal(CrossRegionRequestStage.EscalatedAwaitingHq, decided.Stage); // P-10: hq decides too
    }
}
