using LiftPipeline.Statistics;
using LiftPipeline.Statistics.Estimators;
using LiftPipeline.Statistics.Inference;
using LiftPipeline.Tests.Estimators;

namespace LiftPipeline.Tests.Inference;

public sealed class PlaceboVarianceTests
{
    // Published placebo standard errors are single realisations of 200 draws (the reference's own random numbers), whose
    // Monte-Carlo sd is about 5-7% here; ours use our own draws at the default options (200 replications, seed 1).
    // With 1,000-20,000 replications ours converge to DiD 17.53, SC 10.76, SDID 9.61, DIFP 10.13, so a 10% band around
    // a single published draw is too tight (our seed-1 DiD is 12.5% below; the published SDID 13% below our large-sample
    // value); 15% is about 2-3 Monte-Carlo sd.
    [Trait("Category", "Simulation")]
    [Theory]
    [InlineData("did", 17.740)]
    [InlineData("sc", 9.917)]
    [InlineData("sdid", 8.368)]
    [InlineData("difp", 9.456)]
    public void Placebo_standard_errors_on_prop99_match_published_ones_within_monte_carlo_error(string name, double published)
    {
        var estimate = PanelEstimators.Create(name, new PanelEstimatorSettings { Solver = WeightSolver.Synthdid }).Estimate(ReferencePanels.Prop99);

        var uncertainty = VarianceEstimators.Create("placebo").Estimate(estimate);

        Assert.InRange(uncertainty.StandardError, 0.85 * published, 1.15 * published);
        Assert.Equal(200, uncertainty.Replications);
        Assert.Equal(estimate.Att - 1.959963984540054 * uncertainty.StandardError, uncertainty.CiLow, 9);
    }

    [Fact]
    public void Placebo_results_do_not_depend_on_the_degree_of_parallelism()
    {
        var estimate = PanelEstimators.Create("sdid").Estimate(ReferencePanels.Prop99);

        var one = new PlaceboVariance(new VarianceOptions { Replications = 40, Seed = 7, MaxDegreeOfParallelism = 1 }).Estimate(estimate);
        var four = new PlaceboVariance(new VarianceOptions { Replications = 40, Seed = 7, MaxDegreeOfParallelism = 4 }).Estimate(estimate);
        var otherSeed = new PlaceboVariance(new VarianceOptions { Replications = 40, Seed = 8, MaxDegreeOfParallelism = 4 }).Estimate(estimate);

        Assert.Equal(one, four);
        Assert.NotEqual(one.StandardError, otherSeed.StandardError);
    }

    [Fact]
    public void Placebo_of_did_equals_a_direct_computation_with_the_same_draws()
    {
        // DiD has fixed uniform weights, so each placebo estimate is a plain double difference on the drawn controls.
        var data = ReferencePanels.Prop99;
        var options = new VarianceOptions { Replications = 30, Seed = 3 };
        var estimate = new DifferenceInDifferences().Estimate(data);

        var expected = Enumerable.Range(0, options.Replications).Select(r =>
        {
            var rows = Enumerable.Range(0, data.N0).ToArray();
            new Random(Replications.Seed(options.Seed, r)).Shuffle(rows);
            return new DifferenceInDifferences().Estimate(data.WithRows(rows, data.N0 - data.N1)).Att;
        }).ToArray();
        double mean = expected.Average();
        double se = Math.Sqrt(expected.Sum(v => (v - mean) * (v - mean)) / expected.Length);

        Assert.Equal(se, new PlaceboVariance(options).Estimate(estimate).StandardError, 9);
    }

    [Fact]
    public void Placebo_needs_more_controls_than_treated_units()
    {
        var data = ReferencePanels.Prop99;
        var rows = Enumerable.Range(0, data.N).ToArray();
        var small = data.WithRows(rows, 2);   // 2 controls, 37 treated

        var estimate = new DifferenceInDifferences().Estimate(small);

        Assert.Throws<MeasurementNotPossibleException>(() => new PlaceboVariance(new VarianceOptions()).Estimate(estimate));
    }
}
