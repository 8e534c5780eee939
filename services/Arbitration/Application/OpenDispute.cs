using CustomerProtection.Arbitration.Domain;
using CustomerProtection.Arbitration.Persistence;

namespace CustomerProtection.Arbitration.Application;

/// <param name="RequestId">Optional idempotency key of the caller (docs/api.md): a retry with it answers the case it opened.</param>
public sealed record DisputeInput(string? Kind, string CustomerId, string RespondentId, string? SaleId, string Description, string? RequestId = null);

/// <summary>
/// P-3.6 co-development and P-8.2 performance disputes; a co-development dispute takes the customer's
/// dispute marker, a performance dispute names a recorded sale of the customer (<see cref="CaseOpeningSteps"/>).
/// </summary>
public sealed class OpenDispute(ArbitrationStore store, IRegistrationReader registration, PolicyClock clock)
{
    public async Task<Versioned<Case>> ExecuteAsync(Caller caller, DisputeInput input, CancellationToken cancellationToken)
    {
        var violations = new List<FieldViolation>();
        var kind = RequestFields.OneOf(violations, "kind", input.Kind, CaseKinds.Disputes);
        var customerId = RequestFields.Id(violations, "customer_id", input.CustomerId)!;
        var respondent = RequestFields.Id(violations, "respondent_id", input.RespondentId)!;
        var saleId = RequestFields.Id(violations, "sale_id", input.SaleId, required: kind == CaseKinds.Performance);
        var description = RequestFields.Text(violations, "description", input.Description, required: true)!;
        if (respondent == caller.EmployeeId)
        {
            violations.Add(new("respondent_id", "不能与自己争议 / one cannot dispute with oneself"));
        }

        ServerIds.CheckRequestId(violations, input.RequestId);
        RequestValidationException.ThrowIfAny(violations);

        var customer = await CaseOpeningSteps.CustomerAsync(registration, customerId, cancellationToken);
        if (kind == CaseKinds.CoDevelopment)
        {
            CaseRules.EnsureCoDevelopmentParties(customer, caller.EmployeeId, respondent);
        }

        // P-8.2 disputes a recorded sale's credit: hq's decision is applied to that sale in Territory's
        // ledger, so the sale must be one of this customer's (Territory's SaleRecorded, kept here).
        if (kind == CaseKinds.Performance && !(await store.DealsAsync(customer.IdentityKey, DateOnly.MinValue, DateOnly.MaxValue)).Any(d => d.SaleId == saleId))
        {
            throw new RequestValidationException(new FieldViolation("sale_id",
                $"出货 {saleId} 不是客户 {customer.CustomerId} 的已记录出货 / sale {saleId} is not a recorded sale to customer {customer.CustomerId}"));
        }

        var @case = CaseOpeningSteps.NewCase(kind!, customer, caller, respondent, description, clock.UtcNow, input.RequestId) with { SaleId = kind == CaseKinds.Performance ? saleId : null };
        return await CaseOpeningSteps.CommitAsync(store, @case);
    }
}
