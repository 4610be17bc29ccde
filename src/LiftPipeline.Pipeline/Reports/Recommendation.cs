using LiftPipeline.Statistics.Guardrails;
using LiftPipeline.Statistics.Measurement;

namespace LiftPipeline.Pipeline.Reports;

/// <summary>What to do with the campaign next.</summary>
public enum Recommendation
{
    /// <summary>The effect is positive and the interval excludes zero: put more budget in.</summary>
    Scale,

    /// <summary>A guardrail is breached: keep the campaign as it is until the breach is resolved.</summary>
    Hold,

    /// <summary>The interval includes zero (or there is none yet): run longer or larger to learn more.</summary>
    Extend,

    /// <summary>The effect is negative and the interval excludes zero: stop spending on it.</summary>
    Stop,
}

/// <summary>
/// The interval a recommendation reads: what it bounds (<paramref name="Subject"/>, such as <c>sdid</c> or
/// <c>vbo vs holdout on revenue (relative)</c>), which kind of interval it is (<paramref name="Interval"/>:
/// <see cref="Confidence"/> for a panel estimate, <see cref="AlwaysValid"/> for a holdout contrast read every day) and
/// its bounds, NaN when not defined.
/// </summary>
public sealed record RecommendationBasis(string Subject, string Interval, double Lower, double Upper)
{
    /// <summary>The <see cref="Interval"/> of a fixed-horizon confidence interval.</summary>
    public const string Confidence = "confidence";

    /// <summary>The <see cref="Interval"/> of a sequential interval that stays valid under repeated looks.</summary>
    public const string AlwaysValid = "always-valid";

    /// <summary>The basis of a panel estimate: its confidence interval, or null when it has no uncertainty.</summary>
    public static RecommendationBasis? Of(MeasuredEstimate? estimate) =>
        estimate?.Uncertainty is { } u
            ? new RecommendationBasis(estimate.Cell is null ? estimate.Estimator : $"{estimate.Estimator} in {estimate.Cell}", Confidence, u.CiLow, u.CiHigh)
            : null;

    /// <summary>The basis of a holdout contrast: its always-valid interval of the relative lift, or null without a contrast.</summary>
    public static RecommendationBasis? Of(HoldoutContrast? contrast) =>
        contrast is null
            ? null
            : new RecommendationBasis($"{contrast.Treatment} vs {contrast.Control} on {contrast.Metric} (relative)", AlwaysValid,
                contrast.AlwaysValidRelativeCi.Lower, contrast.AlwaysValidRelativeCi.Upper);

    /// <summary>True when both bounds are finite.</summary>
    public bool IsFinite => double.IsFinite(Lower) && double.IsFinite(Upper);
}

/// <summary>
/// A recommendation with its evidence: the <paramref name="Action"/>, one <paramref name="Reason"/> sentence, the
/// interval it read (<paramref name="Basis"/>, null when there was none) and the names of the guardrails that breached
/// or warned. Panel and holdout reports carry the same shape.
/// </summary>
public sealed record RecommendationDecision(Recommendation Action, string Reason, RecommendationBasis? Basis, IReadOnlyList<string> Breached, IReadOnlyList<string> Warned)
{
    /// <summary>The action and the reason.</summary>
    public void Deconstruct(out Recommendation action, out string reason) => (action, reason) = (Action, Reason);
}

/// <summary>
/// The one recommendation rule of every report, panel or holdout; first match wins:
/// <list type="number">
/// <item>any guardrail is <see cref="GuardrailStatus.Breach"/> → <see cref="Recommendation.Hold"/>;</item>
/// <item>no interval (no basis, or a bound that is not finite) → <see cref="Recommendation.Extend"/>;</item>
/// <item>lower bound &gt; 0 → <see cref="Recommendation.Scale"/>;</item>
/// <item>upper bound &lt; 0 → <see cref="Recommendation.Stop"/>;</item>
/// <item>otherwise (the interval contains 0) → <see cref="Recommendation.Extend"/>.</item>
/// </list>
/// Warnings do not change the decision; they are named in the reason. A panel report reads the primary estimate's
/// confidence interval, a holdout report the primary contrast's always-valid interval (see <see cref="RecommendationBasis"/>).
/// </summary>
public static class RecommendationRule
{
    /// <summary>The recommendation for the interval <paramref name="basis"/> under <paramref name="guardrails"/>.</summary>
    public static RecommendationDecision Decide(RecommendationBasis? basis, IReadOnlyList<GuardrailResult> guardrails)
    {
        ArgumentNullException.ThrowIfNull(guardrails);
        var breached = Names(guardrails, GuardrailStatus.Breach);
        var warned = Names(guardrails, GuardrailStatus.Warn);
        string warnings = warned.Length == 0 ? "" : $" Warnings to review: {string.Join(", ", warned)}.";
        RecommendationDecision Decision(Recommendation action, string reason) => new(action, reason + warnings, basis, breached, warned);
        if (breached.Length > 0)
        {
            return Decision(Recommendation.Hold, $"Guardrail breached: {string.Join(", ", breached)}; resolve before acting on the estimate.");
        }
        if (basis is null || !basis.IsFinite)
        {
            return Decision(Recommendation.Extend, basis is null
                ? "There is no interval yet; extend the test to measure its uncertainty."
                : $"There is no {basis.Interval} interval of {basis.Subject} yet; extend the test to measure its uncertainty.");
        }
        string interval = $"The {basis.Interval} interval of {basis.Subject}";
        if (basis.Lower > 0)
        {
            return Decision(Recommendation.Scale, $"{interval} lies above zero: the campaign adds outcomes.");
        }
        if (basis.Upper < 0)
        {
            return Decision(Recommendation.Stop, $"{interval} lies below zero: the campaign costs outcomes.");
        }
        return Decision(Recommendation.Extend, $"{interval} contains zero: the effect is not yet distinguishable from none.");
    }

    private static string[] Names(IReadOnlyList<GuardrailResult> guardrails, GuardrailStatus status) =>
        guardrails.Where(g => g.Status == status).Select(g => g.Name).Distinct(StringComparer.Ordinal).ToArray();
}
