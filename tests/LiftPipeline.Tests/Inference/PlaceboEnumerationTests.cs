using LiftPipeline.Statistics.Estimators;
using LiftPipeline.Statistics.Inference;
using LiftPipeline.Tests.Estimators;
using Xunit.Abstractions;

namespace LiftPipeline.Tests.Inference;

/// <summary>
/// With one treated unit a placebo replication is decided by which control is drawn as treated, so the placebo
/// distribution on Prop99 is 38 values we can enumerate. A published placebo SE is one draw of the sd of 200 picks
/// from those 38 values; this checks each published SE against that sampling distribution (computed here by 4,000
/// seeded re-draws) instead of against a fixed percentage band.
/// </summary>
[Trait("Category", "Simulation")]
public sealed class PlaceboEnumerationTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData("did", 17.740)]
    [InlineData("sc", 9.917)]
    [InlineData("sdid", 8.368)]
    [InlineData("difp", 9.456)]
    public void Published_placebo_se_is_a_plausible_200_draw_sd_of_our_enumerated_placebo_distribution(string name, double published)
    {
        var data = ReferencePanels.Prop99;
        var estimate = PanelEstimators.Create(name, new PanelEstimatorSettings { Solver = WeightSolver.Synthdid }).Estimate(data);
        var reestimate = Replications.Reestimate(estimate, updateWeights: true);
        var placebo = new double[data.N0];
        for (int j = 0; j < data.N0; j++)
        {
            var rows = Enumerable.Range(0, data.N0).Where(i => i != j).Append(j).ToArray();
            placebo[j] = reestimate(rows, data.N0 - 1);
        }

        var draws = new double[4000];
        var random = new Random(11);
        var sample = new double[200];
        for (int d = 0; d < draws.Length; d++)
        {
            for (int k = 0; k < sample.Length; k++)
            {
                sample[k] = placebo[random.Next(placebo.Length)];
            }
            draws[d] = Replications.StandardError(sample);
        }
        Array.Sort(draws);
        double low = draws[(int)(0.005 * draws.Length)], high = draws[(int)(0.995 * draws.Length) - 1];
        output.WriteLine($"{name}: enumerated sd {Replications.StandardError(placebo):F3}, 99% range of a 200-draw SE [{low:F3}, {high:F3}], published {published}");

        Assert.InRange(published, low, high);
        var ours = VarianceEstimators.Create("placebo").Estimate(estimate).StandardError;
        Assert.InRange(ours, low, high);
    }
}
