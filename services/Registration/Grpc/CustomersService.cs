using CustomerProtection.ServiceDefaults.Security;
using CustomerProtection.Registration.Application;
using CustomerProtection.Registration.Confidentiality.Domain;
using CustomerProtection.Registration.Domain;
using CustomerProtection.Registration.V1;
using Grpc.Core;
using static CustomerProtection.Registration.Grpc.CustomerMapping;

namespace CustomerProtection.Registration.Grpc;

/// <summary>Thin gRPC surface of customers: map the request, call one use case, map the answer.</summary>
public sealed class CustomersService(
    QueryCustomers query,
    Application.ListCustomers listCustomers,
    FileCustomer file,
    DecideFiling decide,
    RecordShipment shipments,
    Application.RequestExtension requestExtension,
    Application.DecideExtension decideExtension,
    Application.SetSpecialPeriod setSpecialPeriod,
    RecordProgress progress,
    Application.ClaimFromPool claimFromPool,
    ReallocateCustomer reallocate,
    MarkBehindTarget markBehindTarget,
    Application.AddCoDeveloper addCoDeveloper,
    Application.RemoveCoDeveloper removeCoDeveloper,
    ImportCustomers import,
    ExportCustomers export,
    ListRefusedDealerFilings refusedDealerFilings,
    Application.ListRefusedFilings refusedFilings) : Customers.CustomersBase
{
    public override async Task<ListRefusedFilingsResponse> ListRefusedFilings(ListRefusedFilingsRequest request, ServerCallContext context)
    {
        var (items, next) = await refusedFilings.ExecuteAsync(Caller.From(context), request.FilerId, request.PageSize, request.PageToken);
        var response = new ListRefusedFilingsResponse { NextPageToken = next ?? "" };
        response.RefusedFilings.Add(items.Select(ToProto));
        return response;
    }

    public override async Task<RefusedDealerFilings> ListRefusedDealerFilings(ListBranchRequest request, ServerCallContext context)
    {
        var (items, next) = await refusedDealerFilings.ExecuteAsync(Caller.From(context), request.BranchId, request.PageSize, request.PageToken);
        var response = new RefusedDealerFilings { NextPageToken = next ?? "" };
        response.Filings.Add(items.Select(ToProto));
        return response;
    }

    public override async Task<CheckDuplicateResponse> CheckDuplicate(CheckDuplicateRequest request, ServerCallContext context)
    {
        Caller.From(context);
        var check = await query.CheckDuplicateAsync(request.TaxpayerId, request.InvoiceTitle, request.ManualReview);
        var response = new CheckDuplicateResponse { IdentityKey = check.IdentityKey, Verdict = check.Verdict, MatchedBy = check.MatchedBy ?? "" };
        if (check.Holder is { } holder)
        {
            response.Holder = ToProto(holder);
        }

        response.NearDuplicates.Add(check.NearDuplicates.Select(ToProto));
        return response;
    }

    public override async Task<CustomerView> FileCustomer(FileCustomerRequest request, ServerCallContext context)
    {
        var caller = Caller.From(context);
        var (filed, contact) = await file.ExecuteAsync(caller, new FilingInput(
            request.TaxpayerId, request.InvoiceTitle, request.ManualReview, request.CustomerClass, request.DeclaredAnnualSales,
            FromProto(request.Contact), request.EvidenceKind, request.EvidenceDate, request.Evidence, FromProto(request.Consent)));
        return ToProto(query.Written(caller, filed, contact));
    }

    public override async Task<CustomerView> ApproveFiling(DecideFilingRequest request, ServerCallContext context)
    {
        var caller = Caller.From(context);
        Lookup.RequireId(request.CustomerId);
        return Changed(await decide.ApproveAsync(caller, request.CustomerId));
    }

    public override async Task<CustomerView> RejectFiling(DecideFilingRequest request, ServerCallContext context)
    {
        var caller = Caller.From(context);
        Lookup.RequireId(request.CustomerId);
        return Changed(await decide.RejectAsync(caller, request.CustomerId, request.Reason));
    }

    public override async Task<PendingFilings> ListPendingFilings(ListBranchRequest request, ServerCallContext context)
    {
        var page = await query.PendingAsync(Caller.From(context), request.BranchId, request.PageSize, request.PageToken);
        var response = new PendingFilings { NextPageToken = page.NextPageToken ?? "" };
        foreach (var item in page.Items)
        {
            var filing = new PendingFiling { Customer = ToProto(item) };
            filing.NearDuplicates.Add((await query.NearDuplicatesOfAsync(item.Customer.Value)).Select(ToProto));
            response.Filings.Add(filing);
        }

        return response;
    }

    public override async Task<CustomerList> ListAnnouncements(ListBranchRequest request, ServerCallContext context) =>
        ToProto(await query.AnnouncementsAsync(Caller.From(context), request.BranchId, request.PageSize, request.PageToken));

    public override async Task<CustomerView> GetCustomer(GetCustomerRequest request, ServerCallContext context) =>
        ToProto(await query.GetAsync(Caller.From(context), request.CustomerId, request.Purpose));

    public override async Task<CustomerList> ListCustomers(ListCustomersRequest request, ServerCallContext context) =>
        ToProto(await listCustomers.ExecuteAsync(Caller.From(context), request.BranchId, request.OwnerId, FromProto(request), request.PageSize, request.PageToken));

    public override async Task<CustomerView> RecordShipment(RecordShipmentRequest request, ServerCallContext context)
    {
        var caller = Caller.From(context);
        return Changed(await shipments.ByHqAsync(caller, request.CustomerId, request.TaxpayerId, request.InvoiceTitle, request.ShippedOn, request.SaleId));
    }

    public override async Task<CustomerView> SetSpecialPeriod(SetSpecialPeriodRequest request, ServerCallContext context)
    {
        var caller = Caller.From(context);
        return Changed(await setSpecialPeriod.ExecuteAsync(caller, request.CustomerId, request.PeriodDays, request.Reason));
    }

    public override async Task<CustomerView> RequestExtension(RequestExtensionRequest request, ServerCallContext context)
    {
        var caller = Caller.From(context);
        return Changed(await requestExtension.ExecuteAsync(caller, request.CustomerId, request.Days, request.Reason));
    }

    public override async Task<CustomerView> DecideExtension(DecideExtensionRequest request, ServerCallContext context)
    {
        var caller = Caller.From(context);
        return Changed(await decideExtension.ExecuteAsync(caller, request.CustomerId, request.Approve, request.Reason));
    }

    public override async Task<ListExtensionRequestsResponse> ListExtensionRequests(ListExtensionRequestsRequest request, ServerCallContext context)
    {
        var page = await query.ExtensionRequestsAsync(Caller.From(context), request.BranchId, request.PageSize, request.PageToken);
        var response = new ListExtensionRequestsResponse { NextPageToken = page.NextPageToken ?? "" };
        response.Customers.Add(page.Items.Select(ToProto));
        return response;
    }

    public override async Task<ProgressRecord> RecordProgress(RecordProgressRequest request, ServerCallContext context)
    {
        var entry = await progress.ExecuteAsync(Caller.From(context), request.CustomerId, request.Kind, request.On, request.Note, request.Evidence);
        return ToProto(request.CustomerId, entry);
    }

    public override async Task<ProgressList> ListProgress(GetCustomerRequest request, ServerCallContext context)
    {
        var list = new ProgressList();
        list.Records.Add((await query.ProgressAsync(Caller.From(context), request.CustomerId)).Select(e => ToProto(request.CustomerId, e)));
        return list;
    }

    public override async Task<CustomerList> ListPool(ListPoolRequest request, ServerCallContext context) =>
        ToProto(await listCustomers.PoolAsync(Caller.From(context), request.BranchId, FromProto(request), request.PageSize, request.PageToken));

    public override async Task<CustomerView> ClaimFromPool(ClaimFromPoolRequest request, ServerCallContext context)
    {
        var caller = Caller.From(context);
        return Changed(await claimFromPool.ExecuteAsync(caller, request.CustomerId));
    }

    public override async Task<CustomerView> Reallocate(ReallocateRequest request, ServerCallContext context)
    {
        var caller = Caller.From(context);
        return Changed(await reallocate.ExecuteAsync(caller, request.CustomerId, request.ToEmployeeId, request.Reason));
    }

    public override async Task<SetBehindTargetResponse> SetBehindTarget(SetBehindTargetRequest request, ServerCallContext context) => new()
    {
        EmployeeId = request.EmployeeId,
        BehindTarget = await markBehindTarget.ExecuteAsync(Caller.From(context), request.EmployeeId, request.BehindTarget),
    };

    public override async Task<CustomerView> AddCoDeveloper(CoDeveloperRequest request, ServerCallContext context)
    {
        var caller = Caller.From(context);
        return Changed(await addCoDeveloper.ExecuteAsync(caller, request.CustomerId, request.EmployeeId));
    }

    public override async Task<CustomerView> RemoveCoDeveloper(CoDeveloperRequest request, ServerCallContext context)
    {
        var caller = Caller.From(context);
        return Changed(await removeCoDeveloper.ExecuteAsync(caller, request.CustomerId, request.EmployeeId));
    }

    public override async Task<OwnershipHistory> GetOwnershipHistory(GetCustomerRequest request, ServerCallContext context)
    {
        var history = new OwnershipHistory { CustomerId = request.CustomerId };
        history.Events.Add((await query.HistoryAsync(Caller.From(context), request.CustomerId)).Select(ToProto));
        return history;
    }

    public override async Task<ImportCustomersResponse> ImportCustomers(IAsyncStreamReader<ImportCustomersRequest> requestStream, ServerCallContext context)
    {
        var caller = Caller.From(context);
        string? branchId = null;
        using var content = new MemoryStream();
        await foreach (var message in requestStream.ReadAllAsync(context.CancellationToken))
        {
            branchId ??= message.BranchId;
            if (content.Length + message.Chunk.Length > Application.ImportCustomers.MaxBytes)
            {
                throw new RequestValidationException(new FieldViolation("chunk", $"最大 {Application.ImportCustomers.MaxBytes} 字节 / at most {Application.ImportCustomers.MaxBytes} bytes"));
            }

            message.Chunk.WriteTo(content);
        }

        content.Position = 0;
        var report = await import.ExecuteAsync(caller, branchId, content);
        var response = new ImportCustomersResponse
        {
            Rows = report.Rows,
            Filed = report.Count(ImportOutcomes.Filed),
            Duplicates = report.Count(ImportOutcomes.Duplicate),
            Refused = report.Count(ImportOutcomes.Refused),
        };
        response.Results.Add(report.Results.Select(ToProto));
        return response;
    }

    public override async Task ExportCustomers(ExportCustomersRequest request, IServerStreamWriter<ExportCustomersChunk> responseStream, ServerCallContext context)
    {
        await foreach (var chunk in export.ExecuteAsync(Caller.From(context), request.BranchId, context.CancellationToken, request.Purpose))
        {
            await responseStream.WriteAsync(new ExportCustomersChunk { Chunk = Google.Protobuf.ByteString.CopyFrom(chunk) });
        }
    }

    /// <summary>
    /// The customer as a change left it, without its contact: a decision needs no confidential field, and
    /// a clear contact is read only where the caller asks for it (GetCustomer, with its purpose: C-6) and
    /// audited there (C-5), never as a side effect of an approval or an extension.
    /// </summary>
    private CustomerView Changed(Versioned<Customer> customer) => ToProto(query.Changed(customer));
}
