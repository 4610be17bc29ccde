using LiftPipeline.Statistics.Design;
using LiftPipeline.Statistics.Estimators;
using LiftPipeline.Statistics.Inference;
using MathNet.Numerics.Distributions;

namespace LiftPipeline.Tests.Design;

/// <summary>
/// When is GeoLift's power simulation honest? Every panel here has no effect, so the share of tests rejecting at effect 0
/// is the test's real size; a calibrated test rejects about alpha = 0.1 of the time. Each rate is over independent panels
/// (one per seed, the most recent 15-day window), so the count is binomial and the bounds below are binomial tests.
/// </summary>
[Trait("Category", "Simulation")]
public sealed class DesignCalibrationTests
{
    private const int Panels = 300;
    private const double Alpha = 0.1;

    /// <summary>Rejections at effect 0 over <see cref="Panels"/> independent panels from <paramref name="panel"/>.</summary>
    private static int Rejections(Func<int, GeoDesignPanel> panel, string estimator, ConformalPermutation permutation)
    {
        var options = new GeoDesignOptions { Estimator = estimator, Permutations = 200, Permutation = permutation, Alpha = Alpha };
        var result = new GeoSimulation[1];
        int rejected = 0;
        for (int seed = 1; seed <= Panels; seed++)
        {
            var data = panel(seed);
            var simulator = new EstimatorSimulator(data, options, PanelEstimators.Create(estimator));
            simulator.Simulate(DesignCalibrationPanel.Test, DesignCalibrationPanel.Donors(data), GeoWindow.Lookback(data.T, 15, 1), [0.0], result);
            rejected += result[0].PValue < Alpha ? 1 : 0;
        }
        return rejected;
    }

    /// <summary>The count is consistent with a rejection rate of alpha: two-sided binomial p-value above 0.001.</summary>
    private static void AssertCalibrated(int rejected)
    {
        double low = Binomial.CDF(Alpha, Panels, rejected), high = 1 - Binomial.CDF(Alpha, Panels, rejected - 1);
        Assert.True(2 * Math.Min(low, high) > 1e-3, $"{rejected}/{Panels} rejections is not a {Alpha:P0} test.");
    }

    /// <summary>The count is far above alpha: P(X ≥ rejected) under rate alpha is below 1e-9, and the rate is at least <paramref name="atLeast"/>.</summary>
    private static void AssertOverRejects(int rejected, double atLeast)
    {
        Assert.True(1 - Binomial.CDF(Alpha, Panels, rejected - 1) < 1e-9, $"{rejected}/{Panels} rejections is not clearly above {Alpha:P0}.");
        Assert.True(rejected >= atLeast * Panels, $"{rejected}/{Panels} rejections, expected at least {atLeast:P0}.");
    }

    [Fact]
    public void Geolift_test_holds_its_level_when_the_test_markets_are_inside_the_donors_hull()
    {
        // Measured: 33/300 on a trend, 32/300 with large markets among the donors too.
        AssertCalibrated(Rejections(seed => DesignCalibrationPanel.Simulate(seed, trend: 5), "geolift", ConformalPermutation.Iid));
        AssertCalibrated(Rejections(seed => DesignCalibrationPanel.Simulate(seed, scale: 4), "geolift", ConformalPermutation.Iid));
    }

    [Fact]
    public void Geolift_iid_test_rejects_most_null_windows_when_the_largest_markets_are_tested_on_a_trend()
    {
        // Measured: 250/300 = 0.83 for geolift and 266/300 = 0.89 for sdid, at alpha 0.1 — "power regardless of effect size".
        static GeoDesignPanel Panel(int seed) => DesignCalibrationPanel.Simulate(seed, trend: 5, scale: 4);

        AssertOverRejects(Rejections(Panel, "geolift", ConformalPermutation.Iid), atLeast: 0.7);
        // SDID is no remedy: its all-period refit is a de-meaned synthetic control too, and cannot reach the loading either.
        AssertOverRejects(Rejections(Panel, "sdid", ConformalPermutation.Iid), atLeast: 0.7);
        // Moving blocks compare the window with every stretch of the trend (measured 31/300): a symmetric trend leaves the window unremarkable.
        AssertCalibrated(Rejections(Panel, "geolift", ConformalPermutation.MovingBlock));
    }

    [Fact]
    public void Geolift_iid_test_over_rejects_with_autocorrelated_residuals_and_moving_blocks_restore_the_level()
    {
        // Measured: 66/300 = 0.22 with iid permutations, 31/300 = 0.10 with moving blocks.
        static GeoDesignPanel Panel(int seed) => DesignCalibrationPanel.Simulate(seed, rho: 0.9, noise: 1);

        AssertOverRejects(Rejections(Panel, "geolift", ConformalPermutation.Iid), atLeast: 0.17);
        AssertCalibrated(Rejections(Panel, "geolift", ConformalPermutation.MovingBlock));
    }

    /// <summary>The mean over 20 panels of the false-positive rate a power curve reports beside its power (10 recent windows at effect 0).</summary>
    private static double ReportedFalsePositiveRate(Func<int, GeoDesignPanel> panel, ConformalPermutation permutation)
    {
        var options = new GeoDesignOptions
        {
            TreatmentPeriods = [15], EffectSizes = [0, 0.05], Permutations = 200, Permutation = permutation, CalibrationWindows = 10, Alpha = Alpha,
        };
        double sum = 0;
        for (int seed = 1; seed <= 20; seed++)
        {
            var curve = GeoPowerAnalysis.Curve(panel(seed), ["market0", "market1"], options);
            var calibration = Assert.Single(curve.Calibration);
            Assert.Equal(10, calibration.Windows);
            sum += calibration.FalsePositiveRate;
        }
        return sum / 20;
    }

    [Fact]
    public void The_false_positive_rate_reported_beside_power_flags_the_uncalibrated_design()
    {
        // Measured (GeoLift's fast path): 0.75 outside the hull, 0.16 inside, 0.285 outside with moving blocks.
        double outside = ReportedFalsePositiveRate(seed => DesignCalibrationPanel.Simulate(seed, trend: 5, scale: 4), ConformalPermutation.Iid);
        double inside = ReportedFalsePositiveRate(seed => DesignCalibrationPanel.Simulate(seed, trend: 5), ConformalPermutation.Iid);
        double blocks = ReportedFalsePositiveRate(seed => DesignCalibrationPanel.Simulate(seed, trend: 5, scale: 4), ConformalPermutation.MovingBlock);

        Assert.InRange(outside, 0.6, 1);
        Assert.InRange(inside, 0, 2 * Alpha);
        Assert.InRange(blocks, 0, outside / 2);
    }
}
