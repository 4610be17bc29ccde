using LiftPipeline.Statistics.Guardrails;
using LiftPipeline.Statistics.Inference;

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
/// The recommendation rule, first match wins:
/// <list type="number">
/// <item>any guardrail is <see cref="GuardrailStatus.Breach"/> → <see cref="Recommendation.Hold"/>;</item>
/// <item>no interval (no uncertainty, or a bound that is not finite) → <see cref="Recommendation.Extend"/>;</item>
/// <item>lower bound &gt; 0 → <see cref="Recommendation.Scale"/>;</item>
/// <item>upper bound &lt; 0 → <see cref="Recommendation.Stop"/>;</item>
/// <item>otherwise (the interval contains 0) → <see cref="Recommendation.Extend"/>.</item>
/// </list>
/// Warnings do not change the decision; they are named in the reason.
/// </summary>
public static class RecommendationRule
{
    /// <summary>The recommendation for an estimate's <paramref name="uncertainty"/> under <paramref name="guardrails"/>, with a one-sentence reason.</summary>
    public static (Recommendation Action, string Reason) Decide(Uncertainty? uncertainty, IReadOnlyList<GuardrailResult> guardrails)
    {
        ArgumentNullException.ThrowIfNull(guardrails);
        var breached = Names(guardrails, GuardrailStatus.Breach);
        var warned = Names(guardrails, GuardrailStatus.Warn);
        string warnings = warned.Length == 0 ? "" : $" Warnings to review: {string.Join(", ", warned)}.";
        if (breached.Length > 0)
        {
            return (Recommendation.Hold, $"Guardrail breached: {string.Join(", ", breached)}; resolve before acting on the estimate.{warnings}");
        }
        if (uncertainty is null || !double.IsFinite(uncertainty.CiLow) || !double.IsFinite(uncertainty.CiHigh))
        {
            return (Recommendation.Extend, $"There is no confidence interval yet; extend the test to measure its uncertainty.{warnings}");
        }
        if (uncertainty.CiLow > 0)
        {
            return (Recommendation.Scale, $"The confidence interval lies above zero: the campaign adds outcomes.{warnings}");
        }
        if (uncertainty.CiHigh < 0)
        {
            return (Recommendation.Stop, $"The confidence interval lies below zero: the campaign costs outcomes.{warnings}");
        }
        return (Recommendation.Extend, $"The confidence interval contains zero: the effect is not yet distinguishable from none.{warnings}");
    }

    private static string[] Names(IReadOnlyList<GuardrailResult> guardrails, GuardrailStatus status) =>
        guardrails.Where(g => g.Status == status).Select(g => g.Name).ToArray();
}
