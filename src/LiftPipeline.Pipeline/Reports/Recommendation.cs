using LiftPipeline.Statistics.Experiments.Contrasts;
using LiftPipeline.Statistics.Guardrails;
using LiftPipeline.Statistics.Measurement;
using MathNet.Numerics.Distributions;

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
/// Progress to a decision under nightly looks: how many more <paramref name="Unit"/> (days, periods) until the
/// always-valid interval excludes 0 if the estimate holds and information keeps growing at today's rate
/// (<see cref="InformationTimeSequence.LooksToExclusion"/>); <paramref name="MoreLooks"/> is null when that is not
/// within the planned window.
/// </summary>
public sealed record DecisionProgress(int? MoreLooks, string Unit)
{
    /// <summary>"At today's rate the always-valid interval excludes 0 in about N more days." or "… does not exclude 0 within the planned window."</summary>
    public string Sentence() => MoreLooks is { } n
        ? $"At today's rate the always-valid interval excludes 0 in about {n} more {(n == 1 ? Unit.TrimEnd('s') : Unit)}."
        : "At today's rate the always-valid interval does not exclude 0 within the planned window.";
}

/// <summary>
/// The interval a recommendation reads: what it bounds (<paramref name="Subject"/>, such as <c>sdid</c> or
/// <c>vbo vs holdout on revenue (relative)</c>), which kind of interval it is (<paramref name="Interval"/>: always
/// <see cref="AlwaysValid"/> for decisions, since the nightly run looks every day) and its bounds, NaN when not defined.
/// </summary>
public sealed record RecommendationBasis(string Subject, string Interval, double Lower, double Upper)
{
    /// <summary>The <see cref="Interval"/> of a fixed-horizon confidence interval.</summary>
    public const string Confidence = "confidence";

    /// <summary>The <see cref="Interval"/> of a sequential interval that stays valid under repeated looks.</summary>
    public const string AlwaysValid = "always-valid";

    /// <summary>
    /// Looks in the planned window when campaign.json gives no end: a panel's post-treatment periods, a holdout's days
    /// since the start. Today's looks when there are more.
    /// </summary>
    public const int DefaultPlannedLooks = 30;

    /// <summary>Progress to a decision at today's rate; null when it was not estimated.</summary>
    public DecisionProgress? Progress { get; init; }

    /// <summary>
    /// The basis of a panel estimate read every night: the always-valid interval ATT ± SE·m(r) of
    /// <see cref="InformationTimeSequence"/>, with information fraction r = post-treatment periods so far ÷
    /// <paramref name="plannedPeriods"/> (default <see cref="DefaultPlannedLooks"/>, or today's periods when more), and
    /// the progress to a decision within that window. The SE is the uncertainty's; for a method with an interval but no
    /// SE (conformal) it is the interval's half-width ÷ z₁₋α/₂. Null when there is no estimate or no uncertainty.
    /// </summary>
    /// <param name="estimate">The primary estimate.</param>
    /// <param name="alpha">Significance level of the always-valid interval.</param>
    /// <param name="plannedPeriods">Post-treatment periods of the planned window; null: <see cref="DefaultPlannedLooks"/>.</param>
    /// <param name="unit">What a period is, for the progress sentence (<c>days</c>, <c>periods</c>).</param>
    public static RecommendationBasis? Of(MeasuredEstimate? estimate, double alpha, int? plannedPeriods = null, string unit = "periods")
    {
        if (estimate?.Uncertainty is not { } u)
        {
            return null;
        }
        string subject = estimate.Cell is null ? estimate.Estimator : $"{estimate.Estimator} in {estimate.Cell}";
        double se = u.StandardError > 0 && double.IsFinite(u.StandardError)
            ? u.StandardError
            : (u.CiHigh - u.CiLow) / (2 * Normal.InvCDF(0, 1, 1 - alpha / 2));
        int looks = Math.Max(estimate.Effects.Count, 1);
        int planned = Math.Max(plannedPeriods ?? DefaultPlannedLooks, looks);
        double fraction = (double)looks / planned;
        var (lower, upper) = InformationTimeSequence.Interval(estimate.Att, se, fraction, alpha);
        return new RecommendationBasis(subject, AlwaysValid, lower, upper)
        {
            Progress = new DecisionProgress(InformationTimeSequence.LooksToExclusion(estimate.Att, se, fraction, looks, planned, alpha), unit),
        };
    }

    /// <summary>
    /// The basis of a holdout contrast: its always-valid interval of the relative lift, or null without a contrast. With
    /// <paramref name="daysSoFar"/> (days since the treatment start, ≥ 1) it carries the progress to a decision within
    /// <paramref name="plannedDays"/> (default <see cref="DefaultPlannedLooks"/>, or today's days when more), customers
    /// arriving at today's rate; <paramref name="tuningN"/> is the contrast's N*.
    /// </summary>
    public static RecommendationBasis? Of(HoldoutContrast? contrast, int? daysSoFar = null, int? plannedDays = null, double tuningN = double.NaN, double alpha = 0.05)
    {
        if (contrast is null)
        {
            return null;
        }
        if (contrast.Suppressed)
        {
            // A suppressed primary row releases no interval: the rule reads "no interval" (extend, or hold on a breach).
            return new RecommendationBasis($"{contrast.Treatment} vs {contrast.Control} on {contrast.Metric} (relative; suppressed: too few customers to release)", AlwaysValid, double.NaN, double.NaN);
        }
        var basis = new RecommendationBasis($"{contrast.Treatment} vs {contrast.Control} on {contrast.Metric} (relative)", AlwaysValid,
            contrast.AlwaysValidRelativeCi.Lower, contrast.AlwaysValidRelativeCi.Upper);
        if (daysSoFar is not { } days || days < 1 || !(tuningN > 0))
        {
            return basis;
        }
        double fraction = (contrast.TreatmentN + contrast.ControlN) / tuningN;
        int planned = Math.Max(plannedDays ?? DefaultPlannedLooks, days);
        return basis with
        {
            Progress = new DecisionProgress(InformationTimeSequence.LooksToExclusion(contrast.Relative, contrast.RelativeStandardError, fraction, days, planned, alpha), "days"),
        };
    }

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
/// Warnings do not change the decision; they are named in the reason. Every report reads an always-valid interval,
/// because the nightly run looks every day: a panel report the primary estimate's (<see cref="InformationTimeSequence"/>
/// over post-treatment periods), a holdout report the primary contrast's (the confidence sequence over customers); see
/// <see cref="RecommendationBasis"/>. An extend names the progress to a decision when the basis carries it.
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
        return Decision(Recommendation.Extend, $"{interval} contains zero: the effect is not yet distinguishable from none.{ProgressSentence(basis.Progress)}");
    }

    /// <summary>" At today's rate the always-valid interval excludes 0 in about N more days." or "… not within the planned window."; empty without progress.</summary>
    private static string ProgressSentence(DecisionProgress? progress) => progress is null ? "" : " " + progress.Sentence();

    private static string[] Names(IReadOnlyList<GuardrailResult> guardrails, GuardrailStatus status) =>
        guardrails.Where(g => g.Status == status).Select(g => g.Name).Distinct(StringComparer.Ordinal).ToArray();
}
