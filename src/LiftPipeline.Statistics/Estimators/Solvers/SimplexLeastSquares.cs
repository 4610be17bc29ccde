namespace LiftPipeline.Statistics.Estimators.Solvers;

/// <summary>
/// Solves the synthetic-control weight problem min ½ω'Gω − c'ω over the simplex (ω ≥ 0, Σω = 1) to its optimum, where
/// G = A'A and c = A'b for control paths A (columns) and target b, with the primal active-set method of
/// <see cref="SimplexActiveSet"/>. Pure; allocates per call only.
/// </summary>
internal static class SimplexLeastSquares
{
    /// <summary>The simplex weights minimising ½ω'Gω − c'ω; <paramref name="gram"/> is n×n row-major.</summary>
    /// <param name="gram">G = A'A, row-major, symmetric positive semi-definite.</param>
    /// <param name="c">c = A'b.</param>
    /// <param name="start">A warm start on the simplex (a nearby problem's optimum, as in cross-validation folds), or null for the best vertex.</param>
    public static double[] Solve(double[] gram, double[] c, double[]? start = null)
    {
        int n = c.Length;
        if (n == 1)
        {
            return [1.0];
        }
        var solver = new SimplexActiveSet(n) { Gram = gram };
        Array.Fill(solver.Allowed, true);
        c.CopyTo(solver.Linear, 0);
        start?.CopyTo(solver.Weights, 0);
        solver.Solve();
        return (double[])solver.Weights.Clone();
    }
}
