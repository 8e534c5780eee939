using CustomerProtection.Arbitration.Domain;
using CustomerProtection.Arbitration.Persistence;

namespace CustomerProtection.Arbitration.Application;

public sealed record EncroachmentInput(string CustomerId, string AccusedId, string DiscoveredOn, string Description);

/// <summary>
/// P-4.5: an encroachment complaint by the injured party within 7 working days of discovery (the window
/// checked before anything is read), with the P-9 recommendation computed at this moment; the case takes
/// the customer's dispute marker (<see cref="CaseOpeningSteps"/>).
/// </summary>
public sealed class FileEncroachmentComplaint(ArbitrationStore store, IRegistrationReader registration, PolicyClock clock)
{
    public async Task<Versioned<Case>> ExecuteAsync(Caller caller, EncroachmentInput input, CancellationToken cancellationToken)
    {
        var violations = new List<FieldViolation>();
        var customerId = RequestFields.Id(violations, "customer_id", input.CustomerId)!;
        var accused = RequestFields.Id(violations, "accused_id", input.AccusedId)!;
        var discovered = Dates.Parse(violations, "discovered_on", input.DiscoveredOn, required: true);
        var description = RequestFields.Text(violations, "description", input.Description, required: true)!;
        var today = clock.TodayDate;
        if (discovered > today)
        {
            violations.Add(new("discovered_on", "不能晚于今天 / cannot be in the future"));
        }

        if (accused == caller.EmployeeId)
        {
            violations.Add(new("accused_id", "不能投诉自己 / one cannot complain about oneself"));
        }

        RequestValidationException.ThrowIfAny(violations);

        // P-4.5: the window is the policy's, whoever the customer is: refused before anything is read.
        CaseWindows.EnsureComplaintInTime(clock.Book, clock.Calendar, discovered!.Value, today);
        var window = CaseWindows.Complaint(clock.Book, clock.Calendar, discovered.Value, today);

        var customer = await CaseOpeningSteps.CustomerAsync(registration, customerId, cancellationToken);
        var progress = await CaseOpeningSteps.ProgressAsync(registration, cancellationToken, customer.CustomerId);
        var now = clock.UtcNow;
        var priority = PriorityRules.Recommend(Party(caller.EmployeeId, customer, progress), Party(accused, customer, progress), today, now);
        var @case = CaseOpeningSteps.NewCase(CaseKinds.Encroachment, customer, caller, accused, description, now) with
        {
            DiscoveredOn = discovered,
            WindowDeadline = Dates.ToDateOnly(window.Deadline),
            Provisional = window.Provisional,
            Recommendation = priority,
        };
        return await CaseOpeningSteps.CommitAsync(store, @case);
    }

    /// <summary>P-9 evidence of one party: the customer's filing if it is theirs, and their progress records.</summary>
    private static PartyEvidence Party(string employeeId, CustomerFacts customer, IReadOnlyList<ProgressFact> progress) =>
        new(employeeId, customer.OwnerId == employeeId ? [customer.Filing] : [], progress);
}
