using LiftPipeline.Statistics.Decisions.Privacy;
using MathNet.Numerics.Distributions;
using Xunit.Abstractions;

namespace LiftPipeline.Tests.Decisions.Privacy;

/// <summary>
/// Simulated releases with known truth: the mean revenue of n customers (exponential, clipped at a cap that bounds the
/// sensitivity at cap/n) released with privacy noise. The widened interval must cover the truth at the nominal 95%; the
/// naive interval (sampling SE only) must under-cover.
/// </summary>
[Trait("Category", "Simulation")]
public sealed class NoisyReleaseCoverageTests(ITestOutputHelper output)
{
    private const int Customers = 400;
    private const double MeanRevenue = 50, Cap = 500;
    private const int Replications = 20_000;

    // E[min(Y, c)] for Y ~ Exp(mean m) is m(1 − e^{−c/m}).
    private static readonly double Truth = MeanRevenue * (1 - Math.Exp(-Cap / MeanRevenue));

    public static TheoryData<string, double, double, double> Mechanisms => new()
    {
        // name, ε, lowest acceptable widened coverage, highest acceptable naive coverage
        { "analytic-gaussian", 1.0, 0.94, 0.70 },
        { "laplace", 0.5, 0.94, 0.80 },
    };

    [Theory]
    [MemberData(nameof(Mechanisms))]
    public void Widened_interval_covers_the_truth_at_the_nominal_rate_and_the_naive_one_does_not(string name, double epsilon, double widenedAtLeast, double naiveAtMost)
    {
        const double sensitivity = Cap / Customers;
        NoiseMechanism mechanism = name == "laplace"
            ? new LaplaceMechanism(sensitivity, epsilon)
            : GaussianMechanism.Analytic(sensitivity, epsilon, delta: 1e-5);
        var random = new Random(1601);
        var revenue = new double[Customers];
        int widened = 0, naive = 0;

        for (int r = 0; r < Replications; r++)
        {
            Exponential.Samples(random, revenue, 1 / MeanRevenue);
            double sum = 0, squares = 0;
            foreach (double y in revenue)
            {
                double clipped = Math.Min(y, Cap);
                sum += clipped;
                squares += clipped * clipped;
            }
            double mean = sum / Customers;
            double se = Math.Sqrt((squares - Customers * mean * mean) / (Customers - 1) / Customers);
            var release = mechanism.Release(mean, se, random);
            var unwidened = NoisyRelease.Widen(release.Value, se, noiseVariance: 0);
            widened += release.Lower <= Truth && Truth <= release.Upper ? 1 : 0;
            naive += unwidened.Lower <= Truth && Truth <= unwidened.Upper ? 1 : 0;
        }

        double widenedCoverage = (double)widened / Replications, naiveCoverage = (double)naive / Replications;
        output.WriteLine($"{name}: noise sd {Math.Sqrt(mechanism.NoiseVariance):F3}, widened {widenedCoverage:F4}, naive {naiveCoverage:F4}");
        Assert.InRange(widenedCoverage, widenedAtLeast, 0.96);
        Assert.InRange(naiveCoverage, 0, naiveAtMost);
    }
}
