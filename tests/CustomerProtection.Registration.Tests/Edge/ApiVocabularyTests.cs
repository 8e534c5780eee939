using CustomerProtection.Policy.Actors;
using CustomerProtection.Policy.Errors;
using CustomerProtection.Protos;
using CustomerProtection.Registration.Application;
using CustomerProtection.Registration.Confidentiality.Domain;
using CustomerProtection.Registration.Domain;
using CustomerProtection.Registration.Grpc;
using V1 = CustomerProtection.Registration.V1;

namespace CustomerProtection.Registration.Tests.Edge;

/// <summary>
/// docs/api.md: Registration's closed sets are enums on the wire (<c>&lt;ENUM&gt;_UNSPECIFIED = 0</c>, values prefixed
/// with the enum's name) while the domain, its store and its events keep their words; every word has its value and
/// back, and a value without a word (UNSPECIFIED, an unknown number) is refused on its field.
/// </summary>
public sealed class ApiVocabularyTests
{
    private static void Both<TEnum>(params string[] words) where TEnum : struct, Enum
    {
        foreach (var word in words)
        {
            var value = ProtoWords.Value<TEnum>(word);
            Assert.False(EqualityComparer<TEnum>.Default.Equals(value, default), $"{typeof(TEnum).Name} has no value for '{word}'");
            Assert.Equal(word, ProtoWords.Word(value));
        }

        // And no value without a word of the domain: the enum holds the set, no more.
        Assert.Equal(words.Length, Enum.GetValues<TEnum>().Length - 1);
    }

    private static string[] Constants(Type words) =>
        [.. words.GetFields().Where(f => f.IsLiteral && f.FieldType == typeof(string)).Select(f => (string)f.GetRawConstantValue()!)];

    [Fact]
    public void Every_word_of_the_customers_closed_sets_has_its_enum_value_and_back()
    {
        Both<V1.CustomerStatus>(Constants(typeof(CustomerStatus)));
        Both<V1.CustomerStage>(Constants(typeof(Stages)));
        Both<V1.CustomerClass>([.. CustomerClasses.All]);
        Both<V1.FilingEvidenceKind>([.. EvidenceKinds.All]);
        Both<V1.ProgressKind>([.. ProgressKinds.All]);
        Both<V1.OwnershipChange>(Constants(typeof(Changes)));
        Both<V1.ImportOutcome>(Constants(typeof(ImportOutcomes)));
        Both<V1.DuplicateVerdict>(Constants(typeof(Verdicts)));
        Both<V1.MatchedBy>([.. Constants(typeof(MatchedBy)), "customer_id"]);
    }

    [Fact]
    public void The_organisation_copy_answers_in_territorys_enums()
    {
        Both<Territory.V1.Role>(Roles.Salesperson, Roles.Dealer, Roles.BranchSecretary, Roles.BranchManager, Roles.RegionalSecretary, Roles.RegionalManager, Roles.Hq);
        Both<Territory.V1.EmployeeStatus>("active", "on_leave", "left");
        Both<Territory.V1.DealerStatus>("active", "terminated");
    }

    [Fact]
    public void M1_an_unspecified_or_unknown_class_filter_is_refused_on_its_field()
    {
        var request = new V1.ListCustomersRequest { CustomerClass = { V1.CustomerClass.Unspecified } };
        var refusal = Assert.Throws<RequestValidationException>(() => CustomerMapping.FromProto(request));
        Assert.Equal(["customer_class"], refusal.Violations.Select(v => v.Field));

        request = new V1.ListCustomersRequest { Status = { (V1.CustomerStatus)42 } };
        refusal = Assert.Throws<RequestValidationException>(() => CustomerMapping.FromProto(request));
        Assert.Equal(["status"], refusal.Violations.Select(v => v.Field));
    }

    [Fact]
    public void C6_a_read_or_export_purpose_unspecified_is_the_callers_usual_one_and_an_unknown_number_is_refused_on_purpose()
    {
        Assert.Null(CustomerMapping.PurposeWord(V1.Purpose.Unspecified));
        Assert.Equal(Purposes.Marketing, CustomerMapping.PurposeWord(V1.Purpose.Marketing));

        var violations = new List<FieldViolation>();
        Assert.Null(ConsentRules.ValidPurpose(violations, "purpose", CustomerMapping.PurposeWord((V1.Purpose)42)));
        Assert.Equal(["purpose"], violations.Select(v => v.Field));
    }

    [Fact]
    public void C6_a_filings_consent_names_its_purposes_by_enum_and_an_unspecified_one_reaches_the_consent_check()
    {
        var consent = CustomerMapping.FromProto(new V1.Consent { Purposes = { V1.Purpose.Service, V1.Purpose.Unspecified }, Evidence = "同意书 1" });
        Assert.Equal([Purposes.Service, ""], consent!.Purposes);
    }
}
