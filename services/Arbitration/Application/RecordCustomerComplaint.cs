using CustomerProtection.Arbitration.Domain;
using CustomerProtection.Arbitration.Persistence;

namespace CustomerProtection.Arbitration.Application;

/// <param name="Id">A complaint id decided by the sender (a consumer's, so that a redelivered message records it once); null: the server's.</param>
/// <param name="RequestId">Optional idempotency key of a caller (docs/api.md): a retry with it answers the complaint it recorded.</param>
public sealed record ComplaintInput(string CustomerId, string? AboutEmployeeId, string? Channel, DateTimeOffset? ReceivedAt, string Description, string? Id = null,
    string? RequestId = null);

/// <summary>
/// M-3: records a customer complaint with its response deadline and a due-queue entry for it; an
/// unanswered one past its deadline escalates to the branch manager (<see cref="SettleDueWork"/>).
/// </summary>
public sealed class RecordCustomerComplaint(ArbitrationStore store, IRegistrationReader registration, PolicyClock clock, ResponseTimeBook responseTimes)
{
    public async Task<Versioned<CustomerComplaint>> ExecuteAsync(Caller caller, ComplaintInput input, CancellationToken cancellationToken)
    {
        var violations = new List<FieldViolation>();
        var customerId = RequestFields.Id(violations, "customer_id", input.CustomerId)!;
        var about = RequestFields.Id(violations, "about_employee_id", input.AboutEmployeeId, required: false);
        var channel = RequestFields.OneOf(violations, "channel", input.Channel, ComplaintChannels.All)!;
        var description = RequestFields.Text(violations, "description", input.Description, required: true)!;
        ServerIds.CheckRequestId(violations, input.RequestId);
        var now = clock.UtcNow;
        var received = input.ReceivedAt ?? now;
        if (received > now)
        {
            violations.Add(new("received_at", "不能晚于现在 / cannot be in the future"));
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
            Id = input.Id ?? ServerIds.New("cc-", caller.EmployeeId, input.RequestId),
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
            if (input.Id is not null && await store.GetComplaintAsync(input.Id) is { } recorded)
            {
                return recorded;
            }

            // The same request_id again (the id is made from it and the caller): the complaint it recorded, unless the
            // key was reused for another customer, employee, channel or text.
            if (input.RequestId is not null && await store.GetComplaintAsync(complaint.Id) is { } first)
            {
                var f = first.Value;
                return f.CustomerId == complaint.CustomerId && f.AboutEmployeeId == about && f.Channel == channel && f.Description == description
                    ? first
                    : throw ServerIds.ReusedRequestId(f.Id);
            }

            throw new ConcurrencyConflictException($"投诉编号冲突，请重试 / complaint id {complaint.Id} was taken, please retry");
        }

        return new Versioned<CustomerComplaint>(complaint, 1);
    }
}
