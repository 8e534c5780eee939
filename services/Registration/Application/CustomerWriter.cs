using CustomerProtection.Contracts.Registration;
using CustomerProtection.Policy.Identity;
using CustomerProtection.Registration.Confidentiality.Application;
using CustomerProtection.Registration.Domain;
using CustomerProtection.Registration.Persistence;
using NodaTime;

namespace CustomerProtection.Registration.Application;

/// <summary>
/// Builds the one atomic step of a customer transition: the version guard on what was read, the new
/// state, its contact, the index memberships (old removed, new added), the history entries and
/// the events. Use cases read, decide with the Domain rules, and commit through here; on a conflict
/// they decide again on fresh data.
/// </summary>
public sealed class CustomerWriter(CustomerStore store, PolicyClock clock, ConfidentialWriter confidentialWriter)
{
    private const int Attempts = 8;

    public AtomicChange Change(Versioned<Customer>? old, Customer next, Instant now, IEnumerable<HistoryEntry> history, IEnumerable<object> events,
        ConfidentialWrite? confidential = null, ProgressEntry? progress = null)
    {
        var key = RegistrationKeys.Customer(next.Id);
        var version = (old?.Version ?? 0) + 1;
        var change = new AtomicChange()
            .Expect(key, old?.Version ?? 0)
            .Put(key, version, StorageFormat.Encode(next));
        if (old is null)
        {
            // The reservation (P-2.5, P-9.1): the identity goes to this customer only if nobody holds it.
            var identities = RegistrationKeys.Identities(next.IdentityKey);
            change.ExpectFieldFree(identities, next.IdentityKey, next.Id)
                .SetField(identities, next.IdentityKey, next.Id);

            foreach (var candidateKey in TitleSimilarity.CandidateKeys(next.Title))
            {
                change.SetAddCapped(RegistrationKeys.TitleKey(candidateKey), next.Id, CustomerStore.LargestCandidateSet + 1);
            }
        }

        if (confidential is not null)
        {
            // C-4, C-5: the encrypted contact and its audit entry, in this same step.
            confidentialWriter.Add(change, next.Id, confidential, now.ToDateTimeOffset());
        }

        CustomerIndexes.Apply(change, old is null ? [] : Indexes(old.Value, now), Indexes(next, now));
        var index = 0;
        foreach (var entry in history)
        {
            change.SetField(key, RegistrationKeys.HistoryField(version, index++), StorageFormat.Encode(entry));
        }

        if (progress is not null)
        {
            change.SetField(key, RegistrationKeys.ProgressField(version, 0), StorageFormat.Encode(progress));
        }

        foreach (var message in events)
        {
            change.Publish(message);
        }

        return change;
    }

    public IReadOnlyList<IndexEntry> Indexes(Customer customer, Instant now)
    {
        var state = clock.Evaluate(customer, now);
        return CustomerIndexes.Of(customer, state, DueWork.At(customer, state, now), now);
    }

    public Task<ChangeResult> CommitAsync(AtomicChange change) => store.CommitAsync(change);

    /// <summary>
    /// Read–decide–commit on one customer, again on fresh data when someone else changed it first.
    /// <paramref name="decide"/> returns the change to commit (null: nothing to do) and the answer.
    /// </summary>
    /// <remarks>A loop around <see cref="ConflictRetry"/>, not a second delegate: every customer transition runs here.</remarks>
    public async Task<T> UpdateAsync<T>(string customerId, Func<Versioned<Customer>, Task<(AtomicChange? Change, T Result)>> decide)
    {
        var retry = new ConflictRetry(Attempts);
        while (true)
        {
            var current = await store.GetAsync(customerId) ?? throw new EntityNotFoundException("customer", customerId);
            var (change, result) = await decide(current);
            if (change is null)
            {
                return result;
            }

            var outcome = await store.CommitAsync(change);
            if (retry.IsFinal(outcome, VersionMoved))
            {
                return outcome.Succeeded ? result : throw Refusal(outcome, clock.On(clock.Today), clock.Today);
            }
        }
    }

    private static bool VersionMoved(ChangeResult outcome) => outcome.Failure == ChangeFailure.VersionMoved;

    /// <summary>The refusal that a failed check stands for: X-1's holding cap, X-2's daily quota, else a conflict.</summary>
    public static Exception Refusal(ChangeResult outcome, Policy.PolicyParameters parameters, LocalDate today) => outcome.Failure switch
    {
        ChangeFailure.CapReached => PoolRules.HoldingCapReached(outcome.Number, parameters),
        ChangeFailure.QuotaUsed => PoolRules.QuotaExhausted((int)outcome.Number, parameters, today),
        _ => new ConcurrencyConflictException($"并发修改冲突，请重试 / changed concurrently ({outcome.Failure}), please retry"),
    };

    /// <summary>
    /// The customer as protected by <paramref name="owner"/> from <paramref name="startDay"/>
    /// (approval, claim, reallocation, award or import): a new period with no extension yet, the
    /// reminders planned from now and, when announced, the P-2.2 objection window. Every path
    /// that gives a customer an owner comes through here, so here every new owner starts as a prospect
    /// (P-3.1, P-3.2, P-3.4 by the declared sales), also of a customer that has bought before: the stage
    /// is the owner's protection stage, and only a formal purchase in their own period makes it formal
    /// (<see cref="RecordShipment"/>). That the customer has bought stays a fact (<see cref="Customer.LastShipmentOn"/>).
    /// Where <see cref="Policy.PolicyParameters.NewOwnerKeepsRunningFormalPeriod"/> is on, a formal period still
    /// running when the customer changes hands continues for the new owner instead (with its extensions).
    /// </summary>
    public Customer StartProtection(Customer customer, Person owner, LocalDate startDay, Instant now, string approvedBy, bool announce)
    {
        var keepsFormal = customer.Stage == Stages.Formal
            && customer.Status is CustomerStatus.Protected or CustomerStatus.Pool
            && clock.Book.For(startDay).NewOwnerKeepsRunningFormalPeriod
            && Protection.PeriodEnd(customer, clock.Book, clock.Calendar) is { } period && period.End.IsActiveAt(now);
        return customer with
        {
            Status = CustomerStatus.Protected,
            Stage = keepsFormal ? Stages.Formal : Stages.Prospect,
            OwnerId = owner.Id,
            OwnerName = owner.Name,
            BranchId = owner.BranchId,
            RegionId = owner.RegionId,
            ApprovedOn = Protection.Date(startDay),
            ApprovedBy = approvedBy,
            PeriodStart = keepsFormal ? customer.PeriodStart : Protection.Date(startDay),
            ExtensionDays = keepsFormal ? customer.ExtensionDays : 0,
            PendingExtension = null,
            ObjectionWindowEnds = announce ? Protection.Date(Protection.ObjectionWindowEnds(clock.Book, clock.Calendar, startDay)) : null,
            RemindersFrom = now.ToDateTimeOffset(),
            RemindersSent = null,
            FlaggedMonth = null,
            ProgressDates = customer.ProgressDates?.Where(d => Protection.Local(d) >= startDay).ToList() is { Count: > 0 } kept ? kept : null,
            FreedAt = null,
            FreedReason = null,
        };
    }

    /// <summary>P-2.1/P-2.2: the announcement of an approved filing (also a claim or an award's new period).</summary>
    public FilingApproved Announcement(Customer customer, DateTimeOffset at)
    {
        var state = clock.Evaluate(customer);
        return new FilingApproved(
            customer.Id,
            customer.IdentityKey,
            customer.Title,
            customer.OwnerId!,
            customer.BranchId,
            customer.RegionId,
            customer.Stage,
            customer.ApprovedOn!.Value,
            Protection.Date(state.End!.LastDay),
            customer.ObjectionWindowEnds ?? customer.ApprovedOn.Value,
            customer.PreviousOwnerId,
            at);
    }

    public static OwnershipChanged OwnerChange(string? from, Customer after, string reason, string? by, DateTimeOffset at) =>
        new(after.Id, from, after.OwnerId, after.Status, reason, by, at);
}
