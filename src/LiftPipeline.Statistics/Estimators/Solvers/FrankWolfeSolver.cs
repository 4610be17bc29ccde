using System.Numerics;
using System.Runtime.CompilerServices;

namespace LiftPipeline.Statistics.Estimators.Solvers;

/// <summary>
/// The synthdid reference's weight solver: Frank-Wolfe with exact line search on a <see cref="SimplexProblem"/>,
/// stopped when an iteration lowers the objective by at most min_decrease² or after a cap; run first for
/// 100 iterations, then sparsified (weights ≤ max/4 set to zero, renormalised) and run again for up to 10,000.
/// Works on the Gram matrix, so one iteration costs O(N) and allocates nothing.
/// </summary>
internal static class FrankWolfeSolver
{
    public const int IterationsBeforeSparsify = 100;
    public const int MaxIterations = 10_000;

    /// <summary>The reference's two-stage solve from <paramref name="start"/> (overwritten with the result).</summary>
    public static void SolveWithSparsify(SimplexProblem problem, double[] start, double minDecrease)
    {
        Solve(problem, start, minDecrease, IterationsBeforeSparsify);
        Sparsify(start);
        Solve(problem, start, minDecrease, MaxIterations);
    }

    /// <summary>Sparsification: v ≤ max(v)/4 → 0, then renormalise.</summary>
    public static void Sparsify(double[] v)
    {
        double max = double.NegativeInfinity;
        foreach (double value in v)
        {
            max = Math.Max(max, value);
        }
        for (int a = 0; a < v.Length; a++)
        {
            if (v[a] <= max / 4)
            {
                v[a] = 0;
            }
        }
        SumNormalize(v);
    }

    /// <summary>x / Σx, or uniform weights when Σx = 0 (the reference's sum_normalize).</summary>
    public static void SumNormalize(double[] x)
    {
        double sum = 0;
        foreach (double value in x)
        {
            sum += value;
        }
        for (int a = 0; a < x.Length; a++)
        {
            x[a] = sum != 0 ? x[a] / sum : 1.0 / x.Length;
        }
    }

    /// <summary>
    /// Frank-Wolfe iterations on x (in place) until one lowers ζ²‖x‖² + ‖Ax − b‖²/rows by at most
    /// <paramref name="minDecrease"/>² (after at least two) or <paramref name="maxIterations"/> are done. Returns the count.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]   // hot numeric loop: skip tier-0 code
    public static int Solve(SimplexProblem problem, double[] x, double minDecrease, int maxIterations)
    {
        var state = new State(problem, x);
        double threshold = minDecrease * minDecrease;
        int t = 0;
        double decrease = double.PositiveInfinity;
        while (t < maxIterations && (t < 2 || decrease > threshold))
        {
            t++;
            decrease = state.Step() / problem.Rows;
        }
        return t;
    }

    /// <summary>The iterate with Gx and the half-gradient Gx − c + ηx kept current, and the sums a step needs.</summary>
    private sealed class State
    {
        private readonly SimplexProblem _problem;
        private readonly double[] _x, _gx, _gradient;
        private int _best;
        private double _bestGradient, _xGx, _xGradient, _xx;

        public State(SimplexProblem problem, double[] x)
        {
            _problem = problem;
            _x = x;
            _gx = new double[x.Length];
            _gradient = new double[x.Length];
            problem.Multiply(x, _gx);
            Scan();
        }

        /// <summary>One exact-line-search step toward the best vertex; returns the decrease of ‖Ax − b‖² + η‖x‖².</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]   // hot numeric loop: skip tier-0 code
        public double Step()
        {
            int best = _best;
            if (_x[best] == 1)
            {
                return 0;
            }
            // Direction d = e_best − x: gradient·d, ‖Ad‖² = G_ii − 2(Gx)_i + xᵀGx, ‖d‖² = 1 − 2x_i + ‖x‖².
            double eta = _problem.Eta;
            double slope = _bestGradient - _xGradient;
            double curvature = _problem.G(best, best) - 2 * _gx[best] + _xGx + eta * (1 - 2 * _x[best] + _xx);
            double step = curvature > 0 ? Math.Clamp(-slope / curvature, 0, 1) : (slope < 0 ? 1 : 0);
            if (step == 0)
            {
                return 0;
            }
            Update(step);
            Scan();
            return -(2 * step * slope + step * step * curvature);
        }

        /// <summary>x ← (1 − s)x + s·e_best and Gx ← (1 − s)Gx + s·G[:, best].</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]   // hot numeric loop: skip tier-0 code
        private void Update(double step)
        {
            int n = _x.Length, width = Vector<double>.Count, a = 0;
            var keep = new Vector<double>(1 - step);
            for (; a <= n - width; a += width)
            {
                (keep * new Vector<double>(_x.AsSpan(a))).CopyTo(_x.AsSpan(a));
                (keep * new Vector<double>(_gx.AsSpan(a))).CopyTo(_gx.AsSpan(a));
            }
            for (; a < n; a++)
            {
                _x[a] *= 1 - step;
                _gx[a] *= 1 - step;
            }
            _problem.AddColumn(_best, step, _gx);
            _x[_best] += step;
        }

        /// <summary>Half-gradient, its first minimiser (the reference's which.min), xᵀGx, xᵀgradient and ‖x‖².</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]   // hot numeric loop: skip tier-0 code
        private void Scan()
        {
            var c = _problem.Linear;
            int n = _x.Length, width = Vector<double>.Count, a = 0;
            var eta = new Vector<double>(_problem.Eta);
            Vector<double> xGx = Vector<double>.Zero, xGradient = Vector<double>.Zero, xx = Vector<double>.Zero;
            var min = new Vector<double>(double.PositiveInfinity);
            for (; a <= n - width; a += width)
            {
                var x = new Vector<double>(_x.AsSpan(a));
                var gx = new Vector<double>(_gx.AsSpan(a));
                var gradient = gx - new Vector<double>(c.AsSpan(a)) + eta * x;
                gradient.CopyTo(_gradient.AsSpan(a));
                xGx += x * gx;
                xGradient += x * gradient;
                xx += x * x;
                min = Vector.Min(min, gradient);
            }
            double sumXGx = Vector.Sum(xGx), sumXGradient = Vector.Sum(xGradient), sumXX = Vector.Sum(xx);
            double minimum = double.PositiveInfinity;
            for (int lane = 0; lane < width; lane++)
            {
                minimum = Math.Min(minimum, min[lane]);
            }
            for (; a < n; a++)
            {
                double gradient = _gx[a] - c[a] + _problem.Eta * _x[a];
                _gradient[a] = gradient;
                sumXGx += _x[a] * _gx[a];
                sumXGradient += _x[a] * gradient;
                sumXX += _x[a] * _x[a];
                minimum = Math.Min(minimum, gradient);
            }
            _best = Math.Max(Array.IndexOf(_gradient, minimum), 0);   // NaN data: stay put rather than fail
            _bestGradient = minimum;
            _xGx = sumXGx;
            _xGradient = sumXGradient;
            _xx = sumXX;
        }
    }
}
