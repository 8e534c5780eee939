using CustomerProtection.Arbitration.Domain;
using CustomerProtection.Arbitration.Persistence;

namespace CustomerProtection.Arbitration.Application;

/// <summary>M-3: one complaint, for those who may read it.</summary>
public sealed class GetCustomerComplaint(ArbitrationStore store)
{
    public async Task<Versioned<CustomerComplaint>> ExecuteAsync(Caller caller, string complaintId)
    {
        var violations = new List<FieldViolation>();
        var id = RequestFields.Id(violations, "complaint_id", complaintId)!;
        RequestValidationException.ThrowIfAny(violations);
        var found = await store.GetComplaintAsync(id) ?? throw new EntityNotFoundException("complaint", id);
        return ComplaintRules.MayRead(caller, found.Value) ? found : throw new ScopeDeniedException($"无权查看投诉 {id} / not allowed to see complaint {id}");
    }
}
