using LiftPipeline.Statistics.Experiments;
using LiftPipeline.Statistics.Experiments.Contrasts;
using MathNet.Numerics.Distributions;
using Xunit.Abstractions;
using static LiftPipeline.Tests.Experiments.SufficientStatisticDraws;

namespace LiftPipeline.Tests.Experiments;

/// <summary>
/// Simulated three-arm holdout experiments with known truth (holdout, vbo, vbo_1p; three segments whose true effects
/// differ, randomised customers so segment counts are random): the 95% Welch intervals must cover the true contrasts
/// about 95% of the time.
/// </summary>
[Trait("Category", "Simulation")]
public sealed class CoverageSimulationTests(ITestOutputHelper output)
{
    private const long CustomersPerArm = 10_000;
    private static readonly double[] Shares = [0.5, 0.3, 0.2];

    // Segment means by arm (rows: holdout, vbo, vbo_1p): vbo lifts segment 0 and 1, vbo_1p all three differently.
    private static readonly double[][] GaussianMeans = [[10, 20, 5], [10.5, 21, 5], [10.8, 20.5, 5.6]];
    private static readonly double[] GaussianSds = [8, 15, 4];

    // Lognormal revenue among converters: conversion rates and log-scale locations by arm and segment, σ_log = 1.
    private static readonly double[][] Conversion = [[0.10, 0.15, 0.05], [0.11, 0.15, 0.06], [0.12, 0.16, 0.05]];
    private static readonly double[][] LogLocation = [[3.0, 3.5, 2.5], [3.0, 3.6, 2.5], [3.1, 3.5, 2.7]];
    private const double LogScale = 1.0;

    private static readonly (int Control, int Treatment)[] Contrasts = [(0, 1), (0, 2), (1, 2)];

    [Fact]
    public void Welch_intervals_cover_the_true_contrasts_95_percent_of_the_time_with_gaussian_revenue()
    {
        double[] truth = new double[3];
        for (int arm = 0; arm < 3; arm++)
        {
            for (int s = 0; s < Shares.Length; s++)
            {
                truth[arm] += Shares[s] * GaussianMeans[arm][s];
            }
        }
        var coverage = Coverage(20_000, seed: 501, truth, (rng, arm) =>
        {
            var counts = SegmentCounts(rng, CustomersPerArm, Shares);
            var moments = default(SampleMoments);
            for (int s = 0; s < Shares.Length; s++)
            {
                // Exact moments of the segment's draws; the arm's moments are their sum (a mixture over segments).
                moments += Gaussian(rng, counts[s], GaussianMeans[arm][s], GaussianSds[s]);
            }
            return moments;
        });
        AssertCoverage(coverage, 0.94, 0.96, "gaussian");
    }

    [Fact]
    public void Welch_intervals_cover_the_true_contrasts_about_95_percent_of_the_time_with_zero_inflated_lognormal_revenue()
    {
        double[] truth = new double[3];
        for (int arm = 0; arm < 3; arm++)
        {
            for (int s = 0; s < Shares.Length; s++)
            {
                truth[arm] += Shares[s] * Conversion[arm][s] * Math.Exp(LogLocation[arm][s] + LogScale * LogScale / 2);
            }
        }
        var coverage = Coverage(4_000, seed: 502, truth, (rng, arm) =>
        {
            var counts = SegmentCounts(rng, CustomersPerArm, Shares);
            double sum = 0, squares = 0;
            for (int s = 0; s < Shares.Length; s++)
            {
                // Customers who buy; everyone else contributes 0 to Σy and Σy², so only buyers are drawn.
                long buyers = SegmentCounts(rng, counts[s], [Conversion[arm][s], 1 - Conversion[arm][s]])[0];
                var revenue = new double[buyers];
                LogNormal.Samples(rng, revenue, LogLocation[arm][s], LogScale);
                foreach (double y in revenue)
                {
                    sum += y;
                    squares += y * y;
                }
            }
            return new SampleMoments(CustomersPerArm, sum, squares);
        });
        AssertCoverage(coverage, 0.93, 0.97, "lognormal");
    }

    /// <summary>Share of replications whose 95% interval covers the true absolute and relative contrast, per contrast.</summary>
    private static (double Absolute, double Relative)[] Coverage(int replications, int seed, double[] truth, Func<Random, int, SampleMoments> drawArm)
    {
        var absolute = new int[replications, Contrasts.Length];
        var relative = new int[replications, Contrasts.Length];
        var relativeOptions = new ContrastOptions(Scale: EffectScale.Relative);
        Parallel.For(0, replications, r =>
        {
            var rng = Generator(seed, r);
            var arms = new SampleMoments[3];
            for (int arm = 0; arm < 3; arm++)
            {
                arms[arm] = drawArm(rng, arm);
            }
            for (int k = 0; k < Contrasts.Length; k++)
            {
                var (c, t) = Contrasts[k];
                var abs = WelchContrast.OfMeans(arms[c], arms[t]);
                var rel = WelchContrast.OfMeans(arms[c], arms[t], relativeOptions);
                double trueAbs = truth[t] - truth[c], trueRel = trueAbs / truth[c];
                absolute[r, k] = abs.Lower <= trueAbs && trueAbs <= abs.Upper ? 1 : 0;
                relative[r, k] = rel.Lower <= trueRel && trueRel <= rel.Upper ? 1 : 0;
            }
        });
        var result = new (double, double)[Contrasts.Length];
        for (int k = 0; k < Contrasts.Length; k++)
        {
            int a = 0, b = 0;
            for (int r = 0; r < replications; r++)
            {
                a += absolute[r, k];
                b += relative[r, k];
            }
            result[k] = ((double)a / replications, (double)b / replications);
        }
        return result;
    }

    private void AssertCoverage((double Absolute, double Relative)[] coverage, double low, double high, string label)
    {
        string[] names = ["vbo − holdout", "vbo_1p − holdout", "vbo_1p − vbo"];
        for (int k = 0; k < coverage.Length; k++)
        {
            output.WriteLine($"{label} {names[k]}: absolute {coverage[k].Absolute:F4}, relative {coverage[k].Relative:F4}");
        }
        foreach (var (abs, rel) in coverage)
        {
            Assert.InRange(abs, low, high);
            Assert.InRange(rel, low, high);
        }
    }
}
