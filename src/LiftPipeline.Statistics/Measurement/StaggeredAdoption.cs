using LiftPipeline.Statistics.Estimators;
using LiftPipeline.Statistics.Inference;
using LiftPipeline.Statistics.Panels;

namespace LiftPipeline.Statistics.Measurement;

/// <summary>One adoption cohort: the units first treated in <see cref="Start"/>, as a block panel against the never-treated units.</summary>
public sealed record AdoptionCohort(Period Start, BlockPanel Data);

/// <summary>
/// Staggered adoption: treated units start in different periods. Each adoption cohort (units sharing a first treated
/// period) is estimated against the never-treated units with the requested estimator, on a block panel of the controls
/// and the cohort over all periods (pre = before the cohort's start, post = from its start to the end), and the cohort
/// estimates are aggregated:
/// <list type="bullet">
/// <item>ATT = Σ_c w_c τ_c with w_c = N1_c·T1_c ÷ Σ N1·T1, each cohort's share of treated cells;</item>
/// <item>the effect in calendar period p = Σ_c N1_c τ_c,p ÷ Σ_c N1_c over the cohorts treated in p;</item>
/// <item>incremental = Σ_c incremental_c; lift = Σ_c incremental_c ÷ Σ_c N1_c·Σ_post counterfactual_c;</item>
/// <item>pre-fit = the w_c-weighted mean of the cohorts' RMSE, L2 and scaled L2 imbalance;</item>
/// <item>unit and time weights only when there is a single cohort; tuning keys carry <c>@start</c> when there are several.</item>
/// </list>
/// Uncertainty: the variance method runs on each cohort's estimate and the cohort standard errors are combined as if
/// the cohort estimates were independent, se = √(Σ_c w_c² se_c²) (they share the control units, so this ignores their
/// covariance); the interval and p-value are the normal-theory ones at that se. Stateless and thread-safe.
/// </summary>
public static class StaggeredAdoption
{
    /// <summary>The adoption cohorts among <paramref name="units"/> (all units when null), ordered by start period.</summary>
    /// <exception cref="MeasurementNotPossibleException">There are no never-treated or no treated units.</exception>
    public static IReadOnlyList<AdoptionCohort> Cohorts(Panel panel, string metric, IReadOnlyList<int>? units = null)
    {
        var chosen = units ?? Enumerable.Range(0, panel.Units.Count).ToArray();
        var controls = chosen.Where(u => panel.FirstTreatedPeriods[u] < 0).ToArray();
        return chosen.Where(u => panel.FirstTreatedPeriods[u] >= 0)
            .GroupBy(u => panel.FirstTreatedPeriods[u])
            .OrderBy(g => g.Key)
            .Select(g => new AdoptionCohort(panel.Periods[g.Key], BlockPanel.FromPanel(panel, metric, controls.Concat(g).ToArray())))
            .ToArray();
    }

    /// <summary>Whether the treated units among <paramref name="units"/> (all when null) start in more than one period.</summary>
    public static bool IsStaggered(Panel panel, IReadOnlyList<int>? units = null) =>
        (units ?? Enumerable.Range(0, panel.Units.Count).ToArray())
            .Select(u => panel.FirstTreatedPeriods[u]).Where(f => f >= 0).Distinct().Skip(1).Any();

    /// <summary>Estimates every cohort with <paramref name="estimator"/> (and <paramref name="variance"/> when given) and aggregates.</summary>
    /// <param name="level">Confidence level of the combined interval.</param>
    public static MeasuredEstimate Measure(IReadOnlyList<AdoptionCohort> cohorts, IPanelEstimator estimator, IVarianceEstimator? variance,
        double level, string? cell, CancellationToken cancellationToken = default)
    {
        var estimates = new PanelEstimate[cohorts.Count];
        var uncertainties = new Uncertainty?[cohorts.Count];
        for (int c = 0; c < cohorts.Count; c++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            estimates[c] = estimator.Estimate(cohorts[c].Data);
            uncertainties[c] = variance?.Estimate(estimates[c], cancellationToken);
        }
        return Aggregate(cohorts, estimates, variance is null ? null : uncertainties, level, cell);
    }

    /// <summary>w_c = N1_c·T1_c ÷ Σ N1·T1, each cohort's share of the treated cells.</summary>
    public static double[] CohortWeights(IReadOnlyList<PanelEstimate> estimates)
    {
        double total = estimates.Sum(e => (double)e.Data.N1 * e.Data.T1);
        return estimates.Select(e => e.Data.N1 * (double)e.Data.T1 / total).ToArray();
    }

    internal static MeasuredEstimate Aggregate(IReadOnlyList<AdoptionCohort> cohorts, IReadOnlyList<PanelEstimate> estimates,
        IReadOnlyList<Uncertainty?>? uncertainties, double level, string? cell)
    {
        var w = CohortWeights(estimates);
        double att = 0, incremental = 0, counterfactual = 0, rmse = 0, l2 = 0, scaled = 0;
        for (int c = 0; c < estimates.Count; c++)
        {
            var e = estimates[c];
            att += w[c] * e.Att;
            incremental += e.Incremental;
            counterfactual += e.Data.N1 * e.Counterfactual.Skip(e.Data.T0).Sum();
            rmse += w[c] * e.Fit.Rmse;
            l2 += w[c] * e.Fit.L2Imbalance;
            scaled += w[c] * e.Fit.ScaledL2Imbalance;
        }
        bool single = estimates.Count == 1;
        return new MeasuredEstimate(
            estimates[0].Estimator.Name, cell, att, Combine(uncertainties, w, att, level), incremental / counterfactual, incremental,
            new PreFit(rmse, l2, scaled),
            single ? estimates[0].UnitWeights : null,
            single ? estimates[0].TimeWeights : null,
            CalendarEffects(estimates),
            estimates.SelectMany(e => e.Data.Units.Skip(e.Data.N0)).ToArray(),
            single ? estimates[0].Tuning : CohortTuning(cohorts, estimates));
    }

    /// <summary>Per calendar period, the cohorts' effects weighted by their treated units in that period.</summary>
    private static PeriodEffect[] CalendarEffects(IReadOnlyList<PanelEstimate> estimates)
    {
        var sums = new SortedDictionary<Period, (double Effect, double Units)>();
        foreach (var e in estimates)
        {
            foreach (var effect in e.Effects)
            {
                sums.TryGetValue(effect.Period, out var sum);
                sums[effect.Period] = (sum.Effect + e.Data.N1 * effect.Effect, sum.Units + e.Data.N1);
            }
        }
        return sums.Select(kv => new PeriodEffect(kv.Key, kv.Value.Effect / kv.Value.Units)).ToArray();
    }

    /// <summary>Cohort standard errors combined as independent: se = √(Σ w_c² se_c²).</summary>
    private static Uncertainty? Combine(IReadOnlyList<Uncertainty?>? uncertainties, double[] w, double att, double level)
    {
        if (uncertainties is null || uncertainties.Any(u => u is null))
        {
            return null;
        }
        double variance = 0;
        for (int c = 0; c < w.Length; c++)
        {
            double se = uncertainties[c]!.StandardError;
            variance += w[c] * w[c] * se * se;
        }
        var first = uncertainties[0]!;
        return Uncertainty.FromStandardError(first.Method, att, Math.Sqrt(variance), uncertainties.Min(u => u!.Replications), level);
    }

    private static Dictionary<string, double> CohortTuning(IReadOnlyList<AdoptionCohort> cohorts, IReadOnlyList<PanelEstimate> estimates)
    {
        var tuning = new Dictionary<string, double>(StringComparer.Ordinal);
        for (int c = 0; c < estimates.Count; c++)
        {
            foreach (var (key, value) in estimates[c].Tuning)
            {
                tuning[$"{key}@{cohorts[c].Start}"] = value;
            }
        }
        return tuning;
    }
}
