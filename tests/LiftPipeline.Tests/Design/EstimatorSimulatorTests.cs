using LiftPipeline.Statistics;
using LiftPipeline.Statistics.Design;
using LiftPipeline.Statistics.Estimators;
using LiftPipeline.Statistics.Panels;

namespace LiftPipeline.Tests.Design;

public sealed class EstimatorSimulatorTests
{
    private static int Market(GeoDesignPanel data, string name) => data.Units.ToList().IndexOf(name);

    private static (int[] Treated, int[] Donors) Split(GeoDesignPanel data, params string[] treated)
    {
        var t = treated.Select(name => Market(data, name)).ToArray();
        return (t, Enumerable.Range(0, data.N).Where(i => !t.Contains(i)).ToArray());
    }

    /// <summary>The block panel built by hand: donors then treated rows, the first <paramref name="length"/> periods, each treated post cell × (1 + e).</summary>
    private static BlockPanel ByHand(GeoDesignPanel data, int[] treated, int[] donors, int length, int duration, double e)
    {
        var rows = donors.Concat(treated).ToArray();
        var y = new double[rows.Length * length];
        for (int k = 0; k < rows.Length; k++)
        {
            for (int t = 0; t < length; t++)
            {
                bool lifted = k >= donors.Length && t >= length - duration;
                y[k * length + t] = data[rows[k], t] * (lifted ? 1 + e : 1);
            }
        }
        return new BlockPanel(y, donors.Length, treated.Length, length - duration, duration);
    }

    private static GeoSimulation[] Simulate(IGeoSimulator simulator, int[] treated, int[] donors, GeoWindow window, params double[] effects)
    {
        var results = new GeoSimulation[effects.Length];
        simulator.Simulate(treated, donors, window, effects, results);
        return results;
    }

    [Theory]
    [InlineData(1, 15, 0.0)]
    [InlineData(1, 15, 0.1)]
    [InlineData(3, 10, 0.05)]
    [InlineData(1, 10, -0.2)]
    public void Geolift_through_the_registry_equals_a_direct_geolift_estimate_on_the_same_block_panel(int lookback, int duration, double e)
    {
        var data = DesignPanels.PreTest;
        var (treated, donors) = Split(data, "chicago", "portland");
        var options = new GeoDesignOptions { Estimator = "geolift", Cpic = 7.5, Permutations = 100 };
        var simulator = new EstimatorSimulator(data, options, PanelEstimators.Create("geolift"));
        var window = GeoWindow.Lookback(data.T, duration, lookback);

        var result = Simulate(simulator, treated, donors, window, e)[0];

        var direct = new GeoLiftSyntheticControl().Estimate(ByHand(data, treated, donors, window.Length, duration, e));
        double windowOutcome = 0;
        foreach (int i in treated)
        {
            for (int t = window.T0; t < window.Length; t++)
            {
                windowOutcome += data[i, t];
            }
        }
        Assert.Equal(direct.Att, result.Att, 1e-10);
        Assert.Equal(direct.Lift, result.DetectedLift, 1e-12);
        Assert.Equal(direct.Fit.ScaledL2Imbalance, result.ScaledL2Imbalance, 1e-12);
        Assert.Equal(7.5 * windowOutcome * e, result.Investment, 1e-6);
        Assert.InRange(result.PValue, 1.0 / 101, 1);
    }

    [Theory]
    [InlineData(15, 1)]
    [InlineData(10, 4)]
    public void Geolift_through_the_registry_equals_the_engines_fast_path(int duration, int lookback)
    {
        var data = DesignPanels.PreTest;
        var (treated, donors) = Split(data, "chicago", "cincinnati", "houston", "portland");
        var options = new GeoDesignOptions { Cpic = 7.5, Permutations = 300, Seed = 3 };
        var window = GeoWindow.Lookback(data.T, duration, lookback);
        double[] effects = [0, 0.05, 0.1, 0.2];

        var registry = Simulate(new EstimatorSimulator(data, options, PanelEstimators.Create("geolift")), treated, donors, window, effects);
        var fast = Simulate(GeoSimulators.Create(data, options), treated, donors, window, effects);

        for (int k = 0; k < effects.Length; k++)
        {
            Assert.Equal(registry[k].Att, fast[k].Att, 1e-6 * Math.Abs(registry[k].Att) + 1e-6);
            Assert.Equal(registry[k].DetectedLift, fast[k].DetectedLift, 1e-8);
            Assert.Equal(registry[k].ScaledL2Imbalance, fast[k].ScaledL2Imbalance, 1e-6);
            Assert.Equal(registry[k].Investment, fast[k].Investment, 1e-6);
            Assert.Equal(registry[k].PValue, fast[k].PValue, 1e-12);
        }
    }

    [Theory]
    [InlineData("geolift")]
    [InlineData("sdid")]
    [InlineData("sc")]
    [InlineData("did")]
    public void The_att_at_effect_e_exceeds_the_att_at_zero_by_e_times_the_treated_window_mean(string estimator)
    {
        var data = DesignPanels.PreTest;
        var (treated, donors) = Split(data, "chicago", "cincinnati", "houston", "portland");
        var simulator = new EstimatorSimulator(data, new GeoDesignOptions { Estimator = estimator, Permutations = 50 }, PanelEstimators.Create(estimator));
        var window = GeoWindow.Lookback(data.T, 15, 2);

        var results = Simulate(simulator, treated, donors, window, 0, 0.05, 0.2);

        double mean = 0;
        foreach (int i in treated)
        {
            for (int t = window.T0; t < window.Length; t++)
            {
                mean += data[i, t] / (treated.Length * window.Duration);
            }
        }
        // The counterfactual reads no treated post cell, so lifting them moves the ATT by exactly e × their mean.
        Assert.Equal(0.05 * mean, results[1].Att - results[0].Att, 1e-8 * mean);
        Assert.Equal(0.2 * mean, results[2].Att - results[0].Att, 1e-8 * mean);
        Assert.Equal(results[0].ScaledL2Imbalance, results[2].ScaledL2Imbalance, 1e-12);
    }

    [Theory]
    [InlineData("sdid")]
    [InlineData("mc")]
    public void Effects_simulated_together_equal_effects_simulated_one_at_a_time(string estimator)
    {
        var data = DesignPanels.PreTest;
        var (treated, donors) = Split(data, "chicago", "portland");
        var options = new GeoDesignOptions { Estimator = estimator, Permutations = 200, Seed = 7 };
        var window = GeoWindow.Lookback(data.T, 10, 1);

        var together = Simulate(new EstimatorSimulator(data, options, PanelEstimators.Create(estimator)), treated, donors, window, 0, 0.1);
        var alone = Simulate(new EstimatorSimulator(data, options, PanelEstimators.Create(estimator)), treated, donors, window, 0.1);

        // MC is tuned once per window on the un-lifted panel, so what it finds at 0.1 does not depend on the other effect sizes.
        Assert.Equal(alone[0], together[1]);
    }

    [Theory]
    [InlineData("geolift")]
    [InlineData("sdid")]
    public void A_huge_effect_already_in_the_window_gives_the_smallest_p_value_at_effect_zero(string estimator)
    {
        var source = DesignPanels.PreTest;
        int duration = 15;
        var y = source.Values.ToArray();
        int chicago = Market(source, "chicago");
        for (int t = source.T - duration; t < source.T; t++)
        {
            y[chicago * source.T + t] *= 3;
        }
        var data = new GeoDesignPanel(source.Units, source.Periods, y);
        var (treated, donors) = Split(data, "chicago");
        var options = new GeoDesignOptions { Estimator = estimator, Permutations = 200 };
        var simulator = new EstimatorSimulator(data, options, PanelEstimators.Create(estimator));

        var result = Simulate(simulator, treated, donors, GeoWindow.Lookback(data.T, duration, 1), 0)[0];

        Assert.InRange(result.PValue, 1.0 / 201, 3.0 / 201);
        Assert.InRange(result.DetectedLift, 1.5, 2.5);
    }

    [Theory]
    [InlineData("sdid", 5, 4)]
    [InlineData("geolift-ridge", 5, 3)]
    public void An_estimator_that_cannot_run_on_the_design_fails_it_with_one_message_naming_the_estimator(string estimator, int length, int duration)
    {
        var data = DesignPanels.PreTest;
        var (treated, donors) = Split(data, "chicago", "portland");
        var simulator = new EstimatorSimulator(data, new GeoDesignOptions { Estimator = estimator, Permutations = 20 }, PanelEstimators.Create(estimator));

        var error = Assert.Throws<MeasurementNotPossibleException>(() =>
            Simulate(simulator, treated, donors, new GeoWindow(length, duration), 0.1));

        Assert.StartsWith($"The {estimator} estimator cannot simulate this design (2 test markets, 38 donors, {length - duration} pre periods", error.Message);
        Assert.DoesNotContain('\n', error.Message);
    }
}
