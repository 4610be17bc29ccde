using LiftPipeline.Statistics;
using LiftPipeline.Statistics.Estimators;
using LiftPipeline.Statistics.Experiments.Tails;
using LiftPipeline.Statistics.Inference;
using LiftPipeline.Statistics.Panels;

namespace LiftPipeline.Tests.Estimators;

/// <summary>Designs a method cannot handle raise <see cref="MeasurementNotPossibleException"/> with a message an analyst can act on.</summary>
public sealed class MeasurementNotPossibleTests
{
    /// <summary>N0 controls then N1 treated units over T0 pre and T1 post periods, with a little noise.</summary>
    private static BlockPanel Block(int n0, int n1, int t0, int t1)
    {
        var random = new Random(5);
        var y = new double[(n0 + n1) * (t0 + t1)];
        for (int k = 0; k < y.Length; k++)
        {
            y[k] = 10 + random.NextDouble();
        }
        return new BlockPanel(y, n0, n1, t0, t1);
    }

    [Fact]
    public void Placebo_with_no_more_controls_than_treated_units_says_to_use_another_method()
    {
        var estimate = PanelEstimators.Create("did").Estimate(Block(2, 2, 6, 2));

        var problem = Assert.Throws<MeasurementNotPossibleException>(() => VarianceEstimators.Create("placebo").Estimate(estimate));

        Assert.Contains("N0=2, N1=2", problem.Message);
        Assert.Contains("use bootstrap or jackknife", problem.Message);
    }

    [Theory]
    [InlineData("sdid")]
    [InlineData("sc")]
    public void Synthdid_estimators_with_one_pre_period_cannot_measure_noise(string name)
    {
        var problem = Assert.Throws<MeasurementNotPossibleException>(() => PanelEstimators.Create(name).Estimate(Block(5, 1, 1, 2)));

        Assert.Contains("at least two pre-treatment periods", problem.Message);
    }

    [Fact]
    public void Geolift_ridge_with_two_pre_periods_cannot_cross_validate()
    {
        Assert.Throws<MeasurementNotPossibleException>(() => PanelEstimators.Create("geolift-ridge").Estimate(Block(5, 1, 2, 2)));
    }

    [Theory]
    [InlineData(1, 2, 4, 2)]
    [InlineData(1, 1, 5, 1)]
    public void Geolift_ridge_with_one_control_returns_the_synthetic_control_unaugmented(int n0, int n1, int t0, int t1)
    {
        var panel = Block(n0, n1, t0, t1);

        var ridge = PanelEstimators.Create("geolift-ridge").Estimate(panel);
        var sc = PanelEstimators.Create("geolift").Estimate(panel);

        // One control centred on the controls' own mean is all zeros: the ridge has nothing to correct with.
        Assert.Equal(sc.Att, ridge.Att, 12);
        Assert.True(double.IsFinite(ridge.Att));
    }

    [Theory]
    [InlineData("mc")]
    [InlineData("trop")]
    public void Outcomes_that_overflow_inside_an_estimators_parallel_tuning_are_a_design_problem_not_a_crash(string name)
    {
        var panel = Block(6, 1, 8, 2);
        var y = panel.Values.ToArray();
        for (int k = 0; k < y.Length; k++)
        {
            y[k] *= 1e300;   // squares overflow to infinity inside the low-rank fits
        }
        var huge = new BlockPanel(y, 6, 1, 8, 2);

        var problem = Assert.Throws<MeasurementNotPossibleException>(() => PanelEstimators.Create(name).Estimate(huge));

        Assert.Contains("could not be fitted", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_numerical_failure_inside_a_parallel_loop_reaches_the_estimator_as_itself()
    {
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = 2 };
        var diverged = new NumericalFailureException("diverged");

        var thrown = Assert.Throws<NumericalFailureException>(() =>
            DesignProblems.Unwrapped(() => Parallel.For(0, 4, parallel, r => throw (r == 1 ? new AggregateException(diverged) : diverged))));

        Assert.Same(diverged, thrown);
        Assert.Throws<AggregateException>(() => DesignProblems.Unwrapped(() => Parallel.For(0, 4, parallel, _ => throw new InvalidOperationException("bug"))));
    }

    [Fact]
    public void A_panel_treated_from_its_first_period_has_no_pre_period()
    {
        var periods = Enumerable.Range(0, 4).Select(d => Period.FromDate(new DateOnly(2021, 1, 1).AddDays(d))).ToArray();
        var panel = new Panel(["a", "b", "c"], periods, [new PanelMatrix("y", 3, 4, new double[12])],
            [false, false, false, false, false, false, false, false, true, true, true, true], null);

        var problem = Assert.Throws<MeasurementNotPossibleException>(() => BlockPanel.FromPanel(panel, "y"));

        Assert.Contains("no pre-period", problem.Message);
    }

    [Fact]
    public void A_tail_with_fewer_than_ten_values_cannot_be_fitted_but_malformed_buckets_are_an_argument_error()
    {
        HistogramBucket[] sparse = [new(1, 2, 3), new(2, 4, 2), new(4, 8, 1)];
        HistogramBucket[] overlapping = [new(1, 2, 5), new(1.5, 3, 5)];

        Assert.Throws<MeasurementNotPossibleException>(() => SplicedBinnedPareto.Fit(sparse));
        Assert.Throws<MeasurementNotPossibleException>(() => SplicedBinnedPareto.Fit([]));
        Assert.IsType<ArgumentException>(Record.Exception(() => SplicedBinnedPareto.Fit(overlapping)));
    }
}
