using CustomerProtection.ServiceDefaults.Security;
using CustomerProtection.Registration.Application;
using CustomerProtection.Registration.Domain;
using CustomerProtection.Registration.V1;
using CustomerProtection.Protos;
using Grpc.Core;
using static CustomerProtection.Protos.ProtoWords;

namespace CustomerProtection.Registration.Grpc;

/// <summary>Who owns a customer now (Territory before a sale, Arbitration when a case opens), how much each salesperson holds, and hq's report of records that are one customer and both held (P-2.5); internal-level facts only (C-1).</summary>
public sealed class OwnershipService(QueryCustomers query, CountHoldings holdings, ListIdentityConflicts conflicts) : Ownership.OwnershipBase
{
    public override async Task<OwnershipInfo> GetOwnership(GetOwnershipRequest request, ServerCallContext context)
    {
        Caller.From(context);
        return await query.OwnershipAsync(request.CustomerId, request.TaxpayerId, request.InvoiceTitle) is var (versioned, state, matchedBy)
            ? Info(versioned, state, matchedBy)
            : new OwnershipInfo { Found = false };
    }

    public override async Task<ListIdentityConflictsResponse> ListIdentityConflicts(ListIdentityConflictsRequest request, ServerCallContext context)
    {
        var response = new ListIdentityConflictsResponse();
        response.IdentityConflicts.Add((await conflicts.ExecuteAsync(Caller.From(context))).Select(c => new V1.IdentityConflict
        {
            NormalizedTitle = c.NormalizedTitle,
            TitleOnly = Info(c.TitleOnly, c.TitleOnlyState, Domain.MatchedBy.InvoiceTitle),
            WithTaxpayerId = Info(c.WithTaxpayerId, c.WithTaxpayerIdState, Domain.MatchedBy.InvoiceTitle),
        }));
        return response;
    }

    private static OwnershipInfo Info(Versioned<Customer> versioned, ProtectionState state, string matchedBy)
    {
        var c = versioned.Value;
        var (previousOwner, freedAt) = state.FreedOf(c);
        var info = new OwnershipInfo
        {
            Found = true,
            CustomerId = c.Id,
            IdentityKey = c.IdentityKey,
            InvoiceTitle = c.Title,
            OwnerId = state.OwnerOf(c) ?? "",
            OwnerName = state.OwnerOf(c) is null ? "" : c.OwnerName ?? "",
            OwnerBranchId = state.OwnerOf(c) is null ? "" : c.BranchId,
            OwnerRegionId = state.OwnerOf(c) is null ? "" : c.RegionId ?? "",
            Stage = Value<V1.CustomerStage>(c.Stage),
            Status = Value<V1.CustomerStatus>(state.Status),
            ProtectedSince = c.ApprovedOn.ToProtoDate(),
            LastProtectedDay = state.End is { } end ? Protection.Date(end.LastDay).ToProtoDate() : null,
            ProtectedNow = state.ProtectedNow,
            Disputed = c.OpenCaseId is not null,
            OpenCaseId = c.OpenCaseId ?? "",
            PreviousOwnerId = previousOwner ?? "",
            LapsedOn = freedAt is { } at ? Protection.Date(Policy.PolicyTime.DateOf(at)).ToProtoDate() : null,
            Provisional = state.End?.Provisional ?? false,
            MatchedBy = Value<V1.MatchedBy>(matchedBy),
        };
        info.CoDeveloperIds.Add(c.CoDevelopers ?? []);
        return info;
    }

    public override async Task<CountHoldingsResponse> CountHoldings(CountHoldingsRequest request, ServerCallContext context)
    {
        var counted = await holdings.ExecuteAsync(Caller.From(context), request.BranchId, request.EmployeeIds);
        var response = new CountHoldingsResponse
        {
            BranchId = counted.BranchId,
            HoldingCap = counted.HoldingCap,
            FormalCustomersCount = counted.FormalCustomersCount,
        };
        response.Holdings.Add(counted.Holdings.Select(h => new V1.Holding
        {
            EmployeeId = h.EmployeeId,
            Held = h.Held,
            PendingOrProtected = h.PendingOrProtected,
            Formal = h.Formal,
            AtCap = h.AtCap,
        }));
        return response;
    }
}
