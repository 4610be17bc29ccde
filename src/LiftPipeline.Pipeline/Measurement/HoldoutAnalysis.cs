using LiftPipeline.Ingestion;
using LiftPipeline.Ingestion.Experiments;
using LiftPipeline.Statistics;
using LiftPipeline.Statistics.Experiments;
using LiftPipeline.Statistics.Measurement;

namespace LiftPipeline.Pipeline.Measurement;

/// <summary>
/// A holdout measured from its exports: one streaming pass per export into mergeable statistics, combined; when
/// <see cref="HoldoutSettings.CapQuantile"/> is set, caps each continuous metric at that pooled quantile (and 1 − it
/// below) from the first pass and makes a second, capped pass (0/1 metrics are never capped). Tails are fitted on the uncapped data. Exports are shards of one experiment (disjoint
/// customers, e.g. one per market); the same customer in two exports would be counted twice.
/// </summary>
public static class HoldoutAnalysis
{
    /// <summary>Measures the exports <paramref name="openers"/> open (each call opens a fresh view, so row groups decode in parallel).</summary>
    /// <exception cref="ExportValidationException">An export is invalid (names the file, column and rows).</exception>
    /// <exception cref="MeasurementNotPossibleException">The settings do not fit the data (no control arm, unknown metric).</exception>
    public static async Task<HoldoutMeasurement> MeasureAsync(IReadOnlyList<Func<CancellationToken, Task<ExportFile>>> openers, ExperimentExportOptions exportOptions,
        HoldoutMeasureOptions options, IProgress<ExperimentStatisticsProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(openers);
        ArgumentNullException.ThrowIfNull(options);
        if (openers.Count == 0)
        {
            throw new ArgumentException("A holdout needs at least one export.", nameof(openers));
        }
        var statisticsOptions = new ExperimentStatisticsOptions { Progress = progress };
        var raw = await PassAsync(openers, exportOptions, statisticsOptions, cancellationToken).ConfigureAwait(false);
        var metrics = options.Metrics ?? raw.Outcomes;
        if (options.Settings.CapQuantile is not { } q)
        {
            return HoldoutMeasurer.Measure(raw, options);
        }
        // 0/1 metrics are never capped: their quantiles are 0 or 1, and a sketch's approximate 1 would shave every conversion.
        var caps = metrics.Where(m => raw.Outcomes.Contains(m) && !raw.IsBinary(m)).ToDictionary(m => m, m => CappingPlan.FromQuantiles(raw, m, 1 - q, q), StringComparer.Ordinal);
        var capped = await PassAsync(openers, exportOptions, statisticsOptions with { Caps = caps }, cancellationToken).ConfigureAwait(false);
        var measurement = HoldoutMeasurer.Measure(capped, options with { Caps = caps, FitTails = false });
        return measurement with { Tails = HoldoutMeasurer.Tails(raw, metrics, caps) };
    }

    private static async Task<ExperimentStatistics> PassAsync(IReadOnlyList<Func<CancellationToken, Task<ExportFile>>> openers, ExperimentExportOptions exportOptions,
        ExperimentStatisticsOptions options, CancellationToken cancellationToken)
    {
        var parts = new List<ExperimentStatistics>(openers.Count);
        foreach (var open in openers)
        {
            parts.Add(await ExperimentStatisticsBuilder.ComputeAsync(open, exportOptions, options, cancellationToken).ConfigureAwait(false));
        }
        return parts.Count == 1 ? parts[0] : ExperimentStatistics.Combine(parts);
    }
}
