using System.Text.Json;
using CustomerProtection.Platform.V1;
using CustomerProtection.Policy.Actors;
using Grpc.Core;

namespace CustomerProtection.EndToEnd.Tests;

[Collection(SystemCollection.Name)]
public sealed class PolicyAdminTests(SystemFixture system)
{
    [Fact]
    public async Task P14_every_service_answers_the_parameters_in_force_with_the_rule_book_defaults()
    {
        foreach (var service in SystemFixture.Services)
        {
            var answer = await new PolicyAdmin.PolicyAdminClient(system.Channel(service))
                .GetParametersAsync(new GetParametersRequest { Date = new Google.Type.Date { Year = 2026, Month = 3, Day = 10 } }, system.As("S1", Roles.Salesperson, "B-SH", "R-EAST"));

            using var json = JsonDocument.Parse(answer.ParametersJson);
            Assert.Equal(new Google.Type.Date { Year = 2013, Month = 12, Day = 2 }, answer.EffectiveFrom);
            Assert.Equal(30, json.RootElement.GetProperty("ProspectProtectionDays").GetInt32());
            Assert.Equal(180, json.RootElement.GetProperty("FormalProtectionDays").GetInt32());
        }
    }

    [Fact]
    public async Task P14_a_date_before_the_policy_took_effect_is_refused_with_the_start_date()
    {
        var error = await Assert.ThrowsAsync<RpcException>(async () => await new PolicyAdmin.PolicyAdminClient(system.Channel(ResourceNames.Registration))
            .GetParametersAsync(new GetParametersRequest { Date = new Google.Type.Date { Year = 2013, Month = 12, Day = 1 } }, system.As("HQ-1", Roles.Hq)));

        Assert.Equal(StatusCode.FailedPrecondition, error.StatusCode);
        Assert.Contains("P-14", error.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Hq_reloads_the_calendar_at_run_time_and_others_may_not()
    {
        var client = new PolicyAdmin.PolicyAdminClient(system.Channel(ResourceNames.Territory));

        var reloaded = await client.ReloadCalendarAsync(new ReloadCalendarRequest(), system.As("HQ-1", Roles.Hq));
        Assert.Contains(2026, reloaded.YearsWithData);
        Assert.DoesNotContain(2027, reloaded.YearsWithData);

        var denied = await Assert.ThrowsAsync<RpcException>(async () =>
            await client.ReloadCalendarAsync(new ReloadCalendarRequest(), system.As("S1", Roles.Salesperson, "B-SH", "R-EAST")));
        Assert.Equal(StatusCode.PermissionDenied, denied.StatusCode);
    }
}
