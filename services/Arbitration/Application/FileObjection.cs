using CustomerProtection.Arbitration.Domain;
using CustomerProtection.Arbitration.Persistence;

namespace CustomerProtection.Arbitration.Application;

/// <param name="RequestId">Optional idempotency key of the caller (docs/api.md): a retry with it answers the case it opened.</param>
public sealed record ObjectionInput(string CustomerId, string Reason, string? OwnCustomerId, string? RequestId = null);

/// <summary>
/// P-2.2 / P-2.3: an objection to an announced ownership within the objection window, as an
/// <c>objection</c> or, from the customer's previous owner, a <c>lapsed_claim</c>; the P-9
/// recommendation is computed from Registration's data at this moment and stored with the case, which
/// takes the customer's dispute marker (<see cref="CaseOpeningSteps"/>).
/// </summary>
public sealed class FileObjection(ArbitrationStore store, IRegistrationReader registration, PolicyClock clock)
{
    public async Task<Versioned<Case>> ExecuteAsync(Caller caller, ObjectionInput input, CancellationToken cancellationToken)
    {
        var violations = new List<FieldViolation>();
        var customerId = RequestFields.Id(violations, "customer_id", input.CustomerId)!;
        var reason = RequestFields.Text(violations, "reason", input.Reason, required: true)!;
        var ownId = RequestFields.Id(violations, "own_customer_id", input.OwnCustomerId, required: false);
        ServerIds.CheckRequestId(violations, input.RequestId);
        RequestValidationException.ThrowIfAny(violations);

        var customer = await CaseOpeningSteps.CustomerAsync(registration, customerId, cancellationToken);
        var kind = CaseRules.ObjectionKind(caller, customer);
        var today = clock.TodayDate;
        // The window is Arbitration's own computation from the announcement (the ownership's start day,
        // with the number of working days in force that day, P-14), so the refusal names its deadline;
        // Registration's objection_window_ends only says that there was an announcement at all.
        CaseWindows.EnsureObjectionInTime(clock.Book, clock.Calendar, customer.ApprovedOn!.Value, today);
        var window = CaseWindows.Objection(clock.Book, clock.Calendar, customer.ApprovedOn.Value, today);

        var own = ownId is null ? null : await registration.GetCustomerAsync(ownId, cancellationToken);
        if (ownId is not null && (own is null || own.OwnerId != caller.EmployeeId || own.CustomerId == customer.CustomerId))
        {
            throw new RequestValidationException(new FieldViolation("own_customer_id", "须为提出人自己名下的另一备案 / must be another filing owned by the objector"));
        }

        var progress = await CaseOpeningSteps.ProgressAsync(registration, cancellationToken, customer.CustomerId, own?.CustomerId);
        // P-2.3: the previous owner's filing lapsed (P-3.5: given up); it is not a valid filing any more.
        var claimantFilings = new List<FilingFact>();
        if (own is not null)
        {
            claimantFilings.Add(own.Filing);
        }

        if (kind == CaseKinds.LapsedClaim)
        {
            claimantFilings.Add(new FilingFact(customer.CustomerId, null, false, "lapsed"));
        }

        var now = clock.UtcNow;
        var priority = await CaseOpeningSteps.RecommendAsync(store, customer.CustomerId,
            new PartyEvidence(caller.EmployeeId, claimantFilings, progress),
            new PartyEvidence(customer.OwnerId!, [customer.Filing], progress),
            today, now);
        var @case = CaseOpeningSteps.NewCase(kind, customer, caller, customer.OwnerId, reason, now, input.RequestId) with
        {
            AnnouncedOn = customer.ApprovedOn,
            WindowDeadline = Dates.ToDateOnly(window.Deadline),
            Provisional = window.Provisional,
            Recommendation = priority,
        };
        return await CaseOpeningSteps.CommitAsync(store, @case);
    }
}
