namespace CustomerProtection.Territory.Domain;

/// <summary>A sale as asked about (authorisation) or as shipped (the ledger).</summary>
public sealed record SaleQuestion(
    string SellerId,
    string? SellerRegionId,
    string IdentityKey,
    string ProductCode,
    decimal UnitPrice,
    string RegionId,
    bool ThroughAgent,
    DateOnly Day,
    string Kind = Contracts.Territory.SaleKinds.FormalPurchase)
{
    /// <summary>P-4: the customer is served in a region other than the seller's.</summary>
    public bool IsCrossRegion => SellerRegionId != RegionId;

    /// <summary>
    /// P-1.1: a sample or a trial is not a sale: the price floors of a sale (P-3.7, P-4.2, P-4.4) do not
    /// bind it (it may be free), while who may develop the customer (P-4.1, P-4.4 filings, P-5) still does.
    /// </summary>
    public bool IsFormalPurchase => Kind == Contracts.Territory.SaleKinds.FormalPurchase;
}

/// <summary>Everything the rules look at, read before deciding (Registration's answer and Territory's own data).</summary>
public sealed record SaleFacts(
    OwnershipFacts Ownership,
    DateTimeOffset Now,
    CrossRegionFiling? ApprovedFiling,
    CrossRegionFiling? OpenFiling,
    AskingPriceVersion? AskingPrice,
    PriorSale? PreviousSale,
    GroupFacts? Group,
    PriceApproval? Approval);

public enum SaleDecision
{
    Allowed = 0,
    NeedsApproval = 1,
    Forbidden = 2,
}

/// <summary>One rule that bears on the sale, with the numbers that show why.</summary>
public sealed record RuleFinding(
    string RuleId,
    string Kind,
    SaleDecision Effect,
    string? InjuredEmployeeId,
    string Message,
    IReadOnlyDictionary<string, string> Metadata);

/// <param name="Floor">The highest floor that applies: the asking price (P-4.2) or a previous sale's price (P-3.7, P-4.4).</param>
/// <param name="AskingFloor">The P-4.2 asking price when one applies: the company's own floor, which the seller is told.</param>
/// <param name="FloorIsPreviousSale">The floor is another party's deal price (C-1 deal terms): only hq is told it (<see cref="DealTerms.AsToldTo"/>).</param>
public sealed record SaleVerdict(
    SaleDecision Decision,
    IReadOnlyList<RuleFinding> Findings,
    string? Protector,
    decimal? Floor,
    decimal? ApprovedPrice,
    CrossRegionFiling? Filing,
    decimal? AskingFloor = null,
    bool FloorIsPreviousSale = false);

/// <summary>
/// The sales rules (P-3.6, P-3.7, P-4.1, P-4.2, P-4.4, P-5) as pure functions of the question and
/// the facts. The authorisation shows the verdict before quoting; the ledger turns the same findings
/// into violations after shipping (<see cref="Breaches"/>), so both always agree.
/// </summary>
public static class SaleRules
{
    public static SaleVerdict Evaluate(SaleQuestion sale, SaleFacts facts)
    {
        var findings = new List<RuleFinding>();
        var ownership = facts.Ownership;
        var today = Dates.DateOf(facts.Now);
        var protector = ownership.ProtectorOn(sale.Day, today);

        // P-3.6: protection covers the whole customer, every product line; only the owner and the
        // co-developers the owner consented to may sell. P-5: on meeting another's customer, withdraw.
        if (protector is not null && !ownership.MaySell(sale.SellerId, protector))
        {
            findings.Add(new("P-3.6", ViolationKinds.Poaching, SaleDecision.Forbidden, protector,
                $"客户受 {protector} 保护（至 {Dates.Iso(ownership.LastProtectedDay)}），只有所有人及其同意的合作开发人可以销售 / the customer is protected by {protector} until {Dates.Iso(ownership.LastProtectedDay)}: only the owner and co-developers with the owner's consent may sell",
                Numbers(("owner_id", protector), ("owner_branch_id", ownership.OwnerBranchId), ("last_protected_day", Dates.Iso(ownership.LastProtectedDay)),
                    ("customer_id", ownership.CustomerId), ("stage", ownership.Stage))));
        }

        // P-5: quoting or selling to a protected customer or prospect through an agent or middleman.
        if (sale.ThroughAgent && protector is not null)
        {
            findings.Add(new("P-5", ViolationKinds.ThroughAgent, SaleDecision.Forbidden, protector == sale.SellerId ? null : protector,
                $"不得通过代理或中间人向受保护客户（所有人 {protector}）报价或销售 / no quoting or selling to a protected customer (owner {protector}) through an agent or middleman",
                Numbers(("owner_id", protector), ("last_protected_day", Dates.Iso(ownership.LastProtectedDay)))));
        }

        CrossRegionFiling? filing = null;
        if (sale.IsCrossRegion)
        {
            filing = facts.ApprovedFiling;
            if (filing is null)
            {
                // P-4.1: outside one's region only with an approved cross-region request, first.
                findings.Add(new("P-4.1", ViolationKinds.CrossRegionUnapproved, SaleDecision.NeedsApproval, null,
                    $"跨区域销售（{sale.SellerRegionId} → {sale.RegionId}）需先有获批的跨区域销售申请 / selling outside one's region ({sale.SellerRegionId} → {sale.RegionId}) needs an approved cross-region request first",
                    Numbers(("seller_region_id", sale.SellerRegionId), ("target_region_id", sale.RegionId), ("missing_approval", "cross_region_request"),
                        ("cross_region_request_id", facts.OpenFiling?.Id), ("cross_region_request_status", facts.OpenFiling is { } open ? CrossRegionRules.StatusAt(open, facts.Now) : null),
                        ("cross_region_request_deadline", facts.OpenFiling?.Deadline.ToUniversalTime().ToString("O", System.Globalization.CultureInfo.InvariantCulture)))));
            }
        }

        // P-4.4: selling to a subsidiary of a group whose formal customer (the parent) is owned in another
        // region needs a new filing: the seller's own approved cross-region filing for the subsidiary into
        // that region. A cross-region sale into that same region already asks for that filing (P-4.1).
        var group = facts.Group;
        var groupRegion = group is null ? null : GroupRules.FilingRegion(group.Parent, sale, today);
        if (group is not null && groupRegion is not null && !(sale.IsCrossRegion && sale.RegionId == groupRegion))
        {
            if (group.ApprovedFiling is { } groupFiling)
            {
                filing ??= groupFiling;
            }
            else
            {
                findings.Add(new("P-4.4", ViolationKinds.CrossRegionUnapproved, SaleDecision.NeedsApproval, null,
                    $"客户属于集团 {group.ParentIdentityKey}，其正式客户在 {groupRegion} 大区，向该子公司销售需先有获批的跨区域销售申请 / the customer belongs to group {group.ParentIdentityKey}, a formal customer of region {groupRegion}: selling to the subsidiary needs an approved cross-region request into {groupRegion} first",
                    Numbers(("group_parent_identity_key", group.ParentIdentityKey), ("group_region_id", groupRegion), ("seller_region_id", sale.SellerRegionId),
                        ("missing_approval", "cross_region_request"), ("cross_region_request_id", group.OpenFiling?.Id),
                        ("cross_region_request_status", group.OpenFiling is { } open ? CrossRegionRules.StatusAt(open, facts.Now) : null),
                        ("cross_region_request_deadline", group.OpenFiling?.Deadline.ToUniversalTime().ToString("O", System.Globalization.CultureInfo.InvariantCulture)))));
            }
        }

        var approved = facts.Approval is { FinalPrice: { } final } approval && approval.Covers(sale.Day) ? final : (decimal?)null;
        decimal? floor = null;

        // P-4.2: not below the target region's asking price for the product without approval.
        if (sale.IsFormalPurchase && sale.IsCrossRegion && facts.AskingPrice is { } asking)
        {
            floor = asking.Price;
            if (BelowFloor(sale.UnitPrice, asking.Price, approved))
            {
                findings.Add(new("P-4.2", ViolationKinds.BelowAskingPrice, SaleDecision.NeedsApproval, null,
                    $"单价 {Money.Format(sale.UnitPrice)} 低于目标大区 {sale.RegionId} 的报价 {Money.Format(asking.Price)} / unit price {Money.Format(sale.UnitPrice)} is below region {sale.RegionId}'s asking price {Money.Format(asking.Price)}",
                    Numbers(("floor_price", Money.Format(asking.Price)), ("unit_price", Money.Format(sale.UnitPrice)), ("shortfall", Money.Format(asking.Price - sale.UnitPrice)),
                        ("region_id", sale.RegionId), ("product_code", sale.ProductCode), ("asking_price_effective_from", Dates.Iso(asking.EffectiveFrom)),
                        ("approved_price", Money.Format(approved)), ("missing_approval", "price_approval"))));
            }
        }

        // P-3.7: after protection lapses, another salesperson may not sell below the previous sale
        // price of the same product without approval. P-4.4: the floor also binds a sale to a subsidiary
        // across regions — one that needs a filing into the group's region, or one served in a region
        // other than the seller's (the seed's case: the group's owner selling to a subsidiary elsewhere) —
        // and for any group member the previous price is the group's (the latest earlier sale of the
        // product to any member).
        var lapsed = Lapsed(sale, ownership, protector);
        var subsidiaryAcrossRegions = group?.Parent is not null && (groupRegion is not null || sale.IsCrossRegion);
        var prior = !sale.IsFormalPurchase ? null
            : group is null
                ? (lapsed ? facts.PreviousSale : null)
                : (lapsed || subsidiaryAcrossRegions ? group.PreviousSale : null);
        var askingFloor = floor;
        if (prior is not null)
        {
            floor = Math.Max(floor ?? 0, prior.UnitPrice);
            if (BelowFloor(sale.UnitPrice, prior.UnitPrice, approved))
            {
                var source = prior.IdentityKey == sale.IdentityKey ? "previous_sale" : "group";
                findings.Add(new("P-3.7", ViolationKinds.BelowPreviousPrice, SaleDecision.NeedsApproval, null,
                    $"单价 {Money.Format(sale.UnitPrice)} 低于同产品前次售价 {Money.Format(prior.UnitPrice)}（{prior.ShippedOn:yyyy-MM-dd}，{prior.SellerId}）/ unit price {Money.Format(sale.UnitPrice)} is below the previous price {Money.Format(prior.UnitPrice)} of the product ({prior.ShippedOn:yyyy-MM-dd}, {prior.SellerId})",
                    Numbers(("floor_price", Money.Format(prior.UnitPrice)), ("unit_price", Money.Format(sale.UnitPrice)), ("shortfall", Money.Format(prior.UnitPrice - sale.UnitPrice)),
                        ("previous_sale_id", prior.SaleId), ("previous_shipped_on", Dates.Iso(prior.ShippedOn)), ("previous_seller_id", prior.SellerId),
                        ("floor_source", source), ("approved_price", Money.Format(approved)), ("missing_approval", "price_approval"))));
            }
        }

        var decision = findings.Count == 0 ? SaleDecision.Allowed : findings.Max(f => f.Effect);
        return new SaleVerdict(decision, findings, protector, floor, approved, filing, askingFloor, prior is not null && prior.UnitPrice >= (askingFloor ?? 0));
    }

    /// <summary>
    /// The violations a shipped sale commits: one per rule id, since a violation's id is the sale's
    /// id with the rule's. Selling to another's protected customer is P-5 (withdraw; P-3.6 says why),
    /// and when it went through an agent that is how it was done, not a second offence.
    /// </summary>
    public static IReadOnlyList<RuleFinding> Breaches(SaleVerdict verdict)
    {
        var poaching = verdict.Findings.FirstOrDefault(f => f.Kind == ViolationKinds.Poaching);
        var agent = verdict.Findings.FirstOrDefault(f => f.Kind == ViolationKinds.ThroughAgent);
        var breaches = new List<RuleFinding>();
        if ((agent ?? poaching) is { } p5)
        {
            breaches.Add(p5 with { RuleId = "P-5", InjuredEmployeeId = poaching?.InjuredEmployeeId ?? p5.InjuredEmployeeId });
        }

        breaches.AddRange(verdict.Findings.Where(f => f.Kind is not (ViolationKinds.Poaching or ViolationKinds.ThroughAgent)));
        return breaches;
    }

    /// <summary>P-4.3: the sale's credit goes to whoever developed the customer: its protector, else the seller.</summary>
    public static string CreditTo(SaleQuestion sale, string? protector) => protector ?? sale.SellerId;

    /// <summary>At the floor is allowed; one fen below is not, unless hq approved a final price the sale meets.</summary>
    public static bool BelowFloor(decimal unitPrice, decimal floor, decimal? approvedPrice) =>
        unitPrice < floor && !(approvedPrice is { } approved && unitPrice >= approved);

    private static bool Lapsed(SaleQuestion sale, OwnershipFacts ownership, string? protector) =>
        ownership.HasLapsed && (protector is null || protector == sale.SellerId) && ownership.PreviousOwnerId != sale.SellerId;

    private static Dictionary<string, string> Numbers(params (string Key, string? Value)[] pairs) =>
        pairs.Where(p => !string.IsNullOrEmpty(p.Value)).ToDictionary(p => p.Key, p => p.Value!);
}
