using NodaTime;

namespace CustomerProtection.Policy;

/// <summary>
/// The answer to "at least N (working) days before expiry, inclusive" (期满前N天(含)以上).
/// </summary>
/// <param name="Allowed">True iff <paramref name="Have"/> ≥ <paramref name="Need"/>.</param>
/// <param name="Have">Calendar days L − d, or working days in (d, L]; negative once d is past L.</param>
/// <param name="Need">N.</param>
/// <param name="Missing">max(0, Need − Have): how many days too late the request is.</param>
/// <param name="LatestRequestDate">The last date on which a request is still early enough.</param>
/// <param name="Provisional">True when the answer depended on a year without calendar data.</param>
public sealed record LeadTimeCheck(bool Allowed, int Have, int Need, int Missing, LocalDate LatestRequestDate, bool Provisional);
