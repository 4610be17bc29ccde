using LiftPipeline.Statistics.Estimators.Solvers;

namespace LiftPipeline.Tests.Estimators;

/// <summary>The active-set solver on random problems, checked against the KKT conditions computed from A directly.</summary>
public sealed class ExactSimplexSolverTests
{
    [Theory]
    [InlineData(1, 6, 12, 1e-6)]    // more variables than rows, SC-like tiny penalty: sparse optimum
    [InlineData(2, 30, 8, 1e-6)]
    [InlineData(3, 10, 40, 5.0)]    // SDID-like penalty: dense optimum
    [InlineData(4, 25, 25, 0.3)]
    public void Exact_solver_satisfies_KKT_from_a_cold_start_and_from_a_dense_start(int seed, int rows, int n, double zeta)
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
        var problem = Problem(a, b, zeta);

        var cold = new double[n];
        SimplexActiveSet.Solve(problem, cold);
        var dense = Enumerable.Repeat(1.0 / n, n).ToArray();   // every variable in S: optimum reached by dropping
        SimplexActiveSet.Solve(problem, dense);

        AssertKkt(a, b, rows * zeta * zeta, cold);
        AssertKkt(a, b, rows * zeta * zeta, dense);
        Assert.All(cold.Zip(dense), pair => Assert.Equal(pair.First, pair.Second, 1e-8));
    }

    private static SimplexProblem Problem(double[,] a, double[] b, double zeta)
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
