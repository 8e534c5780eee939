using System.Globalization;

namespace CustomerProtection.Penalty.Domain;

/// <summary>Who takes a step on a fine: the employee id and role from the token, and when.</summary>
public sealed record Actor(string EmployeeId, string Role, DateTimeOffset At);

/// <summary>
/// The steps of a fine's life (P-8.1, P-8.2: hq decides), each a pure function from the fine to the
/// next fine with one more <see cref="FineStep"/> (who, when, why). A step the fine's status does not
/// allow is refused with the rule id and the status, and changes nothing.
/// </summary>
public static class FineLifecycle
{
    public const string LifecycleRule = "P-8";
    public const string AmountRule = "P-8.1";
    public const string SeriousRule = "P-8.3";

    /// <summary>hq lets the proposed amount stand.</summary>
    public static Fine Confirm(Fine fine, Actor actor, string reason)
    {
        Require(fine, "confirm", FineStatuses.Proposed);
        return Step(fine, FineStatuses.Confirmed, actor, reason, fine.Amount);
    }

    /// <summary>hq sets another amount within the fine's range (P-8.1: never below the floor).</summary>
    public static Fine Adjust(Fine fine, Actor actor, decimal amount, string reason)
    {
        Require(fine, "adjust", FineStatuses.Proposed, FineStatuses.Confirmed, FineStatuses.Adjusted);
        if (amount < fine.MinAmount || amount > fine.MaxAmount)
        {
            var max = fine.MaxAmount is { } m ? Money.Format(m) : "";
            throw new PolicyRefusalException(AmountRule,
                fine.MaxAmount is null
                    ? Invariant($"罚款金额不得低于 {fine.MinAmount} 元 / the amount must be at least {fine.MinAmount} CNY")
                    : Invariant($"罚款金额须在 {fine.MinAmount} 至 {max} 元之间 / the amount must be between {fine.MinAmount} and {max} CNY"),
                new Dictionary<string, string>
                {
                    ["fine_id"] = fine.Id,
                    ["amount"] = Money.Format(amount),
                    ["min_amount"] = Money.Format(fine.MinAmount),
                    ["max_amount"] = max,
                });
        }

        return Step(fine, FineStatuses.Adjusted, actor, reason, amount);
    }

    /// <summary>
    /// P-8.3: hq declares the violation a serious case with a heavier fine: strictly more than the
    /// fine stands at now, and no maximum (the rule book sets none; hq sets the amount). A fine under
    /// appeal is decided first; a paid or overturned one is over.
    /// </summary>
    public static Fine DeclareSerious(Fine fine, Actor actor, decimal amount, string reason)
    {
        Require(fine, "declare serious", FineStatuses.Proposed, FineStatuses.Confirmed, FineStatuses.Adjusted);
        if (amount <= fine.Amount)
        {
            throw new PolicyRefusalException(SeriousRule,
                Invariant($"严重情节须加重处罚：金额须高于现在的 {fine.Amount} 元 / a serious case is a heavier fine: the amount must exceed the current {fine.Amount} CNY"),
                new Dictionary<string, string>
                {
                    ["fine_id"] = fine.Id,
                    ["amount"] = Money.Format(amount),
                    ["current_amount"] = Money.Format(fine.Amount),
                });
        }

        return Step(fine, FineStatuses.Adjusted, actor, reason, amount) with { Serious = true, MaxAmount = null };
    }

    /// <summary>The fined employee contests the fine: once, and before it is paid.</summary>
    public static Fine Appeal(Fine fine, Actor actor, string reason)
    {
        Require(fine, "appeal", FineStatuses.Proposed, FineStatuses.Confirmed, FineStatuses.Adjusted);
        if (fine.History.Any(s => s.Status == FineStatuses.Appealed))
        {
            throw new PolicyRefusalException(LifecycleRule, "该罚款已申诉过 / this fine has already been appealed",
                new Dictionary<string, string> { ["fine_id"] = fine.Id, ["status"] = fine.Status });
        }

        return Step(fine, FineStatuses.Appealed, actor, reason, fine.Amount);
    }

    /// <summary>hq decides the appeal: upheld, the fine stands and is to be paid; overturned, it ends at nothing owed.</summary>
    public static Fine DecideAppeal(Fine fine, Actor actor, bool upheld, string reason)
    {
        Require(fine, upheld ? "uphold" : "overturn", FineStatuses.Appealed);
        return Step(fine, upheld ? FineStatuses.Upheld : FineStatuses.Overturned, actor, reason, fine.Amount);
    }

    /// <summary>hq records the payment of a fine that hq has confirmed, adjusted or upheld.</summary>
    public static Fine Pay(Fine fine, Actor actor, string reason)
    {
        Require(fine, "pay", FineStatuses.Confirmed, FineStatuses.Adjusted, FineStatuses.Upheld);
        return Step(fine, FineStatuses.Paid, actor, reason, fine.Amount);
    }

    private static void Require(Fine fine, string step, params string[] allowed)
    {
        if (!allowed.Contains(fine.Status))
        {
            throw new PolicyRefusalException(LifecycleRule,
                $"罚款状态为 {fine.Status}，不能{step} / a {fine.Status} fine cannot be {step}ed here (allowed from: {string.Join(", ", allowed)})",
                new Dictionary<string, string> { ["fine_id"] = fine.Id, ["status"] = fine.Status, ["allowed_from"] = string.Join(",", allowed), ["step"] = step });
        }
    }

    private static Fine Step(Fine fine, string status, Actor actor, string reason, decimal amount) => fine with
    {
        Status = status,
        Amount = amount,
        History = [.. fine.History, new FineStep(status, actor.EmployeeId, actor.Role, actor.At, reason, amount)],
    };

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
