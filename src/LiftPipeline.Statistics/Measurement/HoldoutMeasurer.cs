using LiftPipeline.Statistics.Experiments;
using LiftPipeline.Statistics.Experiments.Tails;

namespace LiftPipeline.Statistics.Measurement;

/// <summary>
/// Measures a customer-level holdout from its sufficient statistics: every arm against the control and each extra
/// contrast (such as <c>vbo_1p</c> vs <c>vbo</c>), on every metric — overall, then per segment, surface and market with
/// the p-values of each family adjusted (Holm or Benjamini–Hochberg) — plus ratio metrics and the effect on the exposed.
/// Means are CUPED-adjusted when the export carries <c>pre_{metric}</c>, with one θ pooled over all arms (Deng et al.
/// 2013). Each contrast has a fixed-horizon Welch interval and an always-valid one (the mixture confidence sequence),
/// and the cross-surface metrics: incremental total and per 1,000 customers, iROAS and cost per incremental conversion
/// with their intervals. Guardrails: SRM, underpowered design, control contamination, harm and fairness across groups (<see cref="GroupFairness"/>). Pure and thread-safe.
/// </summary>
public static class HoldoutMeasurer
{
    /// <summary>Measures <paramref name="statistics"/>.</summary>
    /// <exception cref="MeasurementNotPossibleException">The control arm or an arm of a contrast is missing, or a metric is not an outcome of the statistics.</exception>
    public static HoldoutMeasurement Measure(ExperimentStatistics statistics, HoldoutMeasureOptions options)
    {
        ArgumentNullException.ThrowIfNull(statistics);
        ArgumentNullException.ThrowIfNull(options);
        var settings = options.Settings;
        var arms = statistics.Arms;
        var pairs = Pairs(arms, settings);
        var metrics = options.Metrics ?? statistics.Outcomes;
        foreach (var metric in metrics.Concat(settings.Ratios.SelectMany(r => new[] { r.Numerator, r.Denominator })))
        {
            if (!statistics.Outcomes.Contains(metric))
            {
                throw new MeasurementNotPossibleException($"'{metric}' is not an outcome of the export; it has {string.Join(", ", statistics.Outcomes)}.");
            }
        }
        var context = new ContrastContext(statistics, options, metrics);
        var overall = arms.ToDictionary(a => a, statistics.ForArm, StringComparer.Ordinal);
        var contrasts = new List<HoldoutContrast>();
        foreach (var (treatment, control) in pairs)
        {
            foreach (var metric in metrics)
            {
                if (context.Mean(overall, treatment, control, metric, null) is { } c)
                {
                    contrasts.Add(c);
                }
            }
            foreach (var ratio in settings.Ratios)
            {
                if (context.Ratio(overall[treatment], overall[control], ratio) is { } r)
                {
                    contrasts.Add(r);
                }
            }
        }
        contrasts.AddRange(context.OnTreated(overall, pairs, metrics));
        foreach (var dimension in new[] { ExperimentDimension.Segment, ExperimentDimension.Surface, ExperimentDimension.Market })
        {
            contrasts.AddRange(context.ByLevel(dimension, pairs, metrics));
        }
        var armCounts = arms.Select(a => new ArmCount(a, overall[a].N, overall[a].Exposed, context.SpendOf(overall[a], a))).ToArray();
        var tails = options.FitTails ? Tails(statistics, metrics, options.Caps) : [];
        var primary = settings.PrimaryContrast ?? new ArmContrast(pairs[0].Treatment, pairs[0].Control);
        var fairness = GroupFairness.Check(contrasts, HoldoutMeasurement.PrimaryOf(contrasts, primary), options.Guardrails, options.Alpha);
        var guardrails = HoldoutGuardrails.Check(statistics, options, contrasts, armCounts, fairness);
        return new HoldoutMeasurement(settings.Control, 1 - options.Alpha, armCounts, contrasts, tails, guardrails)
        {
            PrimaryContrast = primary,
            SequentialTuningN = settings.SequentialTuningN,
            Harms = HoldoutGuardrails.Harms(contrasts, settings.Control, options.Guardrails.Harm),
            Fairness = fairness,
        };
    }

    /// <summary>Every arm against the control, then the extra contrasts, then the primary contrast, in order, without repeats.</summary>
    internal static List<(string Treatment, string Control)> Pairs(IReadOnlyList<string> arms, HoldoutSettings settings)
    {
        if (!arms.Contains(settings.Control))
        {
            throw new MeasurementNotPossibleException($"The control arm '{settings.Control}' is not in the export; its arms are {string.Join(", ", arms)}. Set holdout.control.");
        }
        var pairs = arms.Where(a => a != settings.Control).Select(a => (a, settings.Control)).ToList();
        foreach (var extra in settings.Contrasts)
        {
            foreach (var arm in new[] { extra.Treatment, extra.Control })
            {
                if (!arms.Contains(arm))
                {
                    throw new MeasurementNotPossibleException($"The contrast {extra.Treatment} vs {extra.Control} names arm '{arm}', which is not in the export (arms: {string.Join(", ", arms)}).");
                }
            }
            if (!pairs.Contains((extra.Treatment, extra.Control)))
            {
                pairs.Add((extra.Treatment, extra.Control));
            }
        }
        if (settings.PrimaryContrast is { } primary)
        {
            foreach (var arm in new[] { primary.Treatment, primary.Control })
            {
                if (!arms.Contains(arm))
                {
                    throw new MeasurementNotPossibleException($"The primary contrast {primary.Treatment}:{primary.Control} names arm '{arm}', which is not in the export; its arms are {string.Join(", ", arms)}. Set holdout.primaryContrast (--primary-contrast) to two of them.");
                }
            }
            if (!pairs.Contains((primary.Treatment, primary.Control)))
            {
                pairs.Add((primary.Treatment, primary.Control));
            }
        }
        return pairs;
    }

    /// <summary>
    /// The upper tail of each metric, fitted as a spliced binned-Pareto from the pooled sketch of <paramref name="statistics"/>
    /// (pass uncapped statistics); metrics without a positive tail (0/1 flags) are left out.
    /// </summary>
    public static List<MetricTail> Tails(ExperimentStatistics statistics, IReadOnlyList<string> metrics, IReadOnlyDictionary<string, OutcomeCap>? caps)
    {
        var tails = new List<MetricTail>();
        foreach (var metric in metrics.Where(m => !statistics.IsBinary(m)))
        {
            var buckets = statistics.PooledSketch(metric).Buckets().Where(b => b.Count > 0 && b.Upper > 0)
                .Select(b => new HistogramBucket(b.Lower, b.Upper, b.Count)).ToArray();
            double? cap = caps is not null && caps.TryGetValue(metric, out var c) ? c.Upper : null;
            try
            {
                var fit = SplicedBinnedPareto.Fit(buckets);
                tails.Add(new MetricTail(metric, fit.Upper.Shape, fit.Upper.ShapeStandardError, fit.Upper.Verdict == TailVerdict.TooHeavyForNormalInterval, cap));
            }
            catch (MeasurementNotPossibleException)
            {
                // Too few positive values above the tail threshold (a metric that is mostly 0, say): no tail to report.
                // Malformed buckets would be a bug in the sketch and are not caught.
            }
        }
        return tails;
    }
}
