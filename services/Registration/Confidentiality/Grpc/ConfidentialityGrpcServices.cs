using CustomerProtection.Protos;
using CustomerProtection.ServiceDefaults.Security;
using CustomerProtection.Registration.Application;
using CustomerProtection.Registration.Confidentiality.Application;
using CustomerProtection.Registration.Confidentiality.Persistence;
using CustomerProtection.Registration.Confidentiality.Persistence.Audit;
using CustomerProtection.Registration.Grpc;
using CustomerProtection.Registration.V1;
using Grpc.Core;
using static CustomerProtection.Registration.Confidentiality.Grpc.ConfidentialityMapping;

namespace CustomerProtection.Registration.Confidentiality.Grpc;

/// <summary>C-3 access requests and grants (thin: map, call the use case, map back).</summary>
public sealed class AccessGrantsService(AccessRequests requests, PolicyClock clock) : AccessGrants.AccessGrantsBase
{
    public override async Task<AccessGrant> RequestAccess(RequestAccessRequest request, ServerCallContext context) =>
        ToProto(await requests.RequestAsync(Caller.From(context), request.CustomerId, ProtoWords.Word(request.Purpose), request.Reason, request.Days, request.RequestId), clock.UtcNow);

    public override async Task<AccessGrant> DecideAccess(DecideAccessRequest request, ServerCallContext context) =>
        ToProto(await requests.DecideAsync(Caller.From(context), request.GrantId, request.Approve, request.Reason), clock.UtcNow);

    public override async Task<AccessGrant> RevokeAccess(RevokeAccessRequest request, ServerCallContext context) =>
        ToProto(await requests.RevokeAsync(Caller.From(context), request.GrantId, request.Reason), clock.UtcNow);

    public override async Task<AccessGrant> GetAccessGrant(GetAccessGrantRequest request, ServerCallContext context) =>
        ToProto(await requests.GetAsync(Caller.From(context), request.GrantId), clock.UtcNow);

    public override async Task<ListAccessGrantsResponse> ListAccessGrants(ListAccessGrantsRequest request, ServerCallContext context)
    {
        var page = await requests.ListAsync(Caller.From(context), request.BranchId, request.PageSize, request.PageToken);
        var now = clock.UtcNow;
        var list = new ListAccessGrantsResponse { NextPageToken = page.NextPageToken ?? "" };
        list.AccessGrants.Add(page.Items.Select(g => ToProto(g, now)));
        return list;
    }
}

/// <summary>C-6 consent and third-party sharing, C-10 destruction, C-4 key status.</summary>
public sealed class CustomerDataService(CustomerDataCare care, KeyRotation rotation) : CustomerData.CustomerDataBase
{
    // PURPOSE_UNSPECIFIED (or an unknown number) has no word: it goes on as "", which the consent's check refuses on its purposes[i].
    public override async Task<ConsentView> RecordConsent(RecordConsentRequest request, ServerCallContext context) =>
        ToProto(request.CustomerId, await care.RecordConsentAsync(Caller.From(context), request.CustomerId, [.. request.Purposes.Select(p => ProtoWords.Word(p) ?? "")], request.Evidence));

    public override async Task<SharedCustomerData> ShareWithThirdParty(ShareWithThirdPartyRequest request, ServerCallContext context)
    {
        var shared = await care.ShareAsync(Caller.From(context), request.CustomerId, request.ThirdParty, request.ContractReference);
        return new SharedCustomerData
        {
            CustomerId = shared.CustomerId,
            Contact = CustomerMapping.ToProto(shared.Contact),
            ThirdParty = shared.ThirdParty,
            ContractReference = shared.ContractReference,
        };
    }

    public override async Task<DestroyPersonalDataResponse> DestroyPersonalData(DestroyPersonalDataRequest request, ServerCallContext context)
    {
        var at = await care.DestroyAsync(Caller.From(context), request.CustomerId, request.Reason);
        return new DestroyPersonalDataResponse { CustomerId = request.CustomerId, Destroyed = true, DestroyedAt = At(at) };
    }

    public override async Task<KeyStatus> GetKeyStatus(GetKeyStatusRequest request, ServerCallContext context)
    {
        if (!Caller.From(context).IsHq)
        {
            throw new CustomerProtection.Policy.Errors.ScopeDeniedException("只有总公司可以查看密钥状态 / only hq sees the key status");
        }

        return ToProto(rotation.Ring, await rotation.LastPassAsync());
    }
}

/// <summary>C-5: audit queries and chain verification.</summary>
public sealed class AuditService(AuditQueries queries) : Audit.AuditBase
{
    public override async Task<ListAuditEntriesResponse> ListAuditEntries(ListAuditEntriesRequest request, ServerCallContext context)
    {
        var page = await queries.QueryAsync(Caller.From(context), request.CustomerId, request.EmployeeId, request.From?.ToDateTimeOffset(), request.To?.ToDateTimeOffset(),
            request.PageSize, request.PageToken);
        var view = new ListAuditEntriesResponse { NextPageToken = page.NextPageToken ?? "" };
        view.AuditEntries.Add(page.Entries.Select(ToProto));
        return view;
    }

    public override async Task<AuditVerification> VerifyAudit(VerifyAuditRequest request, ServerCallContext context) =>
        ToProto(await queries.VerifyAsync(Caller.From(context)));
}

/// <summary>C-7: leak incidents.</summary>
public sealed class IncidentsService(LeakIncidents incidents) : V1.Incidents.IncidentsBase
{
    public override async Task<Incident> RecordIncident(RecordIncidentRequest request, ServerCallContext context) =>
        ToProto(await incidents.RecordAsync(Caller.From(context), request.Description, request.EmployeeIds, request.SuspectedFrom?.ToDateTimeOffset(), request.RequestId));

    public override async Task<Incident> GetIncident(GetIncidentRequest request, ServerCallContext context) =>
        ToProto(await incidents.GetAsync(Caller.From(context), request.IncidentId));

    public override async Task<ListAffectedCustomersResponse> ListAffectedCustomers(ListAffectedCustomersRequest request, ServerCallContext context) =>
        ToProto(await incidents.AffectedAsync(Caller.From(context), request.IncidentId, request.PageSize, request.PageToken));

    public override async Task<Incident> AddIncidentStep(AddIncidentStepRequest request, ServerCallContext context) =>
        ToProto(await incidents.AddStepAsync(Caller.From(context), request.IncidentId, request.Note, request.RequestId));

    public override async Task<Incident> UnfreezeAccount(UnfreezeAccountRequest request, ServerCallContext context) =>
        ToProto(await incidents.UnfreezeAsync(Caller.From(context), request.IncidentId, request.EmployeeId, request.Reason));

    public override async Task<Incident> CloseIncident(CloseIncidentRequest request, ServerCallContext context) =>
        ToProto(await incidents.CloseAsync(Caller.From(context), request.IncidentId, request.Resolution));
}

/// <summary>
/// C-7, C-9: an account's state for the other services' check on every call (<see cref="RegistrationAccountStates"/>).
/// hq only — the services ask under their service accounts, which are hq: a person learns nothing here
/// about another's account.
/// </summary>
public sealed class AccountAccessService(AccountBlocks blocks) : V1.AccountAccess.AccountAccessBase
{
    public override async Task<AccountAccessState> GetAccountAccess(GetAccountAccessRequest request, ServerCallContext context)
    {
        if (!Caller.From(context).IsHq)
        {
            throw new ScopeDeniedException("只有总部与服务账号可查询账号状态 / only hq and service accounts may read an account's state");
        }

        if (string.IsNullOrWhiteSpace(request.EmployeeId))
        {
            throw new RequestValidationException(new FieldViolation("employee_id", "必填 / required"));
        }

        var state = await blocks.GetAsync(request.EmployeeId, context.CancellationToken);
        var answer = new AccountAccessState
        {
            EmployeeId = state.EmployeeId,
            Status = state.FrozenBy.Count > 0 ? AccountStatus.Frozen : state.Left ? AccountStatus.Left : AccountStatus.Active,
        };
        answer.IncidentIds.AddRange(state.FrozenBy);
        return answer;
    }
}
