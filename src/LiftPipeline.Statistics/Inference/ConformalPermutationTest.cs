using LiftPipeline.Statistics.Estimators;
using LiftPipeline.Statistics.Panels;

namespace LiftPipeline.Statistics.Inference;

/// <summary>How conformal inference permutes the residuals over time.</summary>
public enum ConformalPermutation
{
    /// <summary>The T cyclic shifts of time (moving blocks): exact, keeps serial dependence within blocks. The default.</summary>
    MovingBlock,

    /// <summary>Random permutations of time, <see cref="VarianceOptions.Replications"/> of them from the seed; assumes exchangeable residuals.</summary>
    Iid,
}

/// <summary>
/// The conformal permutation test of one panel for a null effect θ on every treated post cell
/// (Chernozhukov, Wüthrich and Zhu 2021, Algorithm 1): impose θ, refit on all periods, permute the residuals in time.
/// The iid permutations are drawn once from the seed and reused for every θ, so the p-value is a function of θ alone;
/// with T1 = 1 the iid test enumerates its T distinct permutations exactly (the same set as the cyclic shifts).
/// </summary>
internal sealed class ConformalPermutationTest
{
    private readonly IPanelEstimator _estimator;
    private readonly BlockPanel _data;
    private readonly double _q;
    private readonly int[]? _iidPositions;
    private readonly int _iidCount;

    public ConformalPermutationTest(IPanelEstimator estimator, BlockPanel data, ConformalPermutation permutation, double q, int replications, int seed)
    {
        if (!(q >= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(q), q, "The statistic's exponent q must be at least 1.");
        }
        _estimator = estimator;
        _data = data;
        _q = q;
        // With one post period the iid permutations move one of the T periods into the post slot: the cyclic shifts enumerate them exactly.
        if (permutation == ConformalPermutation.Iid && data.T1 > 1)
        {
            _iidCount = Math.Max(1, replications);
            _iidPositions = DrawPostPositions(data.T, data.T1, _iidCount, seed);
        }
    }

    /// <summary>Number of permutations the p-value averages over (including the identity).</summary>
    public int Permutations => _iidPositions is null ? _data.T : _iidCount + 1;

    /// <summary>Residuals of the all-period refit with θ subtracted from the treated post outcomes.</summary>
    public double[] Residuals(double theta)
    {
        int T0 = _data.T0;
        var adjusted = theta == 0 ? _data : _data.WithTreatedRows((_, t, y) => t >= T0 ? y - theta : y);
        return ConformalRefit.Residuals(_estimator, adjusted);
    }

    /// <summary>p(θ) = share of permutations π with S(û_π) ≥ S(û) (CWZ 2021, eq. 3).</summary>
    public double PValue(double theta)
    {
        var (observed, permuted) = Statistics(theta);
        return PValue(observed, permuted);
    }

    /// <summary>The p-value of <paramref name="observed"/> among the statistics <see cref="Statistics"/> returned with it.</summary>
    public double PValue(double observed, ReadOnlySpan<double> permuted)
    {
        double tolerance = 1e-12 * Math.Max(1, observed);
        int atLeast = 0;
        foreach (double s in permuted)
        {
            atLeast += s >= observed - tolerance ? 1 : 0;
        }
        // The cyclic shifts include the identity; the iid draws do not, so it is added (CWZ 2021, eq. 3).
        return _iidPositions is null ? (double)atLeast / permuted.Length : (1.0 + atLeast) / (permuted.Length + 1);
    }

    /// <summary>
    /// S(û) under θ and S under each permutation: the T cyclic shifts (the identity first) or the drawn iid permutations
    /// (without the identity).
    /// </summary>
    public (double Observed, double[] Permuted) Statistics(double theta)
    {
        var u = Residuals(theta);
        int T = _data.T, T0 = _data.T0, T1 = _data.T1;
        double observed = Statistic(u, T0, T1);
        if (_iidPositions is null)
        {
            var shifted = new double[T];
            for (int shift = 0; shift < T; shift++)
            {
                shifted[shift] = ShiftedStatistic(u, T0, T1, shift);
            }
            return (observed, shifted);
        }
        var permuted = new double[_iidCount];
        for (int b = 0; b < _iidCount; b++)
        {
            permuted[b] = PermutedStatistic(u, _iidPositions.AsSpan(b * T1, T1));
        }
        return (observed, permuted);
    }

    // CWZ 2021, eq. (2): S_q(û) = (1/√T1) (Σ_{t>T0} |û_t|^q)^{1/q}.
    private double Statistic(ReadOnlySpan<double> u, int T0, int T1) => Norm(u.Slice(T0, T1)) / Math.Sqrt(T1);

    private double ShiftedStatistic(double[] u, int T0, int T1, int shift)
    {
        int T = u.Length;
        double sum = 0;
        for (int t = T0; t < T0 + T1; t++)
        {
            sum += Power(u[(t + shift) % T]);
        }
        return Root(sum) / Math.Sqrt(T1);
    }

    private double PermutedStatistic(double[] u, ReadOnlySpan<int> positions)
    {
        double sum = 0;
        foreach (int t in positions)
        {
            sum += Power(u[t]);
        }
        return Root(sum) / Math.Sqrt(positions.Length);
    }

    private double Norm(ReadOnlySpan<double> values)
    {
        double sum = 0;
        foreach (double v in values)
        {
            sum += Power(v);
        }
        return Root(sum);
    }

    private double Power(double v) => _q == 1 ? Math.Abs(v) : Math.Pow(Math.Abs(v), _q);

    private double Root(double sum) => _q == 1 ? sum : Math.Pow(sum, 1 / _q);

    /// <summary>For each of <paramref name="count"/> random permutations of 0..T-1, the periods it moves into the T1 post slots.</summary>
    private static int[] DrawPostPositions(int T, int T1, int count, int seed)
    {
        var random = new Random(seed);
        var order = new int[T];
        var positions = new int[count * T1];
        for (int b = 0; b < count; b++)
        {
            for (int t = 0; t < T; t++)
            {
                order[t] = t;
            }
            for (int k = 0; k < T1; k++)
            {
                int pick = k + random.Next(T - k);
                (order[k], order[pick]) = (order[pick], order[k]);
                positions[b * T1 + k] = order[k];
            }
        }
        return positions;
    }
}
