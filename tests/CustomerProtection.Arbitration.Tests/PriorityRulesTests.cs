using CustomerProtection.Arbitration.Domain;
using static CustomerProtection.Arbitration.Tests.TestData;

namespace CustomerProtection.Arbitration.Tests;

/// <summary>P-9 dispute priority, in order: filing, evidenced progress, the branch.</summary>
public sealed class PriorityRulesTests
{
    private static readonly DateOnly AsOf = D("2026-03-12");

    private static PartyEvidence Party(string id, FilingFact[]? filings = null, params ProgressFact[] progress) => new(id, filings ?? [], progress);

    private static FilingFact Valid(string customer, string approvedOn) => new(customer, D(approvedOn), true, "protected");

    private static ProgressFact Record(string by, string kind, string on, string? evidence = "doc-1") => new("cust1", kind, D(on), evidence, by);

    [Fact]
    public void P9_1_the_only_valid_filing_wins_and_is_the_first_reason()
    {
        var result = PriorityRules.Recommend(Party(Objector), Party(Owner, [Valid("cust1", "2026-03-10")]), AsOf, Start);

        Assert.Equal(Owner, result.RecommendedId);
        Assert.Equal("P-9.1", result.DecidingRule);
        Assert.Single(result.Reasons);
        Assert.Equal(Owner, result.Reasons[0].Favours);
    }

    [Fact]
    public void P9_1_of_two_valid_filings_the_earlier_approval_wins_even_against_the_current_owner()
    {
        var result = PriorityRules.Recommend(
            Party(Objector, [Valid("cust-other", "2026-03-02")]),
            Party(Owner, [Valid("cust1", "2026-03-10")]), AsOf, Start);

        Assert.Equal(Objector, result.RecommendedId);
        Assert.Equal("P-9.1", result.DecidingRule);
    }

    [Fact]
    public void P9_1_a_lapsed_filing_is_not_valid_so_the_new_filing_wins_P2_3()
    {
        var result = PriorityRules.Recommend(
            Party(Objector, [new FilingFact("cust1", null, false, "lapsed")], Record(Objector, "trial", "2026-02-01"), Record(Objector, "quote", "2026-01-20")),
            Party(Owner, [Valid("cust1", "2026-03-10")]), AsOf, Start);

        Assert.Equal(Owner, result.RecommendedId);
        Assert.Equal("P-9.1", result.DecidingRule);
        Assert.Contains("lapsed", result.Reasons[0].Finding);
    }

    [Fact]
    public void P9_2_filings_on_the_same_day_go_to_the_party_whose_evidence_reaches_further()
    {
        var result = PriorityRules.Recommend(
            Party(Objector, [Valid("cust-other", "2026-03-10")], Record(Objector, "call", "2026-03-01"), Record(Objector, "visit", "2026-03-05"), Record(Objector, "email", "2026-03-06")),
            Party(Owner, [Valid("cust1", "2026-03-10")], Record(Owner, "trial", "2026-03-11")), AsOf, Start);

        Assert.Equal(Owner, result.RecommendedId);
        Assert.Equal("P-9.2", result.DecidingRule);
        Assert.Equal(["P-9.1", "P-6", "P-9.2"], result.Reasons.Select(r => r.RuleId));
        Assert.Null(result.Reasons[0].Favours);
    }

    [Fact]
    public void P9_2_at_the_same_stage_more_evidenced_records_win()
    {
        var result = PriorityRules.Recommend(
            Party(Objector, null, Record(Objector, "visit", "2026-03-01"), Record(Objector, "visit", "2026-03-05")),
            Party(Owner, null, Record(Owner, "visit", "2026-03-02")), AsOf, Start);

        Assert.Equal(Objector, result.RecommendedId);
        Assert.Equal("P-9.2", result.DecidingRule);
    }

    [Fact]
    public void P9_2_records_without_evidence_others_records_and_records_after_the_case_opened_do_not_count()
    {
        var result = PriorityRules.Recommend(
            Party(Objector, null, Record(Objector, "trial", "2026-03-01", evidence: null), Record(Objector, "trial", "2026-03-13"), Record(Owner, "trial", "2026-03-01")),
            Party(Owner, null, Record(Owner, "call", "2026-03-02")), AsOf, Start);

        Assert.Equal(Owner, result.RecommendedId);
        Assert.Contains("1 without evidence not counted", result.Reasons.Single(r => r.RuleId == "P-9.2").Finding);
    }

    [Fact]
    public void P9_3_when_neither_filing_nor_evidence_separates_them_the_branch_decides()
    {
        var result = PriorityRules.Recommend(
            Party(Objector, null, Record(Objector, "quote", "2026-03-01")),
            Party(Owner, null, Record(Owner, "quote", "2026-03-02")), AsOf, Start);

        Assert.Null(result.RecommendedId);
        Assert.Equal("P-9.3", result.DecidingRule);
        Assert.Equal(["P-9.1", "P-6", "P-9.2", "P-9.3"], result.Reasons.Select(r => r.RuleId));
    }

    [Fact]
    public void P6_when_no_valid_filing_separates_them_the_party_that_filed_is_favoured_before_evidence_counts()
    {
        var result = PriorityRules.Recommend(
            Party(Objector, null, Record(Objector, "trial", "2026-03-01")),
            Party(Owner, [new FilingFact("cust1", D("2026-02-01"), false, "lapsed")]), AsOf, Start);

        Assert.Equal((Owner, "P-6"), (result.RecommendedId, result.DecidingRule));
        Assert.Equal(["P-9.1", "P-6"], result.Reasons.Select(r => r.RuleId));
    }

    [Fact]
    public void P6_a_rejected_filing_is_not_following_the_process_and_a_confirmed_breach_outweighs_a_filing()
    {
        var rejected = PriorityRules.Recommend(
            Party(Objector, null, Record(Objector, "trial", "2026-03-01")),
            Party(Owner, [new FilingFact("cust1", null, false, "rejected")]), AsOf, Start);
        Assert.Equal((Objector, "P-9.2"), (rejected.RecommendedId, rejected.DecidingRule));

        var breached = PriorityRules.Recommend(
            Party(Objector, null),
            Party(Owner, [new FilingFact("cust1", D("2026-02-01"), false, "lapsed")]) with { Breaches = ["P-5"] }, AsOf, Start);
        Assert.Equal((Objector, "P-6"), (breached.RecommendedId, breached.DecidingRule));
    }
}
