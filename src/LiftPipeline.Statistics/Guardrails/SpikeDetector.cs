using LiftPipeline.Statistics.Experiments.Tails;

namespace LiftPipeline.Statistics.Guardrails;

/// <summary>
/// Spikes in a panel's series: each cell's residual against a robust seasonal baseline (the median of the same position
/// in the previous <see cref="SpikeDetectorOptions.SeasonsInBaseline"/> seasons) is standardised by its unit's median
/// and MAD, the standardised residuals of all units are pooled into a spliced binned-Pareto distribution (empirical body,
/// generalised-Pareto tails on both sides, refitted without the cells it flags), and a cell whose two-sided tail probability
/// under the last fit is below the threshold is a spike.
/// Units too short or without spread are skipped with a reason; nothing is thrown for the data. Pure and thread-safe.
/// </summary>
public static class SpikeDetector
{
    private const double MadToSd = 1.4826;
    private const int RefitRounds = 2;

    /// <summary>Scans a row-major units × periods matrix (NaN cells are neither scored nor used in baselines).</summary>
    /// <exception cref="ArgumentException">The span does not hold units × periods values, or the options are out of range.</exception>
    public static SpikeScan Detect(ReadOnlySpan<double> values, int units, int periods, SpikeDetectorOptions? options = null)
    {
        options ??= new SpikeDetectorOptions();
        Check(values.Length, units, periods, options);
        int history = options.SeasonLength * options.SeasonsInBaseline, scored = Math.Max(0, periods - history);
        var z = new double[units * scored];
        var baselines = new double[units * scored];
        var scales = new double[units];
        var skipped = new List<SkippedUnit>();
        var residuals = new double[scored];
        var work = new double[Math.Max(scored, options.SeasonsInBaseline)];
        for (int u = 0; u < units; u++)
        {
            var row = values.Slice(u * periods, periods);
            string? reason = scored < options.MinScoredPeriods
                ? $"{periods} periods leave {scored} to score after the {history}-period baseline history; at least {options.MinScoredPeriods} are needed"
                : Standardise(row, history, options, residuals, baselines.AsSpan(u * scored, scored), work, out scales[u]);
            if (reason is not null)
            {
                skipped.Add(new SkippedUnit(u, reason));
                scales[u] = double.NaN;
                z.AsSpan(u * scored, scored).Fill(double.NaN);
                continue;
            }
            residuals.CopyTo(z, u * scored);
        }
        RemoveCommonShocks(z, units, scored, scales, work);
        return Score(values, units, periods, history, z, baselines, scales, skipped, options);
    }

    // A shock every unit shares (a holiday, a national promotion) is not a data error of one unit: subtract each period's
    // median standardised residual across units, then restandardise each unit by its MAD again.
    private static void RemoveCommonShocks(double[] z, int units, int scored, double[] scales, double[] work)
    {
        if (units < 3)
        {
            return;
        }
        var column = new double[units];
        var shock = new double[scored];
        for (int t = 0; t < scored; t++)
        {
            int k = 0;
            for (int u = 0; u < units; u++)
            {
                double v = z[u * scored + t];
                if (!double.IsNaN(v))
                {
                    column[k++] = v;
                }
            }
            shock[t] = k < 3 ? 0 : Median(column.AsSpan(0, k));
        }
        for (int u = 0; u < units; u++)
        {
            if (double.IsNaN(scales[u]))
            {
                continue;
            }
            var row = z.AsSpan(u * scored, scored);
            for (int t = 0; t < scored; t++)
            {
                row[t] -= shock[t];
            }
            double centre = Median(Compact(row, work));
            int m = 0;
            foreach (double r in row)
            {
                if (!double.IsNaN(r))
                {
                    work[m++] = Math.Abs(r - centre);
                }
            }
            double spread = MadToSd * Median(work.AsSpan(0, m));
            if (spread > 0)
            {
                for (int t = 0; t < scored; t++)
                {
                    row[t] = (row[t] - centre) / spread;
                }
                scales[u] *= spread;
            }
        }
    }

    private static SpikeScan Score(ReadOnlySpan<double> values, int units, int periods, int history, double[] z, double[] baselines,
        double[] scales, List<SkippedUnit> skipped, SpikeDetectorOptions options)
    {
        int scored = periods - history, cells = 0;
        var pooled = new double[z.Length];
        foreach (double v in z)
        {
            if (!double.IsNaN(v))
            {
                pooled[cells++] = v;
            }
        }
        SplicedBinnedPareto model;
        try
        {
            model = Fit(pooled.AsSpan(0, cells), options);
            int fitted = cells;
            // The spikes themselves thicken the tails they are judged against: refit without the cells flagged so far
            // (at most a few rounds; each keeps every cell the previous fit did not flag).
            for (int round = 0; round < RefitRounds; round++)
            {
                int kept = 0;
                foreach (double v in z)
                {
                    if (!double.IsNaN(v) && Probability(model, v) >= options.Threshold)
                    {
                        pooled[kept++] = v;
                    }
                }
                if (kept == fitted || kept < cells / 2)
                {
                    break;
                }
                fitted = kept;
                model = Fit(pooled.AsSpan(0, fitted), options);
            }
        }
        catch (MeasurementNotPossibleException e)
        {
            return AllSkipped(units, scales, skipped, $"the {cells} scored cells cannot carry a tail model ({e.Message})");
        }
        var spikes = new List<Spike>();
        for (int i = 0; i < z.Length; i++)
        {
            if (double.IsNaN(z[i]))
            {
                continue;
            }
            double p = Probability(model, z[i]);
            if (p < options.Threshold)
            {
                int u = i / scored, t = history + i % scored;
                spikes.Add(new Spike(u, t, values[u * periods + t], baselines[i], p));
            }
        }
        return new SpikeScan(spikes, skipped, cells, scales);
    }

    private static SplicedBinnedPareto Fit(Span<double> pooled, SpikeDetectorOptions options) =>
        SplicedBinnedPareto.Fit(Histogram(pooled, options.BucketWidth),
            new SplicedBinnedParetoOptions { UpperQuantile = 1 - options.TailShare, LowerQuantile = options.TailShare });

    // Two-sided tail probability under the spliced binned-Pareto (Ehrlich, Aubet & Callot 2021): 2 min(F, 1 − F).
    private static double Probability(SplicedBinnedPareto model, double z)
    {
        double cdf = model.Cdf(z);
        return Math.Min(1, 2 * Math.Min(cdf, 1 - cdf));
    }

    // Residuals of the scored periods against the same-position median of past seasons, centred and scaled by median and MAD.
    private static string? Standardise(ReadOnlySpan<double> row, int history, SpikeDetectorOptions options, Span<double> z,
        Span<double> baselines, double[] work, out double scale)
    {
        scale = double.NaN;
        int n = 0;
        for (int t = history; t < row.Length; t++)
        {
            int k = 0;
            for (int s = 1; s <= options.SeasonsInBaseline; s++)
            {
                double past = row[t - s * options.SeasonLength];
                if (!double.IsNaN(past))
                {
                    work[k++] = past;
                }
            }
            double baseline = k == 0 ? double.NaN : Median(work.AsSpan(0, k));
            baselines[t - history] = baseline;
            z[t - history] = row[t] - baseline;
            n += double.IsNaN(z[t - history]) ? 0 : 1;
        }
        if (n < options.MinScoredPeriods)
        {
            return $"only {n} periods have both a value and a baseline; at least {options.MinScoredPeriods} are needed";
        }
        double centre = Median(Compact(z, work));
        int m = 0;
        foreach (double r in z)
        {
            if (!double.IsNaN(r))
            {
                work[m++] = Math.Abs(r - centre);
            }
        }
        double mad = Median(work.AsSpan(0, m));
        if (!(mad > 0))
        {
            return "its residuals against the seasonal baseline have no spread (MAD 0): the series is constant or repeats exactly";
        }
        scale = MadToSd * mad;
        for (int i = 0; i < z.Length; i++)
        {
            z[i] = (z[i] - centre) / scale;
        }
        return null;
    }

    private static Span<double> Compact(ReadOnlySpan<double> source, double[] work)
    {
        int k = 0;
        foreach (double v in source)
        {
            if (!double.IsNaN(v))
            {
                work[k++] = v;
            }
        }
        return work.AsSpan(0, k);
    }

    private static double Median(Span<double> values)
    {
        values.Sort();
        int h = values.Length / 2;
        return values.Length % 2 == 1 ? values[h] : 0.5 * (values[h - 1] + values[h]);
    }

    // Buckets of a fixed width on a grid through 0, only the non-empty ones (the fit allows gaps; empty buckets add nothing to its likelihood).
    private static List<HistogramBucket> Histogram(Span<double> values, double width)
    {
        values.Sort();
        var buckets = new List<HistogramBucket>();
        int i = 0;
        while (i < values.Length)
        {
            double k = Math.Floor(values[i] / width);   // edges from the bucket index, so neighbours share them exactly
            int start = i;
            while (i < values.Length && Math.Floor(values[i] / width) == k)
            {
                i++;
            }
            buckets.Add(new HistogramBucket(k * width, (k + 1) * width, i - start));
        }
        return buckets;
    }

    private static SpikeScan AllSkipped(int units, double[] scales, List<SkippedUnit> skipped, string reason)
    {
        var all = new List<SkippedUnit>(units);
        int s = 0;
        for (int u = 0; u < units; u++)
        {
            all.Add(s < skipped.Count && skipped[s].Unit == u ? skipped[s++] : new SkippedUnit(u, reason));
            scales[u] = double.NaN;
        }
        return new SpikeScan([], all, 0, scales);
    }

    private static void Check(int length, int units, int periods, SpikeDetectorOptions options)
    {
        if (units < 0 || periods < 0 || (long)units * periods != length)
        {
            throw new ArgumentException($"The matrix holds {length} values, not {units} units × {periods} periods.", nameof(units));
        }
        if (options.SeasonLength < 1 || options.SeasonsInBaseline < 1 || options.MinScoredPeriods < 1 || !(options.BucketWidth > 0)
            || !(options.Threshold is > 0 and < 1) || !(options.TailShare is > 0 and < 0.5))
        {
            throw new ArgumentException($"Spike detector options out of range: {options}; season length, seasons and minimum periods ≥ 1, bucket width > 0, 0 < threshold < 1, 0 < tail share < 0.5.", nameof(options));
        }
    }
}
