using LiftPipeline.Statistics.Inference;
using LiftPipeline.Statistics.Measurement;
using LiftPipeline.Statistics.Panels;
using Xunit.Abstractions;

namespace LiftPipeline.Tests.Measurement;

/// <summary>
/// Staggered adoption with three cohorts sharing 30 never-treated controls, Y_it = α_i + β_t + ε_it + τ on treated
/// cells (τ = 1, ε iid N(0, 1)): the joint placebo's 95% interval covers the true ATT about 95% of the time, and
/// combining the cohorts' placebo standard errors as independent gives smaller ones.
/// </summary>
[Trait("Category", "Simulation")]
public sealed class JointCohortVarianceSimulationTests(ITestOutputHelper output)
{
    private const int CohortSize = 3, Simulations = 1500, Replications = 100;
    private const double Effect = 1.0;

    private static Panel Simulate(int seed) => JointCohortBootstrapSimulationTests.Simulate(CohortSize, seed);

    private static PanelMeasureOptions Options(CohortVariance cohorts, int seed) => new()
    {
        Metric = "y",
        Estimators = ["did"],
        Variance = "placebo",
        VarianceOptions = new VarianceOptions { Replications = Replications, Seed = seed, MaxDegreeOfParallelism = 1 },
        CohortVariance = cohorts,
    };

    [Fact]
    public void Joint_placebo_covers_the_true_att_at_its_level_and_independent_cohort_standard_errors_are_smaller()
    {
        var joint = new (double Att, double Se, bool Covers)[Simulations];
        var independent = new (double Se, bool Covers)[Simulations];
        Parallel.For(0, Simulations, new ParallelOptions { MaxDegreeOfParallelism = 2 }, s =>
        {
            var panel = Simulate(1000 + s);
            var j = Assert.Single(PanelMeasurer.Measure(panel, Options(CohortVariance.Joint, s)).Estimates);
            var i = Assert.Single(PanelMeasurer.Measure(panel, Options(CohortVariance.Independent, s)).Estimates);
            joint[s] = (j.Att, j.Uncertainty!.StandardError, j.Uncertainty.CiLow <= Effect && Effect <= j.Uncertainty.CiHigh);
            independent[s] = (i.Uncertainty!.StandardError, i.Uncertainty.CiLow <= Effect && Effect <= i.Uncertainty.CiHigh);
        });

        double mean = joint.Average(r => r.Att);
        double trueSd = Math.Sqrt(joint.Sum(r => (r.Att - mean) * (r.Att - mean)) / (Simulations - 1));
        double jointCoverage = joint.Count(r => r.Covers) / (double)Simulations;
        double independentCoverage = independent.Count(r => r.Covers) / (double)Simulations;
        double jointSe = joint.Average(r => r.Se), independentSe = independent.Average(r => r.Se);
        output.WriteLine($"sd of ATT {trueSd:F4}; joint se {jointSe:F4} coverage {jointCoverage:F3}; independent se {independentSe:F4} coverage {independentCoverage:F3}");

        Assert.InRange(mean, Effect - 3 * trueSd / Math.Sqrt(Simulations), Effect + 3 * trueSd / Math.Sqrt(Simulations));
        Assert.InRange(jointCoverage, 0.93, 0.97);
        Assert.True(independentSe < 0.97 * jointSe, $"independent {independentSe:F4} vs joint {jointSe:F4}");
        Assert.True(independentSe < trueSd, $"independent {independentSe:F4} vs true sd {trueSd:F4}");
        Assert.True(independentCoverage < jointCoverage);
    }
}
