using System.Globalization;
using CustomerProtection.Arbitration.Domain;
using CustomerProtection.Arbitration.Persistence;
using CustomerProtection.Policy.Errors;
using CustomerProtection.Policy.Actors;
using CustomerProtection.Storage;

namespace CustomerProtection.Arbitration.Application;

public sealed record ComplaintInput(string CustomerId, string? AboutEmployeeId, string Channel, string? ReceivedAt, string Description);

/// <summary>
/// M-3 customer complaints: recorded with their response deadline (and a due-queue entry for it),
/// answered, resolved with an internal follow-up; an unanswered one past its deadline escalates to
/// the branch manager (<see cref="SettleDueWork"/>).
/// </summary>
public sealed class ManageCustomerComplaints(ArbitrationStore store, IRegistrationReader registration, PolicyClock clock, ResponseTimeBook responseTimes)
{
    public async Task<Versioned<CustomerComplaint>> RecordAsync(Caller caller, ComplaintInput input, CancellationToken cancellationToken)
    {
        var violations = new List<FieldViolation>();
        var customerId = Inputs.Id(violations, "customer_id", input.CustomerId)!;
        var about = Inputs.Id(violations, "about_employee_id", input.AboutEmployeeId, required: false);
        var channel = Inputs.OneOf(violations, "channel", input.Channel, ComplaintChannels.All)!;
        var description = Inputs.Text(violations, "description", input.Description, required: true)!;
        var now = clock.UtcNow;
        var received = now;
        if (!string.IsNullOrEmpty(input.ReceivedAt))
        {
            if (!DateTimeOffset.TryParse(input.ReceivedAt, CultureInfo.InvariantCulture, DateTimeStyles.None, out received))
            {
                violations.Add(new("received_at", "ISO 8601 时间 / an ISO 8601 instant"));
            }
            else if (received > now)
            {
                violations.Add(new("received_at", "不能晚于现在 / cannot be in the future"));
            }
        }

        RequestValidationException.ThrowIfAny(violations);

        var customer = await registration.GetCustomerAsync(customerId, cancellationToken) ?? throw new EntityNotFoundException("customer", customerId);
        if (!ComplaintRules.MayRecord(caller, customer.BranchId))
        {
            throw new ScopeDeniedException($"由客户所属分公司 {customer.BranchId} 的员工记录 / recorded by the staff of the customer's branch {customer.BranchId}");
        }

        var receivedOn = Dates.DateOf(received);
        var (dueOn, dueAt, provisional) = ComplaintRules.ResponseDue(clock.Calendar, receivedOn, responseTimes.For(receivedOn));
        var complaint = new CustomerComplaint
        {
            Id = "cc-" + Guid.NewGuid().ToString("N")[..20],
            CustomerId = customer.CustomerId,
            BranchId = customer.BranchId,
            AboutEmployeeId = about,
            Channel = channel,
            Description = description,
            ReceivedAt = received,
            RecordedBy = caller.EmployeeId,
            ResponseDueOn = dueOn,
            ResponseDueAt = dueAt,
            Provisional = provisional,
            Status = ComplaintStatuses.Open,
        };
        var key = ArbitrationKeys.Complaint(complaint.Id);
        var change = new AtomicChange()
            .Expect(key, 0)
            .Put(key, 1, ArbitrationStore.Encode(complaint))
            .IndexAdd(ArbitrationKeys.BranchComplaints(complaint.BranchId), complaint.Id, ArbitrationKeys.Score(received))
            .IndexAdd(ArbitrationKeys.Due, ArbitrationKeys.DueComplaint(complaint.Id), ArbitrationKeys.Score(dueAt));
        if (!(await store.CommitAsync(change)).Succeeded)
        {
            throw new ConcurrencyConflictException($"投诉编号冲突，请重试 / complaint id {complaint.Id} was taken, please retry");
        }

        return new Versioned<CustomerComplaint>(complaint, 1);
    }

    public async Task<Versioned<CustomerComplaint>> AnswerAsync(Caller caller, string complaintId, string answer)
    {
        var violations = new List<FieldViolation>();
        var id = Inputs.Id(violations, "complaint_id", complaintId)!;
        var text = Inputs.Text(violations, "answer", answer, required: true)!;
        RequestValidationException.ThrowIfAny(violations);
        return await StepAsync(id, c => ComplaintRules.Answer(c, caller, text, clock.UtcNow));
    }

    public async Task<Versioned<CustomerComplaint>> ResolveAsync(Caller caller, string complaintId, string resolution, string followUp)
    {
        var violations = new List<FieldViolation>();
        var id = Inputs.Id(violations, "complaint_id", complaintId)!;
        var text = Inputs.Text(violations, "resolution", resolution, required: true)!;
        var follow = Inputs.Text(violations, "follow_up", followUp, required: true)!;
        RequestValidationException.ThrowIfAny(violations);
        return await StepAsync(id, c => ComplaintRules.Resolve(c, caller, text, follow, clock.UtcNow));
    }

    public async Task<Versioned<CustomerComplaint>> GetAsync(Caller caller, string complaintId)
    {
        var violations = new List<FieldViolation>();
        var id = Inputs.Id(violations, "complaint_id", complaintId)!;
        RequestValidationException.ThrowIfAny(violations);
        var found = await store.GetComplaintAsync(id) ?? throw new EntityNotFoundException("complaint", id);
        return ComplaintRules.MayRead(caller, found.Value) ? found : throw new ScopeDeniedException($"无权查看投诉 {id} / not allowed to see complaint {id}");
    }

    /// <summary>A branch's complaints, newest first (its secretary and manager, hq); overdue ones evaluated now.</summary>
    public async Task<(IReadOnlyList<Versioned<CustomerComplaint>> Items, string? NextPageToken)> ListAsync(Caller caller, string branchId, bool overdueOnly, int pageSize, string? pageToken)
    {
        var violations = new List<FieldViolation>();
        var branch = Inputs.Id(violations, "branch_id", branchId)!;
        var (size, skip) = QueryCases.Paging(violations, pageSize, pageToken);
        RequestValidationException.ThrowIfAny(violations);
        if (!caller.IsHq && !(caller.Role is Roles.BranchManager or Roles.BranchSecretary && caller.BranchId == branch))
        {
            throw new ScopeDeniedException($"无权查看分公司 {branch} 的投诉 / not allowed to list branch {branch}'s complaints");
        }

        var ids = await store.NewestAsync(ArbitrationKeys.BranchComplaints(branch), skip, size + 1);
        var now = clock.UtcNow;
        var items = (await store.GetManyAsync<CustomerComplaint>(ArbitrationKeys.Complaint, ids.Take(size)))
            .Where(c => !overdueOnly || ComplaintRules.IsOverdue(c.Value, now))
            .ToList();
        return (items, ids.Count > size ? (skip + size).ToString(CultureInfo.InvariantCulture) : null);
    }

    private async Task<Versioned<CustomerComplaint>> StepAsync(string id, Func<CustomerComplaint, CustomerComplaint> decide) =>
        await OptimisticConcurrency.RetryAsync(async () =>
        {
            var current = await store.GetComplaintAsync(id) ?? throw new EntityNotFoundException("complaint", id);
            var next = decide(current.Value);
            var key = ArbitrationKeys.Complaint(id);
            var change = new AtomicChange()
                .Expect(key, current.Version)
                .Put(key, current.Version + 1, ArbitrationStore.Encode(next));
            if (next.Status != ComplaintStatuses.Open)
            {
                // Answered: nothing is due any more.
                change.IndexRemove(ArbitrationKeys.Due, ArbitrationKeys.DueComplaint(id));
            }

            return (await store.CommitAsync(change), new Versioned<CustomerComplaint>(next, current.Version + 1));
        });
}
