using Grpc.Core;

namespace CustomerProtection.Cli.Core;

/// <summary>
/// Exit codes scripts can rely on (docs/cpctl.md). One per kind of outcome, so a script can tell "the
/// policy said no" from "the input was wrong" from "the system is not running".
/// </summary>
public static class ExitCodes
{
    public const int Ok = 0;
    /// <summary>Anything not covered below (a server fault, an unexpected error).</summary>
    public const int Failure = 1;
    /// <summary>Bad command line or bad input (gRPC InvalidArgument, OutOfRange).</summary>
    public const int InvalidArgument = 2;
    /// <summary>The system cannot be reached, no address, no signing key (Unavailable, DeadlineExceeded).</summary>
    public const int Unavailable = 3;
    /// <summary>Refused by the policy: FailedPrecondition with the rule id.</summary>
    public const int Refused = 4;
    /// <summary>Already held or already open (AlreadyExists: an identity filed by someone else, a case open).</summary>
    public const int AlreadyExists = 5;
    public const int NotFound = 6;
    /// <summary>The role or scope does not allow it (PermissionDenied).</summary>
    public const int PermissionDenied = 7;
    /// <summary>No token, a bad or expired token (Unauthenticated).</summary>
    public const int Unauthenticated = 8;
    /// <summary>Someone changed it first (Aborted): read again and retry.</summary>
    public const int Conflict = 9;
    /// <summary><c>cpctl demo</c>: a step's outcome was not what the policy says.</summary>
    public const int DemoFailed = 10;
    /// <summary><c>cpctl audit verify</c>: the audit chain has a broken link (C-5); the verification is printed as usual.</summary>
    public const int AuditChainBroken = 11;

    public static int For(StatusCode code) => code switch
    {
        StatusCode.OK => Ok,
        StatusCode.InvalidArgument or StatusCode.OutOfRange => InvalidArgument,
        StatusCode.Unavailable or StatusCode.DeadlineExceeded => Unavailable,
        StatusCode.FailedPrecondition => Refused,
        StatusCode.AlreadyExists => AlreadyExists,
        StatusCode.NotFound => NotFound,
        StatusCode.PermissionDenied => PermissionDenied,
        StatusCode.Unauthenticated => Unauthenticated,
        StatusCode.Aborted => Conflict,
        _ => Failure,
    };
}
