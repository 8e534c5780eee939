using System.Security.Cryptography;
using System.Text;
using CustomerProtection.Policy.Actors;
using CustomerProtection.Policy.Errors;
using CustomerProtection.Registration.Confidentiality.Crypto;
using CustomerProtection.Registration.Confidentiality.Domain;
using CustomerProtection.Registration.Confidentiality.Persistence.Audit;
using CustomerProtection.Registration.Domain;
using CustomerProtection.ServiceDefaults.Encryption;

namespace CustomerProtection.Registration.Tests.Confidentiality;

/// <summary>The pure parts of C-1..C-6: classification, masking per level, disclosure, the envelope and the chain arithmetic.</summary>
public sealed class ConfidentialityRuleTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 27, 9, 0, 0, TimeSpan.FromHours(8));
    private static readonly CustomerContact Full = new("张三丰", "13812345678", "zhang.san@example.com", "上海市浦东新区张江路 1 号", "6222020200112233445",
        "月结 60 天，年度返利 3%", "2025 年营收 8,200 万元，银行贷款 1,500 万元", "HT-2026-0042 框架采购协议");

    private static Customer Customer(string owner = "S1", IReadOnlyList<string>? coDevelopers = null) => new()
    {
        Id = "1001",
        IdentityKey = "T:测试",
        Title = "测试有限公司",
        Class = CustomerClasses.Potential,
        BranchId = "B-SH",
        RegionId = "R-EAST",
        Status = CustomerStatus.Protected,
        OwnerId = owner,
        FiledBy = owner,
        CoDevelopers = coDevelopers,
    };

    [Fact]
    public void C1_every_field_a_customer_view_shows_has_a_level_and_the_contact_is_exactly_the_protected_fields()
    {
        var viewFields = V1.CustomerView.Descriptor.Fields.InDeclarationOrder().Select(f => f.Name).ToHashSet();
        Assert.Empty(viewFields.Except(CustomerClassification.ViewFields.Keys));
        Assert.Empty(CustomerClassification.ViewFields.Keys.Except(viewFields));

        // The contact person's parts are named contact_* in the audit log; the other protected fields by their own names.
        string[] contactParts = ["name", "phone", "email", "address"];
        var contactFields = V1.Contact.Descriptor.Fields.InDeclarationOrder().Select(f => contactParts.Contains(f.Name) ? "contact_" + f.Name : f.Name);
        Assert.Equal(contactFields.Order(), CustomerClassification.Protected.Select(f => f.Name).Order());
        Assert.Equal(CustomerClassification.Protected.Count, CustomerClassification.Protected.Select(f => f.Tag).Distinct().Count());
    }

    /// <summary>
    /// C-1 as written: confidential — contacts, phones, e-mails, addresses, deal terms; secret — bank
    /// accounts, financials, contracts. Issue 21: deal terms, financials and contracts were not modelled.
    /// </summary>
    [Fact]
    public void C1_contacts_and_deal_terms_are_confidential_and_bank_accounts_financials_and_contracts_are_secret()
    {
        var levels = CustomerClassification.Protected.ToDictionary(f => f.Name, f => f.Level);

        Assert.Equal(
            new Dictionary<string, Sensitivity>
            {
                ["contact_name"] = Sensitivity.Confidential,
                ["contact_phone"] = Sensitivity.Confidential,
                ["contact_email"] = Sensitivity.Confidential,
                ["contact_address"] = Sensitivity.Confidential,
                ["deal_terms"] = Sensitivity.Confidential,
                ["bank_account"] = Sensitivity.Secret,
                ["financials"] = Sensitivity.Secret,
                ["contracts"] = Sensitivity.Secret,
            },
            levels);
    }

    /// <summary>C-2 "or nothing": deal terms are free text, so no part of them is shown masked; the secret fields are emptied.</summary>
    [Fact]
    public void C2_deal_terms_financials_and_contracts_are_withheld_entirely_from_a_caller_without_clearance()
    {
        var masked = ConfidentialFields.Mask(Full);

        Assert.Equal(((string?)null, (string?)null, (string?)null), (masked.DealTerms, masked.Financials, masked.Contracts));
        Assert.Equal("138****5678", masked.Phone);
    }

    [Fact]
    public void C2_confidential_fields_are_masked_and_secret_fields_are_emptied()
    {
        var masked = ConfidentialFields.Mask(Full);

        Assert.Equal(("张**", "138****5678", "z***@example.com", "上海市****"), (masked.Name, masked.Phone, masked.Email, masked.Address));
        Assert.Null(masked.BankAccount);
        foreach (var field in CustomerClassification.Protected)
        {
            var shown = field.Get(masked);
            if (field.Level == Sensitivity.Secret || field.Mask is null)
            {
                Assert.Null(shown);
            }
            else
            {
                Assert.NotNull(shown);
                Assert.NotEqual(field.Get(Full), shown);
            }
        }
    }

    public static TheoryData<string, string?, string?, bool, string?> Callers => new()
    {
        // role, branch, region, in clear, purpose of the read
        { "owner", "B-SH", "R-EAST", true, Purposes.SalesDevelopment },
        { "codeveloper", "B-SH", "R-EAST", true, Purposes.SalesDevelopment },
        { Roles.BranchSecretary, "B-SH", "R-EAST", true, Purposes.Administration },
        { Roles.BranchManager, "B-SH", "R-EAST", true, Purposes.Administration },
        { Roles.Hq, null, null, true, Purposes.Administration },
        { Roles.BranchManager, "B-BJ", "R-NORTH", false, null },
        { Roles.RegionalManager, null, "R-EAST", false, null },
        { Roles.Salesperson, "B-SH", "R-EAST", false, null },
        { Roles.Dealer, "B-SH", "R-EAST", false, null },
    };

    [Theory]
    [MemberData(nameof(Callers))]
    public void C2_clear_only_for_the_owner_co_developers_the_branch_staff_and_hq(string role, string? branch, string? region, bool clear, string? purpose)
    {
        var caller = role switch
        {
            "owner" => new Caller("S1", Roles.Salesperson, branch, region),
            "codeveloper" => new Caller("S2", Roles.Salesperson, branch, region),
            _ => new Caller("X-" + role, role, branch, region),
        };

        var decision = Disclosure.Decide(caller, Customer(coDevelopers: ["S2"]), null, Consent.Implied(Now, "S1"), null, Now);

        Assert.Equal((clear, purpose), (decision.Clear, decision.Purpose));
        Assert.Equal(clear, ConfidentialFields.MaySeeClear(caller, Customer(coDevelopers: ["S2"])));
    }

    [Fact]
    public void C3_a_live_grant_clears_its_holder_for_its_purpose_until_it_expires()
    {
        var other = new Caller("S9", Roles.Salesperson, "B-BJ", "R-NORTH");
        var grant = new GrantSlot("G1", Purposes.Service, Now.AddDays(7));
        var consent = new Consent([Purposes.SalesDevelopment, Purposes.Service], "签字同意书 2026-11", Now, "S1");

        Assert.Equal((true, Clearance.Grant, Purposes.Service), Decision(Disclosure.Decide(other, Customer(), grant, consent, null, Now)));
        Assert.False(Disclosure.Decide(other, Customer(), grant, consent, null, Now.AddDays(7)).Clear);
        Assert.False(Disclosure.Decide(other, Customer(), grant, consent, null, Now.AddDays(8)).Clear);
        var wrongPurpose = Disclosure.Decide(other, Customer(), grant, consent, Purposes.Marketing, Now);
        Assert.Equal("C-3", wrongPurpose.Refusal!.RuleId);
        Assert.False(wrongPurpose.Clear);

        static (bool, Clearance, string?) Decision(DisclosureDecision d) => (d.Clear, d.Clearance, d.Purpose);
    }

    [Fact]
    public void C6_a_purpose_outside_the_consent_is_refused_with_the_scope_and_administration_needs_none()
    {
        var owner = new Caller("S1", Roles.Salesperson, "B-SH", "R-EAST");
        var implied = Consent.Implied(Now, "S1");

        var refused = Disclosure.Decide(owner, Customer(), null, implied, Purposes.Marketing, Now).Refusal!;
        Assert.Equal("C-6", refused.RuleId);
        Assert.Equal((Purposes.Marketing, Purposes.SalesDevelopment), (refused.Metadata["purpose"], refused.Metadata["consentedPurposes"]));
        Assert.True(Disclosure.Decide(owner, Customer(), null, implied with { Purposes = [Purposes.SalesDevelopment, Purposes.Marketing] }, Purposes.Marketing, Now).Clear);
        Assert.True(Disclosure.Decide(new Caller("HQ-1", Roles.Hq, null, null), Customer(), null, implied, null, Now).Clear);
    }

    [Fact]
    public void C6_a_consent_names_known_purposes_and_its_evidence_and_development_is_always_in_scope()
    {
        var violations = new List<FieldViolation>();
        Assert.Equal(ConsentScope.Implied, ConsentRules.Validate(violations, "consent.", null));
        ConsentRules.Validate(violations, "consent.", new ConsentInput(["marketing", "resale"], null));
        Assert.Equal(["consent.purposes[1]", "consent.evidence"], violations.Select(v => v.Field));

        violations.Clear();
        var scope = ConsentRules.Validate(violations, "", new ConsentInput([Purposes.Marketing], "同意书 A-17"));
        Assert.Empty(violations);
        Assert.Equal([Purposes.SalesDevelopment, Purposes.Marketing], scope.Purposes);
    }

    [Fact]
    public void C4_an_envelope_opens_to_its_record_and_holds_none_of_it_in_clear()
    {
        var ring = KeyRing.Generate("k1");
        var record = new ConfidentialRecord(Full, new Consent([Purposes.SalesDevelopment, Purposes.Service], "同意书 7", Now, "S1"));

        var value = Envelope.Seal(ring, "1001", ConfidentialRecordCodec.Encode(record));

        Assert.Equal("k1", Envelope.KeyIdOf(value));
        var opened = ConfidentialRecordCodec.Decode(Envelope.Open(ring, "1001", value));
        Assert.Equal(record.Contact, opened.Contact);
        Assert.Equal(record.Consent.Purposes, opened.Consent.Purposes);
        Assert.Equal((record.Consent.Evidence, record.Consent.RecordedAt, "S1"), (opened.Consent.Evidence, opened.Consent.RecordedAt, opened.Consent.RecordedBy));
        foreach (var clear in new[] { Full.Phone!, Full.Email!, Full.BankAccount!, Full.Name! })
        {
            Assert.Equal(-1, value.AsSpan().IndexOf(Encoding.UTF8.GetBytes(clear)));
        }

        // Two seals of the same record share nothing (fresh data key and nonces each time).
        Assert.NotEqual(Convert.ToHexString(value), Convert.ToHexString(Envelope.Seal(ring, "1001", ConfidentialRecordCodec.Encode(record))));
    }

    [Fact]
    public void C4_an_altered_byte_or_another_customers_id_never_opens()
    {
        var ring = KeyRing.Generate("k1");
        var value = Envelope.Seal(ring, "1001", ConfidentialRecordCodec.Encode(new ConfidentialRecord(Full, Consent.Implied(Now, "S1"))));

        Assert.ThrowsAny<CryptographicException>(() => Envelope.Open(ring, "1002", value));
        for (var i = 0; i < value.Length; i++)
        {
            var altered = value.ToArray();
            altered[i] ^= 0x01;
            Assert.ThrowsAny<CryptographicException>(() => Envelope.Open(ring, "1001", altered));
        }
    }

    [Fact]
    public void C4_rewrapping_moves_the_data_key_to_the_active_key_and_leaves_the_data_as_it_was()
    {
        var old = KeyRing.Generate("k1");
        var value = Envelope.Seal(old, "1001", ConfidentialRecordCodec.Encode(new ConfidentialRecord(Full, Consent.Implied(Now, "S1"))));
        var rotated = old.WithActive("k2", new Dictionary<string, byte[]> { ["k2"] = RandomNumberGenerator.GetBytes(32) });

        var rewrapped = Envelope.Rewrap(rotated, "1001", value);

        Assert.Equal("k2", Envelope.KeyIdOf(rewrapped));
        Assert.True(value.AsSpan(value.Length - 40).SequenceEqual(rewrapped.AsSpan(rewrapped.Length - 40)));
        Assert.Equal(Full, ConfidentialRecordCodec.Decode(Envelope.Open(rotated.Without("k1"), "1001", rewrapped)).Contact);
        Assert.Equal(Full, ConfidentialRecordCodec.Decode(Envelope.Open(rotated, "1001", value)).Contact);
        Assert.ThrowsAny<CryptographicException>(() => Envelope.Open(rotated.Without("k1"), "1001", value));
    }

    [Fact]
    public void C10_the_destroyed_mark_holds_no_key_material()
    {
        var mark = Envelope.Destroyed(Now);

        Assert.Equal(EnvelopeKind.Destroyed, Envelope.KindOf(mark));
        Assert.Equal(Now, Envelope.DestroyedAt(mark));
        Assert.Equal(9, mark.Length);
    }

    private static List<ChainedEntry> Chain(int count)
    {
        var entries = new List<ChainedEntry>();
        var previous = AuditChainHash.Genesis;
        for (var n = 1; n <= count; n++)
        {
            var record = new AuditRecord(Now.AddSeconds(n), "S" + n, Roles.Salesperson, "100" + n, AuditKinds.Read, ["contact_phone"], Purposes.SalesDevelopment, "Customers/GetCustomer");
            previous = AuditChainHash.Next(previous, n, record);
            entries.Add(new ChainedEntry($"{n}-0", n, previous, record));
        }

        return entries;
    }

    private static BrokenLink? Verify(IEnumerable<ChainedEntry> entries, ChainedEntry head)
    {
        var verifier = new ChainVerifier();
        foreach (var entry in entries)
        {
            verifier.Feed(entry);
        }

        return verifier.Finish(head.Sequence, head.Hash);
    }

    [Fact]
    public void C5_the_chain_verifier_names_the_first_altered_missing_or_truncated_link()
    {
        var chain = Chain(5);
        var head = chain[^1];

        Assert.Null(Verify(chain, head));

        var altered = chain.ToList();
        altered[2] = altered[2] with { Record = altered[2].Record with { Purpose = Purposes.Marketing } };
        Assert.Equal(new BrokenLink(3, "3-0", BrokenReasons.Altered), Verify(altered, head));

        // Re-hashing the altered entry does not help: the next link no longer matches.
        altered[2] = altered[2] with { Hash = AuditChainHash.Next(chain[1].Hash, 3, altered[2].Record) };
        Assert.Equal(new BrokenLink(4, "4-0", BrokenReasons.Altered), Verify(altered, head));

        Assert.Equal(new BrokenLink(2, "3-0", BrokenReasons.Missing), Verify(chain.Where(e => e.Sequence != 2), head));
        Assert.Equal(new BrokenLink(5, null, BrokenReasons.Truncated), Verify(chain.Take(4), head));
    }
}
