using LiftPipeline.Core.Estimators;
using MathNet.Numerics.LinearAlgebra;

namespace LiftPipeline.Tests.Estimators;

public sealed class SimplexLeastSquaresTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Simplex_solver_matches_exhaustive_search_over_supports(int seed)
    {
        // Slow reference: for every support, the equality-constrained minimiser; keep the best feasible one.
        var random = new Random(seed);
        int n = 7, t = 12;
        var a = Matrix<double>.Build.Dense(t, n, (_, _) => random.NextDouble() * 10);
        var b = Vector<double>.Build.Dense(t, _ => random.NextDouble() * 10);
        var gram = (a.TransposeThisAndMultiply(a)).ToRowMajorArray();
        var c = a.TransposeThisAndMultiply(b).ToArray();

        var w = SimplexLeastSquares.Solve(gram, c);

        double best = double.PositiveInfinity;
        for (int mask = 1; mask < 1 << n; mask++)
        {
            var support = Enumerable.Range(0, n).Where(i => (mask >> i & 1) == 1).ToArray();
            var aS = Matrix<double>.Build.Dense(t, support.Length, (r, k) => a[r, support[k]]);
            var kkt = Matrix<double>.Build.Dense(support.Length + 1, support.Length + 1);
            kkt.SetSubMatrix(0, 0, aS.TransposeThisAndMultiply(aS));
            for (int k = 0; k < support.Length; k++)
            {
                kkt[k, support.Length] = -1;
                kkt[support.Length, k] = 1;
            }
            var rhs = Vector<double>.Build.Dense(support.Length + 1);
            rhs.SetSubVector(0, support.Length, aS.TransposeThisAndMultiply(b));
            rhs[support.Length] = 1;
            var x = kkt.Solve(rhs).SubVector(0, support.Length);
            if (x.Any(v => v < -1e-12))
            {
                continue;
            }
            best = Math.Min(best, (aS * x - b).L2Norm());
        }
        double ours = (a * Vector<double>.Build.DenseOfArray(w) - b).L2Norm();
        Assert.Equal(best, ours, 9);
        Assert.All(w, v => Assert.True(v >= 0));
        Assert.Equal(1.0, w.Sum(), 12);
    }

    [Fact]
    public void Projection_onto_the_simplex_keeps_points_on_it_and_clips_the_rest()
    {
        var onSimplex = new[] { 0.2, 0.3, 0.5 };
        SimplexLeastSquares.ProjectOntoSimplex(onSimplex, new double[3]);
        Assert.Equal([0.2, 0.3, 0.5], onSimplex.Select(v => Math.Round(v, 12)));

        var far = new[] { 5.0, -1.0, 0.0 };
        SimplexLeastSquares.ProjectOntoSimplex(far, new double[3]);
        Assert.Equal([1.0, 0.0, 0.0], far);
    }
}
