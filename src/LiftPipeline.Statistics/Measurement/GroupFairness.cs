using LiftPipeline.Statistics.Decisions.Fairness;
using LiftPipeline.Statistics.Experiments.Contrasts;
using LiftPipeline.Statistics.Guardrails;

namespace LiftPipeline.Statistics.Measurement;

/// <summary>
/// The primary contrast's relative effect in each group of one breakdown (the markets, say) and the
/// <see cref="GroupHeterogeneity"/> check of the overall effect against them: do the groups differ, and does a
/// beneficial overall effect harm one of them?
/// </summary>
/// <param name="Dimension"><c>segment</c>, <c>surface</c> or <c>market</c>.</param>
/// <param name="Treatment">The primary contrast's treatment arm.</param>
/// <param name="Control">Its control arm.</param>
/// <param name="Metric">Its metric.</param>
/// <param name="HigherIsBetter">False when a rise of the metric is bad for the group (effects are then negated before the check).</param>
/// <param name="Result">The check, with one verdict per group in the contrasts' order; effects are relative lifts oriented so positive is good.</param>
public sealed record GroupFairness(string Dimension, string Treatment, string Control, string Metric, bool HigherIsBetter, GroupHeterogeneityResult Result)
{
    /// <summary>
    /// The check for every breakdown of <see cref="GuardrailThresholds.FairnessGroups"/> with at least two groups whose
    /// relative effect on the primary contrast has a finite standard error; empty without a primary contrast.
    /// </summary>
    /// <param name="contrasts">The measurement's contrasts.</param>
    /// <param name="primary">The overall contrast the recommendation reads.</param>
    /// <param name="thresholds">The groups to check and the harm checks (a primary metric with a harm check where lower is better is negated).</param>
    /// <param name="alpha">The significance level of every test.</param>
    public static IReadOnlyList<GroupFairness> Check(IReadOnlyList<HoldoutContrast> contrasts, HoldoutContrast? primary, GuardrailThresholds thresholds, double alpha)
    {
        ArgumentNullException.ThrowIfNull(contrasts);
        ArgumentNullException.ThrowIfNull(thresholds);
        if (primary is null || !(primary.RelativeStandardError > 0 && double.IsFinite(primary.RelativeStandardError)) || !double.IsFinite(primary.Relative))
        {
            return [];
        }
        bool higherIsBetter = thresholds.Harm.FirstOrDefault(h => h.Metric == primary.Metric)?.HigherIsBetter ?? true;
        double sign = higherIsBetter ? 1 : -1;
        var checks = new List<GroupFairness>();
        foreach (string dimension in thresholds.FairnessGroups)
        {
            var groups = new List<GroupEffect>();
            foreach (var c in contrasts)
            {
                if (c.Kind == ContrastKind.Mean && c.Treatment == primary.Treatment && c.Control == primary.Control && c.Metric == primary.Metric
                    && Level(c, dimension) is { } group && c.RelativeStandardError > 0 && double.IsFinite(c.RelativeStandardError) && double.IsFinite(c.Relative))
                {
                    groups.Add(new GroupEffect(group, sign * c.Relative, c.RelativeStandardError));
                }
            }
            if (groups.Count >= 2)
            {
                checks.Add(new GroupFairness(dimension, primary.Treatment, primary.Control, primary.Metric, higherIsBetter,
                    GroupHeterogeneity.Check(groups, sign * primary.Relative, primary.RelativeStandardError, alpha)));
            }
        }
        return checks;
    }

    /// <summary>
    /// The <c>fairness</c> guardrail over <paramref name="checks"/>: breach when a beneficial overall effect harms a group
    /// (the recommendation would rest on some groups while harming another), warn when the groups' effects differ
    /// (Cochran's Q below α) or a group is harmed while nothing is recommended, pass otherwise; null without checks.
    /// </summary>
    public static GuardrailResult? Guardrail(IReadOnlyList<GroupFairness> checks)
    {
        ArgumentNullException.ThrowIfNull(checks);
        if (checks.Count == 0)
        {
            return null;
        }
        var evidence = new Dictionary<string, double>();
        var status = GuardrailStatus.Pass;
        var notes = new List<string>();
        foreach (var check in checks)
        {
            var r = check.Result;
            evidence[$"q.{check.Dimension}"] = r.Heterogeneity.Q;
            evidence[$"qPValue.{check.Dimension}"] = r.Heterogeneity.PValue;
            foreach (var g in r.Groups)
            {
                evidence[$"relative.{check.Dimension}.{g.Group}"] = check.HigherIsBetter ? g.Effect : -g.Effect;
                evidence[$"harmPAdjusted.{check.Dimension}.{g.Group}"] = g.AdjustedHarmPValue;
            }
            string harmed = string.Join(", ", r.Groups.Where(g => g.IsHarmed).Select(g => $"{check.Dimension} {g.Group} ({Percent(check.HigherIsBetter ? g.Effect : -g.Effect)}, Holm-adjusted p {P(g.AdjustedHarmPValue)})"));
            if (r.HarmsAGroup)
            {
                status = GuardrailStatus.Breach;
                notes.Add($"{check.Treatment} beats {check.Control} on {check.Metric} overall ({Percent(check.HigherIsBetter ? r.OverallEffect : -r.OverallEffect)}, p {P(r.OverallPValue)}) but harms {harmed}: do not roll out on the overall number alone");
            }
            else if (harmed.Length > 0)
            {
                status = Worse(status, GuardrailStatus.Warn);
                notes.Add($"{harmed} is worse off under {check.Treatment}, though nothing is recommended overall yet");
            }
            else if (r.Heterogeneity.PValue < r.Alpha)
            {
                status = Worse(status, GuardrailStatus.Warn);
                notes.Add($"the effect differs across {check.Dimension}s (Q = {r.Heterogeneity.Q.ToString("0.##", System.Globalization.CultureInfo.InvariantCulture)} on {r.Heterogeneity.DegreesOfFreedom} df, p {P(r.Heterogeneity.PValue)}) without harming one; read the effects by group");
            }
            else
            {
                notes.Add($"no {check.Dimension} is harmed and the {r.Groups.Count} {check.Dimension}s agree (Q p {P(r.Heterogeneity.PValue)})");
            }
        }
        return new GuardrailResult(HoldoutGuardrails.Fairness, status, char.ToUpperInvariant(notes[0][0]) + string.Join("; ", notes)[1..] + ".", evidence);
    }

    private static GuardrailStatus Worse(GuardrailStatus a, GuardrailStatus b) => (GuardrailStatus)Math.Max((int)a, (int)b);

    private static string P(double p) => p < 0.0001 ? "< 0.0001" : string.Create(System.Globalization.CultureInfo.InvariantCulture, $"= {p:0.####}");

    private static string Percent(double v) => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{(v >= 0 ? "+" : "")}{100 * v:0.#}%");

    private static string? Level(HoldoutContrast c, string dimension) => dimension switch
    {
        GuardrailThresholds.FairnessSegment => c.Surface is null && c.Market is null ? c.Segment : null,
        GuardrailThresholds.FairnessSurface => c.Segment is null && c.Market is null ? c.Surface : null,
        GuardrailThresholds.FairnessMarket => c.Segment is null && c.Surface is null ? c.Market : null,
        _ => throw new ArgumentOutOfRangeException(nameof(dimension), dimension, "The fairness groups are segment, surface or market."),
    };
}
