using System.Text.Json;
using LiftPipeline.Pipeline.Reports;
using LiftPipeline.Statistics.Inference;
using LiftPipeline.Statistics.Measurement;
using LiftPipeline.Statistics.Panels;
using LiftPipeline.Tests.Estimators;

namespace LiftPipeline.Tests.Inference;

/// <summary>
/// Uncertainty that rests on too few distinct replications says so, and a variance method the design does not allow
/// leaves the estimates standing with no standard error and the reason (public measurement API and JSON).
/// </summary>
public sealed class ThinDataUncertaintyTests
{
    /// <summary>Two controls and one treated unit over 10 periods, treated from period 7.</summary>
    private static Panel TwoControls()
    {
        const int N = 3, T = 10;
        var y = new double[N * T];
        var treated = new bool[N * T];
        for (int i = 0; i < y.Length; i++)
        {
            y[i] = 100 + 7 * (i / T) + (i % T) + ((i * 13) % 7) * 0.3;
            treated[i] = i / T == 2 && i % T >= 7;
        }
        var periods = Enumerable.Range(0, T).Select(t => Period.FromInteger(t)).ToArray();
        return new Panel(["a", "b", "treated"], periods, [new PanelMatrix("y", N, T, y)], treated, null);
    }

    private static PanelMeasureOptions Options(string variance) => new()
    {
        Metric = "y", Estimators = ["did"], Variance = variance, VarianceOptions = new VarianceOptions { Replications = 50 },
    };

    [Fact]
    public void A_placebo_with_two_controls_rests_on_two_distinct_values_and_warns()
    {
        var estimate = Assert.Single(PanelMeasurer.Measure(TwoControls(), Options("placebo")).Estimates);

        var u = estimate.Uncertainty!;
        Assert.True(u.StandardError > 0);
        Assert.Equal(2, u.DistinctReplications);
        string warning = Assert.Single(u.Warnings);
        Assert.StartsWith("The placebo standard error rests on 2 distinct replication values (fewer than 10)", warning);
    }

    [Fact]
    public void A_time_placebo_over_eight_pre_period_windows_warns()
    {
        // Prop99: T0 = 19 pre and T1 = 12 post periods leave 8 windows.
        var estimate = Assert.Single(PanelMeasurer.Measure(ReferencePanels.Prop99AsPanel, Options("time-placebo") with { Metric = "packs_per_capita" }).Estimates);

        Assert.Equal(8, estimate.Uncertainty!.DistinctReplications);
        Assert.StartsWith("The time-placebo standard error rests on 8 distinct replication values", Assert.Single(estimate.Uncertainty.Warnings));
    }

    [Fact]
    public void A_placebo_with_many_controls_has_no_warning()
    {
        var estimate = Assert.Single(PanelMeasurer.Measure(ReferencePanels.Prop99AsPanel, Options("placebo") with { Metric = "packs_per_capita" }).Estimates);

        // One treated unit: one placebo value per control drawn, so at most 38 (29 of them in these 50 draws).
        Assert.Equal(29, estimate.Uncertainty!.DistinctReplications);
        Assert.Empty(estimate.Uncertainty.Warnings);
    }

    [Fact]
    public void Jackknife_with_one_treated_unit_returns_the_estimates_with_no_standard_error_and_the_reason()
    {
        var options = Options("jackknife") with { Metric = "packs_per_capita" };
        var pointOnly = Assert.Single(PanelMeasurer.Measure(ReferencePanels.Prop99AsPanel, options with { Variance = null }).Estimates);

        var estimate = Assert.Single(PanelMeasurer.Measure(ReferencePanels.Prop99AsPanel, options).Estimates);

        Assert.Equal(pointOnly.Att, estimate.Att);
        Assert.Equal(pointOnly.Effects, estimate.Effects);
        var u = estimate.Uncertainty!;
        Assert.Equal("jackknife", u.Method);
        Assert.True(double.IsNaN(u.StandardError) && double.IsNaN(u.CiLow) && double.IsNaN(u.CiHigh) && double.IsNaN(u.PValue));
        Assert.Null(u.PeriodStandardErrors);
        Assert.Contains("single treated unit", u.UnavailableReason, StringComparison.Ordinal);
        Assert.Equal([u.UnavailableReason!], u.Warnings);

        using var json = JsonDocument.Parse(PanelJson.ToJson(new PanelMeasurement("packs_per_capita", 39, 31, ["California"], [estimate])));
        var written = json.RootElement.GetProperty("estimates")[0].GetProperty("uncertainty");
        Assert.Equal(JsonValueKind.Null, written.GetProperty("standardError").ValueKind);
        Assert.Equal(u.UnavailableReason, written.GetProperty("warnings")[0].GetString());
    }

    [Fact]
    public void Panel_json_writes_each_periods_standard_error_next_to_its_effect()
    {
        var estimate = Assert.Single(PanelMeasurer.Measure(ReferencePanels.Prop99AsPanel, Options("placebo") with { Metric = "packs_per_capita" }).Estimates);

        using var json = JsonDocument.Parse(PanelJson.ToJson(new PanelMeasurement("packs_per_capita", 39, 31, ["California"], [estimate])));

        var effects = json.RootElement.GetProperty("estimates")[0].GetProperty("effects").EnumerateArray().ToArray();
        Assert.Equal(estimate.Effects.Count, effects.Length);
        for (int k = 0; k < effects.Length; k++)
        {
            Assert.Equal(estimate.Uncertainty!.PeriodStandardErrors![k], effects[k].GetProperty("standardError").GetDouble(), 1e-9);
        }
        var uncertainty = json.RootElement.GetProperty("estimates")[0].GetProperty("uncertainty");
        Assert.Equal(29, uncertainty.GetProperty("distinctReplications").GetInt32());
        Assert.Empty(uncertainty.GetProperty("warnings").EnumerateArray());
    }

    [Fact]
    public void A_joint_staggered_placebo_with_too_few_controls_is_unavailable_with_the_reason()
    {
        // 3 controls; cohorts of 2 units starting in periods 6 and 8: the placebo needs more than 4 controls.
        const int N = 7, T = 10;
        int[] first = [-1, -1, -1, 6, 6, 8, 8];
        var y = new double[N * T];
        var treated = new bool[N * T];
        for (int i = 0; i < y.Length; i++)
        {
            y[i] = 50 + (i / T) + 0.5 * (i % T) + ((i * 7) % 5) * 0.2;
            treated[i] = first[i / T] >= 0 && i % T >= first[i / T];
        }
        var periods = Enumerable.Range(0, T).Select(t => Period.FromInteger(t)).ToArray();
        var panel = new Panel(["a", "b", "c", "d", "e", "f", "g"], periods, [new PanelMatrix("y", N, T, y)], treated, null);

        var estimate = Assert.Single(PanelMeasurer.Measure(panel, Options("placebo")).Estimates);

        Assert.True(double.IsFinite(estimate.Att));
        Assert.StartsWith("A joint placebo needs more control units than treated units over all cohorts (N0=3, N1=4)", estimate.Uncertainty!.UnavailableReason);
        Assert.True(double.IsNaN(estimate.Uncertainty.StandardError));
    }

    [Fact]
    public void Independent_cohort_combination_warns_that_it_is_too_narrow()
    {
        var panel = PanelWithCohorts();

        var estimate = Assert.Single(PanelMeasurer.Measure(panel, Options("placebo") with { CohortVariance = CohortVariance.Independent }).Estimates);

        Assert.True(estimate.Uncertainty!.StandardError > 0);
        Assert.Contains(estimate.Uncertainty.Warnings, w => w.StartsWith("Cohort standard errors are combined as if independent", StringComparison.Ordinal));
        Assert.NotNull(estimate.Uncertainty.PeriodStandardErrors);
        Assert.Equal(estimate.Effects.Count, estimate.Uncertainty.PeriodStandardErrors!.Count);
    }

    /// <summary>20 controls and two cohorts of 2 units (starts 8 and 11) over 14 periods.</summary>
    private static Panel PanelWithCohorts()
    {
        const int T = 14;
        int[] first = [.. Enumerable.Repeat(-1, 20), 8, 8, 11, 11];
        int n = first.Length;
        var random = new Random(2);
        var y = new double[n * T];
        var treated = new bool[n * T];
        for (int i = 0; i < y.Length; i++)
        {
            y[i] = 30 + (i / T) % 4 + random.NextDouble();
            treated[i] = first[i / T] >= 0 && i % T >= first[i / T];
        }
        var periods = Enumerable.Range(0, T).Select(t => Period.FromInteger(t)).ToArray();
        return new Panel(Enumerable.Range(0, n).Select(i => $"u{i}").ToArray(), periods, [new PanelMatrix("y", n, T, y)], treated, null);
    }
}
