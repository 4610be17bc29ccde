using LiftPipeline.Statistics.Experiments.Contrasts;
using Xunit.Abstractions;
using static LiftPipeline.Tests.Experiments.SufficientStatisticDraws;

namespace LiftPipeline.Tests.Experiments;

/// <summary>CUPED on simulated bivariate-normal customers with a known outcome–covariate correlation ρ.</summary>
[Trait("Category", "Simulation")]
public sealed class CupedSimulationTests(ITestOutputHelper output)
{
    [Fact]
    public void Cuped_shrinks_the_variance_of_the_effect_by_one_minus_rho_squared_and_keeps_coverage()
    {
        const int replications = 20_000;
        const long n = 10_000;
        const double rho = 0.6, effect = 0.3;
        var plain = new double[replications];
        var cuped = new double[replications];
        var estimatedRatio = new double[replications];
        var covered = new int[replications];
        Parallel.For(0, replications, r =>
        {
            var rng = Generator(503, r);
            var control = BivariateGaussian(rng, n, meanY: 10, sdY: 5, meanX: 8, sdX: 4, rho);
            var treatment = BivariateGaussian(rng, n, meanY: 10 + effect, sdY: 5, meanX: 8, sdX: 4, rho);
            var unadjusted = WelchContrast.OfMeans(control.Y, treatment.Y);
            var adjusted = CupedAdjustment.Estimate(control, treatment);
            plain[r] = unadjusted.Effect;
            cuped[r] = adjusted.Effect;
            estimatedRatio[r] = adjusted.StandardError * adjusted.StandardError / (unadjusted.StandardError * unadjusted.StandardError);
            covered[r] = adjusted.Lower <= effect && effect <= adjusted.Upper ? 1 : 0;
        });
        double target = 1 - rho * rho;
        double monteCarloRatio = Variance(cuped) / Variance(plain);
        double meanEstimatedRatio = estimatedRatio.Average();
        double coverage = covered.Average();
        output.WriteLine($"1 − ρ² = {target}; Var(CUPED)/Var(plain) over replications {monteCarloRatio:F4}; mean estimated SE² ratio {meanEstimatedRatio:F4}; CUPED 95% coverage {coverage:F4}");
        Assert.InRange(monteCarloRatio / target, 0.98, 1.02);
        Assert.InRange(meanEstimatedRatio / target, 0.98, 1.02);
        Assert.InRange(coverage, 0.94, 0.96);
    }

    private static double Variance(double[] values)
    {
        double mean = values.Average(), squares = 0;
        foreach (double v in values)
        {
            squares += (v - mean) * (v - mean);
        }
        return squares / (values.Length - 1);
    }
}
