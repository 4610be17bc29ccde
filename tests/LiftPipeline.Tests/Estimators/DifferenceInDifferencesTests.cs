using LiftPipeline.Statistics.Estimators;

namespace LiftPipeline.Tests.Estimators;

public sealed class DifferenceInDifferencesTests
{
    [Fact]
    public void Did_on_prop99_matches_published_estimate()
    {
        var estimate = new DifferenceInDifferences().Estimate(ReferencePanels.Prop99);

        Assert.Equal(-27.3491110836, estimate.Att, 8);
        Assert.Equal(12, estimate.Effects.Count);
        Assert.Equal(estimate.Att, estimate.Effects.Average(e => e.Effect), 10);
        Assert.Equal(38, estimate.UnitWeights!.Count);
        Assert.All(estimate.UnitWeights!, w => Assert.Equal(1.0 / 38, w.Weight, 12));
    }

    [Fact]
    public void Did_equals_the_two_way_fixed_effects_regression_coefficient()
    {
        // On a block design the TWFE coefficient is the double difference of cell means; compute it from means directly.
        var data = ReferencePanels.Prop99;
        double Mean(int i0, int i1, int t0, int t1)
        {
            double sum = 0;
            for (int i = i0; i < i1; i++)
            {
                for (int t = t0; t < t1; t++)
                {
                    sum += data[i, t];
                }
            }
            return sum / ((i1 - i0) * (t1 - t0));
        }
        double expected = Mean(data.N0, data.N, data.T0, data.T) - Mean(data.N0, data.N, 0, data.T0)
            - (Mean(0, data.N0, data.T0, data.T) - Mean(0, data.N0, 0, data.T0));

        Assert.Equal(expected, new DifferenceInDifferences().Estimate(data).Att, 10);
    }

    [Fact]
    public void Shifting_treated_outcomes_by_c_moves_the_estimate_by_c_and_lift_counts_the_counterfactual()
    {
        var data = ReferencePanels.Prop99;
        var did = new DifferenceInDifferences();
        var shifted = data.WithTreatedRows((_, t, y) => t >= data.T0 ? y + 5 : y);

        var before = did.Estimate(data);
        var after = did.Estimate(shifted);

        Assert.Equal(before.Att + 5, after.Att, 10);
        double observed = before.Observed.Skip(data.T0).Sum(), counterfactual = before.Counterfactual.Skip(data.T0).Sum();
        Assert.Equal((observed - counterfactual) / counterfactual, before.Lift, 12);
        Assert.Equal(before.Att * data.N1 * data.T1, before.Incremental, 10);
    }
}
