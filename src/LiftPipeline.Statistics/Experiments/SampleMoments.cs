namespace LiftPipeline.Statistics.Experiments;

/// <summary>
/// Sufficient statistics of one sample of one metric, about a shift K: count, Σ(y − K) and Σ(y − K)². With K near the
/// mean the variance keeps its digits however large the mean is (Σy² − (Σy)²/n with a mean of 1e9 and a standard
/// deviation of 1 has none left). Mergeable: <see cref="op_Addition"/> re-centres one operand onto the other's shift,
/// so row groups, files and machines can each reduce their share and be combined in any order.
/// </summary>
/// <param name="N">Observations.</param>
/// <param name="Shift">K: the value deviations are taken from (any finite value; ideally close to the mean).</param>
/// <param name="Deviations">Σ(y − K).</param>
/// <param name="SquaredDeviations">Σ(y − K)².</param>
public readonly record struct SampleMoments(long N, double Shift, double Deviations, double SquaredDeviations)
{
    /// <summary>Moments from raw sums Σy and Σy² (shift 0): exact for counts and proportions, but only as accurate as Σy² itself when the mean is large against the spread.</summary>
    /// <param name="n">Observations.</param>
    /// <param name="sum">Σy.</param>
    /// <param name="sumSquares">Σy².</param>
    public SampleMoments(long n, double sum, double sumSquares)
        : this(n, 0, sum, sumSquares)
    {
    }

    /// <summary>Σy.</summary>
    public double Sum => N * Shift + Deviations;

    /// <summary>Σy², reconstructed from the shifted sums (for comparisons with raw sums; <see cref="Variance"/> does not use it).</summary>
    public double SumSquares => SquaredDeviations + Shift * (2 * Deviations + N * Shift);

    /// <summary>The sample mean ȳ = K + Σ(y − K)/n; NaN when empty.</summary>
    public double Mean => N > 0 ? Shift + Deviations / N : double.NaN;

    /// <summary>
    /// The unbiased sample variance (Σ(y − K)² − (Σ(y − K))²/n)/(n − 1), floored at 0; NaN below two observations. Shifted
    /// data (Chan, Golub and LeVeque 1983, "Algorithms for Computing the Sample Variance", Am. Stat. 37:242–247, §3).
    /// </summary>
    public double Variance => N > 1 ? Math.Max(0, (SquaredDeviations - Deviations * Deviations / N) / (N - 1)) : double.NaN;

    /// <summary>The moments of a 0/1 metric with <paramref name="successes"/> ones among <paramref name="n"/>.</summary>
    public static SampleMoments Proportion(long n, long successes) => new(n, successes, successes);

    /// <summary>The moments of <paramref name="values"/>, about their mean (two passes).</summary>
    public static SampleMoments Of(ReadOnlySpan<double> values)
    {
        if (values.IsEmpty)
        {
            return default;
        }
        double total = 0;
        foreach (double y in values)
        {
            total += y;
        }
        double shift = total / values.Length, deviations = 0, squares = 0;
        foreach (double y in values)
        {
            double d = y - shift;
            deviations += d;
            squares += d * d;
        }
        return new(values.Length, shift, deviations, squares);
    }

    /// <summary>The same moments about shift <paramref name="shift"/> (equal in exact arithmetic).</summary>
    public SampleMoments About(double shift)
    {
        // y − K' = (y − K) + d with d = K − K'.
        double d = Shift - shift;
        return new(N, shift, Deviations + N * d, SquaredDeviations + d * (2 * Deviations + N * d));
    }

    /// <summary>The moments of the union of two samples, about the shift of <paramref name="a"/> (of <paramref name="b"/> when <paramref name="a"/> is empty).</summary>
    public static SampleMoments operator +(SampleMoments a, SampleMoments b)
    {
        if (a.N == 0)
        {
            return b;
        }
        if (b.N == 0)
        {
            return a;
        }
        var moved = b.Shift == a.Shift ? b : b.About(a.Shift);
        return new(a.N + b.N, a.Shift, a.Deviations + moved.Deviations, a.SquaredDeviations + moved.SquaredDeviations);
    }
}

/// <summary>
/// Sufficient statistics of two metrics measured on the same units — an outcome y and a covariate x (CUPED), or a
/// numerator y and a denominator x (ratio metrics): the moments of each about its own shift and the cross sum
/// Σ(y − K_y)(x − K_x). Mergeable like <see cref="SampleMoments"/>.
/// </summary>
public readonly record struct PairedMoments
{
    /// <summary>Paired moments from the moments of y and of x (same count) and Σ(y − K_y)(x − K_x) about their shifts.</summary>
    /// <exception cref="ArgumentException">The two counts differ.</exception>
    public PairedMoments(SampleMoments y, SampleMoments x, double crossDeviations)
    {
        if (y.N != x.N)
        {
            throw new ArgumentException($"Paired moments need one count; y has {y.N} and x {x.N}.", nameof(x));
        }
        Y = y;
        X = x;
        CrossDeviations = crossDeviations;
    }

    /// <summary>Paired moments from raw sums (shifts 0): n, Σy, Σy², Σx, Σx², Σxy.</summary>
    public PairedMoments(long n, double sumY, double sumY2, double sumX, double sumX2, double sumXY)
        : this(new SampleMoments(n, sumY, sumY2), new SampleMoments(n, sumX, sumX2), sumXY)
    {
    }

    /// <summary>The moments of y alone.</summary>
    public SampleMoments Y { get; }

    /// <summary>The moments of x alone.</summary>
    public SampleMoments X { get; }

    /// <summary>Σ(y − K_y)(x − K_x) with the shifts of <see cref="Y"/> and <see cref="X"/>.</summary>
    public double CrossDeviations { get; }

    /// <summary>Units.</summary>
    public long N => Y.N;

    /// <summary>Σy.</summary>
    public double SumY => Y.Sum;

    /// <summary>Σy², reconstructed (see <see cref="SampleMoments.SumSquares"/>).</summary>
    public double SumY2 => Y.SumSquares;

    /// <summary>Σx.</summary>
    public double SumX => X.Sum;

    /// <summary>Σx², reconstructed (see <see cref="SampleMoments.SumSquares"/>).</summary>
    public double SumX2 => X.SumSquares;

    /// <summary>Σxy, reconstructed from the shifted sums (for comparisons with raw sums; <see cref="Covariance"/> does not use it).</summary>
    public double SumXY => CrossDeviations + (Y.Shift * X.Deviations + X.Shift * Y.Deviations) + N * (Y.Shift * X.Shift);   // symmetric in y and x

    /// <summary>The unbiased sample covariance (Σ(y − K_y)(x − K_x) − Σ(y − K_y)Σ(x − K_x)/n)/(n − 1); NaN below two observations.</summary>
    public double Covariance => N > 1 ? (CrossDeviations - Y.Deviations * X.Deviations / N) / (N - 1) : double.NaN;

    /// <summary>The same moments about shifts <paramref name="shiftY"/> and <paramref name="shiftX"/> (equal in exact arithmetic).</summary>
    public PairedMoments About(double shiftY, double shiftX)
    {
        // (y − K'_y)(x − K'_x) with y − K'_y = (y − K_y) + d_y and x − K'_x = (x − K_x) + d_x.
        double dy = Y.Shift - shiftY, dx = X.Shift - shiftX;
        double cross = CrossDeviations + dx * Y.Deviations + dy * X.Deviations + N * dy * dx;
        return new(Y.About(shiftY), X.About(shiftX), cross);
    }

    /// <summary>The moments of the union of two samples, about the shifts of <paramref name="a"/> (of <paramref name="b"/> when <paramref name="a"/> is empty).</summary>
    public static PairedMoments operator +(PairedMoments a, PairedMoments b)
    {
        if (a.N == 0)
        {
            return b;
        }
        if (b.N == 0)
        {
            return a;
        }
        var moved = b.Y.Shift == a.Y.Shift && b.X.Shift == a.X.Shift ? b : b.About(a.Y.Shift, a.X.Shift);
        return new(a.Y + moved.Y, a.X + moved.X, a.CrossDeviations + moved.CrossDeviations);
    }
}
