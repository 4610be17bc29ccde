using LiftPipeline.Statistics.Estimators;
using LiftPipeline.Statistics.Estimators.Solvers;
using LiftPipeline.Statistics.Inference;
using LiftPipeline.Simulation;

namespace LiftPipeline.Tests.Estimators;

/// <summary>The one simplex solver on random problems, checked against the KKT conditions computed from A directly.</summary>
public sealed class SimplexActiveSetTests
{
    [Theory]
    [InlineData(1, 6, 12, 1e-6)]    // more variables than rows, SC-like tiny penalty: sparse optimum
    [InlineData(2, 30, 8, 1e-6)]
    [InlineData(3, 10, 40, 5.0)]    // SDID-like penalty: dense optimum
    [InlineData(4, 25, 25, 0.3)]
    public void Solver_satisfies_KKT_from_a_cold_start_and_from_a_dense_start(int seed, int rows, int n, double zeta)
    {
        var (a, b) = RandomProblem(seed, rows, n);
        var problem = GramProblem(a, b, zeta);

        var cold = new double[n];
        SimplexActiveSet.Solve(problem, cold);
        var dense = Enumerable.Repeat(1.0 / n, n).ToArray();   // every variable in S: optimum reached by dropping
        SimplexActiveSet.Solve(problem, dense);

        AssertKkt(a, b, rows * zeta * zeta, cold);
        AssertKkt(a, b, rows * zeta * zeta, dense);
        Assert.All(cold.Zip(dense), pair => Assert.Equal(pair.First, pair.Second, 1e-8));
    }

    [Theory]
    [InlineData(5, 8, 60, 3.0)]
    [InlineData(6, 12, 200, 1.0)]
    [InlineData(7, 20, 150, 4.0)]
    public void Low_rank_path_matches_the_dense_path_when_the_support_outgrows_the_rows(int seed, int rows, int n, double zeta)
    {
        var (a, b) = RandomProblem(seed, rows, n);
        var factor = new double[n * rows];   // row j = column j of A
        for (int j = 0; j < n; j++)
        {
            for (int r = 0; r < rows; r++)
            {
                factor[j * rows + r] = a[r, j];
            }
        }
        var linear = GramProblem(a, b, zeta).Linear;
        var lowRank = SimplexProblem.FromFactor(factor, rows, Enumerable.Range(0, n).ToArray(), linear, b.Sum(v => v * v), rows * zeta * zeta, rows);

        var dense = new double[n];
        bool denseInW = SimplexActiveSet.Solve(GramProblem(a, b, zeta), dense);
        var low = new double[n];
        bool lowInW = SimplexActiveSet.Solve(lowRank, low);

        Assert.False(denseInW);
        Assert.True(lowInW);
        Assert.True(low.Count(v => v > 0) > rows, $"support {low.Count(v => v > 0)} ≤ {rows} rows: the W-space path was not exercised");
        AssertKkt(a, b, rows * zeta * zeta, low);
        Assert.All(dense.Zip(low), pair => Assert.Equal(pair.First, pair.Second, 1e-9));
    }

    [Theory]
    [InlineData(8, 6, 80)]
    [InlineData(9, 10, 300)]
    [InlineData(10, 8, 2000)]
    public void Low_rank_path_with_a_known_target_fits_an_exactly_attainable_target_at_a_tiny_penalty(int seed, int rows, int n)
    {
        // b = A·(1/n): a perfect fit exists; batches of additions carry the support past the width, and the solve must still land on a fit.
        var (a, _) = RandomProblem(seed, rows, n);
        var b = Enumerable.Range(0, rows).Select(r => Enumerable.Range(0, n).Sum(j => a[r, j]) / n).ToArray();
        var factor = new double[n * rows];
        for (int j = 0; j < n; j++)
        {
            for (int r = 0; r < rows; r++)
            {
                factor[j * rows + r] = a[r, j];
            }
        }
        var linear = Enumerable.Range(0, n).Select(j => Enumerable.Range(0, rows).Sum(r => a[r, j] * b[r])).ToArray();
        double eta = 1e-13 * Enumerable.Range(0, n).Max(j => Enumerable.Range(0, rows).Sum(r => a[r, j] * a[r, j]));
        var problem = SimplexProblem.FromFactor(factor, rows, Enumerable.Range(0, n).ToArray(), linear, b.Sum(v => v * v), eta, rows, b);

        var x = new double[n];
        SimplexActiveSet.Solve(problem, x);

        Assert.All(x, v => Assert.True(v >= 0));
        Assert.Equal(1.0, x.Sum(), 12);
        for (int r = 0; r < rows; r++)
        {
            Assert.Equal(b[r], Enumerable.Range(0, n).Sum(j => a[r, j] * x[j]), 1e-9);
        }
    }

    [Theory]
    [InlineData("sdid")]
    [InlineData("sc")]
    public void A_placebo_replication_allocates_in_proportion_to_the_panel_not_to_the_square_of_its_controls(string name)
    {
        long Allocated(int n0)
        {
            var data = new FactorModel { N0 = n0, N1 = 5, T0 = 30, T1 = 5 }.Draw(seed: n0);
            var estimate = PanelEstimators.Create(name).Estimate(data);
            var reestimate = Replications.Reestimate(estimate, updateWeights: true);
            var rows = Enumerable.Range(0, data.N0).Reverse().ToArray();
            reestimate(rows, data.N0 - data.N1);   // warm-up: JIT and lazy state
            long before = GC.GetAllocatedBytesForCurrentThread();
            reestimate(rows, data.N0 - data.N1);
            return GC.GetAllocatedBytesForCurrentThread() - before;
        }

        long small = Allocated(400), large = Allocated(1600);

        // An N0×N0 matrix of doubles at N0 = 1600 is 20 MB; the replication's own arrays are O(N0 + T0²).
        Assert.True(large < 1600L * 1600 * 8 / 20, $"{large} bytes allocated by one replication at N0 = 1600");
        Assert.True(large < 8 * small, $"allocation grew {large / (double)small:F1}× for 4× the controls ({small} → {large} bytes)");
    }

    private static (double[,] A, double[] B) RandomProblem(int seed, int rows, int n)
    {
        var random = new Random(seed);
        var a = new double[rows, n];
        var b = new double[rows];
        for (int r = 0; r < rows; r++)
        {
            b[r] = random.NextDouble() * 4 - 2;
            for (int j = 0; j < n; j++)
            {
                a[r, j] = random.NextDouble() * 4 - 2;
            }
        }
        return (a, b);
    }

    private static SimplexProblem GramProblem(double[,] a, double[] b, double zeta)
    {
        int rows = a.GetLength(0), n = a.GetLength(1);
        var gram = new double[n * n];
        var linear = new double[n];
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < n; j++)
            {
                for (int r = 0; r < rows; r++)
                {
                    gram[i * n + j] += a[r, i] * a[r, j];
                }
            }
            for (int r = 0; r < rows; r++)
            {
                linear[i] += a[r, i] * b[r];
            }
        }
        return new SimplexProblem(gram, n, Enumerable.Range(0, n).ToArray(), linear, b.Sum(v => v * v), rows * zeta * zeta, rows);
    }

    /// <summary>Half-gradient Aᵀ(Ax − b) + ηx: equal on the support, no smaller off it; x on the simplex.</summary>
    private static void AssertKkt(double[,] a, double[] b, double eta, double[] x)
    {
        int rows = a.GetLength(0), n = a.GetLength(1);
        var residual = Enumerable.Range(0, rows).Select(r => Enumerable.Range(0, n).Sum(j => a[r, j] * x[j]) - b[r]).ToArray();
        var gradient = Enumerable.Range(0, n).Select(j => Enumerable.Range(0, rows).Sum(r => a[r, j] * residual[r]) + eta * x[j]).ToArray();
        double common = Enumerable.Range(0, n).Where(j => x[j] > 0).Min(j => gradient[j]);
        for (int j = 0; j < n; j++)
        {
            Assert.True(x[j] >= 0);
            if (x[j] > 0)
            {
                Assert.Equal(common, gradient[j], 1e-8);
            }
            else
            {
                Assert.True(gradient[j] >= common - 1e-8, $"variable {j}: {gradient[j]} < {common}");
            }
        }
        Assert.Equal(1.0, x.Sum(), 12);
    }
}
