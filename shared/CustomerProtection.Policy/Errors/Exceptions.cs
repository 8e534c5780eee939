namespace CustomerProtection.Policy.Errors;

/// <summary>One malformed field: its path in the request (e.g. <c>employees[3].branch_id</c>) and what is wrong.</summary>
public sealed record FieldViolation(string Field, string Description);

/// <summary>Malformed input: becomes InvalidArgument with google.rpc.BadRequest. Nothing was written.</summary>
public sealed class RequestValidationException(IReadOnlyList<FieldViolation> violations)
    : Exception(string.Join("; ", violations.Select(v => $"{v.Field}: {v.Description}")))
{
    public RequestValidationException(params FieldViolation[] violations) : this((IReadOnlyList<FieldViolation>)violations)
    {
    }

    public IReadOnlyList<FieldViolation> Violations { get; } = violations;

    /// <summary>Refuses the request when any field was found malformed (nothing has been written yet).</summary>
    public static void ThrowIfAny(List<FieldViolation> violations)
    {
        if (violations.Count > 0)
        {
            throw new RequestValidationException(violations);
        }
    }
}

/// <summary>
/// How a refusal reaches the caller. The values are gRPC's status codes, so the edge maps them by value; the
/// domain names them without depending on gRPC.
/// </summary>
public enum RefusalCode
{
    PermissionDenied = 7,
    FailedPrecondition = 9,
    AlreadyExists = 6,
}

/// <summary>
/// A policy refusal: becomes FailedPrecondition (or the given code, e.g. AlreadyExists) with
/// google.rpc.ErrorInfo whose reason is the rule id and whose metadata carries the numbers.
/// </summary>
public sealed class PolicyRefusalException(
    string ruleId,
    string message,
    IReadOnlyDictionary<string, string>? metadata = null,
    RefusalCode code = RefusalCode.FailedPrecondition) : Exception(message)
{
    public string RuleId { get; } = ruleId;
    public IReadOnlyDictionary<string, string> Metadata { get; } = metadata ?? new Dictionary<string, string>();
    public RefusalCode Code { get; } = code;
}

/// <summary>The caller's role or scope does not allow this: PermissionDenied.</summary>
public sealed class ScopeDeniedException(string message) : Exception(message);

/// <summary>The named entity does not exist: NotFound.</summary>
public sealed class EntityNotFoundException(string kind, string id)
    : Exception($"{kind} '{Echo.Prefix(id)}' 不存在 / not found")
{
    public string Kind { get; } = kind;
    public string Id { get; } = id;
}

/// <summary>Someone else changed it first (optimistic concurrency): Aborted, the caller may retry.</summary>
public sealed class ConcurrencyConflictException(string message) : Exception(message);
