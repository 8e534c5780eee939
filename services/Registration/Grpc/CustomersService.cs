using CustomerProtection.ServiceDefaults.Security;
using CustomerProtection.Registration.Application;
using CustomerProtection.Registration.Confidentiality.Domain;
using CustomerProtection.Registration.Domain;
using CustomerProtection.Registration.V1;
using Grpc.Core;
using static CustomerProtection.Protos.ProtoWords;
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

    public override async Task<ListRefusedDealerFilingsResponse> ListRefusedDealerFilings(ListRefusedDealerFilingsRequest request, ServerCallContext context)
    {
        var (items, next) = await refusedDealerFilings.ExecuteAsync(Caller.From(context), request.BranchId, request.PageSize, request.PageToken);
        var response = new ListRefusedDealerFilingsResponse { NextPageToken = next ?? "" };
        response.RefusedDealerFilings.Add(items.Select(ToProto));
        return response;
    }

    public override async Task<CheckDuplicateResponse> CheckDuplicate(CheckDuplicateRequest request, ServerCallContext context)
    {
        Caller.From(context);
        var check = await query.CheckDuplicateAsync(request.TaxpayerId, request.InvoiceTitle, request.ManualReview);
        var response = new CheckDuplicateResponse
        {
            IdentityKey = check.IdentityKey,
            Verdict = Value<DuplicateVerdict>(check.Verdict),
            MatchedBy = Value<V1.MatchedBy>(check.MatchedBy),
        };
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
        // An UNSPECIFIED class or evidence kind has no word: the filing rules refuse it on its field (P-2.1, M-1).
        var (filed, contact) = await file.ExecuteAsync(caller, new FilingInput(
            request.TaxpayerId, request.InvoiceTitle, request.ManualReview, Word(request.CustomerClass), request.DeclaredAnnualSales,
            FromProto(request.Contact), Word(request.EvidenceKind), Day("evidence_date", request.EvidenceDate), request.Evidence, FromProto(request.Consent)));
        return ToProto(query.Written(caller, filed, contact));
    }

    public override async Task<CustomerView> ApproveFiling(ApproveFilingRequest request, ServerCallContext context)
    {
        var caller = Caller.From(context);
        Lookup.RequireId(request.CustomerId);
        return Changed(await decide.ApproveAsync(caller, request.CustomerId));
    }

    public override async Task<CustomerView> RejectFiling(RejectFilingRequest request, ServerCallContext context)
    {
        var caller = Caller.From(context);
        Lookup.RequireId(request.CustomerId);
        return Changed(await decide.RejectAsync(caller, request.CustomerId, request.Reason));
    }

    public override async Task<ListPendingFilingsResponse> ListPendingFilings(ListPendingFilingsRequest request, ServerCallContext context)
    {
        var page = await query.PendingAsync(Caller.From(context), request.BranchId, request.PageSize, request.PageToken);
        var response = new ListPendingFilingsResponse { NextPageToken = page.NextPageToken ?? "" };
        foreach (var item in page.Items)
        {
            var filing = new PendingFiling { Customer = ToProto(item) };
            filing.NearDuplicates.Add((await query.NearDuplicatesOfAsync(item.Customer.Value)).Select(ToProto));
            response.PendingFilings.Add(filing);
        }

        return response;
    }

    public override async Task<ListAnnouncementsResponse> ListAnnouncements(ListAnnouncementsRequest request, ServerCallContext context)
    {
        var page = await query.AnnouncementsAsync(Caller.From(context), request.BranchId, request.PageSize, request.PageToken);
        var response = new ListAnnouncementsResponse { NextPageToken = page.NextPageToken ?? "" };
        response.Customers.Add(page.Items.Select(ToProto));
        return response;
    }

    public override async Task<CustomerView> GetCustomer(GetCustomerRequest request, ServerCallContext context) =>
        ToProto(await query.GetAsync(Caller.From(context), request.CustomerId, PurposeWord(request.Purpose)));

    public override async Task<ListCustomersResponse> ListCustomers(ListCustomersRequest request, ServerCallContext context)
    {
        var page = await listCustomers.ExecuteAsync(Caller.From(context), request.BranchId, request.OwnerId, FromProto(request), request.PageSize, request.PageToken);
        var response = new ListCustomersResponse { NextPageToken = page.NextPageToken ?? "" };
        response.Customers.Add(page.Items.Select(ToProto));
        return response;
    }

    public override async Task<CustomerView> RecordShipment(RecordShipmentRequest request, ServerCallContext context)
    {
        var caller = Caller.From(context);
        return Changed(await shipments.ByHqAsync(caller, request.CustomerId, request.TaxpayerId, request.InvoiceTitle, Day("shipped_on", request.ShippedOn), request.SaleId));
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
        // An UNSPECIFIED kind has no word: the use case refuses it on its field (M-2).
        var entry = await progress.ExecuteAsync(Caller.From(context), request.CustomerId, Word(request.Kind), Day("on", request.On), request.Note, request.Evidence);
        return ToProto(request.CustomerId, entry);
    }

    public override async Task<ListProgressResponse> ListProgress(ListProgressRequest request, ServerCallContext context)
    {
        var list = new ListProgressResponse();
        list.ProgressRecords.Add((await query.ProgressAsync(Caller.From(context), request.CustomerId)).Select(e => ToProto(request.CustomerId, e)));
        return list;
    }

    public override async Task<ListPoolResponse> ListPool(ListPoolRequest request, ServerCallContext context)
    {
        var page = await listCustomers.PoolAsync(Caller.From(context), request.BranchId, FromProto(request), request.PageSize, request.PageToken);
        var response = new ListPoolResponse { NextPageToken = page.NextPageToken ?? "" };
        response.Customers.Add(page.Items.Select(ToProto));
        return response;
    }

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

    public override async Task<CustomerView> AddCoDeveloper(AddCoDeveloperRequest request, ServerCallContext context)
    {
        var caller = Caller.From(context);
        return Changed(await addCoDeveloper.ExecuteAsync(caller, request.CustomerId, request.EmployeeId));
    }

    public override async Task<CustomerView> RemoveCoDeveloper(RemoveCoDeveloperRequest request, ServerCallContext context)
    {
        var caller = Caller.From(context);
        return Changed(await removeCoDeveloper.ExecuteAsync(caller, request.CustomerId, request.EmployeeId));
    }

    public override async Task<OwnershipHistory> GetOwnershipHistory(GetOwnershipHistoryRequest request, ServerCallContext context)
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
        return Imported(await import.ExecuteAsync(caller, branchId, content));
    }

    public override async Task<ImportCustomersResponse> UploadCustomersCsv(UploadCustomersCsvRequest request, ServerCallContext context)
    {
        var caller = Caller.From(context);
        // A JSON client names its file's type; a gRPC client may leave it unset.
        var contentType = request.Csv?.ContentType ?? "";
        if (contentType.Length > 0 && !contentType.StartsWith("text/csv", StringComparison.OrdinalIgnoreCase))
        {
            throw new RequestValidationException(new FieldViolation("csv.content_type", "须为 text/csv / must be text/csv"));
        }

        using var content = new MemoryStream(request.Csv?.Data.ToByteArray() ?? [], writable: false);
        return Imported(await import.ExecuteAsync(caller, request.BranchId, content));
    }

    private static ImportCustomersResponse Imported(ImportReport report)
    {
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
        await foreach (var chunk in export.ExecuteAsync(Caller.From(context), request.BranchId, context.CancellationToken, PurposeWord(request.Purpose)))
        {
            await responseStream.WriteAsync(new ExportCustomersChunk { Chunk = Google.Protobuf.ByteString.CopyFrom(chunk) });
        }
    }

    public override async Task<Google.Api.HttpBody> DownloadCustomersCsv(DownloadCustomersCsvRequest request, ServerCallContext context)
    {
        using var csv = new MemoryStream();
        await foreach (var chunk in export.ExecuteAsync(Caller.From(context), request.BranchId, context.CancellationToken, PurposeWord(request.Purpose)))
        {
            csv.Write(chunk);
        }

        return new Google.Api.HttpBody { ContentType = "text/csv; charset=utf-8", Data = Google.Protobuf.ByteString.CopyFrom(csv.GetBuffer(), 0, (int)csv.Length) };
    }

    /// <summary>
    /// The customer as a change left it, without its contact: a decision needs no confidential field, and
    /// a clear contact is read only where the caller asks for it (GetCustomer, with its purpose: C-6) and
    /// audited there (C-5), never as a side effect of an approval or an extension.
    /// </summary>
    private CustomerView Changed(Versioned<Customer> customer) => ToProto(query.Changed(customer));
}
