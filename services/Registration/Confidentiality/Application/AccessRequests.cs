using System.Globalization;
using CustomerProtection.Registration.Application;
using CustomerProtection.Registration.Confidentiality.Domain;
using CustomerProtection.Registration.Confidentiality.Persistence;
using CustomerProtection.Registration.Confidentiality.Persistence.Audit;
using CustomerProtection.Registration.Domain;
using CustomerProtection.Registration.Persistence;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace CustomerProtection.Registration.Confidentiality.Application;

/// <summary>C-3's numbers, which the rule book leaves open: configuration (<c>Confidentiality:Grants</c>).</summary>
public sealed class GrantOptions
{
    public const string SectionName = "Confidentiality:Grants";

    /// <summary>Days of access when a request names none.</summary>
    public int DefaultDays { get; set; } = 7;

    /// <summary>The longest access a request may ask for.</summary>
    public int MaxDays { get; set; } = 30;
}

/// <summary>A page of access grants.</summary>
public sealed record GrantPage(IReadOnlyList<Versioned<AccessGrant>> Items, string? NextPageToken);

/// <summary>
/// C-3: someone C-2 does not clear asks for time-limited access to one customer's confidential data,
/// for a purpose the customer consented to (C-6); the branch manager of the customer's branch approves
/// or refuses; an approved grant opens a slot the read path checks against the clock, so it expires by
/// itself. Revocation (manager, hq, the grantee) closes it early. Every step is audited (C-5) in the
/// same atomic step as the change.
/// </summary>
public sealed class AccessRequests(
    CustomerStore customers,
    ConfidentialStore confidential,
    DocumentStore documents,
    PolicyClock clock,
    RpcName rpc,
    IOptions<GrantOptions> options)
{
    private const int Attempts = 5;
    public const int MaxReasonLength = 500;

    /// <summary>The actor of what the system does by itself (C-9), in the audit log.</summary>
    public static readonly Caller SystemActor = new("system", "system", null, null);

    /// <param name="requestId">Optional idempotency key of the caller (docs/api.md): a retry with it answers the request it made.</param>
    public async Task<Versioned<AccessGrant>> RequestAsync(Caller caller, string? customerId, string? purpose, string? reason, int days, string? requestId = null)
    {
        // C-3 is a person's need to know; an integration account (erp) records sales and has none.
        if (caller.Role == Roles.Erp)
        {
            throw new ScopeDeniedException("集成账号不能申请查看保密信息 / an integration account cannot request confidential data");
        }

        Lookup.RequireId(customerId);
        var violations = new List<FieldViolation>();
        var wanted = ConsentRules.ValidPurpose(violations, "purpose", purpose);
        if (wanted is null && violations.Count == 0)
        {
            violations.Add(new("purpose", "必填 / required"));
        }

        var limits = options.Value;
        if (days < 0 || days > limits.MaxDays)
        {
            violations.Add(new("days", $"1–{limits.MaxDays}（0 为默认 {limits.DefaultDays}）/ 1 to {limits.MaxDays} (0: the default {limits.DefaultDays})"));
        }

        CheckText(violations, "reason", reason, required: true);
        ServerIds.CheckRequestId(violations, requestId);
        RequestValidationException.ThrowIfAny(violations);

        var loading = confidential.LoadAsync(customerId!, null);
        var customer = (await customers.GetAsync(customerId!))?.Value ?? throw new EntityNotFoundException("customer", customerId!);
        if (Disclosure.RoleClearance(caller, customer) != Clearance.None)
        {
            throw new PolicyRefusalException("C-3",
                "你已可查看该客户的保密信息，无需申请 / you already see this customer's confidential data: no request needed",
                new Dictionary<string, string> { ["customerId"] = customer.Id });
        }

        var opened = confidential.Open(customer.Id, (await loading).Value);
        if (opened.Destroyed)
        {
            throw Destroyed(customer.Id, opened.DestroyedAt!.Value);
        }

        var consent = opened.Record?.Consent ?? Consent.Implied(customer.FiledAt, customer.FiledBy);
        if (!consent.Covers(wanted!))
        {
            throw ConsentRules.OutsideScope(customer.Id, wanted!, consent);
        }

        var now = clock.UtcNow;
        var grant = new AccessGrant
        {
            Id = ServerIds.New("G", caller.EmployeeId, requestId),
            CustomerId = customer.Id,
            BranchId = customer.BranchId,
            EmployeeId = caller.EmployeeId,
            EmployeeRole = caller.Role,
            Purpose = wanted!,
            Reason = reason!.Trim(),
            Days = days == 0 ? limits.DefaultDays : days,
            RequestedAt = now,
        };
        var change = new AtomicChange()
            .Expect(ConfidentialityKeys.Grant(grant.Id), 0)
            .Put(ConfidentialityKeys.Grant(grant.Id), 1, DocumentStore.Encode(grant))
            .IndexAdd(ConfidentialityKeys.BranchGrants(grant.BranchId), grant.Id, now.ToUnixTimeMilliseconds())
            .IndexAdd(ConfidentialityKeys.GranteeGrants(grant.EmployeeId), grant.Id, now.ToUnixTimeMilliseconds());
        Audit(change, caller, grant, now, $"requested {grant.Id}: {grant.Days} days");
        if ((await customers.CommitAsync(change)).Succeeded)
        {
            return new Versioned<AccessGrant>(grant, 1);
        }

        // The same request_id again (the id is made from it and the caller): the request it made, unless the key was
        // reused for another customer, purpose or length; nothing more is written or audited.
        if (!string.IsNullOrEmpty(requestId) && await documents.GetAsync<AccessGrant>(ConfidentialityKeys.Grant(grant.Id)) is { } first)
        {
            var f = first.Value;
            return f.CustomerId == grant.CustomerId && f.Purpose == grant.Purpose && f.Days == grant.Days ? first : throw ServerIds.ReusedRequestId(f.Id);
        }

        throw new ConcurrencyConflictException("并发修改冲突，请重试 / changed concurrently, please retry");
    }

    /// <summary>C-3: the manager of the customer's branch decides; an approval opens the slot until now + days.</summary>
    public Task<Versioned<AccessGrant>> DecideAsync(Caller caller, string? grantId, bool approve, string? reason) =>
        UpdateAsync(grantId, async (current, now) =>
        {
            var grant = current.Value;
            var customer = (await customers.GetAsync(grant.CustomerId))?.Value ?? throw new EntityNotFoundException("customer", grant.CustomerId);
            if (!AccessGrantRules.CanDecide(caller, customer.BranchId))
            {
                throw new ScopeDeniedException($"只有 {customer.BranchId} 的经理可以审批 / only the manager of {customer.BranchId} decides");
            }

            if (!approve)
            {
                var violations = new List<FieldViolation>();
                CheckText(violations, "reason", reason, required: true);
                RequestValidationException.ThrowIfAny(violations);
            }

            RequireStatus(grant, now, GrantStatus.Pending);
            var next = grant with
            {
                Approved = approve,
                DecidedBy = caller.EmployeeId,
                DecidedAt = now,
                DecisionReason = string.IsNullOrWhiteSpace(reason) ? null : reason.Trim(),
                ExpiresAt = approve ? now.AddDays(grant.Days) : null,
            };
            var change = Write(current, next);
            if (approve)
            {
                change.Set(ConfidentialityKeys.GrantSlot(grant.CustomerId, grant.EmployeeId), ConfidentialStore.SlotValue(next.Slot()));
            }

            Audit(change, caller, next, now, approve
                ? $"approved {grant.Id} until {next.ExpiresAt!.Value.ToString("O", CultureInfo.InvariantCulture)}"
                : $"refused {grant.Id}");
            return (change, next);
        });

    /// <summary>The branch manager or hq ends a grant early; the grantee may give it up (or withdraw the request).</summary>
    public Task<Versioned<AccessGrant>> RevokeAsync(Caller caller, string? grantId, string? reason) =>
        UpdateAsync(grantId, async (current, now) =>
        {
            var grant = current.Value;
            if (!AccessGrantRules.CanRevoke(caller, grant))
            {
                throw new ScopeDeniedException("只有分公司经理、总公司或申请人可以撤销 / only the branch manager, hq or the requester revoke a grant");
            }

            RequireStatus(grant, now, GrantStatus.Pending, GrantStatus.Active);
            var next = grant with { EndedAs = GrantStatus.Revoked, EndedAt = now, EndedBy = caller.EmployeeId, EndReason = reason?.Trim() };
            var change = Write(current, next);
            await CloseSlotAsync(change, grant);
            Audit(change, caller, next, now, $"revoked {grant.Id}");
            return (change, next);
        });

    /// <summary>C-9: every grant and request of an employee who left ends at once (idempotent: ended ones are skipped).</summary>
    public async Task<int> EndAllOfAsync(string employeeId, string why)
    {
        var ended = 0;
        var ids = await customers.Db.SortedSetRangeByRankAsync(ConfidentialityKeys.GranteeGrants(employeeId));
        foreach (var id in ids.Select(v => (string)v!))
        {
            var endsNow = false;
            await UpdateAsync(id, async (current, now) =>
            {
                var grant = current.Value;
                endsNow = grant.StatusAt(now) is GrantStatus.Pending or GrantStatus.Active;
                if (!endsNow)
                {
                    return (null, grant);
                }

                var next = grant with { EndedAs = GrantStatus.Ended, EndedAt = now, EndedBy = SystemActor.EmployeeId, EndReason = why };
                var change = Write(current, next);
                await CloseSlotAsync(change, grant);
                Audit(change, SystemActor, next, now, $"ended {grant.Id}: {why}");
                return (change, next);
            });
            ended += endsNow ? 1 : 0;
        }

        return ended;
    }

    public async Task<Versioned<AccessGrant>> GetAsync(Caller caller, string? grantId)
    {
        var grant = await LoadAsync(grantId);
        return AccessGrantRules.CanSee(caller, grant.Value) ? grant : throw new ScopeDeniedException("无权查看该申请 / not allowed to see this request");
    }

    /// <summary>A branch's requests (its manager, hq), or the caller's own; oldest first.</summary>
    public async Task<GrantPage> ListAsync(Caller caller, string? branchId, int pageSize, string? pageToken)
    {
        var size = PageSizes.Read(pageSize);
        RedisKey index;
        if (string.IsNullOrWhiteSpace(branchId))
        {
            index = ConfidentialityKeys.GranteeGrants(caller.EmployeeId);
        }
        else if (AccessGrantRules.CanListBranch(caller, branchId))
        {
            index = ConfidentialityKeys.BranchGrants(branchId);
        }
        else
        {
            throw new ScopeDeniedException($"只有 {Echo.Prefix(branchId)} 的经理或总公司可以查看 / only the manager of {Echo.Prefix(branchId)} or hq see its requests");
        }

        var offset = string.IsNullOrEmpty(pageToken) ? 0
            : long.TryParse(pageToken, NumberStyles.None, CultureInfo.InvariantCulture, out var o) ? o
            : throw new RequestValidationException(new FieldViolation("page_token", "无效 / invalid"));
        var ids = await customers.Db.SortedSetRangeByRankAsync(index, offset, offset + size - 1);
        var grants = await documents.GetManyAsync<AccessGrant>(ids.Select(id => ConfidentialityKeys.Grant((string)id!)));
        return new GrantPage(grants, ids.Length == size ? (offset + size).ToString(CultureInfo.InvariantCulture) : null);
    }

    public static PolicyRefusalException Destroyed(string customerId, DateTimeOffset at) => new(
        "C-10",
        "该客户的个人信息已按要求销毁 / this customer's personal data was destroyed on request",
        new Dictionary<string, string> { ["customerId"] = customerId, ["destroyedAt"] = at.ToString("O", CultureInfo.InvariantCulture) });

    private async Task<Versioned<AccessGrant>> LoadAsync(string? grantId)
    {
        if (string.IsNullOrWhiteSpace(grantId) || grantId.Length > 64)
        {
            throw new RequestValidationException(new FieldViolation("grant_id", "必填，最长 64 / required, at most 64 characters"));
        }

        return await documents.GetAsync<AccessGrant>(ConfidentialityKeys.Grant(grantId)) ?? throw new EntityNotFoundException("access grant", grantId);
    }

    private Task<Versioned<AccessGrant>> UpdateAsync(string? grantId, Func<Versioned<AccessGrant>, DateTimeOffset, Task<(AtomicChange? Change, AccessGrant Next)>> decide) =>
        OptimisticConcurrency.RetryAsync(async () =>
        {
            var current = await LoadAsync(grantId);
            var (change, next) = await decide(current, clock.UtcNow);
            return change is null
                ? (ChangeResult.Applied, current)
                : (await customers.CommitAsync(change), new Versioned<AccessGrant>(next, current.Version + 1));
        }, Attempts, refusal: OptimisticConcurrency.Conflict);

    private static AtomicChange Write(Versioned<AccessGrant> current, AccessGrant next) => new AtomicChange()
        .Expect(ConfidentialityKeys.Grant(next.Id), current.Version)
        .Put(ConfidentialityKeys.Grant(next.Id), current.Version + 1, DocumentStore.Encode(next));

    /// <summary>Closes the read path's slot if it is this grant's (a later grant for the same pair keeps its own), guarded by the value read.</summary>
    private async Task CloseSlotAsync(AtomicChange change, AccessGrant grant)
    {
        if (grant.Approved != true)
        {
            return;
        }

        var key = ConfidentialityKeys.GrantSlot(grant.CustomerId, grant.EmployeeId);
        var slot = await customers.Db.StringGetAsync(key);
        if (!slot.IsNullOrEmpty && ((string)slot!).StartsWith(grant.Id + "|", StringComparison.Ordinal))
        {
            change.ExpectUnchanged(key, slot).Set(key, "");
        }
    }

    private void Audit(AtomicChange change, Caller by, AccessGrant grant, DateTimeOffset at, string detail) =>
        AuditLog.Pending(change, new AuditRecord(at, by.EmployeeId, by.Role, grant.CustomerId, AuditKinds.Grant, [], grant.Purpose, rpc.Current,
            $"{detail}; grantee {grant.EmployeeId}"));

    private static void RequireStatus(AccessGrant grant, DateTimeOffset now, params string[] allowed)
    {
        var status = grant.StatusAt(now);
        if (!allowed.Contains(status))
        {
            throw new PolicyRefusalException("C-3",
                $"申请状态为 {status} / the request is {status}",
                new Dictionary<string, string> { ["grantId"] = grant.Id, ["status"] = status });
        }
    }

    private static void CheckText(List<FieldViolation> violations, string field, string? text, bool required)
    {
        if (required && string.IsNullOrWhiteSpace(text))
        {
            violations.Add(new(field, "必填 / required"));
        }
        else if (text?.Length > MaxReasonLength)
        {
            violations.Add(new(field, $"最长 {MaxReasonLength} 字 / at most {MaxReasonLength} characters"));
        }
    }
}
