using CustomerProtection.ServiceDefaults;
using System.Globalization;
using System.Text.Json;
using CustomerProtection.Platform.V1;
using CustomerProtection.Policy;
using CustomerProtection.Policy.Errors;
using CustomerProtection.Policy.Actors;
using Grpc.Core;
using Microsoft.AspNetCore.Authorization;

namespace CustomerProtection.Time;

/// <summary>The policy in force (P-14) and the calendar, readable by anyone; the calendar reloadable by hq.</summary>
internal sealed class PolicyAdminGrpcService(PolicyBook book, CalendarProvider calendar, TimeProvider time, ServiceIdentity service) : PolicyAdmin.PolicyAdminBase
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = false };

    public override Task<GetParametersResponse> GetParameters(GetParametersRequest request, ServerCallContext context)
    {
        var day = PolicyTime.Today(time);
        if (request.Date is not null)
        {
            var violations = new List<FieldViolation>();
            var parsed = Dates.Parse(violations, "date", request.Date);
            RequestValidationException.ThrowIfAny(violations);
            day = Dates.ToLocalDate(parsed!.Value);
        }

        if (!book.TryFor(day, out var parameters))
        {
            throw new PolicyRefusalException("P-14", $"政策自 {PolicyBook.PolicyStart} 起生效 / the policy took effect on {PolicyBook.PolicyStart}",
                new Dictionary<string, string> { ["date"] = day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), ["policy_start"] = PolicyBook.PolicyStart.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) });
        }

        return Task.FromResult(new GetParametersResponse
        {
            EffectiveFrom = Protos.ProtoDates.ToProtoDate(Dates.ToDateOnly(book.VersionFor(day).EffectiveFrom)),
            ParametersJson = JsonSerializer.Serialize(parameters, Json),
        });
    }

    [Authorize(Roles = Roles.Hq)]
    public override Task<CalendarInfo> ReloadCalendar(ReloadCalendarRequest request, ServerCallContext context)
    {
        try
        {
            return Task.FromResult(Describe(calendar.Reload()));
        }
        catch (CalendarDataException ex)
        {
            throw new PolicyRefusalException("CALENDAR", ex.Message, new Dictionary<string, string> { ["directory"] = calendar.Directory });
        }
    }

    public override Task<CalendarInfo> GetCalendar(GetCalendarRequest request, ServerCallContext context) =>
        Task.FromResult(Describe(calendar.Current));

    private CalendarInfo Describe(WorkingDayCalendar current) => new()
    {
        Source = current.Source,
        YearsWithData = { current.YearsWithData },
        Service = service.Name,
    };
}
