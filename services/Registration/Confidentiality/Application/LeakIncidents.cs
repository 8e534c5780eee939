using System.Globalization;
using CustomerProtection.Registration.Application;
using CustomerProtection.Registration.Confidentiality.Domain;
using CustomerProtection.Registration.Confidentiality.Persistence;
using CustomerProtection.Registration.Confidentiality.Persistence.Audit;
using CustomerProtection.Registration.Domain;
using CustomerProtection.Registration.Persistence;
using StackExchange.Redis;

namespace CustomerProtection.Registration.Confidentiality.Application;

/// <summary>A customer an incident lists for notification, and which of the accounts touched it.</summary>
public sealed record AffectedCustomer(string CustomerId, IReadOnlyList<string> EmployeeIds);

public sealed record AffectedPage(IReadOnlyList<AffectedCustomer> Items, string? NextPageToken);

/// <summary>
/// C-7, hq only: a suspected leak is recorded and the accounts involved are frozen in the same atomic
/// step (from that moment every customer-data call of theirs is refused: <see cref="AccountBlocks"/>);
/// the customers they read, changed or shared since the suspected start are listed from the audit log
/// for notification; later steps (notification, unfreezing, closing) are recorded. Each step is also an
/// entry of the tamper-evident audit log.
/// </summary>
public sealed class LeakIncidents(CustomerStore customers, DocumentStore documents, AuditLog audit, PolicyClock clock, RpcName rpc)
{
    public const int MaxAccounts = 100;
    public const int MaxTextLength = 2000;
    private const int Attempts = 5;

    /// <param name="requestId">Optional idempotency key of the caller (docs/api.md): a retry with it answers the incident it recorded.</param>
    public async Task<Versioned<Incident>> RecordAsync(Caller caller, string? description, IReadOnlyList<string> employeeIds, DateTimeOffset? suspectedFrom, string? requestId = null)
    {
        RequireHq(caller);
        var violations = new List<FieldViolation>();
        Text(violations, "description", description);
        var accounts = employeeIds.Select(e => e?.Trim() ?? "").Distinct(StringComparer.Ordinal).ToList();
        if (accounts.Count is 0 or > MaxAccounts)
        {
            violations.Add(new("employee_ids", $"1–{MaxAccounts} 个账号 / 1 to {MaxAccounts} accounts"));
        }

        for (var i = 0; i < accounts.Count; i++)
        {
            if (accounts[i].Length is 0 or > 64)
            {
                violations.Add(new($"employee_ids[{i}]", "必填，最长 64 / required, at most 64 characters"));
            }
        }

        var now = clock.UtcNow;
        if (suspectedFrom > now)
        {
            violations.Add(new("suspected_from", "不晚于现在 / not in the future"));
        }

        ServerIds.CheckRequestId(violations, requestId);
        RequestValidationException.ThrowIfAny(violations);

        var id = ServerIds.New("INC-", caller.EmployeeId, requestId);
        var steps = new List<IncidentStep> { new(now, caller.EmployeeId, IncidentSteps.Recorded, description!.Trim()) };
        steps.AddRange(accounts.Select(a => new IncidentStep(now, caller.EmployeeId, IncidentSteps.Frozen, a)));
        var incident = new Incident
        {
            Id = id,
            Description = description.Trim(),
            Status = IncidentStatus.Open,
            RecordedBy = caller.EmployeeId,
            RecordedAt = now,
            EmployeeIds = accounts,
            Frozen = accounts,
            SuspectedFrom = suspectedFrom,
            Steps = steps,
        };

        // The record and the freezes together: from this commit on, the accounts get no customer data.
        var change = new AtomicChange()
            .Expect(ConfidentialityKeys.Incident(id), 0)
            .Put(ConfidentialityKeys.Incident(id), 1, DocumentStore.Encode(incident));
        foreach (var step in steps)
        {
            Log(change, caller, incident, step);
        }

        foreach (var account in accounts)
        {
            change.SetAdd(ConfidentialityKeys.Blocked(account), id);
        }

        if (!(await customers.CommitAsync(change)).Succeeded)
        {
            // The same request_id again (the id is made from it and the caller): the incident it recorded, unless the
            // key was reused for another description or other accounts; nothing more is frozen, listed or audited.
            var first = !string.IsNullOrEmpty(requestId) ? await documents.GetAsync<Incident>(ConfidentialityKeys.Incident(id)) : null;
            return first is null ? throw new ConcurrencyConflictException("并发修改冲突，请重试 / changed concurrently, please retry")
                : first.Value.Description == incident.Description && first.Value.EmployeeIds.SequenceEqual(accounts) ? first
                : throw ServerIds.ReusedRequestId(id);
        }

        audit.NotifyAppended();

        // The customers they touched, from a log that holds everything up to now.
        await audit.ChainAllAsync();
        var touched = new SortedDictionary<string, SortedSet<string>>(StringComparer.Ordinal);
        foreach (var account in accounts)
        {
            foreach (var customer in await audit.CustomersTouchedByAsync(account, suspectedFrom))
            {
                (touched.TryGetValue(customer, out var by) ? by : touched[customer] = new SortedSet<string>(StringComparer.Ordinal)).Add(account);
            }
        }

        return await UpdateAsync(caller, id, current =>
        {
            var step = new IncidentStep(clock.UtcNow, caller.EmployeeId, IncidentSteps.AffectedListed, touched.Count.ToString(CultureInfo.InvariantCulture));
            var next = current with { AffectedCustomers = touched.Count, Steps = [.. current.Steps, step] };
            return (next, step, change =>
            {
                foreach (var (customer, by) in touched)
                {
                    change.IndexAdd(ConfidentialityKeys.IncidentAffected(id), $"{customer}|{string.Join(',', by)}", 0);
                }
            });
        });
    }

    public async Task<Versioned<Incident>> GetAsync(Caller caller, string? incidentId)
    {
        RequireHq(caller);
        return await LoadAsync(incidentId);
    }

    /// <summary>The customers to notify, in id order, with the frozen accounts that touched each.</summary>
    public async Task<AffectedPage> AffectedAsync(Caller caller, string? incidentId, int pageSize, string? pageToken)
    {
        RequireHq(caller);
        var incident = await LoadAsync(incidentId);
        var size = PageSizes.Read(pageSize);
        var members = await customers.Db.SortedSetRangeByValueAsync(ConfidentialityKeys.IncidentAffected(incident.Value.Id),
            string.IsNullOrEmpty(pageToken) ? default : (RedisValue)pageToken, default, string.IsNullOrEmpty(pageToken) ? Exclude.None : Exclude.Start,
            Order.Ascending, 0, size);
        var items = members.Select(m =>
        {
            var parts = ((string)m!).Split('|');
            return new AffectedCustomer(parts[0], parts[1].Split(','));
        }).ToList();
        return new AffectedPage(items, members.Length == size ? (string?)members[^1] : null);
    }

    /// <summary>
    /// A step taken (customers notified, the regulator informed ...). A retry with the step's request_id answers the
    /// incident as it is and writes nothing (docs/api.md); the same request_id for another note is refused on it.
    /// </summary>
    public Task<Versioned<Incident>> AddStepAsync(Caller caller, string? incidentId, string? note, string? requestId = null)
    {
        RequireHq(caller);
        var violations = new List<FieldViolation>();
        Text(violations, "note", note);
        ServerIds.CheckRequestId(violations, requestId);
        RequestValidationException.ThrowIfAny(violations);
        var key = string.IsNullOrEmpty(requestId) ? null : requestId;
        return UpdateAsync(caller, incidentId, current =>
        {
            if (key is not null && current.Steps.FirstOrDefault(s => s.RequestId == key && s.By == caller.EmployeeId) is { } earlier)
            {
                return earlier.Note == note!.Trim() ? null : throw ServerIds.ReusedRequestId($"{current.Id} {earlier.At:O}");
            }

            var step = new IncidentStep(clock.UtcNow, caller.EmployeeId, IncidentSteps.Step, note!.Trim(), key);
            return (current with { Steps = [.. current.Steps, step] }, step, null);
        });
    }

    /// <summary>This incident stops freezing the account (another open incident may still freeze it).</summary>
    public Task<Versioned<Incident>> UnfreezeAsync(Caller caller, string? incidentId, string? employeeId, string? reason)
    {
        RequireHq(caller);
        var violations = new List<FieldViolation>();
        Text(violations, "reason", reason);
        RequestValidationException.ThrowIfAny(violations);
        return UpdateAsync(caller, incidentId, current =>
        {
            if (employeeId is null || !current.Frozen.Contains(employeeId))
            {
                throw new PolicyRefusalException("C-7",
                    $"{employeeId} 不是本事件冻结的账号 / {employeeId} is not frozen by this incident",
                    new Dictionary<string, string> { ["incidentId"] = current.Id, ["employeeId"] = employeeId ?? "" });
            }

            var step = new IncidentStep(clock.UtcNow, caller.EmployeeId, IncidentSteps.Unfrozen, $"{employeeId}: {reason!.Trim()}");
            var next = current with { Frozen = current.Frozen.Where(f => f != employeeId).ToList(), Steps = [.. current.Steps, step] };
            return (next, step, change => change.SetRemove(ConfidentialityKeys.Blocked(employeeId), current.Id));
        });
    }

    /// <summary>Closes the incident; accounts it still freezes stay frozen until unfrozen explicitly.</summary>
    public Task<Versioned<Incident>> CloseAsync(Caller caller, string? incidentId, string? resolution)
    {
        RequireHq(caller);
        var violations = new List<FieldViolation>();
        Text(violations, "resolution", resolution);
        RequestValidationException.ThrowIfAny(violations);
        return UpdateAsync(caller, incidentId, current =>
        {
            if (current.Status == IncidentStatus.Closed)
            {
                throw new PolicyRefusalException("C-7", "事件已关闭 / the incident is closed", new Dictionary<string, string> { ["incidentId"] = current.Id });
            }

            var step = new IncidentStep(clock.UtcNow, caller.EmployeeId, IncidentSteps.Closed, resolution!.Trim());
            return (current with { Status = IncidentStatus.Closed, Steps = [.. current.Steps, step] }, step, null);
        });
    }

    /// <param name="decide">The next incident, its step and any more writes; null: nothing to change (a retried step).</param>
    private Task<Versioned<Incident>> UpdateAsync(Caller caller, string? incidentId, Func<Incident, (Incident Next, IncidentStep Step, Action<AtomicChange>? More)?> decide) =>
        OptimisticConcurrency.RetryAsync(async () =>
        {
            var current = await LoadAsync(incidentId);
            if (decide(current.Value) is not var (next, step, more))
            {
                return (ChangeResult.Applied, current);
            }

            var key = ConfidentialityKeys.Incident(next.Id);
            var change = new AtomicChange().Expect(key, current.Version).Put(key, current.Version + 1, DocumentStore.Encode(next));
            more?.Invoke(change);
            Log(change, caller, next, step);
            var outcome = await customers.CommitAsync(change);
            if (outcome.Succeeded)
            {
                audit.NotifyAppended();
            }

            return (outcome, new Versioned<Incident>(next, current.Version + 1));
        }, Attempts, refusal: OptimisticConcurrency.Conflict);

    private async Task<Versioned<Incident>> LoadAsync(string? incidentId)
    {
        if (string.IsNullOrWhiteSpace(incidentId) || incidentId.Length > 64)
        {
            throw new RequestValidationException(new FieldViolation("incident_id", "必填，最长 64 / required, at most 64 characters"));
        }

        return await documents.GetAsync<Incident>(ConfidentialityKeys.Incident(incidentId)) ?? throw new EntityNotFoundException("incident", incidentId);
    }

    private void Log(AtomicChange change, Caller caller, Incident incident, IncidentStep step) =>
        AuditLog.Pending(change, new AuditRecord(step.At, caller.EmployeeId, caller.Role, null, AuditKinds.Incident, [], Purposes.Administration, rpc.Current,
            $"{incident.Id} {step.What}" + (step.Note is null ? "" : ": " + step.Note)));

    private static void RequireHq(Caller caller)
    {
        if (!caller.IsHq)
        {
            throw new ScopeDeniedException("泄露事件由总公司处理 / incidents are handled by hq");
        }
    }

    private static void Text(List<FieldViolation> violations, string field, string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            violations.Add(new(field, "必填 / required"));
        }
        else if (text.Length > MaxTextLength)
        {
            violations.Add(new(field, $"最长 {MaxTextLength} 字 / at most {MaxTextLength} characters"));
        }
    }
}
