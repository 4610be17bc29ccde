using LiftPipeline.Statistics.Estimators;
using LiftPipeline.Statistics.Estimators.Solvers;
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
        var c = a.TransposeThisAndMultiply(b).ToArray();

        var w = SimplexLeastSquares.Solve(a.Transpose().ToRowMajorArray(), t, c);

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
}

public sealed class SimplexLeastSquaresOptimalityTests
{
    public static TheoryData<string> Panels => ["prop99", "geolift"];

    [Theory]
    [MemberData(nameof(Panels))]
    public void Geolift_weights_satisfy_the_kkt_conditions_even_with_more_controls_than_pre_periods(string name)
    {
        // Prop99 has N0 = 38 > T0 = 19, so G is singular; the optimum is still characterised by KKT:
        // (Gω − c)_i = μ on the support and ≥ μ off it.
        var data = name == "prop99" ? ReferencePanels.Prop99 : ReferencePanels.GeoLiftTest;
        var (x, x1) = GeoLiftSyntheticControl.CentredPrePeriod(data);
        var a = Matrix<double>.Build.Dense(data.T0, data.N0, (s, i) => x[i * data.T0 + s]);
        var b = Vector<double>.Build.DenseOfArray(x1);
        var omega = Vector<double>.Build.DenseOfEnumerable(new GeoLiftSyntheticControl().Estimate(data).UnitWeights!.Select(w => w.Weight));

        var gradient = a.TransposeThisAndMultiply(a * omega - b);
        int top = omega.MaximumIndex();
        double mu = gradient[top], tolerance = 1e-7 * gradient.AbsoluteMaximum();
        for (int i = 0; i < data.N0; i++)
        {
            Assert.True(omega[i] >= 0);
            if (omega[i] > 1e-9)
            {
                Assert.Equal(mu, gradient[i], tolerance);
            }
            else
            {
                Assert.True(gradient[i] >= mu - tolerance, $"{data.Units[i]}: {gradient[i]} < {mu}");
            }
        }
    }
}
