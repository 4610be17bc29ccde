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
/// Uncertainty (<see cref="CohortVariance"/>): by default placebo and bootstrap replicate the whole staggered estimator
/// at once (<see cref="JointCohortVariance"/>), because the cohorts share the control units; the fast alternative runs
/// the variance method on each cohort and combines as if independent, se = √(Σ_c w_c² se_c²) and per calendar period
/// √(Σ_c a_c,p² se_c,p²) with a_c,p the cohort's share of the period's treated units, with a warning that this ignores
/// the covariance. The interval and p-value are the normal-theory ones at that se. Stateless and thread-safe.
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

    /// <summary>
    /// Estimates every cohort with <paramref name="estimator"/> and aggregates, with the uncertainty of the variance
    /// method named <paramref name="variance"/> (none when null) combined over cohorts as <paramref name="cohortVariance"/> says.
    /// A variance method the design does not allow gives <see cref="Uncertainty.Unavailable"/> with the reason.
    /// </summary>
    /// <exception cref="ArgumentException">An unknown variance method name.</exception>
    public static MeasuredEstimate Measure(IReadOnlyList<AdoptionCohort> cohorts, IPanelEstimator estimator, string? variance,
        VarianceOptions options, CohortVariance cohortVariance, string? cell, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (variance is null || cohortVariance == CohortVariance.Independent || !JointCohortVariance.Supports(variance))
        {
            var method = variance is null ? null : VarianceEstimators.Create(variance, options);
            return Measure(cohorts, estimator, method, options.Level, cell, cancellationToken);
        }
        var estimates = EstimateCohorts(cohorts, estimator, cancellationToken);
        var aggregate = Aggregate(cohorts, estimates, null, options.Level, cell);
        Uncertainty uncertainty;
        try
        {
            uncertainty = JointCohortVariance.Estimate(estimates, variance, aggregate.Att, options, cancellationToken);
        }
        catch (MeasurementNotPossibleException e)
        {
            uncertainty = Uncertainty.Unavailable(VarianceEstimators.Create(variance, options).Name, e.Message);
        }
        return aggregate with { Uncertainty = uncertainty };
    }

    /// <summary>
    /// Estimates every cohort with <paramref name="estimator"/> (and <paramref name="variance"/> when given, each cohort
    /// alone) and aggregates, combining the cohort standard errors as independent (<see cref="CohortVariance.Independent"/>).
    /// </summary>
    /// <param name="level">Confidence level of the combined interval.</param>
    public static MeasuredEstimate Measure(IReadOnlyList<AdoptionCohort> cohorts, IPanelEstimator estimator, IVarianceEstimator? variance,
        double level, string? cell, CancellationToken cancellationToken = default)
    {
        var estimates = EstimateCohorts(cohorts, estimator, cancellationToken);
        if (variance is null)
        {
            return Aggregate(cohorts, estimates, null, level, cell);
        }
        var uncertainties = new Uncertainty[cohorts.Count];
        try
        {
            for (int c = 0; c < cohorts.Count; c++)
            {
                uncertainties[c] = variance.Estimate(estimates[c], cancellationToken);
            }
        }
        catch (MeasurementNotPossibleException e)
        {
            return Aggregate(cohorts, estimates, null, level, cell) with { Uncertainty = Uncertainty.Unavailable(variance.Name, e.Message) };
        }
        return Aggregate(cohorts, estimates, uncertainties, level, cell);
    }

    private static PanelEstimate[] EstimateCohorts(IReadOnlyList<AdoptionCohort> cohorts, IPanelEstimator estimator, CancellationToken cancellationToken)
    {
        var estimates = new PanelEstimate[cohorts.Count];
        for (int c = 0; c < cohorts.Count; c++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            estimates[c] = estimator.Estimate(cohorts[c].Data);
        }
        return estimates;
    }

    /// <summary>w_c = N1_c·T1_c ÷ Σ N1·T1, each cohort's share of the treated cells.</summary>
    public static double[] CohortWeights(IReadOnlyList<PanelEstimate> estimates)
    {
        double total = estimates.Sum(e => (double)e.Data.N1 * e.Data.T1);
        return estimates.Select(e => e.Data.N1 * (double)e.Data.T1 / total).ToArray();
    }

    internal static MeasuredEstimate Aggregate(IReadOnlyList<AdoptionCohort> cohorts, IReadOnlyList<PanelEstimate> estimates,
        IReadOnlyList<Uncertainty>? uncertainties, double level, string? cell)
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
            estimates[0].Estimator.Name, cell, att, uncertainties is null ? null : Combine(uncertainties, estimates, w, att, level), incremental / counterfactual, incremental,
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

    /// <summary>Cohort standard errors combined as independent: se = √(Σ w_c² se_c²), and per calendar period likewise.</summary>
    private static Uncertainty Combine(IReadOnlyList<Uncertainty> uncertainties, IReadOnlyList<PanelEstimate> estimates, double[] w, double att, double level)
    {
        double variance = 0;
        for (int c = 0; c < w.Length; c++)
        {
            double se = uncertainties[c].StandardError;
            variance += w[c] * w[c] * se * se;
        }
        var first = uncertainties[0];
        var combined = Uncertainty.FromStandardError(first.Method, att, Math.Sqrt(variance), uncertainties.Min(u => u.Replications), level) with
        {
            PeriodStandardErrors = CalendarStandardErrors(uncertainties, estimates),
            DistinctReplications = uncertainties.Any(u => u.DistinctReplications is null) ? null : uncertainties.Min(u => u.DistinctReplications),
            Warnings = uncertainties.SelectMany(u => u.Warnings).Distinct(StringComparer.Ordinal).ToArray(),
        };
        return estimates.Count == 1
            ? combined
            : combined.WithWarning("Cohort standard errors are combined as if independent, but the cohorts share controls, so the interval is too narrow; the joint placebo or bootstrap (the default) accounts for it.");
    }

    /// <summary>Per calendar period √(Σ_c a_c² se_c,p²), a_c = N1_c ÷ Σ N1 over the cohorts treated then; null unless every cohort has per-period standard errors.</summary>
    private static double[]? CalendarStandardErrors(IReadOnlyList<Uncertainty> uncertainties, IReadOnlyList<PanelEstimate> estimates)
    {
        if (uncertainties.Any(u => u.PeriodStandardErrors is null))
        {
            return null;
        }
        var sums = new SortedDictionary<Period, (double Variance, double Units)>();
        for (int c = 0; c < estimates.Count; c++)
        {
            var e = estimates[c];
            for (int k = 0; k < e.Effects.Count; k++)
            {
                double se = uncertainties[c].PeriodStandardErrors![k];
                sums.TryGetValue(e.Effects[k].Period, out var sum);
                sums[e.Effects[k].Period] = (sum.Variance + (double)e.Data.N1 * e.Data.N1 * se * se, sum.Units + e.Data.N1);
            }
        }
        return sums.Values.Select(s => Math.Sqrt(s.Variance) / s.Units).ToArray();
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
