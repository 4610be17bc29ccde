using System.Runtime.CompilerServices;
using LiftPipeline.Statistics.Estimators.Solvers;
using MathNet.Numerics.LinearAlgebra;
using MathNet.Numerics.LinearAlgebra.Factorization;

namespace LiftPipeline.Statistics.Estimators;

/// <summary>
/// Exact weighted two-way fixed effects: argmin over α, β of Σ v_it (Z_it − α_i − β_t)². With r_i = Σ_t v_it and
/// c_t = Σ_i v_it, eliminating α leaves the T×T system S β = b, S = diag(c) − Σ_i v_i v_i'/r_i, which is singular
/// along 1 (only α + β is identified); S + cc'/Σc is solved instead, giving the solution with Σ c_t β_t = 0. S depends only on
/// the weights, so its Cholesky factor is computed once per fit and reused for every Z. When the factorisation fails
/// (disconnected or extreme weights) the caller's alternating means do all the work.
/// </summary>
internal sealed class WeightedTwoWayEffects
{
    private readonly double[] _v;
    private readonly double[] _rowTotals;
    private readonly double[] _columnTotals;
    private readonly int _n;
    private readonly int _t;
    private readonly Cholesky<double>? _cholesky;

    public WeightedTwoWayEffects(double[] v, int n, int t)
    {
        _v = v;
        _n = n;
        _t = t;
        _rowTotals = new double[n];
        var s = new double[t * t];
        var columnTotals = _columnTotals = new double[t];
        double trace = 0;
        // Σ_i v_i v_i'/r_i = Σ_g (Σ_{i∈g} r_i) p_g p_g' over groups g of consecutive rows with the same profile p = v_i/r_i
        // (TROP's separable weights ω_j·θ_s give one profile per mask pattern), so the O(T²) outer product runs once per group.
        var profile = new double[t];
        double groupTotal = 0;
        for (int i = 0; i < n; i++)
        {
            var row = v.AsSpan(i * t, t);
            double r = 0;
            foreach (double x in row)
            {
                r += x;
            }
            _rowTotals[i] = r;
            for (int p = 0; p < t; p++)
            {
                columnTotals[p] += row[p];
            }
            trace += r;
            if (r <= 0)
            {
                continue;
            }
            if (groupTotal > 0 && !SameProfile(row, r, profile))
            {
                AddOuterProduct(s, profile, groupTotal);
                groupTotal = 0;
            }
            if (groupTotal == 0)
            {
                for (int p = 0; p < t; p++)
                {
                    profile[p] = row[p] / r;
                }
            }
            groupTotal += r;
        }
        if (groupTotal > 0)
        {
            AddOuterProduct(s, profile, groupTotal);
        }
        // Only α + β is identified (S1 = 0): S + cc'/Σc pins c'β = 0. Its rank-one term scales with the column totals c,
        // so periods of tiny weight (far periods under steep time weights) keep their small entries; a uniform κ11'
        // swamps them in rounding and the factor returns astronomically large α and β.
        for (int p = 0; p < t; p++)
        {
            s[p * t + p] += columnTotals[p];
            for (int q = 0; q < t; q++)
            {
                s[p * t + q] += columnTotals[p] * columnTotals[q] / trace;
            }
        }
        try
        {
            _cholesky = Matrix<double>.Build.Dense(t, t, s).Cholesky();
        }
        catch (ArgumentException)
        {
            _cholesky = null;
        }
    }

    /// <summary>True when row/r equals <paramref name="profile"/> to 1e-13 relative in every period.</summary>
    private static bool SameProfile(ReadOnlySpan<double> row, double r, ReadOnlySpan<double> profile)
    {
        for (int p = 0; p < row.Length; p++)
        {
            double x = row[p] / r;
            if (Math.Abs(x - profile[p]) > 1e-13 * Math.Max(Math.Abs(x), Math.Abs(profile[p])))
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>S −= total·p p' (p's zero entries skipped).</summary>
    private static void AddOuterProduct(double[] s, ReadOnlySpan<double> profile, double total)
    {
        int t = profile.Length;
        for (int p = 0; p < t; p++)
        {
            if (profile[p] == 0)
            {
                continue;
            }
            double scaled = total * profile[p];
            var target = s.AsSpan(p * t, t);
            for (int q = 0; q < t; q++)
            {
                target[q] -= scaled * profile[q];
            }
        }
    }

    /// <summary>
    /// α, β for Z = Y − L: the exact solve, polished by alternating weighted means (which do all the work when the exact
    /// solve is unavailable) until no effect moves by more than 1e-13·<paramref name="scale"/>.
    /// </summary>
    public void Fit(ReadOnlySpan<double> y, ReadOnlySpan<double> l, double[] alpha, double[] beta, double scale)
    {
        TrySolve(y, l, alpha, beta);
        var columnSums = new double[_t];
        double ignored = 0;
        for (int sweep = 0; sweep < 10_000; sweep++)
        {
            double change = 0;
            for (int i = 0; i < _n; i++)
            {
                var v = _v.AsSpan(i * _t, _t);
                double r = _rowTotals[i];
                double a = r > 0 ? (WeightedGap(v, y.Slice(i * _t, _t), l.Slice(i * _t, _t), ref ignored) - VectorMath.Dot(v, beta)) / r : 0;
                change = Math.Max(change, Math.Abs(a - alpha[i]));
                alpha[i] = a;
            }
            // Column means row by row (a strided walk down each column would miss the cache on every cell).
            Array.Clear(columnSums);
            for (int i = 0; i < _n; i++)
            {
                AddWeightedGap(columnSums, _v.AsSpan(i * _t, _t), y.Slice(i * _t, _t), l.Slice(i * _t, _t), alpha[i]);
            }
            for (int s = 0; s < _t; s++)
            {
                double b = _columnTotals[s] > 0 ? columnSums[s] / _columnTotals[s] : 0;
                change = Math.Max(change, Math.Abs(b - beta[s]));
                beta[s] = b;
            }
            if (change <= 1e-13 * scale)
            {
                return;
            }
        }
    }

    /// <summary>Writes the exact α, β for Z = Y − L (row-major); false when only alternating means can be used.</summary>
    public bool TrySolve(ReadOnlySpan<double> y, ReadOnlySpan<double> l, double[] alpha, double[] beta)
    {
        if (_cholesky is null)
        {
            return false;
        }
        // b_t = Σ_i v_it Z_it − Σ_i v_it (Σ_s v_is Z_is)/r_i.
        var b = new double[_t];
        double scale = 0;
        for (int i = 0; i < _n; i++)
        {
            var v = _v.AsSpan(i * _t, _t);
            var yi = y.Slice(i * _t, _t);
            var li = l.Slice(i * _t, _t);
            double r = _rowTotals[i];
            double weighted = WeightedGap(v, yi, li, ref scale);
            AddWeightedGap(b, v, yi, li, r > 0 ? weighted / r : 0);
        }
        var solution = _cholesky.Solve(Vector<double>.Build.Dense(b));
        // Weighted means of Z cannot be far outside Z's range: a solution that is means a factor too ill-conditioned to trust.
        double bound = 1e8 * (scale + 1);
        foreach (double x in solution)
        {
            if (!(Math.Abs(x) <= bound))
            {
                return false;
            }
        }
        solution.CopyTo(Vector<double>.Build.Dense(beta));
        for (int i = 0; i < _n; i++)
        {
            double r = _rowTotals[i];
            double weighted = WeightedGap(_v.AsSpan(i * _t, _t), y.Slice(i * _t, _t), l.Slice(i * _t, _t), ref scale)
                - VectorMath.Dot(_v.AsSpan(i * _t, _t), beta);
            alpha[i] = r > 0 ? weighted / r : 0;
        }
        return true;
    }

    /// <summary>Σ_s v_s (y_s − l_s); raises <paramref name="scale"/> to max |y_s − l_s|.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]   // hot numeric loop: skip tier-0 code
    private static double WeightedGap(ReadOnlySpan<double> v, ReadOnlySpan<double> y, ReadOnlySpan<double> l, ref double scale)
    {
        int width = System.Numerics.Vector<double>.Count, s = 0;
        var sums = System.Numerics.Vector<double>.Zero;
        var largest = System.Numerics.Vector<double>.Zero;
        for (; s <= v.Length - width; s += width)
        {
            var gap = new System.Numerics.Vector<double>(y[s..]) - new System.Numerics.Vector<double>(l[s..]);
            sums += new System.Numerics.Vector<double>(v[s..]) * gap;
            largest = System.Numerics.Vector.Max(largest, System.Numerics.Vector.Abs(gap));
        }
        double sum = System.Numerics.Vector.Sum(sums);
        for (int k = 0; k < width; k++)
        {
            scale = Math.Max(scale, largest[k]);
        }
        for (; s < v.Length; s++)
        {
            double gap = y[s] - l[s];
            sum += v[s] * gap;
            scale = Math.Max(scale, Math.Abs(gap));
        }
        return sum;
    }

    /// <summary>b_s += v_s (y_s − l_s − mean).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]   // hot numeric loop: skip tier-0 code
    private static void AddWeightedGap(Span<double> b, ReadOnlySpan<double> v, ReadOnlySpan<double> y, ReadOnlySpan<double> l, double mean)
    {
        int width = System.Numerics.Vector<double>.Count, s = 0;
        var m = new System.Numerics.Vector<double>(mean);
        for (; s <= v.Length - width; s += width)
        {
            var sum = new System.Numerics.Vector<double>(b[s..])
                + new System.Numerics.Vector<double>(v[s..]) * (new System.Numerics.Vector<double>(y[s..]) - new System.Numerics.Vector<double>(l[s..]) - m);
            sum.CopyTo(b[s..]);
        }
        for (; s < v.Length; s++)
        {
            b[s] += v[s] * (y[s] - l[s] - mean);
        }
    }
}
