using CustomerProtection.Arbitration.Domain;
using CustomerProtection.Arbitration.Persistence;

namespace CustomerProtection.Arbitration.Application;

/// <param name="RequestId">Optional idempotency key of the caller (docs/api.md): a retry with it answers the case it opened.</param>
public sealed record EncroachmentInput(string CustomerId, string AccusedId, Google.Type.Date? DiscoveredOn, string Description, string? RequestId = null);

/// <summary>
/// P-4.5: an encroachment complaint by the injured party within 7 working days of discovery (the window
/// checked before anything is read), with the P-9 recommendation computed at this moment; the case takes
/// the customer's dispute marker (<see cref="CaseOpeningSteps"/>). The injured party is the customer's
/// owner (or a co-developer, P-3.6), or the owner's branch manager on their behalf — then the owner is the
/// claimant — or, for a customer nobody holds, its branch's manager; anyone else is refused.
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

        ServerIds.CheckRequestId(violations, input.RequestId);
        RequestValidationException.ThrowIfAny(violations);

        // P-4.5: the window is the policy's, whoever the customer is: refused before anything is read.
        CaseWindows.EnsureComplaintInTime(clock.Book, clock.Calendar, discovered!.Value, today);
        var window = CaseWindows.Complaint(clock.Book, clock.Calendar, discovered.Value, today);

        var customer = await CaseOpeningSteps.CustomerAsync(registration, customerId, cancellationToken);
        var injured = InjuredParty(caller, customer);
        if (accused == injured)
        {
            throw new RequestValidationException(new FieldViolation("accused_id", "被投诉人是受害方本人 / the accused is the injured party"));
        }

        var progress = await CaseOpeningSteps.ProgressAsync(registration, cancellationToken, customer.CustomerId);
        var now = clock.UtcNow;
        var priority = await CaseOpeningSteps.RecommendAsync(store, customer.CustomerId,
            new PartyEvidence(injured, Filings(injured, customer), progress),
            new PartyEvidence(accused, Filings(accused, customer), progress),
            today, now);
        var @case = CaseOpeningSteps.NewCase(CaseKinds.Encroachment, customer, caller, accused, description, now, input.RequestId) with
        {
            ClaimantId = injured,
            DiscoveredOn = discovered,
            WindowDeadline = Dates.ToDateOnly(window.Deadline),
            Provisional = window.Provisional,
            Recommendation = priority,
        };
        return await CaseOpeningSteps.CommitAsync(store, @case);
    }

    /// <summary>P-4.5 "the injured party complains": who the complaint is for, or refused.</summary>
    private static string InjuredParty(Caller caller, CustomerFacts customer)
    {
        if (caller.EmployeeId == customer.OwnerId || customer.CoDeveloperIds.Contains(caller.EmployeeId))
        {
            return caller.EmployeeId;
        }

        if (caller.Role == Roles.BranchManager && caller.BranchId == customer.BranchId)
        {
            return customer.OwnerId ?? caller.EmployeeId;
        }

        throw new PolicyRefusalException("P-4.5",
            $"侵占投诉由受害方提出：客户的负责人或其分公司经理 / an encroachment complaint is made by the injured party: the customer's owner or their branch manager",
            new Dictionary<string, string> { ["customer_id"] = customer.CustomerId, ["owner_id"] = customer.OwnerId ?? "", ["branch_id"] = customer.BranchId },
            RefusalCode.PermissionDenied);
    }

    /// <summary>P-9 evidence of one party: the customer's filing if it is theirs.</summary>
    private static IReadOnlyList<FilingFact> Filings(string employeeId, CustomerFacts customer) =>
        customer.OwnerId == employeeId ? [customer.Filing] : [];
}
