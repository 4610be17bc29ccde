namespace LiftPipeline.Core.Estimators;

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
    public static int Solve(SimplexProblem problem, double[] x, double minDecrease, int maxIterations)
    {
        int n = problem.N;
        var gx = new double[n];
        problem.Multiply(x, gx);
        double threshold = minDecrease * minDecrease, eta = problem.Eta;
        var c = problem.Linear;
        int t = 0;
        double decrease = double.PositiveInfinity;
        while (t < maxIterations && (t < 2 || decrease > threshold))
        {
            t++;
            decrease = Step(problem, x, gx, c, eta) / problem.Rows;
        }
        return t;
    }

    /// <summary>One exact-line-search step toward the best vertex; returns the decrease of ‖Ax − b‖² + η‖x‖².</summary>
    private static double Step(SimplexProblem problem, double[] x, double[] gx, double[] c, double eta)
    {
        int n = x.Length, best = 0;
        double bestGradient = double.PositiveInfinity, xGx = 0, xGradient = 0, xx = 0;
        for (int a = 0; a < n; a++)
        {
            double halfGradient = gx[a] - c[a] + eta * x[a];
            if (halfGradient < bestGradient)
            {
                bestGradient = halfGradient;
                best = a;
            }
            xGx += x[a] * gx[a];
            xGradient += x[a] * halfGradient;
            xx += x[a] * x[a];
        }
        if (x[best] == 1)
        {
            return 0;
        }
        // Direction d = e_best − x: gradient·d, ‖Ad‖² = G_ii − 2(Gx)_i + xᵀGx, ‖d‖² = 1 − 2x_i + ‖x‖².
        double slope = bestGradient - xGradient;
        double curvature = problem.G(best, best) - 2 * gx[best] + xGx + eta * (1 - 2 * x[best] + xx);
        double step = curvature > 0 ? Math.Clamp(-slope / curvature, 0, 1) : (slope < 0 ? 1 : 0);
        if (step == 0)
        {
            return 0;
        }
        for (int a = 0; a < n; a++)
        {
            x[a] *= 1 - step;
            gx[a] *= 1 - step;
        }
        x[best] += step;
        problem.AddColumn(best, step, gx);
        return -(2 * step * slope + step * step * curvature);
    }
}
