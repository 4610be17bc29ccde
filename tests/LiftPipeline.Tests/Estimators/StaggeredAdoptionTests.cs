using LiftPipeline.Statistics.Estimators;
using LiftPipeline.Statistics.Inference;
using LiftPipeline.Statistics.Measurement;
using LiftPipeline.Statistics.Panels;

namespace LiftPipeline.Tests.Estimators;

public sealed class StaggeredAdoptionTests
{
    private const int Controls = 20, Periods = 24;

    /// <summary>Y_it = α_i + β_t + ε_it (+ τ_c once unit i's cohort c has started); cohorts (start, size, τ).</summary>
    private static Panel Simulate((int Start, int Size, double Effect)[] cohorts, int seed, double noise = 0.5)
    {
        var random = new Random(seed);
        int n = Controls + cohorts.Sum(c => c.Size);
        var alpha = Enumerable.Range(0, n).Select(_ => 50 + 20 * random.NextDouble()).ToArray();
        var beta = Enumerable.Range(0, Periods).Select(t => 3 * Math.Sin(t / 3.0) + 0.2 * t).ToArray();
        var y = new double[n * Periods];
        var treated = new bool[n * Periods];
        var start = new int[n];
        var effect = new double[n];
        Array.Fill(start, -1);
        int u = Controls;
        foreach (var cohort in cohorts)
        {
            for (int k = 0; k < cohort.Size; k++, u++)
            {
                start[u] = cohort.Start;
                effect[u] = cohort.Effect;
            }
        }
        for (int i = 0; i < n; i++)
        {
            for (int t = 0; t < Periods; t++)
            {
                bool on = start[i] >= 0 && t >= start[i];
                treated[i * Periods + t] = on;
                y[i * Periods + t] = alpha[i] + beta[t] + noise * Gaussian(random) + (on ? effect[i] : 0);
            }
        }
        var units = Enumerable.Range(0, n).Select(i => $"u{i:D3}").ToArray();
        var periods = Enumerable.Range(0, Periods).Select(t => Period.FromInteger(t)).ToArray();
        return new Panel(units, periods, [new PanelMatrix("y", n, Periods, y)], treated, null);
    }

    private static double Gaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());

    private static PanelMeasureOptions Options(string estimator) => new() { Metric = "y", Estimators = [estimator], Variance = null };

    [Theory]
    [InlineData("did", 1)]
    [InlineData("geolift", 2)]
    [InlineData("geolift-ridge", 3)]
    public void Staggered_aggregate_recovers_a_constant_effect(string estimator, int seed)
    {
        var panel = Simulate([(12, 4, 5.0), (16, 6, 5.0), (20, 3, 5.0)], seed);

        var estimate = Assert.Single(PanelMeasurer.Measure(panel, Options(estimator)).Estimates);

        Assert.Equal(5.0, estimate.Att, 0.5);
        Assert.Null(estimate.Cell);
        Assert.Null(estimate.UnitWeights);
        Assert.Equal(13, estimate.TreatedUnits.Count);
        Assert.Equal(12, estimate.Effects.Count);
        Assert.All(estimate.Effects, e => Assert.Equal(5.0, e.Effect, 1.5));
        Assert.Equal(estimator == "geolift-ridge" ? ["lambda@12", "lambda@16", "lambda@20"] : [], estimate.Tuning.Keys.Order());
    }

    [Fact]
    public void Staggered_aggregate_recovers_the_treated_cell_weighted_effect_when_cohorts_differ()
    {
        // Cohort effects 2 (4 units × 12 periods) and 8 (6 units × 4 periods): truth (48·2 + 24·8) / 72 = 4.
        var panel = Simulate([(12, 4, 2.0), (20, 6, 8.0)], seed: 7, noise: 0.2);

        var estimate = Assert.Single(PanelMeasurer.Measure(panel, Options("did")).Estimates);

        Assert.Equal(4.0, estimate.Att, 0.2);
    }

    [Fact]
    public void Aggregation_weights_are_treated_cell_shares_checked_against_direct_cohort_estimates()
    {
        var panel = Simulate([(12, 4, 2.0), (16, 9, 8.0)], seed: 11);
        var estimator = new GeoLiftSyntheticControl();
        var controls = panel.ControlUnits.ToArray();
        var early = estimator.Estimate(BlockPanel.FromPanel(panel, "y", controls.Concat(Enumerable.Range(20, 4)).ToArray()));
        var late = estimator.Estimate(BlockPanel.FromPanel(panel, "y", controls.Concat(Enumerable.Range(24, 9)).ToArray()));

        var aggregate = Assert.Single(PanelMeasurer.Measure(panel, Options("geolift")).Estimates);

        Assert.Equal([48.0 / 120, 72.0 / 120], StaggeredAdoption.CohortWeights([early, late]));
        Assert.Equal((48 * early.Att + 72 * late.Att) / 120, aggregate.Att, 10);
        Assert.Equal(early.Incremental + late.Incremental, aggregate.Incremental, 8);
        double earlyCounterfactual = 4 * early.Counterfactual.Skip(12).Sum(), lateCounterfactual = 9 * late.Counterfactual.Skip(16).Sum();
        Assert.Equal((early.Incremental + late.Incremental) / (earlyCounterfactual + lateCounterfactual), aggregate.Lift, 12);
        // Period 13: only the early cohort is treated; period 18: both, weighted by treated units 4 and 9.
        Assert.Equal(early.Effects[1].Effect, aggregate.Effects.Single(e => e.Period == Period.FromInteger(13)).Effect, 10);
        double both = (4 * early.Effects[6].Effect + 9 * late.Effects[2].Effect) / 13;
        Assert.Equal(both, aggregate.Effects.Single(e => e.Period == Period.FromInteger(18)).Effect, 10);
        // Calendar effects weighted by treated units in each period average back to the ATT over treated cells.
        double cellWeighted = aggregate.Effects.Sum(e => e.Effect * (e.Period.Value >= 16 ? 13 : 4)) / 120;
        Assert.Equal(aggregate.Att, cellWeighted, 10);
    }

    [Fact]
    public void A_block_panel_gives_the_same_result_through_the_staggered_path()
    {
        var panel = ReferencePanels.GeoLiftTestAsPanel;
        var estimator = new GeoLiftSyntheticControl();
        var direct = Assert.Single(PanelMeasurer.Measure(panel, Options("geolift") with { Metric = "conversions" }).Estimates);

        var cohorts = StaggeredAdoption.Cohorts(panel, "conversions");
        var staggered = StaggeredAdoption.Measure(cohorts, estimator, null, 0.95, null);

        Assert.Single(cohorts);
        Assert.False(StaggeredAdoption.IsStaggered(panel));
        Assert.Equal(direct.Att, staggered.Att, 12);
        Assert.Equal(direct.Lift, staggered.Lift, 12);
        Assert.Equal(direct.Incremental, staggered.Incremental, 9);
        Assert.Equal(direct.Fit, staggered.Fit);
        Assert.Equal(direct.UnitWeights, staggered.UnitWeights);
        Assert.Equal(direct.Effects, staggered.Effects);
        Assert.Equal(direct.TreatedUnits, staggered.TreatedUnits);
    }

    [Fact]
    public void Cohort_standard_errors_combine_as_independent()
    {
        var panel = Simulate([(12, 4, 2.0), (16, 9, 8.0)], seed: 5);
        var cohorts = StaggeredAdoption.Cohorts(panel, "y");

        var result = StaggeredAdoption.Measure(cohorts, new DifferenceInDifferences(), new FixedVariance(), 0.9, null);

        // FixedVariance reports se = T1 of each cohort: 12 and 8; weights 0.4 and 0.6.
        double se = Math.Sqrt(0.4 * 0.4 * 144 + 0.6 * 0.6 * 64);
        Assert.NotNull(result.Uncertainty);
        Assert.Equal(se, result.Uncertainty.StandardError, 12);
        Assert.Equal(result.Att - 1.6448536269514722 * se, result.Uncertainty.CiLow, 9);
        Assert.Equal("fixed", result.Uncertainty.Method);
        Assert.Equal([Period.FromInteger(12), Period.FromInteger(16)], cohorts.Select(c => c.Start));
    }

    private sealed class FixedVariance : IVarianceEstimator
    {
        public string Name => "fixed";

        public Uncertainty Estimate(PanelEstimate estimate, CancellationToken cancellationToken = default) =>
            Uncertainty.FromStandardError(Name, estimate.Att, estimate.Data.T1, 10);
    }
}
