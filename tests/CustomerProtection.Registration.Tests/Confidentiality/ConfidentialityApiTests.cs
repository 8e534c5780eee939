using CustomerProtection.Policy.Actors;
using CustomerProtection.Protos;
using CustomerProtection.Registration.Confidentiality.Application;
using CustomerProtection.Registration.Confidentiality.Domain;
using CustomerProtection.Registration.Confidentiality.Grpc;
using CustomerProtection.Registration.Confidentiality.Persistence.Audit;
using CustomerProtection.Registration.Domain;
using CustomerProtection.Registration.Maintenance.Domain;
using CustomerProtection.Storage;
using Google.Protobuf.WellKnownTypes;
using DomainGrant = CustomerProtection.Registration.Confidentiality.Domain.AccessGrant;
using DomainIncident = CustomerProtection.Registration.Confidentiality.Domain.Incident;

namespace CustomerProtection.Registration.Tests.Confidentiality;

/// <summary>
/// docs/api.md for confidentiality.proto and maintenance.proto: every closed set is an enum on the wire (the domain keeps
/// its words, ProtoWords maps them both ways) and every instant a Timestamp, unset when there is none.
/// </summary>
public sealed class ConfidentialityApiTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 27, 9, 0, 0, TimeSpan.FromHours(8));

    [Fact]
    public void Every_domain_word_of_a_confidentiality_or_maintenance_closed_set_has_its_enum_value_and_back()
    {
        static void Both<TEnum>(params string[] words) where TEnum : struct, System.Enum
        {
            foreach (var word in words)
            {
                var value = ProtoWords.Value<TEnum>(word);
                Assert.False(EqualityComparer<TEnum>.Default.Equals(value, default), $"{typeof(TEnum).Name} has no value for '{word}'");
                Assert.Equal(word, ProtoWords.Word(value));
            }
        }

        // C-6: every purpose a consent, a grant or an audit entry names.
        Both<V1.Purpose>([.. Purposes.Consentable, .. Purposes.ForUse]);
        // C-3
        Both<V1.AccessGrantStatus>(GrantStatus.Pending, GrantStatus.Refused, GrantStatus.Active, GrantStatus.Expired, GrantStatus.Revoked, GrantStatus.Ended);
        // C-5: every role a token carries, and the system's own (C-9's background steps).
        Both<V1.AccountRole>([.. Roles.All, AccessRequests.SystemActor.Role]);
        Both<V1.AuditEntryKind>(AuditKinds.Read, AuditKinds.Change, AuditKinds.Share, AuditKinds.Destroy, AuditKinds.Consent, AuditKinds.Grant,
            AuditKinds.Incident, AuditKinds.Offboarding);
        Both<V1.BrokenLinkReason>(BrokenReasons.Altered, BrokenReasons.Missing, BrokenReasons.Truncated);
        // C-7
        Both<V1.IncidentStatus>(IncidentStatus.Open, IncidentStatus.Closed);
        Both<V1.IncidentStepKind>(IncidentSteps.Recorded, IncidentSteps.Frozen, IncidentSteps.AffectedListed, IncidentSteps.Step, IncidentSteps.Unfrozen,
            IncidentSteps.Closed);
        // M-1, M-4
        Both<V1.CustomerClass>([.. CustomerClasses.All]);
        Both<V1.SurveyGroupKind>(SurveyReporting.Branch, SurveyReporting.Region, SurveyReporting.All);
    }

    [Fact]
    public void C6_an_unspecified_purpose_has_no_word_so_the_use_case_refuses_its_field()
    {
        Assert.Null(ProtoWords.Word(V1.Purpose.Unspecified));
        Assert.Null(ProtoWords.Word((V1.Purpose)42));
    }

    [Fact]
    public void C3_a_pending_grant_answers_its_request_as_a_Timestamp_its_words_as_enums_and_leaves_the_instants_it_has_not_had_unset()
    {
        var grant = new DomainGrant
        {
            Id = "G-1",
            CustomerId = "1001",
            BranchId = "B-SH",
            EmployeeId = "S9",
            EmployeeRole = Roles.RegionalManager,
            Purpose = Purposes.Administration,
            Days = 3,
            RequestedAt = Now,
        };

        var proto = ConfidentialityMapping.ToProto(new Versioned<DomainGrant>(grant, 1), Now.AddHours(1));

        Assert.Equal((V1.AccessGrantStatus.Pending, V1.AccountRole.RegionalManager, V1.Purpose.Administration),
            (proto.Status, proto.EmployeeRole, proto.Purpose));
        Assert.Equal(Timestamp.FromDateTimeOffset(Now), proto.RequestedAt);
        Assert.Equal(((Timestamp?)null, (Timestamp?)null, (Timestamp?)null), (proto.DecidedAt, proto.ExpiresAt, proto.EndedAt));
    }

    [Fact]
    public void C5_an_audit_entry_answers_its_instant_as_a_Timestamp_and_its_kind_role_and_purpose_as_enums()
    {
        var record = new AuditRecord(Now, "S1", Roles.Salesperson, "1001", AuditKinds.Read, ["contact_phone"], Purposes.SalesDevelopment, "Customers/GetCustomer");

        var proto = ConfidentialityMapping.ToProto(new ChainedEntry("1-0", 7, new byte[32], record));

        Assert.Equal((Timestamp.FromDateTimeOffset(Now), V1.AuditEntryKind.Read, V1.AccountRole.Salesperson, V1.Purpose.SalesDevelopment),
            (proto.At, proto.Kind, proto.Role, proto.Purpose));
        Assert.Equal(["contact_phone"], proto.Fields);
    }

    [Fact]
    public void C7_an_incident_answers_its_status_and_steps_as_enums_and_no_suspected_start_as_unset()
    {
        var incident = new DomainIncident
        {
            Id = "INC-1",
            Description = "疑似导出客户电话",
            Status = IncidentStatus.Open,
            RecordedBy = "HQ-1",
            RecordedAt = Now,
            EmployeeIds = ["S1"],
            Frozen = ["S1"],
            Steps = [new(Now, "HQ-1", IncidentSteps.Recorded, "疑似导出客户电话"), new(Now, "HQ-1", IncidentSteps.Frozen, "S1")],
        };

        var proto = ConfidentialityMapping.ToProto(new Versioned<DomainIncident>(incident, 1));

        Assert.Equal((V1.IncidentStatus.Open, (Timestamp?)null), (proto.Status, proto.SuspectedFrom));
        Assert.Equal([V1.IncidentStepKind.Recorded, V1.IncidentStepKind.Frozen], proto.Steps.Select(s => s.What));
        Assert.All(proto.Steps, s => Assert.Equal(Timestamp.FromDateTimeOffset(Now), s.At));
    }
}
