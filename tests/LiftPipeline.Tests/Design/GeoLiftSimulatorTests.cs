using LiftPipeline.Statistics.Design;
using LiftPipeline.Statistics.Estimators;
using LiftPipeline.Statistics.Inference;
using LiftPipeline.Statistics.Panels;

namespace LiftPipeline.Tests.Design;

/// <summary>The fast GeoLift simulator against the slow reference: the block panel, GeoLiftSyntheticControl and the conformal refit.</summary>
public sealed class GeoLiftSimulatorTests
{
    private static readonly double[] Effects = [0, 0.05, 0.1, -0.1, 0.2];

    [Theory]
    [InlineData(1, 2, 90, 15)]
    [InlineData(2, 1, 90, 10)]
    [InlineData(3, 4, 80, 15)]
    [InlineData(4, 6, 60, 7)]
    [InlineData(5, 3, 30, 10)]
    public void Fast_simulation_equals_the_block_panel_reference(int seed, int treatedCount, int length, int duration)
    {
        var data = DesignPanels.PreTest;
        var random = new Random(seed);
        var treated = Enumerable.Range(0, data.N).OrderBy(_ => random.Next()).Take(treatedCount).Order().ToArray();
        var donors = Enumerable.Range(0, data.N).Except(treated).ToArray();
        var options = new GeoDesignOptions { Cpic = 2.5, Permutations = 200, Seed = seed };
        var window = new GeoWindow(length, duration);
        var fast = new GeoSimulation[Effects.Length];

        new GeoLiftSimulator(data, options).Simulate(treated, donors, window, Effects, fast);

        var test = new GeoConformalTest(length, duration, options.Permutation, options.Permutations, options.Seed, options.Side);
        for (int k = 0; k < Effects.Length; k++)
        {
            var reference = Reference(data, treated, donors, window, Effects[k], options.Cpic, test);
            AssertClose(reference.Att, fast[k].Att);
            AssertClose(reference.DetectedLift, fast[k].DetectedLift);
            AssertClose(reference.Investment, fast[k].Investment);
            AssertClose(reference.ScaledL2Imbalance, fast[k].ScaledL2Imbalance);
            Assert.Equal(reference.PValue, fast[k].PValue);
        }
    }

    /// <summary>One simulation the slow way: lift the treated window, estimate on the block panel, refit on all periods, test.</summary>
    internal static GeoSimulation Reference(GeoDesignPanel data, int[] treated, int[] donors, GeoWindow window, double effect, double cpic, GeoConformalTest test)
    {
        int length = window.Length, t0 = window.T0;
        var rows = donors.Concat(treated).ToArray();
        var y = new double[rows.Length * length];
        double treatedWindow = 0;
        for (int r = 0; r < rows.Length; r++)
        {
            for (int t = 0; t < length; t++)
            {
                double v = data[rows[r], t];
                bool lifted = r >= donors.Length && t >= t0;
                treatedWindow += lifted ? v : 0;
                y[r * length + t] = lifted ? v * (1 + effect) : v;
            }
        }
        var panel = new BlockPanel(y, donors.Length, treated.Length, t0, window.Duration);
        var estimator = new GeoLiftSyntheticControl();
        var estimate = estimator.Estimate(panel);
        var residuals = ConformalRefit.Residuals(estimator, panel);
        return new GeoSimulation(test.PValue(residuals, effect), estimate.Att, estimate.Lift, cpic * treatedWindow * effect, estimate.Fit.ScaledL2Imbalance);
    }

    private static void AssertClose(double expected, double actual) =>
        Assert.True(Math.Abs(expected - actual) <= 1e-8 * Math.Max(1, Math.Abs(expected)), $"expected {expected:R}, got {actual:R}");
}
