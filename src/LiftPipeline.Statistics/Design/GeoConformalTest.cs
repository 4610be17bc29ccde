using System.Runtime.CompilerServices;
using LiftPipeline.Statistics.Inference;

namespace LiftPipeline.Statistics.Design;

/// <summary>
/// The conformal permutation test of no effect over a test window (Chernozhukov, Wüthrich and Zhu 2021, Algorithm 1), as
/// GeoLift runs it in its power simulations: residuals of a refit on all periods, statistic Σ|u| over the window
/// (one-sided: ±Σu), permuted in time. The iid permutations are drawn once from the seed for a given (T, T1) and reused
/// for every simulation with that shape, so p-values are a function of the residuals alone and reproduce; the p-value
/// counts the identity, (1 + #{S_π ≥ S}) / (1 + permutations), so the test is exact under exchangeability.
/// One instance per (T, T1); thread-safe after construction.
/// </summary>
internal sealed class GeoConformalTest
{
    private readonly int[]? _positions;
    private readonly int _count;

    /// <summary>The test for windows of <paramref name="t1"/> periods at the end of <paramref name="t"/> periods.</summary>
    public GeoConformalTest(int t, int t1, ConformalPermutation permutation, int permutations, int seed, TestSide side)
    {
        if (t1 < 1 || t1 >= t)
        {
            throw new ArgumentOutOfRangeException(nameof(t1), t1, $"A test window needs 1 to {t - 1} periods.");
        }
        T = t;
        T1 = t1;
        Side = side;
        if (permutation == ConformalPermutation.Iid)
        {
            _count = Math.Max(1, permutations);
            _positions = DrawPostPositions(t, t1, _count, seed);
        }
    }

    /// <summary>Periods, T.</summary>
    public int T { get; }

    /// <summary>Test periods, T1 (the last T1 of T).</summary>
    public int T1 { get; }

    /// <summary>Which alternative the statistic looks for.</summary>
    public TestSide Side { get; }

    /// <summary>p-value of no effect from the residuals <paramref name="u"/> (length T) of the all-period refit.</summary>
    /// <param name="u">Residuals, all T periods.</param>
    /// <param name="effectSize">The simulated effect; its sign picks the one-sided direction (≤ 0: negative, as GeoLift).</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]   // hot numeric loop: skip tier-0 code
    public double PValue(ReadOnlySpan<double> u, double effectSize)
    {
        int t0 = T - T1;
        double sign = effectSize > 0 ? 1 : -1;
        double observed = 0;
        for (int t = t0; t < T; t++)
        {
            observed += Term(u[t], sign);
        }
        double tolerance = 1e-12 * Math.Max(1, Math.Abs(observed));
        int atLeast = 0;
        if (_positions is null)
        {
            // Moving blocks: the T cyclic shifts of time, the identity among them.
            for (int shift = 0; shift < T; shift++)
            {
                double s = 0;
                for (int t = t0; t < T; t++)
                {
                    s += Term(u[(t + shift) % T], sign);
                }
                atLeast += s >= observed - tolerance ? 1 : 0;
            }
            return (double)atLeast / T;
        }
        var positions = _positions.AsSpan();
        for (int b = 0; b < _count; b++)
        {
            double s = 0;
            foreach (int p in positions.Slice(b * T1, T1))
            {
                s += Term(u[p], sign);
            }
            atLeast += s >= observed - tolerance ? 1 : 0;
        }
        return (1.0 + atLeast) / (_count + 1);
    }

    private double Term(double u, double sign) => Side == TestSide.TwoSided ? Math.Abs(u) : sign * u;

    /// <summary>For each of <paramref name="count"/> random permutations of 0..T−1, the periods it moves into the T1 test slots.</summary>
    private static int[] DrawPostPositions(int t, int t1, int count, int seed)
    {
        var random = new Random(seed);
        var order = new int[t];
        var positions = new int[count * t1];
        for (int b = 0; b < count; b++)
        {
            for (int s = 0; s < t; s++)
            {
                order[s] = s;
            }
            for (int k = 0; k < t1; k++)
            {
                int pick = k + random.Next(t - k);
                (order[k], order[pick]) = (order[pick], order[k]);
                positions[b * t1 + k] = order[k];
            }
        }
        return positions;
    }
}
