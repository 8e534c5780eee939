namespace CustomerProtection.Policy;

/// <summary>
/// The parameters one policy version changes (null = unchanged from the previous version). Mirrors
/// <see cref="PolicyParameters"/> property for property (a test keeps the two in step), so that
/// configuration reads as <c>"Overrides": { "ProspectProtectionDays": 45 }</c>.
/// </summary>
public sealed record PolicyOverrides
{
    public bool? RollForward { get; init; }

    public bool? AutoApproval { get; init; }

    public int? ObjectionWindowWorkingDays { get; init; }

    public decimal? SurpassingClaimDeposit { get; init; }

    public int? AuctionCommitmentDays { get; init; }

    public int? FormalProtectionDays { get; init; }

    public int? ProspectProtectionDays { get; init; }

    public decimal? ProspectMidTierMinSales { get; init; }

    public int? ProspectMidTierDays { get; init; }

    public decimal? MajorCustomerThreshold { get; init; }

    public int? MajorProspectDays { get; init; }

    public int? FormalExtensionLeadDays { get; init; }

    public int? FormalExtensionCapDays { get; init; }

    public int? ProspectExtensionLeadWorkingDays { get; init; }

    public int? ProspectExtensionCapDays { get; init; }

    public int? MajorProgressMissedMonthsToFlag { get; init; }

    public int? MajorProgressMissedMonthsToLapse { get; init; }

    public bool? NewOwnerKeepsRunningFormalPeriod { get; init; }

    public int? ComplaintWindowWorkingDays { get; init; }

    public decimal? ViolatorFineMin { get; init; }

    public decimal? ManagerFine { get; init; }

    public decimal? ManagerFineMajorMin { get; init; }

    public decimal? ManagerFineMajorMax { get; init; }

    public int? SeriousViolationCount { get; init; }

    public int? SeriousViolationWindowMonths { get; init; }

    public int? CrossRegionConfirmationHours { get; init; }

    public int? HoldingCap { get; init; }

    public bool? HoldingCapCountsFormalCustomers { get; init; }

    public int? PoolClaimsPerDay { get; init; }

    public int? PoolReclaimCooldownDays { get; init; }

    public IReadOnlyList<int>? OwnerReminderDaysBefore { get; init; }

    public IReadOnlyList<int>? ManagerReminderDaysBefore { get; init; }

    public int? FollowUpImportantDays { get; init; }

    public int? FollowUpPotentialDays { get; init; }

    public int? FollowUpOrdinaryDays { get; init; }

    public int? SurveyImportantDays { get; init; }

    public int? SurveyPotentialDays { get; init; }

    public int? SurveyOrdinaryDays { get; init; }

    public int? SurveyLowScore { get; init; }

    public int? SurveyRoundEveryDays { get; init; }

    public int? VerificationImportantDays { get; init; }

    public int? VerificationPotentialDays { get; init; }

    public int? VerificationOrdinaryDays { get; init; }

    /// <summary><paramref name="previous"/> with every non-null override applied.</summary>
    public PolicyParameters ApplyTo(PolicyParameters previous)
    {
        ArgumentNullException.ThrowIfNull(previous);
        return new PolicyParameters
        {
            RollForward = RollForward ?? previous.RollForward,
            AutoApproval = AutoApproval ?? previous.AutoApproval,
            ObjectionWindowWorkingDays = ObjectionWindowWorkingDays ?? previous.ObjectionWindowWorkingDays,
            SurpassingClaimDeposit = SurpassingClaimDeposit ?? previous.SurpassingClaimDeposit,
            AuctionCommitmentDays = AuctionCommitmentDays ?? previous.AuctionCommitmentDays,
            FormalProtectionDays = FormalProtectionDays ?? previous.FormalProtectionDays,
            ProspectProtectionDays = ProspectProtectionDays ?? previous.ProspectProtectionDays,
            ProspectMidTierMinSales = ProspectMidTierMinSales ?? previous.ProspectMidTierMinSales,
            ProspectMidTierDays = ProspectMidTierDays ?? previous.ProspectMidTierDays,
            MajorCustomerThreshold = MajorCustomerThreshold ?? previous.MajorCustomerThreshold,
            MajorProspectDays = MajorProspectDays ?? previous.MajorProspectDays,
            FormalExtensionLeadDays = FormalExtensionLeadDays ?? previous.FormalExtensionLeadDays,
            FormalExtensionCapDays = FormalExtensionCapDays ?? previous.FormalExtensionCapDays,
            ProspectExtensionLeadWorkingDays = ProspectExtensionLeadWorkingDays ?? previous.ProspectExtensionLeadWorkingDays,
            ProspectExtensionCapDays = ProspectExtensionCapDays ?? previous.ProspectExtensionCapDays,
            MajorProgressMissedMonthsToFlag = MajorProgressMissedMonthsToFlag ?? previous.MajorProgressMissedMonthsToFlag,
            MajorProgressMissedMonthsToLapse = MajorProgressMissedMonthsToLapse ?? previous.MajorProgressMissedMonthsToLapse,
            NewOwnerKeepsRunningFormalPeriod = NewOwnerKeepsRunningFormalPeriod ?? previous.NewOwnerKeepsRunningFormalPeriod,
            ComplaintWindowWorkingDays = ComplaintWindowWorkingDays ?? previous.ComplaintWindowWorkingDays,
            ViolatorFineMin = ViolatorFineMin ?? previous.ViolatorFineMin,
            ManagerFine = ManagerFine ?? previous.ManagerFine,
            ManagerFineMajorMin = ManagerFineMajorMin ?? previous.ManagerFineMajorMin,
            ManagerFineMajorMax = ManagerFineMajorMax ?? previous.ManagerFineMajorMax,
            SeriousViolationCount = SeriousViolationCount ?? previous.SeriousViolationCount,
            SeriousViolationWindowMonths = SeriousViolationWindowMonths ?? previous.SeriousViolationWindowMonths,
            CrossRegionConfirmationHours = CrossRegionConfirmationHours ?? previous.CrossRegionConfirmationHours,
            HoldingCap = HoldingCap ?? previous.HoldingCap,
            HoldingCapCountsFormalCustomers = HoldingCapCountsFormalCustomers ?? previous.HoldingCapCountsFormalCustomers,
            PoolClaimsPerDay = PoolClaimsPerDay ?? previous.PoolClaimsPerDay,
            PoolReclaimCooldownDays = PoolReclaimCooldownDays ?? previous.PoolReclaimCooldownDays,
            OwnerReminderDaysBefore = OwnerReminderDaysBefore is null ? previous.OwnerReminderDaysBefore : [.. OwnerReminderDaysBefore],
            ManagerReminderDaysBefore = ManagerReminderDaysBefore is null ? previous.ManagerReminderDaysBefore : [.. ManagerReminderDaysBefore],
            FollowUpImportantDays = FollowUpImportantDays ?? previous.FollowUpImportantDays,
            FollowUpPotentialDays = FollowUpPotentialDays ?? previous.FollowUpPotentialDays,
            FollowUpOrdinaryDays = FollowUpOrdinaryDays ?? previous.FollowUpOrdinaryDays,
            SurveyImportantDays = SurveyImportantDays ?? previous.SurveyImportantDays,
            SurveyPotentialDays = SurveyPotentialDays ?? previous.SurveyPotentialDays,
            SurveyOrdinaryDays = SurveyOrdinaryDays ?? previous.SurveyOrdinaryDays,
            SurveyLowScore = SurveyLowScore ?? previous.SurveyLowScore,
            SurveyRoundEveryDays = SurveyRoundEveryDays ?? previous.SurveyRoundEveryDays,
            VerificationImportantDays = VerificationImportantDays ?? previous.VerificationImportantDays,
            VerificationPotentialDays = VerificationPotentialDays ?? previous.VerificationPotentialDays,
            VerificationOrdinaryDays = VerificationOrdinaryDays ?? previous.VerificationOrdinaryDays,
        };
    }
}
