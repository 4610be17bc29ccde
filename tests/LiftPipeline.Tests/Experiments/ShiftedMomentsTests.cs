using System.Numerics;
using LiftPipeline.Statistics.Experiments;
using LiftPipeline.Statistics.Experiments.Contrasts;
using MathNet.Numerics.Distributions;

namespace LiftPipeline.Tests.Experiments;

/// <summary>
/// Moments about a shift: at means far above the spread (1e9 + N(0, 1), 1e12 + 0/1) the variance and covariance match
/// exact integer arithmetic where Σy² − (Σy)²/n has no digits left, and merging in any order or split gives the same
/// moments.
/// </summary>
public sealed class ShiftedMomentsTests
{
    // 1e9 lies in [2^29, 2^30), so doubles there are multiples of 2^-23: (y − 1e9)·2^23 is an exact integer.
    private const double Ulp = 1.0 / (1 << 23);

    private static double[] LargeMeanNormals(int seed, int n, double mean)
    {
        var rng = new Random(seed);
        var y = new double[n];
        for (int i = 0; i < n; i++)
        {
            y[i] = mean + Normal.Sample(rng, 0, 1);
        }
        return y;
    }

    /// <summary>The unbiased variance of <paramref name="y"/> (all within 2 of 1e9) in exact integer arithmetic.</summary>
    private static double ExactVariance(double[] y) => ExactCovariance(y, y);

    private static double ExactCovariance(double[] y, double[] x)
    {
        BigInteger sy = 0, sx = 0, sxy = 0;
        for (int i = 0; i < y.Length; i++)
        {
            BigInteger a = Grid(y[i]), b = Grid(x[i]);
            sy += a;
            sx += b;
            sxy += a * b;
        }
        long n = y.Length;
        // (Σab − ΣaΣb/n)/(n − 1) on the integer grid, scaled back by Ulp².
        var numerator = n * sxy - sy * sx;
        return (double)numerator / ((double)n * (n - 1)) * Ulp * Ulp;
    }

    private static double ExactMean(double[] y)
    {
        BigInteger sum = 0;
        foreach (double v in y)
        {
            sum += Grid(v);
        }
        return 1e9 + (double)sum / y.Length * Ulp;
    }

    private static BigInteger Grid(double y)
    {
        double scaled = (y - 1e9) / Ulp;
        Assert.Equal(Math.Round(scaled), scaled);
        return new BigInteger(scaled);
    }

    private static SampleMoments Raw(ReadOnlySpan<double> y)
    {
        double sum = 0, squares = 0;
        foreach (double v in y)
        {
            sum += v;
            squares += v * v;
        }
        return new SampleMoments(y.Length, sum, squares);
    }

    private static void AssertRelative(double expected, double actual, double relative, string what) =>
        Assert.True(Math.Abs(actual - expected) <= relative * Math.Abs(expected), $"{what}: expected {expected:R}, got {actual:R}");

    [Fact]
    public void The_variance_of_1e9_plus_standard_normal_draws_matches_exact_arithmetic_where_raw_sums_lose_every_digit()
    {
        var y = LargeMeanNormals(14, 20_000, 1e9);
        double exact = ExactVariance(y);

        var moments = SampleMoments.Of(y);
        var merged = default(SampleMoments);
        foreach (double v in y)
        {
            merged += new SampleMoments(1, v, 0, 0);
        }

        AssertRelative(exact, moments.Variance, 1e-12, "two-pass moments");
        AssertRelative(exact, merged.Variance, 1e-9, "moments merged one observation at a time");
        Assert.Equal(ExactMean(y), moments.Mean, 2e-7);
        Assert.Equal(ExactMean(y), merged.Mean, 2e-7);
        // The raw formula on the same data: Σy² ≈ 2e22 carries an ulp of 2^22 ≈ 4e6 against (n − 1)s² ≈ 2e4, so
        // (Σy² − (Σy)²/n)/(n − 1) gives 8598.75 where the exact variance is 0.99577 (shifted: 4e-14 relative off).
        Assert.True(Math.Abs(Raw(y).Variance - exact) > 0.5, $"raw {Raw(y).Variance:R} vs exact {exact:R}");
    }

    [Fact]
    public void The_variance_of_1e12_plus_zeros_and_ones_is_exact()
    {
        const int n = 10_000;
        var rng = new Random(7);
        var y = new double[n];
        long ones = 0;
        for (int i = 0; i < n; i++)
        {
            int b = rng.NextDouble() < 0.3 ? 1 : 0;
            ones += b;
            y[i] = 1e12 + b;
        }
        double exact = (double)ones * (n - ones) / ((double)n * (n - 1));

        var merged = default(SampleMoments);
        for (int start = 0; start < n; start += 1_000)
        {
            merged += SampleMoments.Of(y.AsSpan(start, 1_000));
        }

        AssertRelative(exact, merged.Variance, 1e-12, "variance");
        Assert.Equal(1e12 + (double)ones / n, merged.Mean, 2.5e-4);   // two ulps of 1e12
        Assert.Equal(n * 1e12 + ones, merged.Sum, 4.0);
        // Raw: Σy² ≈ 1e28 has an ulp of 2^41 ≈ 2.2e12 against (n − 1)s² ≈ 2.1e3: it gives 1.137e11 for 0.2105.
        Assert.True(Math.Abs(Raw(y).Variance - exact) > 0.1 * exact, $"raw {Raw(y).Variance:R} vs exact {exact:R}");
    }

    [Fact]
    public void Merging_in_any_order_and_split_gives_the_same_moments()
    {
        var y = LargeMeanNormals(3, 12_000, 1e9);
        double exact = ExactVariance(y);
        var rng = new Random(11);
        var results = new List<SampleMoments>();
        for (int trial = 0; trial < 20; trial++)
        {
            // Random split points, each piece about its own mean, merged in a random order.
            var cuts = Enumerable.Range(0, 1 + rng.Next(30)).Select(_ => rng.Next(1, y.Length)).Append(0).Append(y.Length).Distinct().Order().ToArray();
            var pieces = new List<SampleMoments>();
            for (int k = 0; k + 1 < cuts.Length; k++)
            {
                pieces.Add(SampleMoments.Of(y.AsSpan(cuts[k], cuts[k + 1] - cuts[k])));
            }
            var merged = default(SampleMoments);
            foreach (var piece in pieces.OrderBy(_ => rng.Next()))
            {
                merged += piece;
            }
            results.Add(merged);
        }

        foreach (var merged in results)
        {
            Assert.Equal(y.Length, merged.N);
            AssertRelative(results[0].Variance, merged.Variance, 1e-12, "variance against the first order");
            AssertRelative(results[0].Mean, merged.Mean, 1e-15, "mean against the first order");
            AssertRelative(exact, merged.Variance, 1e-12, "variance against exact");
        }
    }

    [Fact]
    public void Moments_about_another_shift_are_the_same_moments()
    {
        var moments = SampleMoments.Of(LargeMeanNormals(5, 1_000, 1e9));

        foreach (double shift in new[] { 0.0, 1e9 - 3, 1e9 + 0.25, -5e8 })
        {
            var moved = moments.About(shift);
            Assert.Equal(shift, moved.Shift);
            Assert.Equal(moments.Mean, moved.Mean, 1e-6);
        }
        // Near the mean nothing is lost; about 0 the variance is as bad as the raw formula.
        AssertRelative(moments.Variance, moments.About(1e9 + 0.25).Variance, 1e-12, "about 1e9 + 0.25");
        Assert.Equal(moments, moments.About(moments.Shift));
        // Raw sums are moments about 0: Sum and SumSquares reconstruct them.
        var raw = new SampleMoments(4, 10, 30);
        Assert.Equal((4L, 0.0, 10.0, 30.0), (raw.N, raw.Shift, raw.Deviations, raw.SquaredDeviations));
        Assert.Equal((10.0, 30.0), (raw.About(2.5).Sum, raw.About(2.5).SumSquares));
        Assert.Equal(raw.Variance, raw.About(2.5).Variance, 1e-15);
    }

    [Fact]
    public void Cuped_covariance_and_theta_at_large_means_match_exact_arithmetic()
    {
        // x = 1e9 + N(0, 1), y = x + 0.5·N(0, 1): Cov(y, x) = 1, Var x = 1, θ = 1 in the population.
        const int n = 20_000;
        var rng = new Random(21);
        var x = new double[n];
        var y = new double[n];
        for (int i = 0; i < n; i++)
        {
            x[i] = 1e9 + Normal.Sample(rng, 0, 1);
            y[i] = x[i] + 0.5 * Normal.Sample(rng, 0, 1);
        }
        double exactCov = ExactCovariance(y, x), exactVarX = ExactVariance(x), exactVarY = ExactVariance(y);
        // Two arms, each merged from pieces (different shifts) one row at a time and in blocks.
        var control = default(PairedMoments);
        for (int i = 0; i < n / 2; i++)
        {
            control += new PairedMoments(new SampleMoments(1, y[i], 0, 0), new SampleMoments(1, x[i], 0, 0), 0);
        }
        var treatment = Paired(y.AsSpan(n / 2, n / 4), x.AsSpan(n / 2, n / 4)) + Paired(y.AsSpan(3 * n / 4), x.AsSpan(3 * n / 4));
        var pooled = control + treatment;

        AssertRelative(exactCov, pooled.Covariance, 1e-9, "covariance");
        AssertRelative(exactVarX, pooled.X.Variance, 1e-9, "Var x");
        AssertRelative(exactVarY, pooled.Y.Variance, 1e-9, "Var y");
        AssertRelative(exactCov / exactVarX, CupedAdjustment.PooledTheta([control, treatment]), 1e-9, "θ");
        Assert.Equal(1.0, pooled.Covariance, 0.05);
        double theta = CupedAdjustment.PooledTheta([control, treatment]);
        double exactTreatment = ExactVariance(y[(n / 2)..]) + theta * theta * ExactVariance(x[(n / 2)..]) - 2 * theta * ExactCovariance(y[(n / 2)..], x[(n / 2)..]);
        AssertRelative(exactTreatment, ArmSummary.OfCuped(treatment, theta).UnitVariance, 1e-9, "CUPED unit variance");
        // Raw sums of the same rows: (Σxy − ΣxΣy/n)/(n − 1) gives 3145.9 where the exact covariance is 1.00220.
        var raw = new PairedMoments(n, y.Sum(), y.Sum(v => v * v), x.Sum(), x.Sum(v => v * v), y.Zip(x, (a, b) => a * b).Sum());
        Assert.True(Math.Abs(raw.Covariance - exactCov) > 0.1, $"raw {raw.Covariance:R} vs exact {exactCov:R}");
    }

    [Fact]
    public void Paired_moments_merge_in_any_order_and_reconstruct_the_raw_cross_sum()
    {
        var y = new double[] { 3, 5, 4, 10, -2, 7 };
        var x = new double[] { 1, 0, 1, 1, 0, 1 };
        var a = Paired(y.AsSpan(0, 2), x.AsSpan(0, 2));
        var b = Paired(y.AsSpan(2, 3), x.AsSpan(2, 3));
        var c = Paired(y.AsSpan(5), x.AsSpan(5));
        var whole = Paired(y, x);

        foreach (var merged in new[] { a + b + c, c + (b + a), b + c + a })
        {
            Assert.Equal(whole.N, merged.N);
            Assert.Equal(whole.Covariance, merged.Covariance, 1e-14);
            Assert.Equal(whole.Y.Variance, merged.Y.Variance, 1e-14);
            Assert.Equal(whole.X.Mean, merged.X.Mean, 1e-15);
            Assert.Equal(y.Zip(x, (p, q) => p * q).Sum(), merged.SumXY, 1e-12);
            Assert.Equal(y.Sum(v => v * v), merged.SumY2, 1e-12);
        }
        // Σ(y − ȳ)(x − x̄)/(n − 1) by hand: ȳ = 4.5, x̄ = 2/3.
        Assert.Equal(6.0 / 5, whole.Covariance, 1e-14);
        Assert.Throws<ArgumentException>(() => new PairedMoments(new SampleMoments(2, 0, 0, 0), new SampleMoments(3, 0, 0, 0), 0));
    }

    private static PairedMoments Paired(ReadOnlySpan<double> y, ReadOnlySpan<double> x)
    {
        var my = SampleMoments.Of(y);
        var mx = SampleMoments.Of(x);
        double cross = 0;
        for (int i = 0; i < y.Length; i++)
        {
            cross += (y[i] - my.Shift) * (x[i] - mx.Shift);
        }
        return new(my, mx, cross);
    }
}
