using LiftPipeline.Statistics.Estimators;
using LiftPipeline.Statistics.Inference;
using LiftPipeline.Statistics.Panels;

namespace LiftPipeline.Statistics.Measurement;

/// <summary>What <see cref="PanelMeasurer.Measure"/> should run. Defaults: SDID, exact solver, placebo variance, 200 reps, seed 1.</summary>
public sealed record PanelMeasureOptions
{
    /// <summary>The metric to measure; required.</summary>
    public required string Metric { get; init; }

    /// <summary>Estimator names (see <see cref="PanelEstimators.Names"/>). Default SDID.</summary>
    public IReadOnlyList<string> Estimators { get; init; } = ["sdid"];

    /// <summary>Weight solver and seed handed to every estimator.</summary>
    public PanelEstimatorSettings Settings { get; init; } = new();

    /// <summary>Variance method name, or null for point estimates only. Default placebo.</summary>
    public string? Variance { get; init; } = "placebo";

    /// <summary>Replications, seed and level for the variance method.</summary>
    public VarianceOptions VarianceOptions { get; init; } = new();

    /// <summary>
    /// How a staggered design's uncertainty treats its cohorts: <see cref="CohortVariance.Joint"/> (default) re-runs
    /// the whole staggered estimator per placebo or bootstrap replication; <see cref="CohortVariance.Independent"/> is
    /// faster and too narrow. Ignored for block and multi-cell designs with one start period.
    /// </summary>
    public CohortVariance CohortVariance { get; init; } = CohortVariance.Joint;

    /// <summary>Reports which estimate is running and its completed variance replications, for progress displays.</summary>
    public IProgress<MeasureProgress>? Progress { get; init; }

    /// <summary>The metric counted as revenue for iROAS when the panel has spend; null: <see cref="MoneyMetrics.Revenue"/> when measured.</summary>
    public string? RevenueMetric { get; init; }

    /// <summary>The metric counted as conversions for cost per incremental conversion when the panel has spend; null: <see cref="MoneyMetrics.Conversions"/> when measured.</summary>
    public string? ConversionMetric { get; init; }
}

/// <summary>Progress of <see cref="PanelMeasurer.Measure"/>: estimate <paramref name="Index"/> of <paramref name="Count"/>, and its replications done.</summary>
public readonly record struct MeasureProgress(string Estimator, string? Cell, int Index, int Count, int ReplicationsDone, int Replications)
{
    /// <summary>Progress inside the point estimate (TROP's tuning) while it runs, before any replication; null otherwise.</summary>
    public EstimateProgress? Estimating { get; init; }
}

internal static class MeasureProgressExtensions
{
    /// <summary>Variance options whose replication counts are forwarded as <see cref="MeasureProgress"/> for one estimate.</summary>
    public static VarianceOptions Reporting(this PanelMeasureOptions options, string estimator, string? cell, int index, int count)
    {
        var progress = options.Progress;
        if (progress is null)
        {
            return options.VarianceOptions;
        }
        int total = options.VarianceOptions.Replications;
        progress.Report(new MeasureProgress(estimator, cell, index, count, 0, total));
        return options.VarianceOptions with { Progress = new Forward<int>(done => progress.Report(new MeasureProgress(estimator, cell, index, count, done, total))) };
    }

    /// <summary>The point estimate's own progress forwarded as <see cref="MeasureProgress"/> for one estimate, or null.</summary>
    public static IProgress<EstimateProgress>? EstimateReporting(this PanelMeasureOptions options, string estimator, string? cell, int index, int count)
    {
        var progress = options.Progress;
        int total = options.VarianceOptions.Replications;
        return progress is null
            ? null
            : new Forward<EstimateProgress>(p => progress.Report(new MeasureProgress(estimator, cell, index, count, 0, total) { Estimating = p }));
    }

    private sealed class Forward<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) => report(value);
    }
}

/// <summary>One estimator's result on one cell (or the whole panel), flattened for reports and JSON.</summary>
public sealed record MeasuredEstimate(
    string Estimator,
    string? Cell,
    double Att,
    Uncertainty? Uncertainty,
    double Lift,
    double Incremental,
    PreFit Fit,
    IReadOnlyList<UnitWeight>? UnitWeights,
    IReadOnlyList<TimeWeight>? TimeWeights,
    IReadOnlyList<PeriodEffect> Effects,
    IReadOnlyList<string> TreatedUnits,
    IReadOnlyDictionary<string, double> Tuning)
{
    /// <summary>The average treated unit's observed path over <see cref="Periods"/>; null when there is no single path (staggered cohorts).</summary>
    public IReadOnlyList<double>? Observed { get; init; }

    /// <summary>The average treated unit's counterfactual path over <see cref="Periods"/>; null with <see cref="Observed"/>.</summary>
    public IReadOnlyList<double>? Counterfactual { get; init; }

    /// <summary>The periods of <see cref="Observed"/> and <see cref="Counterfactual"/>, all T of them; null with them.</summary>
    public IReadOnlyList<Period>? Periods { get; init; }

    /// <summary>The block-design estimate this was flattened from, so guardrails can re-run it; null for staggered cohorts.</summary>
    public PanelEstimate? Source { get; init; }

    /// <summary>Incremental spend, iROAS and cost per incremental conversion, on the primary estimator's estimates when the panel has spend; null otherwise.</summary>
    public PanelMoney? Money { get; init; }

    /// <summary>Flattens a block-design estimate and its uncertainty.</summary>
    public static MeasuredEstimate From(PanelEstimate estimate, Uncertainty? uncertainty, string? cell) => new(
        estimate.Estimator.Name, cell, estimate.Att, uncertainty, estimate.Lift, estimate.Incremental, estimate.Fit,
        estimate.UnitWeights, estimate.TimeWeights, estimate.Effects,
        estimate.Data.Units.Skip(estimate.Data.N0).ToArray(), estimate.Tuning)
    {
        Observed = estimate.Observed,
        Counterfactual = estimate.Counterfactual,
        Periods = estimate.Data.Periods,
        Source = estimate,
    };
}

/// <summary>All estimates for one metric of one panel.</summary>
public sealed record PanelMeasurement(string Metric, int Units, int Periods, IReadOnlyList<string> TreatedUnits, IReadOnlyList<MeasuredEstimate> Estimates);

/// <summary>
/// Runs the requested estimators (and variance method) on a panel: a block design directly, a multi-cell panel
/// (<see cref="Panel.Arms"/>) cell by cell against the controls with the other cells removed, and staggered adoption
/// (treated units starting in different periods) cohort by cohort, aggregated by <see cref="StaggeredAdoption"/>.
/// A variance method the design does not allow (a jackknife with one treated unit, a placebo with N0 ≤ N1) leaves the
/// estimates standing with <see cref="Inference.Uncertainty.Unavailable"/> and the reason, instead of failing. When the
/// panel carries spend, the primary estimator's estimates also get <see cref="MeasuredEstimate.Money"/> (see
/// <see cref="PanelMoney"/>).
/// </summary>
public static class PanelMeasurer
{
    /// <summary>Measures <see cref="PanelMeasureOptions.Metric"/> of <paramref name="panel"/>.</summary>
    /// <exception cref="ArgumentException">An estimator or variance method name the registries do not know (callers validate names first).</exception>
    /// <exception cref="KeyNotFoundException">The panel has no such metric.</exception>
    /// <exception cref="MeasurementNotPossibleException">A design the estimators cannot handle, or fewer than two replications for a method that draws them.</exception>
    public static PanelMeasurement Measure(Panel panel, PanelMeasureOptions options, CancellationToken cancellationToken = default) =>
        PanelMoneyMeasurer.Add(panel, options, Estimates(panel, options, cancellationToken), (p, o) => Estimates(p, o, cancellationToken));

    /// <summary>The estimates of <see cref="PanelMeasureOptions.Metric"/>, without money.</summary>
    private static PanelMeasurement Estimates(Panel panel, PanelMeasureOptions options, CancellationToken cancellationToken)
    {
        var estimators = options.Estimators.Select(name => PanelEstimators.Create(name, options.Settings)).ToArray();
        if (options.Variance is not null)
        {
            VarianceEstimators.Create(options.Variance, options.VarianceOptions);   // an unknown name fails before any work
            if (VarianceEstimators.UsesReplications(options.Variance))
            {
                Replications.RequireEnough(options.VarianceOptions.Replications);   // a setting, not the design: fail the measurement
            }
        }
        var cells = Cells(panel).ToArray();
        int count = cells.Length * estimators.Length, index = 0;
        var results = new List<MeasuredEstimate>();
        foreach (var (cell, units) in cells)
        {
            bool staggered = StaggeredAdoption.IsStaggered(panel, units);
            var cohorts = staggered ? StaggeredAdoption.Cohorts(panel, options.Metric, units) : null;
            var data = staggered ? null : BlockPanel.FromPanel(panel, options.Metric, units);
            foreach (var estimator in estimators)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var varianceOptions = options.Reporting(estimator.Name, cell, index++, count);
                if (cohorts is not null)
                {
                    results.Add(StaggeredAdoption.Measure(cohorts, estimator, options.Variance, varianceOptions, options.CohortVariance, cell, cancellationToken));
                    continue;
                }
                var variance = options.Variance is null ? null : VarianceEstimators.Create(options.Variance, varianceOptions);
                var estimate = estimator is IProgressReportingEstimator reporting
                    ? reporting.Estimate(data!, options.EstimateReporting(estimator.Name, cell, index - 1, count), cancellationToken)
                    : estimator.Estimate(data!);
                var uncertainty = variance is null ? null : Uncertainty(variance, estimate, cancellationToken);
                results.Add(MeasuredEstimate.From(estimate, uncertainty, cell));
            }
        }
        var treated = panel.TreatedUnits.Select(u => panel.Units[u]).ToArray();
        return new PanelMeasurement(options.Metric, panel.Units.Count, panel.Periods.Count, treated, results);
    }

    /// <summary>The variance method's uncertainty, or <see cref="Inference.Uncertainty.Unavailable"/> with the reason when the design does not allow it.</summary>
    private static Uncertainty Uncertainty(IVarianceEstimator variance, PanelEstimate estimate, CancellationToken cancellationToken)
    {
        try
        {
            return variance.Estimate(estimate, cancellationToken);
        }
        catch (MeasurementNotPossibleException e)
        {
            return Inference.Uncertainty.Unavailable(variance.Name, e.Message);
        }
    }

    /// <summary>The analysis cells: the whole panel, or per treated arm its units plus the controls.</summary>
    private static IEnumerable<(string? Cell, IReadOnlyList<int>? Units)> Cells(Panel panel)
    {
        var arms = panel.Arms;
        var treatedArms = arms is null
            ? []
            : panel.TreatedUnits.Select(u => arms[u]).Where(a => a is not null).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        if (treatedArms.Length <= 1)
        {
            yield return (treatedArms.Length == 1 ? treatedArms[0] : null, null);
            yield break;
        }
        foreach (var arm in treatedArms)
        {
            var units = Enumerable.Range(0, panel.Units.Count)
                .Where(u => panel.FirstTreatedPeriods[u] < 0 || string.Equals(arms![u], arm, StringComparison.Ordinal))
                .ToArray();
            yield return (arm, units);
        }
    }
}
