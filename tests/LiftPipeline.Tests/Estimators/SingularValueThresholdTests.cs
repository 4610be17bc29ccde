using LiftPipeline.Statistics.Estimators;
using MathNet.Numerics.LinearAlgebra;

namespace LiftPipeline.Tests.Estimators;

public sealed class SingularValueThresholdTests
{
    private static double[] RandomMatrix(int seed, int n, int t)
    {
        var random = new Random(seed);
        var a = new double[n * t];
        for (int k = 0; k < a.Length; k++)
        {
            a[k] = random.NextDouble() * 2 - 1;
        }
        return a;
    }

    [Theory]
    [InlineData(1, 60, 8)]
    [InlineData(2, 8, 60)]
    [InlineData(3, 25, 25)]
    [InlineData(4, 300, 40)]
    public void Thin_singular_values_equal_the_dense_svd(int seed, int n, int t)
    {
        var a = RandomMatrix(seed, n, t);
        var dense = Matrix<double>.Build.DenseOfRowMajor(n, t, a).Svd(computeVectors: false).S;

        var thin = SingularValueThreshold.SingularValues(a, n, t);

        Assert.Equal(Math.Min(n, t), thin.Length);
        Assert.Equal(dense.ToArray(), thin, (x, y) => Math.Abs(x - y) < 1e-9);
    }

    [Theory]
    [InlineData(5, 60, 8)]
    [InlineData(6, 8, 60)]
    [InlineData(7, 40, 30)]
    public void Thresholding_equals_the_dense_svd_with_shrunk_singular_values(int seed, int n, int t)
    {
        var a = RandomMatrix(seed, n, t);
        var svd = Matrix<double>.Build.DenseOfRowMajor(n, t, a).Svd(computeVectors: true);
        int m = Math.Min(n, t);
        double theta = (svd.S[0] + svd.S[m - 1]) / 2;
        var shrunk = Matrix<double>.Build.Dense(n, t);
        double expectedNuclear = 0;
        for (int k = 0; k < m; k++)
        {
            double s = Math.Max(svd.S[k] - theta, 0);
            expectedNuclear += s;
            shrunk += s * svd.U.Column(k).OuterProduct(svd.VT.Row(k));
        }
        var result = new double[n * t];

        double nuclear = SingularValueThreshold.Apply(a, n, t, theta, result);

        Assert.True(svd.S[m - 1] < theta && svd.S[0] > theta, "θ should keep some components and drop others");
        Assert.Equal(expectedNuclear, nuclear, 9);
        Assert.Equal(shrunk.ToRowMajorArray(), result, (x, y) => Math.Abs(x - y) < 1e-9);
    }

    [Fact]
    public void Singular_values_of_a_tall_matrix_allocate_no_n_by_n_array()
    {
        const int n = 4000, t = 20;
        var a = RandomMatrix(8, n, t);
        SingularValueThreshold.SingularValues(RandomMatrix(8, 50, t), 50, t);   // warm up MathNet's code paths

        long before = GC.GetAllocatedBytesForCurrentThread();
        var values = SingularValueThreshold.SingularValues(a, n, t);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(t, values.Length);
        // A few n×t copies (0.64 MB each); an n×n U would be 128 MB.
        Assert.True(allocated < 8L * n * t * 8, $"allocated {allocated:N0} bytes");
    }

    [Fact]
    public void Thresholding_a_non_finite_matrix_is_a_numerical_failure_not_an_index_error()
    {
        var a = RandomMatrix(9, 10, 6);
        a[7] = double.NaN;

        var failure = Assert.Throws<NumericalFailureException>(() => SingularValueThreshold.Apply(a, 10, 6, 0.1, new double[60]));

        Assert.Contains("non-finite", failure.Message, StringComparison.Ordinal);
    }

    /// <summary>Rank-4 signal (singular values 40…10 times the noise's) plus uniform noise, row-major n×t.</summary>
    private static double[] LowRankPlusNoise(int seed, int n, int t)
    {
        var random = new Random(seed);
        var a = RandomMatrix(seed + 100, n, t);
        for (int r = 0; r < 4; r++)
        {
            var u = new double[n];
            var v = new double[t];
            for (int i = 0; i < n; i++)
            {
                u[i] = random.NextDouble() * 2 - 1;
            }
            for (int s = 0; s < t; s++)
            {
                v[s] = random.NextDouble() * 2 - 1;
            }
            double scale = 10.0 * (4 - r) / Math.Sqrt(n * t) * Math.Sqrt(n + t) * 3;
            for (int i = 0; i < n; i++)
            {
                for (int s = 0; s < t; s++)
                {
                    a[i * t + s] += scale * u[i] * v[s];
                }
            }
        }
        return a;
    }

    private static (double[] Result, double Nuclear) DenseThreshold(double[] a, int n, int t, double theta)
    {
        var svd = Matrix<double>.Build.DenseOfRowMajor(n, t, a).Svd(computeVectors: true);
        var shrunk = Matrix<double>.Build.Dense(n, t);
        double nuclear = 0;
        for (int k = 0; k < Math.Min(n, t); k++)
        {
            double s = Math.Max(svd.S[k] - theta, 0);
            nuclear += s;
            if (s > 0)
            {
                shrunk += s * svd.U.Column(k).OuterProduct(svd.VT.Row(k));
            }
        }
        return (shrunk.ToRowMajorArray(), nuclear);
    }

    [Theory]
    [InlineData(11, 300, 100)]
    [InlineData(12, 100, 300)]
    public void Wide_grams_threshold_by_warm_started_subspace_iteration_and_match_the_dense_svd(int seed, int n, int t)
    {
        var a = LowRankPlusNoise(seed, n, t);
        double noise = Matrix<double>.Build.DenseOfRowMajor(n, t, RandomMatrix(seed + 100, n, t)).Svd(false).S[0];
        double theta = 1.5 * noise;   // keeps the four signal components and drops all of the noise
        var thresholding = new SingularValueThreshold(n, t);
        var result = new double[n * t];

        double nuclear = thresholding.Apply(a, theta, result);
        var (expected, expectedNuclear) = DenseThreshold(a, n, t, theta);

        Assert.True(Math.Min(n, t) > SingularValueThreshold.DenseLimit);
        Assert.Equal(1, thresholding.SubspaceCalls);
        Assert.Equal(expectedNuclear, nuclear, 6);
        Assert.Equal(expected, result, (x, y) => Math.Abs(x - y) < 1e-6);

        // A nearby matrix (the next proximal step) starts from the kept subspace and is still exact.
        for (int k = 0; k < a.Length; k += 7)
        {
            a[k] *= 1.01;
        }
        nuclear = thresholding.Apply(a, theta, result);
        (expected, expectedNuclear) = DenseThreshold(a, n, t, theta);
        Assert.Equal(2, thresholding.SubspaceCalls);
        Assert.Equal(expectedNuclear, nuclear, 6);
        Assert.Equal(expected, result, (x, y) => Math.Abs(x - y) < 1e-6);
    }

    [Fact]
    public void A_threshold_keeping_most_components_falls_back_to_the_full_eigendecomposition()
    {
        const int n = 200, t = 90;
        var a = RandomMatrix(13, n, t);
        var singular = Matrix<double>.Build.DenseOfRowMajor(n, t, a).Svd(false).S;
        double theta = singular[60];   // keeps 60 of 90 components: more than a third of the Gram's width
        var thresholding = new SingularValueThreshold(n, t);
        var result = new double[n * t];

        double nuclear = thresholding.Apply(a, theta, result);
        var (expected, expectedNuclear) = DenseThreshold(a, n, t, theta);

        Assert.Equal(0, thresholding.SubspaceCalls);
        Assert.Equal(expectedNuclear, nuclear, 8);
        Assert.Equal(expected, result, (x, y) => Math.Abs(x - y) < 1e-8);
    }
}
