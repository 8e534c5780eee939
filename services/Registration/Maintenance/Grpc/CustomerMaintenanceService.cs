using CustomerProtection.Registration.Domain;
using CustomerProtection.Registration.Maintenance.Application;
using CustomerProtection.Registration.Maintenance.Domain;
using CustomerProtection.Registration.Maintenance.Persistence;
using CustomerProtection.Protos;
using CustomerProtection.Registration.V1;
using CustomerProtection.ServiceDefaults.Security;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using SurveyAnswer = CustomerProtection.Registration.Maintenance.Domain.SurveyAnswer;
using SurveyRound = CustomerProtection.Registration.V1.SurveyRound;
using SurveyMember = CustomerProtection.Registration.V1.SurveyMember;

namespace CustomerProtection.Registration.Maintenance.Grpc;

/// <summary>
/// Thin gRPC surface of customer maintenance: map the request, call one use case, map the answer (policy days as
/// google.type.Date, instants as Timestamp, the domain's words as enums through <see cref="ProtoWords"/>).
/// </summary>
public sealed class CustomerMaintenanceService(FollowUps followUps, SurveyRounds surveys, ContactVerifications verifications)
    : CustomerMaintenance.CustomerMaintenanceBase
{
    public override async Task<ListFollowUpsDueResponse> ListFollowUpsDue(ListFollowUpsDueRequest request, ServerCallContext context)
    {
        var page = await followUps.ListDueAsync(Caller.From(context), request.BranchId, request.PageSize, request.PageToken);
        var response = new ListFollowUpsDueResponse { NextPageToken = page.NextPageToken ?? "" };
        response.FollowUpsDue.Add(page.Items.Select(d => new FollowUp
        {
            CustomerId = d.Customer.Id,
            InvoiceTitle = d.Customer.Title,
            CustomerClass = ProtoWords.Value<CustomerClass>(d.Customer.Class),
            OwnerId = d.Customer.OwnerId ?? "",
            BranchId = d.Customer.BranchId,
            LastContactOn = Day(d.Deadline.Since),
            LastFollowUpDay = Day(d.Deadline.End.LastDay),
            DaysOverdue = d.DaysOverdue,
        }));
        return response;
    }

    public override async Task<SurveyRound> OpenSurveyRound(OpenSurveyRoundRequest request, ServerCallContext context) =>
        ToProto(await surveys.OpenAsync(Caller.From(context), request.BranchIds, request.RequestId));

    public override async Task<ListSurveyRoundsResponse> ListSurveyRounds(ListSurveyRoundsRequest request, ServerCallContext context)
    {
        var page = await surveys.ListAsync(Caller.From(context), request.BranchId, request.PageSize, request.PageToken);
        var response = new ListSurveyRoundsResponse { NextPageToken = page.NextPageToken ?? "" };
        response.SurveyRounds.Add(page.Items.Select(r => ToProto(new SurveyRoundView(r.Round, [], r.Answered))));
        return response;
    }

    public override async Task<SurveyRound> GetSurveyRound(GetSurveyRoundRequest request, ServerCallContext context) =>
        ToProto(await surveys.GetAsync(Caller.From(context), request.RoundId));

    public override async Task<V1.SurveyAnswer> RecordSurveyAnswer(RecordSurveyAnswerRequest request, ServerCallContext context)
    {
        var s = request.Scores ?? new SurveyScores();
        return ToProto(await surveys.RecordAsync(Caller.From(context), request.RoundId, request.CustomerId, [s.ProductQuality, s.Delivery, s.Service, s.Price, s.Overall]));
    }

    public override async Task<ImportSurveyAnswersResponse> ImportSurveyAnswers(ImportSurveyAnswersRequest request, ServerCallContext context)
    {
        var result = await surveys.ImportAsync(Caller.From(context), request.RoundId, request.Content.ToByteArray());
        var response = new ImportSurveyAnswersResponse { Recorded = result.Recorded };
        response.Refusals.Add(result.Refusals.Select(r => new SurveyImportRefusal { Line = r.Line, CustomerId = r.CustomerId, Reason = r.Reason }));
        return response;
    }

    public override async Task<SurveyReport> GetSurveyReport(GetSurveyReportRequest request, ServerCallContext context)
    {
        var (round, groups) = await surveys.ReportAsync(Caller.From(context), request.RoundId);
        var response = new SurveyReport { RoundId = round.Id };
        foreach (var g in groups)
        {
            var group = new SurveyGroup
            {
                Kind = ProtoWords.Value<SurveyGroupKind>(g.Kind),
                Id = g.Id,
                Surveyed = g.Surveyed,
                Answered = g.Answered,
                ResponseRate = g.ResponseRate,
                HasPrevious = g.PreviousOverall is not null,
                OverallChange = g.OverallChange ?? 0,
                PreviousRoundId = g.PreviousRoundId ?? "",
            };
            if (g.Averages is { } a)
            {
                group.Averages = new SurveyAverages { ProductQuality = a[0], Delivery = a[1], Service = a[2], Price = a[3], Overall = a[4] };
            }

            response.Groups.Add(group);
        }

        return response;
    }

    public override async Task<ListStaleVerificationsResponse> ListStaleVerifications(ListStaleVerificationsRequest request, ServerCallContext context)
    {
        var page = await verifications.ListStaleAsync(Caller.From(context), request.BranchId, request.PageSize, request.PageToken);
        var response = new ListStaleVerificationsResponse { NextPageToken = page.NextPageToken ?? "" };
        response.StaleVerifications.Add(page.Items.Select(s => new VerificationDue
        {
            CustomerId = s.Customer.Id,
            InvoiceTitle = s.Customer.Title,
            CustomerClass = ProtoWords.Value<CustomerClass>(s.Customer.Class),
            OwnerId = s.Customer.OwnerId ?? "",
            BranchId = s.Customer.BranchId,
            VerifiedOn = Day(s.Deadline.Since),
            LastVerificationDay = Day(s.Deadline.End.LastDay),
            DaysOverdue = s.DaysOverdue,
        }));
        return response;
    }

    public override async Task<Verification> ConfirmContacts(ConfirmContactsRequest request, ServerCallContext context) =>
        ToProto(await verifications.ConfirmAsync(Caller.From(context), request.CustomerId));

    public override async Task<Verification> CorrectContacts(CorrectContactsRequest request, ServerCallContext context)
    {
        var c = request.Contact ?? new ContactCorrection();
        return ToProto(await verifications.CorrectAsync(Caller.From(context), request.CustomerId, new CustomerContact(c.Name, c.Phone, c.Email, c.Address)));
    }

    private static Google.Type.Date Day(NodaTime.LocalDate day) => Dates.ToDateOnly(day).ToProtoDate();

    private static SurveyRound ToProto(SurveyRoundView view)
    {
        var round = new SurveyRound
        {
            RoundId = view.Round.Id,
            OpenedBy = view.Round.OpenedBy,
            OpenedOn = view.Round.OpenedOn.ToProtoDate(),
            Surveyed = view.Round.Surveyed,
            Answered = view.Answered,
        };
        round.BranchIds.Add(view.Round.BranchIds);
        round.Members.Add(view.Members.Select(m => new SurveyMember
        {
            CustomerId = m.Member.CustomerId,
            InvoiceTitle = m.Member.Title,
            CustomerClass = ProtoWords.Value<CustomerClass>(m.Member.Class),
            OwnerId = m.Member.OwnerId ?? "",
            BranchId = m.Member.BranchId,
            RegionId = m.Member.RegionId ?? "",
            Answered = m.Answered,
        }));
        return round;
    }

    private static V1.SurveyAnswer ToProto(SurveyAnswer answer) => new()
    {
        RoundId = answer.RoundId,
        CustomerId = answer.CustomerId,
        Scores = new SurveyScores
        {
            ProductQuality = answer.Scores[0], Delivery = answer.Scores[1], Service = answer.Scores[2], Price = answer.Scores[3], Overall = answer.Scores[4],
        },
        RecordedBy = answer.RecordedBy,
        RecordedOn = answer.RecordedOn.ToProtoDate(),
        LowScore = answer.LowScore,
    };

    private static Verification ToProto(ContactVerification verification)
    {
        var proto = new Verification
        {
            CustomerId = verification.CustomerId,
            VerifiedBy = verification.VerifiedBy,
            VerifiedAt = Timestamp.FromDateTimeOffset(verification.VerifiedAt),
            Corrected = verification.Corrected.Count > 0,
        };
        proto.FieldsCorrected.Add(verification.Corrected);
        return proto;
    }
}
