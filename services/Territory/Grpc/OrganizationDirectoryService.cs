using CustomerProtection.ServiceDefaults.Security;
using CustomerProtection.Territory.Application;
using CustomerProtection.Territory.Domain;
using CustomerProtection.Territory.Persistence;
using CustomerProtection.Territory.V1;
using Grpc.Core;
using static CustomerProtection.Territory.Grpc.DirectoryMapping;

namespace CustomerProtection.Territory.Grpc;

/// <summary>Thin gRPC surface of the directory: map the request, call one use case, map the answer.</summary>
public sealed class OrganizationDirectoryService(
    Application.CreateRegion createRegion,
    RenameRegion renameRegion,
    Application.CreateBranch createBranch,
    ChangeBranch changeBranch,
    HireEmployee hireEmployee,
    ChangeEmployee changeEmployee,
    Application.RecordEmployeeLeft recordEmployeeLeft,
    Application.AppointDealer appointDealer,
    EndDealerAppointment endDealerAppointment,
    ImportOrganization import,
    QueryDirectory query) : OrganizationDirectory.OrganizationDirectoryBase
{
    public override async Task<V1.Region> CreateRegion(CreateRegionRequest request, ServerCallContext context) =>
        ToProto(await createRegion.ExecuteAsync(Caller.From(context), new RegionInput(request.RegionId, request.Name)));

    public override async Task<V1.Region> UpdateRegion(UpdateRegionRequest request, ServerCallContext context) =>
        ToProto(await renameRegion.ExecuteAsync(Caller.From(context), new RegionInput(request.RegionId, request.Name), request.ExpectedVersion));

    public override async Task<V1.Region> GetRegion(GetRegionRequest request, ServerCallContext context) =>
        ToProto(await query.GetAsync<Domain.Region>(DirectoryKeys.Region, request.RegionId));

    public override async Task<ListRegionsResponse> ListRegions(ListRegionsRequest request, ServerCallContext context)
    {
        var page = await query.RegionsAsync(new DirectoryQuery(request.PageSize, request.PageToken, null, null, null, null));
        return new ListRegionsResponse { Regions = { page.Items.Select(ToProto) }, NextPageToken = page.NextPageToken ?? "" };
    }

    public override async Task<V1.Branch> CreateBranch(CreateBranchRequest request, ServerCallContext context) =>
        ToProto(await createBranch.ExecuteAsync(Caller.From(context), new BranchInput(
            request.BranchId, request.RegionId, request.Name, BranchKind(request.Kind), request.Direct, request.ManagerId, request.AutoApproveFilings)));

    public override async Task<V1.Branch> UpdateBranch(UpdateBranchRequest request, ServerCallContext context) =>
        ToProto(await changeBranch.ExecuteAsync(Caller.From(context), new BranchUpdate(
            request.BranchId,
            request.HasName ? request.Name : null,
            request.HasManagerId ? request.ManagerId : null,
            request.HasAutoApproveFilings ? request.AutoApproveFilings : null,
            request.ExpectedVersion)));

    public override async Task<V1.Branch> GetBranch(GetBranchRequest request, ServerCallContext context) =>
        ToProto(await query.GetAsync<Domain.Branch>(DirectoryKeys.Branch, request.BranchId));

    public override async Task<ListBranchesResponse> ListBranches(ListBranchesRequest request, ServerCallContext context)
    {
        var page = await query.BranchesAsync(new DirectoryQuery(request.PageSize, request.PageToken, NullIfEmpty(request.RegionId), null, null, null));
        return new ListBranchesResponse { Branches = { page.Items.Select(ToProto) }, NextPageToken = page.NextPageToken ?? "" };
    }

    public override async Task<V1.Employee> CreateEmployee(CreateEmployeeRequest request, ServerCallContext context) =>
        ToProto(await hireEmployee.ExecuteAsync(Caller.From(context), new EmployeeInput(
            request.EmployeeId, request.Name, Role(request.Role), request.BranchId, request.RegionId, request.ManagerId, null, Email: request.Email), request.HireDate));

    public override async Task<V1.Employee> UpdateEmployee(UpdateEmployeeRequest request, ServerCallContext context)
    {
        if (request.Status == EmployeeStatus.Left)
        {
            throw new RequestValidationException(new FieldViolation("status", "离职请用 RecordEmployeeLeft / use RecordEmployeeLeft for a departure"));
        }

        return ToProto(await changeEmployee.ExecuteAsync(Caller.From(context), new EmployeeUpdate(
            request.EmployeeId,
            request.HasName ? request.Name : null,
            RoleOrNull(request.Role),
            request.HasBranchId ? request.BranchId : null,
            request.HasRegionId ? request.RegionId : null,
            request.HasManagerId ? request.ManagerId : null,
            Status(request.Status),
            request.ExpectedVersion,
            request.HasEmail ? request.Email : null)));
    }

    public override async Task<V1.Employee> RecordEmployeeLeft(RecordEmployeeLeftRequest request, ServerCallContext context) =>
        ToProto(await recordEmployeeLeft.ExecuteAsync(Caller.From(context), request.EmployeeId, request.LeftOn, request.Reason));

    public override async Task<V1.Employee> GetEmployee(GetEmployeeRequest request, ServerCallContext context) =>
        ToProto(await query.GetAsync<Domain.Employee>(DirectoryKeys.Employee, request.EmployeeId));

    public override async Task<ListEmployeesResponse> ListEmployees(ListEmployeesRequest request, ServerCallContext context)
    {
        var page = await query.EmployeesAsync(new DirectoryQuery(request.PageSize, request.PageToken,
            NullIfEmpty(request.RegionId), NullIfEmpty(request.BranchId), RoleOrNull(request.Role), Status(request.Status)));
        return new ListEmployeesResponse { Employees = { page.Items.Select(ToProto) }, NextPageToken = page.NextPageToken ?? "" };
    }

    public override async Task<V1.Dealer> AppointDealer(AppointDealerRequest request, ServerCallContext context) =>
        ToProto(await appointDealer.ExecuteAsync(Caller.From(context), new DealerInput(
            request.DealerId, request.Name, request.BranchId, request.RegionId, DealerKind(request.Kind), request.TaxpayerId, request.InvoiceTitle)));

    public override async Task<V1.Dealer> TerminateDealer(TerminateDealerRequest request, ServerCallContext context) =>
        ToProto(await endDealerAppointment.ExecuteAsync(Caller.From(context), request.DealerId, request.Reason));

    public override async Task<V1.Dealer> GetDealer(GetDealerRequest request, ServerCallContext context) =>
        ToProto(await query.GetAsync<Domain.Dealer>(DirectoryKeys.Dealer, request.DealerId));

    public override async Task<ListDealersResponse> ListDealers(ListDealersRequest request, ServerCallContext context)
    {
        var page = await query.DealersAsync(new DirectoryQuery(request.PageSize, request.PageToken, NullIfEmpty(request.RegionId), NullIfEmpty(request.BranchId), null, null));
        return new ListDealersResponse { Dealers = { page.Items.Select(ToProto) }, NextPageToken = page.NextPageToken ?? "" };
    }

    public override async Task<ImportOrganizationResponse> ImportOrganization(ImportOrganizationRequest request, ServerCallContext context)
    {
        // The content's size is held to the edge's file limit (EdgeLimits.MaxFileBytes) before this runs.
        var caller = Caller.From(context);
        var document = request.Format switch
        {
            ImportFormat.Json => ImportDocument.ParseJson(request.Content.Span),
            ImportFormat.Csv => ImportDocument.ParseCsv(request.Content.Span),
            _ => throw new RequestValidationException(new FieldViolation("format", "json 或 csv / json or csv")),
        };
        var summary = await import.ExecuteAsync(caller, document);
        return new ImportOrganizationResponse
        {
            Regions = ToProto(summary.Regions),
            Branches = ToProto(summary.Branches),
            Employees = ToProto(summary.Employees),
            Dealers = ToProto(summary.Dealers),
            EventsPublished = summary.EventsPublished,
        };
    }

    private static string? NullIfEmpty(string value) => value.Length == 0 ? null : value;
}
