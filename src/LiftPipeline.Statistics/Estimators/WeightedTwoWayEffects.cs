using MathNet.Numerics.LinearAlgebra;
using MathNet.Numerics.LinearAlgebra.Factorization;

namespace LiftPipeline.Statistics.Estimators;

/// <summary>
/// Exact weighted two-way fixed effects: argmin over α, β of Σ v_it (Z_it − α_i − β_t)². With r_i = Σ_t v_it and
/// c_t = Σ_i v_it, eliminating α leaves the T×T system S β = b, S = diag(c) − Σ_i v_i v_i'/r_i, which is singular
/// along 1 (only α + β is identified); S + κ11' is solved instead, giving the solution with Σβ = 0. S depends only on
/// the weights, so its Cholesky factor is computed once per fit and reused for every Z. When the factorisation fails
/// (disconnected or extreme weights) the caller's alternating means do all the work.
/// </summary>
internal sealed class WeightedTwoWayEffects
{
    private readonly double[] _v;
    private readonly double[] _rowTotals;
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
        double trace = 0;
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
                s[p * t + p] += row[p];
                trace += row[p];
                if (r > 0 && row[p] != 0)
                {
                    double scaled = row[p] / r;
                    for (int q = 0; q < t; q++)
                    {
                        s[p * t + q] -= scaled * row[q];
                    }
                }
            }
        }
        double kappa = trace / t;
        for (int k = 0; k < s.Length; k++)
        {
            s[k] += kappa / t;
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

    /// <summary>Writes the exact α, β for Z = Y − L (row-major); false when only alternating means can be used.</summary>
    public bool TrySolve(ReadOnlySpan<double> y, ReadOnlySpan<double> l, double[] alpha, double[] beta)
    {
        if (_cholesky is null)
        {
            return false;
        }
        // b_t = Σ_i v_it Z_it − Σ_i v_it (Σ_s v_is Z_is)/r_i.
        var b = new double[_t];
        for (int i = 0; i < _n; i++)
        {
            double r = _rowTotals[i];
            double weighted = 0;
            for (int s = 0, k = i * _t; s < _t; s++, k++)
            {
                weighted += _v[k] * (y[k] - l[k]);
            }
            double mean = r > 0 ? weighted / r : 0;
            for (int s = 0, k = i * _t; s < _t; s++, k++)
            {
                b[s] += _v[k] * (y[k] - l[k] - mean);
            }
        }
        var solution = _cholesky.Solve(Vector<double>.Build.Dense(b));
        if (!solution.All(double.IsFinite))
        {
            return false;
        }
        solution.CopyTo(Vector<double>.Build.Dense(beta));
        for (int i = 0; i < _n; i++)
        {
            double r = _rowTotals[i], weighted = 0;
            for (int s = 0, k = i * _t; s < _t; s++, k++)
            {
                weighted += _v[k] * (y[k] - l[k] - beta[s]);
            }
            alpha[i] = r > 0 ? weighted / r : 0;
        }
        return true;
    }
}
