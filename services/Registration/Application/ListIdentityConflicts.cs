using CustomerProtection.Policy.Identity;
using CustomerProtection.Registration.Domain;
using CustomerProtection.Registration.Persistence;

namespace CustomerProtection.Registration.Application;

/// <summary>Two held records of one customer (P-2.5): the title-only one and one with a taxpayer id and the same title.</summary>
public sealed record IdentityConflict(string NormalizedTitle, Versioned<Customer> TitleOnly, ProtectionState TitleOnlyState, Versioned<Customer> WithTaxpayerId, ProtectionState WithTaxpayerIdState);

/// <summary>
/// P-2.5 (hq): the pairs of records that are the same customer and both hold it. The ownership gate keeps
/// any new pair from arising; these were filed before identity was checked across taxpayer ids and
/// titles (storage layout 5 listed every record with a taxpayer id in its title's group). They are not
/// merged — which filing wins is P-9's question — so hq settles each through an ownership case, and a pair
/// leaves the report once one record no longer holds the customer. Reads every identity bucket's title
/// groups (a report, not a hot path).
/// </summary>
public sealed class ListIdentityConflicts(CustomerStore store, PolicyClock clock)
{
    public async Task<IReadOnlyList<IdentityConflict>> ExecuteAsync(Caller caller)
    {
        if (!caller.IsHq)
        {
            throw new ScopeDeniedException("只有总公司可以查看身份冲突 / only hq reads the identity conflicts");
        }

        var conflicts = new List<IdentityConflict>();
        var now = clock.Now;
        for (var bucket = 0; bucket < RegistrationKeys.IdentityBuckets; bucket++)
        {
            foreach (var (title, titleOnlyId, groupIds) in await store.TitleGroupsAsync(bucket))
            {
                var records = await store.GetManyAsync([titleOnlyId, .. groupIds]);
                var titleOnly = records.FirstOrDefault(r => r.Value.Id == titleOnlyId);
                if (titleOnly is null || !IsHeld(clock.Evaluate(titleOnly.Value, now)))
                {
                    continue;
                }

                foreach (var other in records.Where(r => r.Value.Id != titleOnlyId))
                {
                    var state = clock.Evaluate(other.Value, now);
                    if (IsHeld(state))
                    {
                        conflicts.Add(new IdentityConflict(title, titleOnly, clock.Evaluate(titleOnly.Value, now), other, state));
                    }
                }
            }
        }

        return conflicts;
    }

    private static bool IsHeld(ProtectionState state) => state.Status is CustomerStatus.Pending or CustomerStatus.Protected;
}
