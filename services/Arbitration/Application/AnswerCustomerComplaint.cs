using CustomerProtection.Arbitration.Domain;
using CustomerProtection.Arbitration.Persistence;
using static CustomerProtection.Arbitration.Application.CustomerComplaintSteps;

namespace CustomerProtection.Arbitration.Application;

/// <summary>M-3: the branch answers a complaint; nothing is due for it any more.</summary>
public sealed class AnswerCustomerComplaint(ArbitrationStore store, PolicyClock clock)
{
    public async Task<Versioned<CustomerComplaint>> ExecuteAsync(Caller caller, string complaintId, string answer)
    {
        var violations = new List<FieldViolation>();
        var id = RequestFields.Id(violations, "complaint_id", complaintId)!;
        var text = RequestFields.Text(violations, "answer", answer, required: true)!;
        RequestValidationException.ThrowIfAny(violations);
        return await StepAsync(store, id, c => ComplaintRules.Answer(c, caller, text, clock.UtcNow));
    }
}
