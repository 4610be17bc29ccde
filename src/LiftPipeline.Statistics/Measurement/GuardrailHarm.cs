using LiftPipeline.Statistics.Guardrails;

namespace LiftPipeline.Statistics.Measurement;

/// <summary>
/// A guardrail metric that an arm harms: the always-valid interval of <paramref name="Contrast"/>'s relative effect lies
/// entirely beyond the margin of <paramref name="Check"/> in the bad direction (the <c>harm</c> guardrail's breach).
/// Reports mark these contrast rows.
/// </summary>
/// <param name="Contrast">The overall mean contrast of the arm against the control on the guardrail metric.</param>
/// <param name="Check">The harm check it fails: the metric, its margin and which direction is bad.</param>
public sealed record GuardrailHarm(HoldoutContrast Contrast, HarmCheck Check)
{
    /// <summary>"vbo_1p harms unsubscribes: +12% (always-valid interval +6% to +18%) is worse than the 5% margin" with percentages formatted by <paramref name="percent"/>.</summary>
    public string Describe(Func<double, string> percent)
    {
        ArgumentNullException.ThrowIfNull(percent);
        var ci = Contrast.AlwaysValidRelativeCi;
        return $"{Contrast.Treatment} harms {Check.Metric}: {percent(Contrast.Relative)} (always-valid interval {percent(ci.Lower)} to {percent(ci.Upper)}) is worse than the {percent(Check.Margin)} margin";
    }
}
