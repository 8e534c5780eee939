using CustomerProtection.ServiceDefaults.Security;
using CustomerProtection.Penalty.Application;
using CustomerProtection.Penalty.Domain;
using CustomerProtection.Penalty.V1;
using CustomerProtection.Time;
using Grpc.Core;
using static CustomerProtection.Penalty.Grpc.PenaltyMapping;

namespace CustomerProtection.Penalty.Grpc;

/// <summary>Thin gRPC surface of the Penalty service: map the request, call one use case, map the answer.</summary>
public sealed class PenaltiesService(RecordViolation record, FineSteps steps, DeclareSeriousCase declareSerious, QueryPenalties query, PolicyClock clock) : Penalties.PenaltiesBase
{
    public override async Task<V1.Violation> RecordManagerFinding(RecordManagerFindingRequest request, ServerCallContext context)
    {
        var caller = Caller.From(context);
        if (!PenaltyScopes.CanDecide(caller))
        {
            throw new ScopeDeniedException("经理责任由总公司认定 / hq records the manager's liability (P-8.1)");
        }

        var violations = new List<FieldViolation>();
        var shipments = Money.Parse(violations, "customer_annual_shipments", request.CustomerAnnualShipments, ViolationReports.MaxShipments, allowZero: true, required: false);
        ViolationReports.CheckText(violations, "reason", request.Reason, ViolationReports.MaxTextLength, required: true);
        RequestValidationException.ThrowIfAny(violations);
        await record.ApplyAsync(ViolationReports.FromHq(caller, request.ViolationId, ManagerFinding(request.ManagerFinding), request.Reason, shipments, clock.UtcNow));
        var (violation, fines) = await query.GetViolationAsync(caller, request.ViolationId);
        return ToProto(violation, fines);
    }

    public override async Task<V1.Violation> GetViolation(GetViolationRequest request, ServerCallContext context)
    {
        var (violation, fines) = await query.GetViolationAsync(Caller.From(context), request.ViolationId);
        return ToProto(violation, fines);
    }

    public override async Task<ListViolationsResponse> ListViolations(ListViolationsRequest request, ServerCallContext context)
    {
        var page = await query.ListViolationsAsync(Caller.From(context), request.BranchId, request.ViolatorId.Length == 0 ? null : request.ViolatorId,
            request.From, request.To, request.PageSize, request.PageToken);
        return new ListViolationsResponse
        {
            Violations = { page.Items.Select(i => ToProto(i.Violation, i.Fines)) },
            NextPageToken = page.NextPageToken ?? "",
        };
    }

    public override async Task<V1.Fine> GetFine(GetFineRequest request, ServerCallContext context) =>
        ToProto(await query.GetFineAsync(Caller.From(context), request.FineId));

    public override async Task<ListFinesResponse> ListFines(ListFinesRequest request, ServerCallContext context)
    {
        var page = await query.ListFinesAsync(Caller.From(context), Query(request.Filter), request.PageSize, request.PageToken);
        return new ListFinesResponse { Fines = { page.Items.Select(ToProto) }, NextPageToken = page.NextPageToken ?? "" };
    }

    public override async Task<V1.FineTotals> GetFineTotals(GetFineTotalsRequest request, ServerCallContext context) =>
        ToProto(await query.TotalsAsync(Caller.From(context), Query(request.Filter)));

    public override async Task<V1.MonthlyViolationReport> GetMonthlyViolationReport(GetMonthlyViolationReportRequest request, ServerCallContext context) =>
        ToProto(await query.MonthlyReportAsync(Caller.From(context), request.Month));

    public override async Task<V1.Fine> ConfirmFine(ConfirmFineRequest request, ServerCallContext context) =>
        ToProto(await steps.ConfirmAsync(Caller.From(context), request.FineId, request.Reason, request.ExpectedVersion));

    public override async Task<V1.Fine> AdjustFine(AdjustFineRequest request, ServerCallContext context) =>
        ToProto(await steps.AdjustAsync(Caller.From(context), request.FineId, request.Amount, request.Reason, request.ExpectedVersion));

    public override async Task<V1.Fine> AppealFine(AppealFineRequest request, ServerCallContext context) =>
        ToProto(await steps.AppealAsync(Caller.From(context), request.FineId, request.Reason));

    public override async Task<V1.Fine> DecideAppeal(DecideAppealRequest request, ServerCallContext context) =>
        ToProto(await steps.DecideAppealAsync(Caller.From(context), request.FineId, Upheld(request.Outcome), request.Reason));

    public override async Task<V1.Fine> RecordPayment(RecordPaymentRequest request, ServerCallContext context) =>
        ToProto(await steps.PayAsync(Caller.From(context), request.FineId, request.Reason, request.ExpectedVersion));

    public override async Task<V1.Violation> DeclareSeriousCase(DeclareSeriousCaseRequest request, ServerCallContext context)
    {
        var caller = Caller.From(context);
        await declareSerious.ExecuteAsync(caller, new SeriousCaseInput(request.ViolationId, request.Fine, request.Dismissal, request.Reason));
        var (violation, fines) = await query.GetViolationAsync(caller, request.ViolationId);
        return ToProto(violation, fines);
    }
}
