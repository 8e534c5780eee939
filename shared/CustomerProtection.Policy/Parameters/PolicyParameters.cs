using System.Globalization;

namespace CustomerProtection.Policy;

/// <summary>
/// Every number of the rule book (policy.md: "every number below is a policy parameter"), with the
/// defaults of policy.md. A decision takes the parameters in force on the day of its event from
/// <see cref="PolicyBook.For"/> (P-14). Plain init properties, so that a configuration binder can
/// fill it, though the services normally configure <see cref="PolicySettings"/> (versioned overrides).
/// Money is CNY.
/// </summary>
public sealed record PolicyParameters
{
    /// <summary>The defaults of policy.md, in force since 2013-12-02 (P-14).</summary>
    public static PolicyParameters Defaults { get; } = new();

    // ---- Period arithmetic -------------------------------------------------------------------

    /// <summary>Civil Code art. 203: a last day on a rest day moves to the next working day.</summary>
    public bool RollForward { get; init; } = true;

    // ---- P-2 Announcement --------------------------------------------------------------------

    /// <summary>P-2.1: approve a filing without conflict automatically.</summary>
    public bool AutoApproval { get; init; }

    /// <summary>P-2.2: objection window after the announcement, in working days.</summary>
    public int ObjectionWindowWorkingDays { get; init; } = 3;

    /// <summary>P-2.4(b): deposit backing a surpassing-progress claim.</summary>
    public decimal SurpassingClaimDeposit { get; init; } = 5_000m;

    /// <summary>P-2.4(c): the time an auction bidder commits to reach a trial or a deal, in days.</summary>
    public int AuctionCommitmentDays { get; init; } = 30;

    // ---- P-3 Protection periods --------------------------------------------------------------

    /// <summary>P-3.1: formal customer, days from the last shipment.</summary>
    public int FormalProtectionDays { get; init; } = 180;

    /// <summary>P-3.2: prospect, days from the filing (approval) date.</summary>
    public int ProspectProtectionDays { get; init; } = 30;

    /// <summary>P-3.4: declared annual sales from which (inclusive) a prospect gets
    /// <see cref="ProspectMidTierDays"/>.</summary>
    public decimal ProspectMidTierMinSales { get; init; } = 300_000m;

    /// <summary>P-3.4: prospect period for 300,000–500,000 CNY declared annual sales.</summary>
    public int ProspectMidTierDays { get; init; } = 90;

    /// <summary>P-3.4 and P-8.1: a major customer (大客户) has annual sales strictly above this.</summary>
    public decimal MajorCustomerThreshold { get; init; } = 500_000m;

    /// <summary>P-3.4: prospect period for a major prospect.</summary>
    public int MajorProspectDays { get; init; } = 120;

    /// <summary>P-3.3: a formal customer's extension request is due at least this many calendar
    /// days (inclusive) before expiry.</summary>
    public int FormalExtensionLeadDays { get; init; } = 30;

    /// <summary>P-3.3: total extension of one formal protection period, over all requests, in days.</summary>
    public int FormalExtensionCapDays { get; init; } = 90;

    /// <summary>P-3.3: a prospect's extension request is due at least this many working days
    /// (inclusive) before expiry.</summary>
    public int ProspectExtensionLeadWorkingDays { get; init; } = 7;

    /// <summary>P-3.3: total extension of one prospect protection period, over all requests, in days.</summary>
    public int ProspectExtensionCapDays { get; init; } = 30;

    /// <summary>P-3.4: missed calendar months (no progress recorded) after which a major prospect
    /// is flagged.</summary>
    public int MajorProgressMissedMonthsToFlag { get; init; } = 1;

    /// <summary>P-3.4: missed calendar months after which a major prospect's protection lapses.</summary>
    public int MajorProgressMissedMonthsToLapse { get; init; } = 2;

    /// <summary>
    /// P-3.1 with P-12/P-13 (the rule book names only a lapsed formal customer): whether a formal customer
    /// whose formal period is still running when it changes hands (a reallocation, an award, a leaver's
    /// customer taken from the pool) keeps that period — counted from its last shipment — for the new owner.
    /// Default no: every new owner starts as a prospect until their own first formal purchase.
    /// </summary>
    public bool NewOwnerKeepsRunningFormalPeriod { get; init; }

    // ---- P-4 Cross-region sales --------------------------------------------------------------

    /// <summary>P-4.5: an encroachment complaint is due within this many working days of discovery.</summary>
    public int ComplaintWindowWorkingDays { get; init; } = 7;

    // ---- P-8 Penalties -----------------------------------------------------------------------

    /// <summary>P-8.1: the violator's minimum fine.</summary>
    public decimal ViolatorFineMin { get; init; } = 5_000m;

    /// <summary>P-8.1: the liable manager's fine.</summary>
    public decimal ManagerFine { get; init; } = 10_000m;

    /// <summary>P-8.1: the liable manager's fine when the lost customer is a major customer: lower bound.</summary>
    public decimal ManagerFineMajorMin { get; init; } = 20_000m;

    /// <summary>P-8.1: the liable manager's fine when the lost customer is a major customer: upper bound.</summary>
    public decimal ManagerFineMajorMax { get; init; } = 50_000m;

    /// <summary>P-8.3: the violation that makes a case serious (the 3rd) ...</summary>
    public int SeriousViolationCount { get; init; } = 3;

    /// <summary>P-8.3: ... within this many months.</summary>
    public int SeriousViolationWindowMonths { get; init; } = 12;

    // ---- P-10 --------------------------------------------------------------------------------

    /// <summary>P-10: hours for the target region's secretary to confirm a cross-region filing.</summary>
    public int CrossRegionConfirmationHours { get; init; } = 24;

    // ---- X: CRM additions ----------------------------------------------------------------------

    /// <summary>X-1: protected customers one salesperson may hold.</summary>
    public int HoldingCap { get; init; } = 200;

    /// <summary>X-1: whether formal customers count towards <see cref="HoldingCap"/>.</summary>
    public bool HoldingCapCountsFormalCustomers { get; init; }

    /// <summary>X-2: claims from the public pool per person per day.</summary>
    public int PoolClaimsPerDay { get; init; } = 10;

    /// <summary>X-2: days before a previous owner may reclaim a customer that lapsed from them.</summary>
    public int PoolReclaimCooldownDays { get; init; } = 30;

    /// <summary>X-3: the owner is reminded this many days before the last protected day.</summary>
    public IReadOnlyList<int> OwnerReminderDaysBefore { get; init; } = [30, 7, 1];

    /// <summary>X-3: the owner's manager is reminded this many days before the last protected day.</summary>
    public IReadOnlyList<int> ManagerReminderDaysBefore { get; init; } = [7];

    // ---- M: customer maintenance -----------------------------------------------------------------

    /// <summary>M-1: an important customer is due for follow-up this many days after its last counted contact.</summary>
    public int FollowUpImportantDays { get; init; } = 7;

    /// <summary>M-1: follow-up interval of a potential customer, in days.</summary>
    public int FollowUpPotentialDays { get; init; } = 14;

    /// <summary>M-1: follow-up interval of an ordinary customer, in days.</summary>
    public int FollowUpOrdinaryDays { get; init; } = 30;

    /// <summary>M-4: an important customer is surveyed again this many days after its last answered survey.</summary>
    public int SurveyImportantDays { get; init; } = 90;

    /// <summary>M-4: survey interval of a potential customer, in days.</summary>
    public int SurveyPotentialDays { get; init; } = 180;

    /// <summary>M-4: survey interval of an ordinary customer, in days.</summary>
    public int SurveyOrdinaryDays { get; init; } = 365;

    /// <summary>M-4: an answer whose overall score is at most this opens an M-3 follow-up.</summary>
    public int SurveyLowScore { get; init; } = 2;

    /// <summary>
    /// M-4 "periodic": the system opens a round over every branch this many days after its last scheduled one
    /// (the customers due by their class's interval are in it); 0: rounds are opened by people only.
    /// </summary>
    public int SurveyRoundEveryDays { get; init; } = 30;

    /// <summary>Customer maintenance (seed): an important customer's contacts are re-verified this many days after filing or the last verification.</summary>
    public int VerificationImportantDays { get; init; } = 90;

    /// <summary>Re-verification interval of a potential customer, in days.</summary>
    public int VerificationPotentialDays { get; init; } = 180;

    /// <summary>Re-verification interval of an ordinary customer, in days.</summary>
    public int VerificationOrdinaryDays { get; init; } = 365;

    /// <summary>
    /// The ways these numbers contradict themselves or the rule book (empty when valid).
    /// <see cref="PolicyBook"/> refuses a version that has any.
    /// </summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();

        void Positive(int value, string name)
        {
            if (value <= 0)
            {
                errors.Add(string.Create(CultureInfo.InvariantCulture, $"{name} must be positive (is {value})"));
            }
        }

        void NotNegative(decimal value, string name)
        {
            if (value < 0)
            {
                errors.Add(string.Create(CultureInfo.InvariantCulture, $"{name} must not be negative (is {value})"));
            }
        }

        Positive(ObjectionWindowWorkingDays, nameof(ObjectionWindowWorkingDays));
        NotNegative(SurpassingClaimDeposit, nameof(SurpassingClaimDeposit));
        Positive(AuctionCommitmentDays, nameof(AuctionCommitmentDays));
        Positive(FormalProtectionDays, nameof(FormalProtectionDays));
        Positive(ProspectProtectionDays, nameof(ProspectProtectionDays));
        NotNegative(ProspectMidTierMinSales, nameof(ProspectMidTierMinSales));
        Positive(ProspectMidTierDays, nameof(ProspectMidTierDays));
        NotNegative(MajorCustomerThreshold, nameof(MajorCustomerThreshold));
        Positive(MajorProspectDays, nameof(MajorProspectDays));
        if (ProspectMidTierMinSales > MajorCustomerThreshold)
        {
            errors.Add($"{nameof(ProspectMidTierMinSales)} must not exceed {nameof(MajorCustomerThreshold)}");
        }

        Positive(FormalExtensionLeadDays, nameof(FormalExtensionLeadDays));
        NotNegative(FormalExtensionCapDays, nameof(FormalExtensionCapDays));
        Positive(ProspectExtensionLeadWorkingDays, nameof(ProspectExtensionLeadWorkingDays));
        NotNegative(ProspectExtensionCapDays, nameof(ProspectExtensionCapDays));
        Positive(MajorProgressMissedMonthsToFlag, nameof(MajorProgressMissedMonthsToFlag));
        Positive(MajorProgressMissedMonthsToLapse, nameof(MajorProgressMissedMonthsToLapse));
        if (MajorProgressMissedMonthsToFlag > MajorProgressMissedMonthsToLapse)
        {
            errors.Add($"{nameof(MajorProgressMissedMonthsToFlag)} must not exceed {nameof(MajorProgressMissedMonthsToLapse)}");
        }

        Positive(ComplaintWindowWorkingDays, nameof(ComplaintWindowWorkingDays));
        NotNegative(ViolatorFineMin, nameof(ViolatorFineMin));
        NotNegative(ManagerFine, nameof(ManagerFine));
        NotNegative(ManagerFineMajorMin, nameof(ManagerFineMajorMin));
        if (ManagerFineMajorMin > ManagerFineMajorMax)
        {
            errors.Add($"{nameof(ManagerFineMajorMin)} must not exceed {nameof(ManagerFineMajorMax)}");
        }

        Positive(SeriousViolationCount, nameof(SeriousViolationCount));
        Positive(SeriousViolationWindowMonths, nameof(SeriousViolationWindowMonths));
        Positive(CrossRegionConfirmationHours, nameof(CrossRegionConfirmationHours));
        Positive(HoldingCap, nameof(HoldingCap));
        Positive(PoolClaimsPerDay, nameof(PoolClaimsPerDay));
        NotNegative(PoolReclaimCooldownDays, nameof(PoolReclaimCooldownDays));
        if (OwnerReminderDaysBefore is null || OwnerReminderDaysBefore.Any(d => d < 0))
        {
            errors.Add($"{nameof(OwnerReminderDaysBefore)} must be a list of days ≥ 0");
        }

        if (ManagerReminderDaysBefore is null || ManagerReminderDaysBefore.Any(d => d < 0))
        {
            errors.Add($"{nameof(ManagerReminderDaysBefore)} must be a list of days ≥ 0");
        }

        Positive(FollowUpImportantDays, nameof(FollowUpImportantDays));
        Positive(FollowUpPotentialDays, nameof(FollowUpPotentialDays));
        Positive(FollowUpOrdinaryDays, nameof(FollowUpOrdinaryDays));
        Positive(SurveyImportantDays, nameof(SurveyImportantDays));
        Positive(SurveyPotentialDays, nameof(SurveyPotentialDays));
        Positive(SurveyOrdinaryDays, nameof(SurveyOrdinaryDays));
        if (SurveyLowScore is < 0 or > 5)
        {
            errors.Add(string.Create(CultureInfo.InvariantCulture, $"{nameof(SurveyLowScore)} must be a score from 0 (never) to 5 (is {SurveyLowScore})"));
        }

        if (SurveyRoundEveryDays < 0)
        {
            errors.Add(string.Create(CultureInfo.InvariantCulture, $"{nameof(SurveyRoundEveryDays)} must be 0 (rounds opened by people only) or more (is {SurveyRoundEveryDays})"));
        }

        Positive(VerificationImportantDays, nameof(VerificationImportantDays));
        Positive(VerificationPotentialDays, nameof(VerificationPotentialDays));
        Positive(VerificationOrdinaryDays, nameof(VerificationOrdinaryDays));

        return errors;
    }
}
