using CustomerProtection.Arbitration.Domain;
using CustomerProtection.Arbitration.Grpc;
using CustomerProtection.Protos;
using CustomerProtection.Contracts.Arbitration;
using CustomerProtection.Contracts.Violations;
using CustomerProtection.Policy.Errors;
using CustomerProtection.Time;
using V1 = CustomerProtection.Arbitration.V1;

namespace CustomerProtection.Arbitration.Tests;

/// <summary>docs/api.md: closed sets are enums on the wire and policy days google.type.Date; the domain keeps its words.</summary>
public sealed class ApiVocabularyTests
{
    public static TheoryData<string> CaseKindWords => [.. CaseKinds.Disputes, CaseKinds.Objection, CaseKinds.LapsedClaim, CaseKinds.Encroachment, CaseKinds.Retaliation];

    [Theory]
    [MemberData(nameof(CaseKindWords))]
    public void Every_case_kind_is_an_enum_value_and_back(string word)
    {
        var value = ProtoWords.Value<V1.CaseKind>(word);
        Assert.NotEqual(V1.CaseKind.Unspecified, value);
        Assert.Equal(word, ProtoWords.Word(value));
    }

    [Fact]
    public void Every_domain_word_of_a_closed_set_has_its_enum_value()
    {
        static void Both<TEnum>(params string[] words) where TEnum : struct, Enum
        {
            foreach (var word in words)
            {
                var value = ProtoWords.Value<TEnum>(word);
                Assert.False(EqualityComparer<TEnum>.Default.Equals(value, default), $"{typeof(TEnum).Name} has no value for '{word}'");
                Assert.Equal(word, ProtoWords.Word(value));
            }
        }

        Both<V1.CaseStatus>(CaseStatuses.Open, CaseStatuses.ClaimPending, CaseStatuses.AuctionBidding, CaseStatuses.AuctionCommitment, CaseStatuses.Closed);
        Both<V1.Milestone>([.. Milestones.All]);
        Both<V1.Resolution>(Resolutions.JointDevelopment, Resolutions.SurpassingClaim, Resolutions.Auction, Resolutions.Decision, Outcomes.Withdrawn);
        Both<V1.Outcome>(Outcomes.Decided, Outcomes.JointDevelopment, Outcomes.ClaimMet, Outcomes.ClaimMissed, Outcomes.AuctionWon, Outcomes.Withdrawn);
        Both<V1.ManagerFinding>([.. ManagerFindings.All]);
        Both<V1.AwardRefusalEffect>(AwardRefusalEffects.Reopened, AwardRefusalEffects.NextBidder, AwardRefusalEffects.ReturnedToBranch, AwardRefusalEffects.RecordedOnly);
        Both<V1.LedgerEntryKind>(LedgerKinds.Deposit, LedgerKinds.Bid);
        Both<V1.LedgerEntryStatus>(LedgerStatuses.Held, LedgerStatuses.Refunded, LedgerStatuses.Forfeited);
        Both<V1.ComplaintChannel>([.. ComplaintChannels.All]);
        Both<V1.ComplaintStatus>(ComplaintStatuses.Open, ComplaintStatuses.Answered, ComplaintStatuses.Resolved);
        Both<V1.DisputeKind>([.. CaseKinds.Disputes]);
    }

    [Fact]
    public void Unspecified_and_unknown_numbers_have_no_word_so_the_use_case_refuses_the_field()
    {
        Assert.Null(ProtoWords.Word(V1.Milestone.Unspecified));
        Assert.Null(ProtoWords.Word((V1.Milestone)42));
        Assert.Equal(V1.CaseStatus.Unspecified, ProtoWords.Value<V1.CaseStatus>(null));
    }

    [Theory]
    [InlineData(2026, 2, 29)]
    [InlineData(2026, 13, 1)]
    [InlineData(2026, 11, 0)]
    [InlineData(1899, 12, 31)]
    [InlineData(2200, 1, 1)]
    public void A_request_day_that_is_not_a_day_of_the_calendar_or_out_of_range_is_refused_with_its_field(int year, int month, int day)
    {
        var violations = new List<FieldViolation>();
        Assert.Null(Dates.Parse(violations, "due_on", new Google.Type.Date { Year = year, Month = month, Day = day }));
        Assert.Equal("due_on", Assert.Single(violations).Field);
    }

    [Fact]
    public void A_request_day_is_read_as_that_day_and_a_missing_required_one_is_refused()
    {
        var violations = new List<FieldViolation>();
        Assert.Equal(new DateOnly(2026, 11, 3), Dates.Parse(violations, "due_on", new Google.Type.Date { Year = 2026, Month = 11, Day = 3 }, required: true));
        Assert.Empty(violations);
        Assert.Null(Dates.Parse(violations, "closes_on", (Google.Type.Date?)null, required: true));
        Assert.Equal("closes_on", Assert.Single(violations).Field);
    }
}
