using LiftPipeline.Statistics.Design;
using LiftPipeline.Statistics.Experiments.Contrasts;
using LiftPipeline.Statistics.Inference;
using MathNet.Numerics.Distributions;

namespace LiftPipeline.Tests.Design;

/// <summary>
/// A geo design planned for the always-valid interval the nightly decisions read: at the planned end (information
/// fraction 1) that interval excludes 0 exactly when a fixed-horizon two-sided test at α′ = 2(1 − Φ(M(1, α))) rejects,
/// so each simulated test rejects at α′.
/// </summary>
public sealed class GeoAlwaysValidPlanTests
{
    [Theory]
    [InlineData(0.05, 0.0024037)]
    [InlineData(0.1, 0.0057108)]
    public void Horizon_alpha_is_the_two_sided_level_of_the_normal_mixture_boundary_at_the_planned_information(double alpha, double published)
    {
        // Howard et al. 2021 normal mixture at r = 1 with κ = −2 ln α + ln(1 − 2 ln α), written out here on its own.
        double l = -2 * Math.Log(alpha);
        double kappa = l + Math.Log(1 + l);
        double m = Math.Sqrt((1 + kappa) / kappa * (Math.Log(1 + kappa) + l));
        double expected = 2 * (1 - Normal.CDF(0, 1, m));

        Assert.Equal(expected, InformationTimeSequence.HorizonAlpha(alpha), 12);
        Assert.Equal(published, InformationTimeSequence.HorizonAlpha(alpha), 7);
    }

    [Fact]
    public void Options_test_at_alpha_for_the_fixed_horizon_plan_and_at_the_horizon_alpha_for_the_always_valid_plan()
    {
        var fixedHorizon = new GeoDesignOptions { Alpha = 0.05 };

        Assert.False(fixedHorizon.AlwaysValid);
        Assert.Equal(0.05, fixedHorizon.TestAlpha);
        Assert.Equal(InformationTimeSequence.HorizonAlpha(0.05), (fixedHorizon with { AlwaysValid = true }).TestAlpha);
    }

    [Fact]
    public void Too_few_permutations_for_the_horizon_alpha_are_refused_with_the_number_needed()
    {
        var data = GeoPowerKnownTruthTests.FactorMarkets(1, markets: 8, periods: 40);
        var options = new GeoDesignOptions { TreatmentPeriods = [5], EffectSizes = [0], Alpha = 0.05, AlwaysValid = true, Permutations = 300 };

        var problem = Assert.Throws<GeoDesignOptionException>(() => GeoPowerAnalysis.Curve(data, ["m00"], options));

        Assert.Equal("permutations 300 cannot reach the always-valid test level 0.00240369 (alpha 0.05): the smallest p-value is 1/301; give permutations 416 or more, or plan a fixed-horizon test (fixedHorizon).", problem.Message);
        Assert.NotNull(GeoPowerAnalysis.Curve(data, ["m00"], options with { Permutations = 416, CalibrationWindows = 0 }));
    }

    [Fact]
    public void Block_permutations_over_too_few_periods_for_the_horizon_alpha_are_refused()
    {
        var data = GeoPowerKnownTruthTests.FactorMarkets(1, markets: 8, periods: 40);
        var options = new GeoDesignOptions { TreatmentPeriods = [5], EffectSizes = [0], Alpha = 0.05, AlwaysValid = true, Permutation = ConformalPermutation.MovingBlock };

        var problem = Assert.Throws<GeoDesignOptionException>(() => GeoPowerAnalysis.Curve(data, ["m00"], options));

        Assert.Equal("permutation block cannot reach the always-valid test level 0.00240369 (alpha 0.05): with 40 periods the smallest p-value is 1/40; use permutation iid, or plan a fixed-horizon test (fixedHorizon).", problem.Message);
    }
}

/// <summary>
/// The always-valid plan on panels of known truth (<see cref="GeoPowerKnownTruthTests.FactorMarkets"/>: exchangeable
/// residuals, the injected lift the only effect): its false-positive rate at effect 0 is α′, and its power never exceeds
/// the fixed-horizon power at the same α, window by window (the same p-values, a smaller level).
/// </summary>
[Trait("Category", "Simulation")]
public sealed class GeoAlwaysValidPlanSimulationTests
{
    private const int Panels = 300;
    private const int Lookback = 4;
    private const double Alpha = 0.05;
    private static readonly double[] Effects = [0, 0.01, 0.02, 0.05, 0.1];

    private static readonly Lazy<(GeoPowerCurve AlwaysValid, GeoPowerCurve FixedHorizon)[]> Curves = new(() =>
        Enumerable.Range(1, Panels).Select(seed =>
        {
            var data = GeoPowerKnownTruthTests.FactorMarkets(seed);
            var options = new GeoDesignOptions
            {
                TreatmentPeriods = [10], EffectSizes = Effects, Alpha = Alpha, Permutations = 1000, Lookback = Lookback, CalibrationWindows = 0, Seed = seed,
            };
            return (GeoPowerAnalysis.Curve(data, ["m00", "m01", "m02"], options with { AlwaysValid = true }), GeoPowerAnalysis.Curve(data, ["m00", "m01", "m02"], options));
        }).ToArray());

    [Fact]
    public void False_positive_rate_at_effect_zero_is_at_most_the_horizon_alpha_within_monte_carlo_error()
    {
        double level = InformationTimeSequence.HorizonAlpha(Alpha);
        double rate = Curves.Value.Average(c => c.AlwaysValid.Points[0].Power);

        // A panel's rate averages 4 overlapping windows, so its variance is at most one test's: 3.3 sd of 300 single tests bounds the mean.
        double bound = level + 3.3 * Math.Sqrt(level * (1 - level) / Panels);
        Assert.True(rate <= bound, $"false-positive rate {rate} above {bound} (alpha′ {level})");
        double fixedRate = Curves.Value.Average(c => c.FixedHorizon.Points[0].Power);
        Assert.InRange(fixedRate, Alpha - 3.3 * Math.Sqrt(Alpha * (1 - Alpha) / Panels), Alpha + 3.3 * Math.Sqrt(Alpha * (1 - Alpha) / Panels));
    }

    [Fact]
    public void Power_of_the_always_valid_plan_is_at_most_the_fixed_horizon_power_and_still_finds_a_large_effect()
    {
        var alwaysValid = Enumerable.Range(0, Effects.Length).Select(k => Curves.Value.Average(c => c.AlwaysValid.Points[k].Power)).ToArray();
        var fixedHorizon = Enumerable.Range(0, Effects.Length).Select(k => Curves.Value.Average(c => c.FixedHorizon.Points[k].Power)).ToArray();

        foreach (var (a, f) in Curves.Value)
        {
            for (int k = 0; k < Effects.Length; k++)
            {
                Assert.True(a.Points[k].Power <= f.Points[k].Power, $"effect {Effects[k]}: always-valid {a.Points[k].Power} > fixed-horizon {f.Points[k].Power}");
            }
        }
        Assert.True(alwaysValid[2] < fixedHorizon[2] - 0.05, $"always-valid {string.Join(' ', alwaysValid)}; fixed-horizon {string.Join(' ', fixedHorizon)}");
        Assert.True(alwaysValid[^1] >= 0.9, $"always-valid {string.Join(' ', alwaysValid)}");
    }
}
