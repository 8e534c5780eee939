using CustomerProtection.ServiceDefaults.Security;
using CustomerProtection.Arbitration.Application;
using CustomerProtection.Arbitration.V1;
using CustomerProtection.Protos;
using Grpc.Core;
using static CustomerProtection.Arbitration.Grpc.ArbitrationMapping;
using static CustomerProtection.Protos.ProtoWords;

namespace CustomerProtection.Arbitration.Grpc;

/// <summary>Thin gRPC surface of cases: maps the request, calls one use case, maps the answer.</summary>
public sealed class CasesService(
    FileObjection fileObjection,
    FileEncroachmentComplaint fileEncroachmentComplaint,
    OpenDispute openDispute,
    ReportRetaliation reportRetaliation,
    ResolveByJointDevelopment resolveByJointDevelopment,
    ResolveBySurpassingClaim resolveBySurpassingClaim,
    ResolveByAuction resolveByAuction,
    PlaceBid placeBid,
    DecideCase decideCase,
    WithdrawCase withdrawCase,
    QueryCases query,
    MilestoneReader milestones) : Cases.CasesBase
{
    public override async Task<Case> FileObjection(FileObjectionRequest request, ServerCallContext context) =>
        ToProto(await fileObjection.ExecuteAsync(Caller.From(context), new ObjectionInput(request.CustomerId, request.Reason, NullIfEmpty(request.OwnCustomerId), NullIfEmpty(request.RequestId)), context.CancellationToken));

    public override async Task<Case> FileEncroachmentComplaint(FileEncroachmentComplaintRequest request, ServerCallContext context) =>
        ToProto(await fileEncroachmentComplaint.ExecuteAsync(Caller.From(context), new EncroachmentInput(request.CustomerId, request.AccusedId, request.DiscoveredOn, request.Description, NullIfEmpty(request.RequestId)), context.CancellationToken));

    public override async Task<Case> OpenDispute(OpenDisputeRequest request, ServerCallContext context) =>
        ToProto(await openDispute.ExecuteAsync(Caller.From(context), new DisputeInput(Word(request.Kind), request.CustomerId, request.RespondentId, NullIfEmpty(request.SaleId), request.Description, NullIfEmpty(request.RequestId)), context.CancellationToken));

    public override async Task<Case> ReportRetaliation(ReportRetaliationRequest request, ServerCallContext context) =>
        ToProto(await reportRetaliation.ExecuteAsync(Caller.From(context), new RetaliationInput(request.CaseId, request.AccusedId, request.Description, request.DiscoveredOn, NullIfEmpty(request.RequestId))));

    public override async Task<Case> GetCase(GetCaseRequest request, ServerCallContext context) =>
        ToProto(await query.GetAsync(Caller.From(context), request.CaseId));

    public override async Task<ListCasesResponse> ListCases(ListCasesRequest request, ServerCallContext context)
    {
        var (items, next) = await query.ListAsync(Caller.From(context), NullIfEmpty(request.BranchId), request.HqQueue, request.PageSize, request.PageToken);
        return new ListCasesResponse { Cases = { items.Select(ToProto) }, NextPageToken = next ?? "" };
    }

    public override async Task<Case> ResolveJointDevelopment(ResolveJointDevelopmentRequest request, ServerCallContext context) =>
        ToProto(await resolveByJointDevelopment.ExecuteAsync(Caller.From(context), request.CaseId, request.Reason, context.CancellationToken));

    public override async Task<Case> ResolveBySurpassingClaim(ResolveBySurpassingClaimRequest request, ServerCallContext context) =>
        ToProto(await resolveBySurpassingClaim.ExecuteAsync(Caller.From(context), request.CaseId, Word(request.Milestone), request.DueOn, request.Reason));

    public override async Task<Case> ResolveByAuction(ResolveByAuctionRequest request, ServerCallContext context) =>
        ToProto(await resolveByAuction.ExecuteAsync(Caller.From(context), request.CaseId, request.ClosesOn, request.Reason));

    public override async Task<Case> PlaceBid(PlaceBidRequest request, ServerCallContext context) =>
        ToProto(await placeBid.ExecuteAsync(Caller.From(context), request.CaseId, request.Amount, Word(request.Milestone)));

    public override async Task<Case> Decide(DecideRequest request, ServerCallContext context) =>
        ToProto(await decideCase.ExecuteAsync(Caller.From(context), new DecisionInput(
            request.CaseId,
            NullIfEmpty(request.AwardTo),
            request.ChangeCoDevelopers ? [.. request.CoDeveloperIds] : null,
            NullIfEmpty(request.CreditTo),
            request.Reason,
            [.. request.Violations.Select(v => new FindingInput(v.ViolatorId, v.RuleId, v.Kind, Word(v.ManagerFinding)))]), context.CancellationToken));

    public override async Task<Case> Withdraw(WithdrawRequest request, ServerCallContext context) =>
        ToProto(await withdrawCase.ExecuteAsync(Caller.From(context), request.CaseId, request.Reason));

    public override async Task<MilestoneProgress> GetMilestoneProgress(GetMilestoneProgressRequest request, ServerCallContext context)
    {
        var m = await milestones.CurrentAsync(Caller.From(context), query, request.CaseId, context.CancellationToken);
        return new MilestoneProgress
        {
            CaseId = m.CaseId,
            PersonId = m.PersonId,
            Milestone = Value<Milestone>(m.Milestone),
            From = m.From.ToProtoDate(),
            To = m.To.ToProtoDate(),
            ReachedOn = m.ReachedOn.ToProtoDate(),
            CheckedAt = At(m.CheckedAt),
        };
    }

    public override async Task<Ledger> GetLedger(GetLedgerRequest request, ServerCallContext context) =>
        ToProto(await query.LedgerAsync(Caller.From(context), NullIfEmpty(request.CaseId), NullIfEmpty(request.PersonId)));
}
