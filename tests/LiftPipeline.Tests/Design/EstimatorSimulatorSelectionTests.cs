using LiftPipeline.Statistics.Design;
using LiftPipeline.Statistics.Panels;

namespace LiftPipeline.Tests.Design;

/// <summary>Market selection and power analysis run end to end with an estimator other than GeoLift's.</summary>
public sealed class EstimatorSimulatorSelectionTests
{
    /// <summary>Noise-free parallel paths: market i is a_i (10 + f_t), so every market's untreated path is known exactly.</summary>
    private static GeoDesignPanel Parallel(int markets = 12, int periods = 60)
    {
        var random = new Random(4);
        var f = new double[periods];
        for (int t = 0; t < periods; t++)
        {
            f[t] = Math.Sin(t / 3.0) + random.NextDouble();
        }
        var y = new double[markets * periods];
        for (int i = 0; i < markets; i++)
        {
            double a = 50 + 10 * i;
            for (int t = 0; t < periods; t++)
            {
                y[i * periods + t] = a + 10 * f[t];
            }
        }
        return new GeoDesignPanel(
            Enumerable.Range(0, markets).Select(i => "m" + i).ToArray(), Enumerable.Range(0, periods).Select(t => Period.FromInteger(t)).ToArray(), y);
    }

    [Theory]
    [InlineData("sdid")]
    [InlineData("did")]
    [InlineData("geolift")]
    public void On_a_noise_free_panel_the_att_is_e_times_the_treated_window_mean_and_power_is_zero_at_zero_and_one_above(string estimator)
    {
        var data = Parallel();
        string[] locations = ["m3", "m7"];
        var options = new GeoDesignOptions
        {
            Estimator = estimator, TreatmentPeriods = [6], EffectSizes = [0, 0.05, 0.1], Lookback = 3, Permutations = 100, CalibrationWindows = 5,
        };

        var curve = GeoPowerAnalysis.Curve(data, locations, options);

        Assert.Equal(3, curve.Points.Count);
        foreach (var point in curve.Points)
        {
            double mean = 0;
            for (int s = 1; s <= 3; s++)
            {
                var window = GeoWindow.Lookback(data.T, 6, s);
                for (int t = window.T0; t < window.Length; t++)
                {
                    mean += (data[3, t] + data[7, t]) / (2 * 6 * 3);
                }
            }
            Assert.Equal(point.EffectSize * mean, point.AvgAtt, 1e-6 * mean);
            Assert.Equal(point.EffectSize, point.AvgDetectedLift, 1e-8);
            Assert.Equal(point.EffectSize == 0 ? 0 : 1, point.Power);
        }
        Assert.Equal(0, Assert.Single(curve.Calibration).FalsePositiveRate);
    }

    [Fact]
    [Trait("Category", "Simulation")]
    public void Sdid_market_selection_runs_the_published_walkthrough_end_to_end()
    {
        var options = DesignPanels.Walkthrough with { Estimator = "sdid", Permutations = 200 };

        var selection = GeoMarketSelection.Select(DesignPanels.PreTest, options);

        Assert.Equal(330, selection.Simulations);
        Assert.NotEmpty(selection.Candidates);
        var data = DesignPanels.PreTest;
        foreach (var curve in selection.Curves)
        {
            Assert.Contains("chicago", curve.Locations);
            Assert.DoesNotContain("honolulu", curve.Locations);
            var rows = curve.Locations.Select(name => data.Units.ToList().IndexOf(name)).ToArray();
            foreach (var point in curve.Points)
            {
                var window = GeoWindow.Lookback(data.T, point.Duration, 1);
                double total = 0;
                foreach (int i in rows)
                {
                    for (int t = window.T0; t < window.Length; t++)
                    {
                        total += data[i, t];
                    }
                }
                var zero = curve.Points.Single(p => p.Duration == point.Duration && p.EffectSize == 0);
                // The counterfactual reads no treated test cell: the ATT moves by exactly e × the treated window mean.
                Assert.Equal(point.EffectSize * total / (rows.Length * point.Duration), point.AvgAtt - zero.AvgAtt, 1e-6 * total);
                Assert.Equal(7.5 * point.EffectSize * total, point.Investment, 1e-6 * total);
                Assert.Equal(zero.AvgScaledL2Imbalance, point.AvgScaledL2Imbalance, 1e-9);
            }
            Assert.Equal(2, curve.Calibration.Count);
        }
        foreach (var row in selection.Candidates)
        {
            Assert.True(row.Power > 0.8);
            Assert.Contains(row.EffectSize, options.EffectSizes);
            Assert.True(row.EffectSize > 0);
            Assert.True(Math.Abs(row.Investment) < 100_000);
            Assert.NotNull(row.FalsePositiveRate);
        }
    }
}
