namespace LiftPipeline.Statistics.Experiments.Tails;

/// <summary>
/// The spliced binned-Pareto distribution (Ehrlich, Aubet &amp; Callot 2021): a histogram body, each bucket's mass spread
/// uniformly over it, with generalized Pareto tails fitted beyond chosen quantiles (Grimshaw 1993; Coles 2001 ch. 4).
/// Immutable and thread-safe once fitted.
/// </summary>
public sealed class SplicedBinnedPareto
{
    private readonly HistogramBucket[] _body;
    private readonly long _lowerCount;

    private SplicedBinnedPareto(long count, HistogramBucket[] body, long lowerCount, ParetoTail upper, ParetoTail? lower)
    {
        Count = count;
        _body = body;
        _lowerCount = lowerCount;
        Upper = upper;
        Lower = lower;
    }

    /// <summary>Values in the histogram.</summary>
    public long Count { get; }

    /// <summary>The fitted upper tail.</summary>
    public ParetoTail Upper { get; }

    /// <summary>The fitted lower tail; null when <see cref="SplicedBinnedParetoOptions.LowerQuantile"/> was not set.</summary>
    public ParetoTail? Lower { get; }

    /// <summary>The worse of the tails' verdicts: whether a normal interval for the mean can be trusted.</summary>
    public TailVerdict Verdict => Lower is null || Upper.Verdict >= Lower.Verdict ? Upper.Verdict : Lower.Verdict;

    /// <summary>
    /// Fits the distribution to <paramref name="histogram"/> (buckets in ascending order, not overlapping; gaps allowed).
    /// </summary>
    /// <exception cref="ArgumentException">Buckets out of order, overlapping or with negative counts; quantiles out of
    /// range; exceedances that do not cover the upper tail.</exception>
    /// <exception cref="MeasurementNotPossibleException">The data cannot carry a tail model: no values, a tail with fewer
    /// than 10 of them, or a histogram too coarse to keep the two tails apart.</exception>
    public static SplicedBinnedPareto Fit(IReadOnlyList<HistogramBucket> histogram, SplicedBinnedParetoOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(histogram);
        options ??= new SplicedBinnedParetoOptions();
        long n = Validate(histogram);
        if (options.UpperQuantile is <= 0 or >= 1 || options.LowerQuantile is <= 0 or >= 1 || options.LowerQuantile >= options.UpperQuantile)
        {
            throw new ArgumentException($"Tail quantiles must satisfy 0 < lower < upper < 1; got lower {options.LowerQuantile?.ToString() ?? "none"}, upper {options.UpperQuantile}.", nameof(options));
        }
        int first = FirstUpperBucket(histogram, options.UpperQuantile * n);
        int last = options.LowerQuantile is double q ? LastLowerBucket(histogram, q * n) : -1;
        if (last >= first)
        {
            throw new MeasurementNotPossibleException("The lower and upper tails overlap: the histogram is too coarse for these quantiles; move them apart.");
        }
        var upper = FitUpper(histogram, first, n, options.UpperExceedances);
        ParetoTail? lower = last >= 0 ? FitLower(histogram, last, n) : null;
        long lowerCount = 0;
        for (int i = 0; i <= last; i++)
        {
            lowerCount += histogram[i].Count;
        }
        var body = new HistogramBucket[first - last - 1];
        for (int i = last + 1; i < first; i++)
        {
            body[i - last - 1] = histogram[i];
        }
        return new SplicedBinnedPareto(n, body, lowerCount, upper, lower);
    }

    /// <summary>P(X ≤ x).</summary>
    public double Cdf(double x)
    {
        if (x >= Upper.Threshold)
        {
            return 1 - Upper.Probability * Upper.Fit.Distribution.Survival(x - Upper.Threshold);
        }
        if (Lower is not null && x <= Lower.Threshold)
        {
            return Lower.Probability * Lower.Fit.Distribution.Survival(Lower.Threshold - x);
        }
        double below = _lowerCount;
        foreach (var bucket in _body)
        {
            if (x >= bucket.Upper)
            {
                below += bucket.Count;
            }
            else if (x > bucket.Lower)
            {
                below += bucket.Count * (x - bucket.Lower) / (bucket.Upper - bucket.Lower);
            }
        }
        return below / Count;
    }

    /// <summary>The p-quantile: from a tail's GPD beyond its threshold, by linear interpolation within a body bucket.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="p"/> outside [0, 1].</exception>
    public double Quantile(double p)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(p, 0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(p, 1);
        if (p >= 1 - Upper.Probability)
        {
            return Upper.Threshold + Upper.Fit.Distribution.Quantile(1 - (1 - p) / Upper.Probability);
        }
        if (Lower is not null && p <= Lower.Probability)
        {
            return Lower.Threshold - Lower.Fit.Distribution.Quantile(1 - p / Lower.Probability);
        }
        double target = p * Count - _lowerCount, seen = 0;
        foreach (var bucket in _body)
        {
            if (bucket.Count > 0 && seen + bucket.Count >= target)
            {
                return bucket.Lower + (bucket.Upper - bucket.Lower) * Math.Max(0, target - seen) / bucket.Count;
            }
            seen += bucket.Count;
        }
        return Upper.Threshold;
    }

    /// <summary>E[X]: the body's bucket midpoints plus each tail's threshold ± GPD mean; ±∞ when a tail has ξ ≥ 1.</summary>
    public double Mean
    {
        get
        {
            double total = 0;
            foreach (var bucket in _body)
            {
                total += bucket.Count * bucket.Midpoint;
            }
            double mean = total / Count + Upper.Probability * (Upper.Threshold + Upper.Fit.Distribution.Mean);
            return Lower is null ? mean : mean + Lower.Probability * (Lower.Threshold - Lower.Fit.Distribution.Mean);
        }
    }

    /// <summary>The value a share <paramref name="probability"/> of values exceed under the fit (default one in a million).</summary>
    public double SpikeThreshold(double probability = 1e-6) => Quantile(1 - probability);

    /// <summary>
    /// True when <paramref name="value"/> lies beyond the fitted upper tail's 1 − <paramref name="probability"/> quantile,
    /// or, with a lower tail, below its <paramref name="probability"/> quantile: a spike the tail model does not explain.
    /// </summary>
    public bool IsSpike(double value, double probability = 1e-6) =>
        value > SpikeThreshold(probability) || (Lower is not null && value < Quantile(probability));

    private static long Validate(IReadOnlyList<HistogramBucket> histogram)
    {
        long n = 0;
        for (int i = 0; i < histogram.Count; i++)
        {
            var b = histogram[i];
            if (!(b.Upper > b.Lower) || b.Count < 0 || (i > 0 && b.Lower < histogram[i - 1].Upper))
            {
                throw new ArgumentException($"Histogram bucket {i} [{b.Lower}, {b.Upper}) count {b.Count} is invalid: buckets need Upper > Lower, Count ≥ 0, ascending and not overlapping.", nameof(histogram));
            }
            n += b.Count;
        }
        if (n == 0)
        {
            throw new MeasurementNotPossibleException("The histogram is empty; a tail model needs values.");
        }
        return n;
    }

    // The first bucket whose preceding mass reaches the quantile's count: the upper tail is it and every bucket after.
    private static int FirstUpperBucket(IReadOnlyList<HistogramBucket> histogram, double below)
    {
        long seen = 0;
        for (int i = 0; i < histogram.Count; i++)
        {
            if (seen >= below && histogram[i].Count > 0)
            {
                return i;
            }
            seen += histogram[i].Count;
        }
        return histogram.Count - 1;
    }

    // The last bucket through which the mass reaches the quantile's count: the lower tail is it and every bucket before.
    private static int LastLowerBucket(IReadOnlyList<HistogramBucket> histogram, double through)
    {
        long seen = 0;
        for (int i = 0; i < histogram.Count; i++)
        {
            seen += histogram[i].Count;
            if (seen >= through)
            {
                return i;
            }
        }
        return histogram.Count - 1;
    }

    private static ParetoTail FitUpper(IReadOnlyList<HistogramBucket> histogram, int first, long n, IReadOnlyList<double>? exact)
    {
        double u = histogram[first].Lower;
        int m = histogram.Count - first;
        double[] lower = new double[m], upper = new double[m];
        long[] counts = new long[m];
        long tail = 0;
        for (int j = 0; j < m; j++)
        {
            var b = histogram[first + j];
            (lower[j], upper[j], counts[j]) = (b.Lower - u, b.Upper - u, b.Count);
            tail += b.Count;
        }
        if (exact is null)
        {
            return new ParetoTail(u, (double)tail / n, GeneralizedParetoFit.FitBinned(lower, upper, counts));
        }
        var exceedances = new List<double>();
        foreach (double x in exact)
        {
            if (x >= u)
            {
                exceedances.Add(x - u);
            }
        }
        if (exceedances.Count != tail)
        {
            throw new ArgumentException($"The exact exceedances hold {exceedances.Count} values at or above the upper threshold {u} but the histogram holds {tail}; pass every value above the threshold, or none.", nameof(exact));
        }
        return new ParetoTail(u, (double)tail / n, GeneralizedParetoFit.FitExact(exceedances.ToArray()));
    }

    private static ParetoTail FitLower(IReadOnlyList<HistogramBucket> histogram, int last, long n)
    {
        double l = histogram[last].Upper;
        int m = last + 1;
        double[] lower = new double[m], upper = new double[m];
        long[] counts = new long[m];
        long tail = 0;
        for (int j = 0; j < m; j++)
        {
            var b = histogram[j];
            (lower[j], upper[j], counts[j]) = (l - b.Upper, l - b.Lower, b.Count); // mirrored: distance below the threshold
            tail += b.Count;
        }
        return new ParetoTail(l, (double)tail / n, GeneralizedParetoFit.FitBinned(lower, upper, counts));
    }
}
