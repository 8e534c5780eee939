using CustomerProtection.Arbitration.Application;
using CustomerProtection.Arbitration.Consumers;
using CustomerProtection.Arbitration.Domain;
using CustomerProtection.Arbitration.Persistence;
using CustomerProtection.Contracts.Registration;
using CustomerProtection.Policy.Actors;
using CustomerProtection.Policy.Errors;
using CustomerProtection.Testing;
using static CustomerProtection.Arbitration.Tests.TestData;

namespace CustomerProtection.Arbitration.Tests;

/// <summary>M-4 → M-3 against a real redis-server: a low survey score recorded as a customer complaint, once however often it is delivered.</summary>
public sealed class SurveyComplaintTests(RedisServer redis) : ArbitrationRig(redis), IClassFixture<RedisServer>, IAsyncLifetime
{
    public Task InitializeAsync()
    {
        Registration.Customers["cust1"] = Customer();
        return Redis.FlushAsync();
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task M4_M3_a_low_survey_score_is_an_open_complaint_recorded_once_when_delivered_twice()
    {
        var low = new SurveyLowScoreRecorded("sv-1", "cust1", Branch, Owner, Secretary.EmployeeId, Roles.BranchSecretary, 1, 2, Time.GetUtcNow());
        var record = new RecordCustomerComplaint(Store, Registration, Policy, ResponseTimeBook.Default);

        var first = await record.ExecuteAsync(SurveyLowScoreConsumer.Recorder(low), SurveyLowScoreConsumer.Complaint(low), CancellationToken.None);
        var again = await record.ExecuteAsync(SurveyLowScoreConsumer.Recorder(low), SurveyLowScoreConsumer.Complaint(low), CancellationToken.None);

        Assert.Equal(first.Value.Id, again.Value.Id);
        Assert.Equal(1, await Db.SortedSetLengthAsync(ArbitrationKeys.BranchComplaints(Branch)));
        Assert.Equal(("cust1", Secretary.EmployeeId, "open"), (first.Value.CustomerId, first.Value.RecordedBy, first.Value.Status));
        Assert.Contains("sv-1", first.Value.Description, StringComparison.Ordinal);
        var otherRound = SurveyLowScoreConsumer.Complaint(low with { RoundId = "sv-2" });
        Assert.NotEqual(first.Value.Id, otherRound.Id);
    }

    [Fact]
    public async Task Api_ids_M3_a_complaint_retried_with_its_request_id_is_recorded_once_and_another_under_that_key_is_refused()
    {
        var record = new RecordCustomerComplaint(Store, Registration, Policy, ResponseTimeBook.Default);
        var input = new ComplaintInput("cust1", Owner, "phone", null, "送货延误 / late delivery", RequestId: "retry-1");

        var first = await record.ExecuteAsync(Secretary, input, CancellationToken.None);
        var again = await record.ExecuteAsync(Secretary, input, CancellationToken.None);
        var error = await Assert.ThrowsAsync<RequestValidationException>(() =>
            record.ExecuteAsync(Secretary, input with { Description = "发票错误 / wrong invoice" }, CancellationToken.None));

        Assert.Equal(first.Value.Id, again.Value.Id);
        Assert.Equal("request_id", Assert.Single(error.Violations).Field);
        Assert.Equal(1, await Db.SortedSetLengthAsync(ArbitrationKeys.BranchComplaints(Branch)));
    }
}
