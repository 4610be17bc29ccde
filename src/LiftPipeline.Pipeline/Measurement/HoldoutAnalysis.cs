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
    public static Task<HoldoutMeasurement> MeasureAsync(IReadOnlyList<Func<CancellationToken, Task<ExportFile>>> openers, ExperimentExportOptions exportOptions,
        HoldoutMeasureOptions options, IProgress<ExperimentStatisticsProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(openers);
        if (openers.Count == 0)
        {
            throw new ArgumentException("A holdout needs at least one export.", nameof(openers));
        }
        var statisticsOptions = new ExperimentStatisticsOptions { Progress = progress };
        return MeasureAsync((caps, ct) => PassAsync(openers, exportOptions, statisticsOptions with { Caps = caps }, ct), options, cancellationToken);
    }

    /// <summary>
    /// Measures a holdout whose statistics <paramref name="pass"/> supplies: called once without caps (the raw statistics),
    /// and, with <see cref="HoldoutSettings.CapQuantile"/> set, once more with the caps of <see cref="CapsFor"/> — from
    /// stored partial statistics or from the rows; the answer is the same.
    /// </summary>
    /// <exception cref="ExportValidationException">An export is invalid (names the file, column and rows).</exception>
    /// <exception cref="MeasurementNotPossibleException">The settings do not fit the data (no control arm, unknown metric).</exception>
    public static async Task<HoldoutMeasurement> MeasureAsync(Func<IReadOnlyDictionary<string, OutcomeCap>?, CancellationToken, Task<ExperimentStatistics>> pass,
        HoldoutMeasureOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(pass);
        ArgumentNullException.ThrowIfNull(options);
        var raw = await pass(null, cancellationToken).ConfigureAwait(false);
        if (CapsFor(raw, options) is not { } caps)
        {
            return HoldoutMeasurer.Measure(raw, options);
        }
        var capped = await pass(caps, cancellationToken).ConfigureAwait(false);
        var measurement = HoldoutMeasurer.Measure(capped, options with { Caps = caps, FitTails = false });
        return measurement with { Tails = HoldoutMeasurer.Tails(raw, options.Metrics ?? raw.Outcomes, caps) };
    }

    /// <summary>
    /// The caps of the second pass, from the raw statistics: each continuous metric at its pooled
    /// <see cref="HoldoutSettings.CapQuantile"/> q above and 1 − q below; null when the settings ask for no capping.
    /// </summary>
    public static IReadOnlyDictionary<string, OutcomeCap>? CapsFor(ExperimentStatistics raw, HoldoutMeasureOptions options)
    {
        ArgumentNullException.ThrowIfNull(raw);
        ArgumentNullException.ThrowIfNull(options);
        if (options.Settings.CapQuantile is not { } q)
        {
            return null;
        }
        var metrics = options.Metrics ?? raw.Outcomes;
        // 0/1 metrics are never capped: their quantiles are 0 or 1, and a sketch's approximate 1 would shave every conversion.
        return metrics.Where(m => raw.Outcomes.Contains(m) && !raw.IsBinary(m)).ToDictionary(m => m, m => CappingPlan.FromQuantiles(raw, m, 1 - q, q), StringComparer.Ordinal);
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
