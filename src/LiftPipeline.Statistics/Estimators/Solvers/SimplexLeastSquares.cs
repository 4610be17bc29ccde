namespace LiftPipeline.Statistics.Estimators.Solvers;

/// <summary>
/// Solves the synthetic-control weight problem min ‖Aω − b‖² over the simplex (ω ≥ 0, Σω = 1) to its optimum with
/// <see cref="SimplexActiveSet"/>, given the columns of A as the rows of x (n×width) and c = Aᵀb: G = AᵀA is read as
/// inner products of those rows, never formed, so memory stays O(n·width). Pure; allocates per call only.
/// </summary>
internal static class SimplexLeastSquares
{
    /// <summary>The simplex weights minimising ½ωᵀGω − cᵀω with G[i, j] = x_i·x_j (η = <see cref="SimplexActiveSet.RelativeEta"/>·max G_ii).</summary>
    /// <param name="x">The variables' paths, n rows of <paramref name="width"/>, row-major.</param>
    /// <param name="width">Length of a path.</param>
    /// <param name="c">c = Aᵀb.</param>
    /// <param name="start">A warm start on the simplex (a nearby problem's optimum, as in cross-validation folds), or null for the best vertex.</param>
    /// <param name="target">b (length <paramref name="width"/>) with c = Ab, when known: keeps the solve exact when the support outgrows the width.</param>
    public static double[] Solve(double[] x, int width, double[] c, double[]? start = null, double[]? target = null)
    {
        int n = c.Length;
        if (n == 1)
        {
            return [1.0];
        }
        var index = new int[n];
        double scale = 0;
        for (int i = 0; i < n; i++)
        {
            index[i] = i;
            var row = x.AsSpan(i * width, width);
            scale = Math.Max(scale, VectorMath.Dot(row, row));
        }
        var problem = SimplexProblem.FromFactor(x, width, index, c, 0, SimplexActiveSet.RelativeEta * Math.Max(scale, double.Epsilon), 1, target);
        var weights = start is null ? new double[n] : (double[])start.Clone();
        SimplexActiveSet.Solve(problem, weights);
        return weights;
    }
}
