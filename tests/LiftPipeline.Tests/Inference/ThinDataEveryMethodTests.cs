using LiftPipeline.Statistics;
using LiftPipeline.Statistics.Inference;
using LiftPipeline.Statistics.Measurement;
using LiftPipeline.Statistics.Panels;

namespace LiftPipeline.Tests.Inference;

/// <summary>
/// Every variance method in the registry flags thin data by the one rule of <see cref="Uncertainty.WithDistinctReplications"/>:
/// on a small panel (3 controls, 2 treated units, 8 periods) each one either warns that it rests on too few distinct
/// replications or, where the design does not allow it, leaves the estimate standing with no standard error and the
/// reason; on a large panel (40 controls, 10 treated units, 40 periods) none warns.
/// </summary>
public sealed class ThinDataEveryMethodTests
{
    public static TheoryData<string> Methods => new(VarianceEstimators.Names);

    /// <summary>Unit and period effects plus noise; the last <paramref name="treated"/> units treated over the last <paramref name="post"/> periods.</summary>
    private static Panel Panel(int controls, int treated, int periods, int post, int seed)
    {
        int n = controls + treated;
        var random = new Random(seed);
        var y = new double[n * periods];
        var flags = new bool[n * periods];
        for (int i = 0; i < n; i++)
        {
            double level = 50 + 10 * random.NextDouble();
            for (int t = 0; t < periods; t++)
            {
                y[i * periods + t] = level + 0.5 * t + Math.Sin(t + i) + random.NextDouble();
                flags[i * periods + t] = i >= controls && t >= periods - post;
            }
        }
        var dates = Enumerable.Range(0, periods).Select(t => Period.FromInteger(t)).ToArray();
        return new Panel(Enumerable.Range(0, n).Select(i => $"u{i:00}").ToArray(), dates, [new PanelMatrix("y", n, periods, y)], flags, null);
    }

    private static Uncertainty Measure(Panel panel, string method)
    {
        var options = new PanelMeasureOptions
        {
            Metric = "y", Estimators = ["did"], Variance = method, VarianceOptions = new VarianceOptions { Replications = 50, MaxDegreeOfParallelism = 2 },
        };
        var estimate = Assert.Single(PanelMeasurer.Measure(panel, options).Estimates);
        Assert.True(double.IsFinite(estimate.Att));
        return estimate.Uncertainty!;
    }

    [Theory]
    [MemberData(nameof(Methods))]
    public void On_three_controls_and_eight_periods_every_method_warns_or_says_why_it_cannot_run(string method)
    {
        var u = Measure(Panel(controls: 3, treated: 2, periods: 8, post: 1, seed: 3), method);

        Assert.Equal(method, u.Method);
        if (u.UnavailableReason is { } reason)
        {
            Assert.True(double.IsNaN(u.StandardError) && double.IsNaN(u.CiLow) && double.IsNaN(u.CiHigh));
            Assert.Equal([reason], u.Warnings);
            return;
        }
        Assert.InRange(u.DistinctReplications!.Value, 1, Uncertainty.MinimumDistinctReplications - 1);
        Assert.Contains(u.Warnings, w => w.StartsWith($"The {method} ", StringComparison.Ordinal)
            && w.Contains($"rests on {u.DistinctReplications} distinct replication value", StringComparison.Ordinal));
    }

    [Fact]
    public void The_thin_panel_counts_what_each_method_rests_on()
    {
        var panel = Panel(controls: 3, treated: 2, periods: 8, post: 1, seed: 3);
        int? Distinct(string method) => Measure(panel, method).DistinctReplications;

        Assert.Equal(3, Distinct("placebo"));          // C(3, 2) pseudo-treated pairs of controls
        Assert.Equal(5, Distinct("jackknife"));        // N leave-one-out fits
        Assert.Equal(2, Distinct("bootstrap"));        // at most min(N0, N1): the 2 treated units resampled
        Assert.Equal(8, Distinct("conformal"));        // T cyclic shifts
        Assert.Equal(8, Distinct("conformal-iid"));    // with one post period, the T permutations enumerated
        Assert.Equal(3, Distinct("jackknife+"));       // N0 leave-one-out bounds
        Assert.Equal(3, Distinct("conditional"));      // its thinnest placebo: 3 sets of controls
        Assert.Equal(7, Distinct("time-placebo"));     // T0 − T1 + 1 windows
    }

    [Theory]
    [InlineData("conformal")]
    [InlineData("jackknife+")]
    public void A_rank_based_interval_too_short_for_its_level_warns_that_it_is_unbounded(string method)
    {
        var u = Measure(Panel(controls: 3, treated: 2, periods: 8, post: 1, seed: 3), method);

        Assert.True(double.IsInfinity(u.CiLow) || double.IsInfinity(u.CiHigh));
        Assert.Contains(u.Warnings, w => w.StartsWith($"The {method} interval is unbounded", StringComparison.Ordinal));
    }

    [Fact]
    public void A_re_estimate_that_cannot_run_inside_parallel_replications_leaves_the_estimate_with_the_reason()
    {
        // T0 = 5 and T1 = 4: each time-placebo window leaves SDID one pre period, which it cannot fit (thrown on a worker thread).
        var options = new PanelMeasureOptions { Metric = "y", Estimators = ["sdid"], Variance = "time-placebo", VarianceOptions = new VarianceOptions { MaxDegreeOfParallelism = 2 } };

        var estimate = Assert.Single(PanelMeasurer.Measure(Panel(controls: 6, treated: 1, periods: 9, post: 4, seed: 5), options).Estimates);

        Assert.True(double.IsFinite(estimate.Att));
        Assert.True(double.IsNaN(estimate.Uncertainty!.StandardError));
        Assert.Contains("at least two pre-treatment periods", estimate.Uncertainty.UnavailableReason, StringComparison.Ordinal);
    }

    [Fact]
    public void Parallel_replications_rethrow_a_design_problem_as_itself_even_nested_and_keep_a_bug_wrapped()
    {
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = 2 };
        var notPossible = new MeasurementNotPossibleException("no fit");

        var thrown = Assert.Throws<MeasurementNotPossibleException>(() =>
            Replications.For(4, parallel, r => throw (r == 2 ? new AggregateException(notPossible) : notPossible)));
        Assert.Same(notPossible, thrown);
        var bug = Assert.Throws<AggregateException>(() => Replications.For(4, parallel, _ => throw new InvalidOperationException("bug")));
        Assert.All(bug.InnerExceptions, e => Assert.IsType<InvalidOperationException>(e));
    }

    [Theory]
    [MemberData(nameof(Methods))]
    public void On_forty_controls_ten_treated_units_and_forty_periods_no_method_warns(string method)
    {
        var u = Measure(Panel(controls: 40, treated: 10, periods: 40, post: 10, seed: 4), method);

        Assert.Null(u.UnavailableReason);
        Assert.True(u.DistinctReplications >= Uncertainty.MinimumDistinctReplications, $"{method}: {u.DistinctReplications} distinct");
        Assert.True(double.IsFinite(u.CiLow) && double.IsFinite(u.CiHigh));
        Assert.Empty(u.Warnings);
    }
}
