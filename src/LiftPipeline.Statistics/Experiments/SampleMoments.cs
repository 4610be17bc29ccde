namespace LiftPipeline.Statistics.Experiments;

/// <summary>
/// Sufficient statistics of one sample of one metric: count, Σy and Σy². Mergeable: the moments of the union of two
/// samples are the sums of theirs (<see cref="op_Addition"/>), so row groups, files and machines can each reduce their
/// share and be combined in any order.
/// </summary>
/// <param name="N">Observations.</param>
/// <param name="Sum">Σy.</param>
/// <param name="SumSquares">Σy².</param>
public readonly record struct SampleMoments(long N, double Sum, double SumSquares)
{
    /// <summary>The sample mean ȳ; NaN when empty.</summary>
    public double Mean => N > 0 ? Sum / N : double.NaN;

    /// <summary>The unbiased sample variance (Σy² − (Σy)²/n)/(n − 1), floored at 0; NaN below two observations.</summary>
    public double Variance => N > 1 ? Math.Max(0, (SumSquares - Sum * Sum / N) / (N - 1)) : double.NaN;

    /// <summary>The moments of a 0/1 metric with <paramref name="successes"/> ones among <paramref name="n"/>.</summary>
    public static SampleMoments Proportion(long n, long successes) => new(n, successes, successes);

    /// <summary>The moments of the union of two samples.</summary>
    public static SampleMoments operator +(SampleMoments a, SampleMoments b) => new(a.N + b.N, a.Sum + b.Sum, a.SumSquares + b.SumSquares);
}

/// <summary>
/// Sufficient statistics of two metrics measured on the same units — an outcome y and a covariate x (CUPED), or a
/// numerator y and a denominator x (ratio metrics): n, Σy, Σy², Σx, Σx², Σxy. Mergeable like <see cref="SampleMoments"/>.
/// </summary>
public readonly record struct PairedMoments(long N, double SumY, double SumY2, double SumX, double SumX2, double SumXY)
{
    /// <summary>The moments of y alone.</summary>
    public SampleMoments Y => new(N, SumY, SumY2);

    /// <summary>The moments of x alone.</summary>
    public SampleMoments X => new(N, SumX, SumX2);

    /// <summary>The unbiased sample covariance (Σxy − ΣxΣy/n)/(n − 1); NaN below two observations.</summary>
    public double Covariance => N > 1 ? (SumXY - SumX * SumY / N) / (N - 1) : double.NaN;

    /// <summary>The moments of the union of two samples.</summary>
    public static PairedMoments operator +(PairedMoments a, PairedMoments b) =>
        new(a.N + b.N, a.SumY + b.SumY, a.SumY2 + b.SumY2, a.SumX + b.SumX, a.SumX2 + b.SumX2, a.SumXY + b.SumXY);
}
