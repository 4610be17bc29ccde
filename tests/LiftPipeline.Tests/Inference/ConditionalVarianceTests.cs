using LiftPipeline.Simulation;
using LiftPipeline.Statistics;
using LiftPipeline.Statistics.Estimators;
using LiftPipeline.Statistics.Inference;
using LiftPipeline.Tests.Estimators;

namespace LiftPipeline.Tests.Inference;

public sealed class ConditionalVarianceTests
{
    private static readonly ParallelOptions Serial = new() { MaxDegreeOfParallelism = 1 };

    [Fact]
    public void Time_placebo_for_did_on_prop99_matches_a_direct_window_computation()
    {
        var data = ReferencePanels.Prop99;
        var squares = new List<double>();
        for (int w = 0; w + data.T1 <= data.T0; w++)
        {
            var window = DirectDid.Range(w, w + data.T1);
            var rest = DirectDid.Range(0, data.T0).Except(window).ToArray();
            double tau = DirectDid.Tau(data, DirectDid.Range(0, data.N0), DirectDid.Range(data.N0, data.N), rest, window);
            squares.Add(tau * tau);
        }

        var u = new TimePlaceboVariance().Estimate(new DifferenceInDifferences().Estimate(data));

        Assert.Equal(8, u.Replications);
        Assert.Equal(Math.Sqrt(squares.Average()), u.StandardError, 9);
    }

    [Fact]
    public void Conditional_variance_is_the_two_way_product_of_its_placebo_components()
    {
        var estimate = new DifferenceInDifferences().Estimate(ReferencePanels.Prop99);
        var options = new VarianceOptions { Replications = 50, Seed = 5 };

        double unit = PlaceboComponents.UnitPlacebo(estimate.Estimator, estimate.Data, 50, 5, Serial);
        double time = PlaceboComponents.TimePlacebo(estimate.Estimator, estimate.Data, Serial);
        double both = PlaceboComponents.UnitTimePlacebo(estimate.Estimator, estimate.Data, 50, 5 + 7919, Serial);
        var u = new ConditionalVariance(options).Estimate(estimate);

        Assert.Equal(Math.Sqrt(unit * time / both), u.StandardError, 9);
        Assert.Equal(u, new ConditionalVariance(options with { MaxDegreeOfParallelism = 2 }).Estimate(estimate));
    }

    [Trait("Category", "Simulation")]
    [Fact]
    public void Conditional_variance_tracks_a_noisier_treated_unit_where_the_unit_placebo_does_not()
    {
        // One treated unit three times as noisy as the controls: the unit placebo (marginal over units) sees only
        // control noise; the conditional variance takes the treated unit's scale from its own pre periods.
        var design = new FactorModel { T0 = 39, T1 = 1, TreatedNoiseScale = 3, Rank = 1 };
        var did = new DifferenceInDifferences();
        var tau = new double[300];
        var conditional = new double[300];
        var unitPlacebo = new double[300];
        Parallel.For(0, 300, r =>
        {
            var estimate = did.Estimate(design.Draw(1000 + r));
            tau[r] = estimate.Att;
            conditional[r] = new ConditionalVariance(new VarianceOptions { Replications = 60, Seed = r, MaxDegreeOfParallelism = 1 }).Estimate(estimate).StandardError;
            unitPlacebo[r] = Math.Sqrt(PlaceboComponents.UnitPlacebo(did, estimate.Data, 60, r, Serial));
        });
        double mean = tau.Average();
        double sd = Math.Sqrt(tau.Sum(x => (x - mean) * (x - mean)) / (tau.Length - 1));

        Assert.InRange(conditional.Average() / sd, 0.85, 1.1);
        Assert.InRange(unitPlacebo.Average() / sd, 0, 0.6);
    }

    [Fact]
    public void Placebo_designs_refuse_panels_without_room_for_them()
    {
        var data = ReferencePanels.Prop99;
        var shortPre = PanelSlices.Select(data, DirectDid.Range(0, data.N), data.N0, DirectDid.Range(8, data.T), data.T0 - 8);
        var estimate = new DifferenceInDifferences().Estimate(shortPre);

        Assert.Throws<MeasurementNotPossibleException>(() => new TimePlaceboVariance().Estimate(estimate));
        Assert.Throws<MeasurementNotPossibleException>(() => new ConditionalVariance().Estimate(estimate));
    }
}
