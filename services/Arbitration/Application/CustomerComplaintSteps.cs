using CustomerProtection.Arbitration.Domain;
using CustomerProtection.Arbitration.Persistence;

namespace CustomerProtection.Arbitration.Application;

/// <summary>What answering and resolving a complaint share: the step, guarded by the version read, that also ends what was due.</summary>
public static class CustomerComplaintSteps
{
    public static async Task<Versioned<CustomerComplaint>> StepAsync(ArbitrationStore store, string id, Func<CustomerComplaint, CustomerComplaint> decide) =>
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
