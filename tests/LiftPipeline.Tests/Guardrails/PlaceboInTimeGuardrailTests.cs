using LiftPipeline.Statistics.Estimators;
using LiftPipeline.Statistics.Guardrails;
using LiftPipeline.Statistics.Inference;
using LiftPipeline.Statistics.Panels;
using LiftPipeline.Tests.Estimators;

namespace LiftPipeline.Tests.Guardrails;

public sealed class PlaceboInTimeGuardrailTests
{
    private static IVarianceEstimator Placebo => VarianceEstimators.Create("placebo", new VarianceOptions { Replications = 100, Seed = 1 });

    [Fact]
    public void The_fake_start_is_one_post_window_before_treatment_when_the_pre_period_is_long_enough()
    {
        var data = ReferencePanels.GeoLiftTest;

        var placebo = PlaceboInTimeGuardrail.PrePeriodPlacebo(data)!;

        Assert.Equal((38, 2, 75, 15), (placebo.N0, placebo.N1, placebo.T0, placebo.T1));
        Assert.Equal(data.Periods.Take(90), placebo.Periods);
        Assert.Equal(data.Row(39)[..90].ToArray(), placebo.Row(39).ToArray());
        Assert.Equal(data.Units, placebo.Units);
    }

    [Fact]
    public void The_fake_start_halves_a_pre_period_shorter_than_two_post_windows()
    {
        var placebo = PlaceboInTimeGuardrail.PrePeriodPlacebo(ReferencePanels.Prop99)!;   // T0 = 19, T1 = 12

        Assert.Equal((9, 10), (placebo.T0, placebo.T1));
        Assert.Equal("1979", placebo.Periods[placebo.T0].ToString());
    }

    [Fact]
    public void Sdid_on_geolift_test_shows_no_placebo_effect_before_treatment()
    {
        var estimate = PanelEstimators.Create("sdid").Estimate(ReferencePanels.GeoLiftTest);

        var result = new PlaceboInTimeGuardrail().Check(estimate, Placebo);

        Assert.Equal(GuardrailStatus.Pass, result.Status);
        Assert.Equal(54.67, result.Evidence["fakeAtt"], 2);
        Assert.Equal(0.83, result.Evidence["pValue"], 2);
        Assert.Equal(75, result.Evidence["fakeStart"]);
    }

    [Fact]
    public void An_injected_pre_trend_on_geolift_test_is_a_placebo_effect_before_treatment()
    {
        // Treated units drift upward by 100 conversions a day from day 60, long before the real start at day 90.
        var drifting = ReferencePanels.GeoLiftTest.WithTreatedRows((_, t, y) => t >= 60 ? y + 100.0 * (t - 60) : y);
        var estimate = PanelEstimators.Create("sdid").Estimate(drifting);

        var result = new PlaceboInTimeGuardrail().Check(estimate, Placebo);

        Assert.Equal(GuardrailStatus.Breach, result.Status);
        Assert.Equal(1832.02, result.Evidence["fakeAtt"], 2);
        Assert.Equal(257.38, result.Evidence["standardError"], 2);
        Assert.True(result.Evidence["pValue"] < 1e-9, $"p = {result.Evidence["pValue"]}");
        Assert.Contains("A placebo effect before treatment: with a fake start on 2021-03-17", result.Message);
    }

    [Fact]
    public void The_post_period_does_not_change_the_verdict()
    {
        var data = ReferencePanels.Prop99;
        var shifted = data.WithTreatedRows((_, t, y) => t >= data.T0 ? y + 50 : y);
        var sdid = PanelEstimators.Create("sdid");
        var guardrail = new PlaceboInTimeGuardrail();

        var original = guardrail.Check(sdid.Estimate(data), Placebo);
        var moved = guardrail.Check(sdid.Estimate(shifted), Placebo);

        Assert.NotEqual(original.Evidence["att"], moved.Evidence["att"]);
        Assert.Equal(original.Evidence["fakeAtt"], moved.Evidence["fakeAtt"]);
        Assert.Equal(original.Evidence["pValue"], moved.Evidence["pValue"]);
        Assert.Equal(-6.19, original.Evidence["fakeAtt"], 2);
        Assert.Equal(0.376, original.Evidence["pValue"], 3);
        Assert.Equal(GuardrailStatus.Pass, original.Status);
    }

    [Fact]
    public void A_single_pre_period_cannot_be_tested_and_warns()
    {
        var data = new BlockPanel([1, 2, 3, 4, 5, 6, 7, 8, 9], 2, 1, 1, 2);
        var estimate = PanelEstimators.Create("did").Estimate(data);

        var result = new PlaceboInTimeGuardrail().Check(estimate, Placebo);

        Assert.Equal(GuardrailStatus.Warn, result.Status);
        Assert.Equal(1, result.Evidence["preperiods"]);
    }

    [Fact]
    public void A_variance_method_the_design_does_not_allow_warns_with_its_reason()
    {
        // Two controls and two treated units: the unit placebo needs more controls than treated units.
        double[] y = [1, 2, 3, 4, 5, 2, 3, 5, 6, 7, 3, 5, 6, 8, 9, 4, 5, 7, 9, 12];
        var estimate = PanelEstimators.Create("did").Estimate(new BlockPanel(y, 2, 2, 4, 1));

        var result = new PlaceboInTimeGuardrail().Check(estimate, Placebo);

        Assert.Equal(GuardrailStatus.Warn, result.Status);
        Assert.Contains("could not run placebo", result.Message);
        Assert.True(result.Evidence.ContainsKey("fakeAtt"));
    }

    /// <summary>Random outcomes around 10 with a unit level, N0 controls then N1 treated units, T0 pre then T1 post periods.</summary>
    private static BlockPanel Small(int n0, int n1, int t0, int t1, int seed = 1)
    {
        var random = new Random(seed);
        int n = n0 + n1, t = t0 + t1;
        var y = new double[n * t];
        for (int k = 0; k < y.Length; k++)
        {
            y[k] = 10 + k / t + random.NextDouble();
        }
        return new BlockPanel(y, n0, n1, t0, t1);
    }

    private static void AssertNotApplicable(GuardrailResult result, string reason)
    {
        Assert.Equal(PlaceboInTimeGuardrail.Name, result.Name);
        Assert.Equal(GuardrailStatus.Warn, result.Status);
        Assert.StartsWith("Placebo in time was not checked: ", result.Message, StringComparison.Ordinal);
        Assert.Contains(reason, result.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_single_pre_period_is_not_applicable_with_the_reason()
    {
        var estimate = PanelEstimators.Create("did").Estimate(Small(3, 1, 1, 2));

        AssertNotApplicable(new PlaceboInTimeGuardrail().Check(estimate, Placebo), "it needs at least 2 pre-periods; the panel has 1.");
    }

    [Fact]
    public void Two_pre_periods_leave_a_fake_window_sdid_cannot_fit_and_it_says_so()
    {
        // The fake window keeps one pre period; SDID needs two to measure noise.
        var estimate = PanelEstimators.Create("sdid").Estimate(Small(5, 1, 2, 1));

        var result = new PlaceboInTimeGuardrail().Check(estimate, Placebo);

        AssertNotApplicable(result, "it could not run placebo for sdid on the fake window");
        Assert.Contains("at least two pre-treatment periods", result.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_jackknife_with_one_control_is_not_applicable_instead_of_failing()
    {
        // Matrix completion has no unit weights, so leaving the only control out used to fail on a worker thread.
        var estimate = PanelEstimators.Create("mc").Estimate(Small(1, 2, 4, 2));

        var result = new PlaceboInTimeGuardrail().Check(estimate, VarianceEstimators.Create("jackknife", new VarianceOptions()));

        AssertNotApplicable(result, "The jackknife is undefined with a single control unit");
    }

    [Fact]
    public void A_jackknife_with_one_treated_unit_is_not_applicable()
    {
        var estimate = PanelEstimators.Create("did").Estimate(Small(5, 1, 6, 2));

        var result = new PlaceboInTimeGuardrail().Check(estimate, VarianceEstimators.Create("jackknife", new VarianceOptions()));

        AssertNotApplicable(result, "single treated unit");
        Assert.True(result.Evidence.ContainsKey("fakeAtt"));
    }

    [Fact]
    public void Time_placebo_windows_the_estimator_cannot_fit_are_not_applicable_even_on_worker_threads()
    {
        // T0 = 5, T1 = 2: the fake window is 3 pre and 2 post periods, so each time-placebo window leaves SDID one pre period.
        var estimate = PanelEstimators.Create("sdid").Estimate(Small(6, 1, 5, 2));
        var timePlacebo = VarianceEstimators.Create("time-placebo", new VarianceOptions { MaxDegreeOfParallelism = 2 });

        var result = new PlaceboInTimeGuardrail().Check(estimate, timePlacebo);

        AssertNotApplicable(result, "it could not run time-placebo for sdid on the fake window");
        Assert.Contains("at least two pre-treatment periods", result.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Time_placebo_on_a_fake_window_with_no_more_pre_than_post_periods_is_not_applicable()
    {
        // T0 = 4, T1 = 2: the fake window is 2 pre and 2 post periods.
        var estimate = PanelEstimators.Create("did").Estimate(Small(6, 1, 4, 2));

        var result = new PlaceboInTimeGuardrail().Check(estimate, VarianceEstimators.Create("time-placebo", new VarianceOptions()));

        AssertNotApplicable(result, "Time placebos need more pre than post periods (T0=2, T1=2)");
    }

    [Fact]
    public void Staggered_cohorts_are_not_applicable_with_the_reason_the_pipeline_writes()
    {
        var result = PlaceboInTimeGuardrail.NotApplicable("staggered adoption cohorts have no single treatment start to move into the pre-period.");

        AssertNotApplicable(result, "staggered adoption cohorts");
        Assert.Empty(result.Evidence);
    }
}
