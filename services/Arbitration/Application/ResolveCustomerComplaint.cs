using CustomerProtection.Arbitration.Domain;
using CustomerProtection.Arbitration.Persistence;
using static CustomerProtection.Arbitration.Application.CustomerComplaintSteps;

namespace CustomerProtection.Arbitration.Application;

/// <summary>M-3: a complaint is resolved, with its internal follow-up.</summary>
public sealed class ResolveCustomerComplaint(ArbitrationStore store, PolicyClock clock)
{
    public async Task<Versioned<CustomerComplaint>> ExecuteAsync(Caller caller, string complaintId, string resolution, string followUp)
    {
        var violations = new List<FieldViolation>();
        var id = RequestFields.Id(violations, "complaint_id", complaintId)!;
        var text = RequestFields.Text(violations, "resolution", resolution, required: true)!;
        var follow = RequestFields.Text(violations, "follow_up", followUp, required: true)!;
        RequestValidationException.ThrowIfAny(violations);
        return await StepAsync(store, id, c => ComplaintRules.Resolve(c, caller, text, follow, clock.UtcNow));
    }
}
