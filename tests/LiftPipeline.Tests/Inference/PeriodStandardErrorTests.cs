using LiftPipeline.Statistics.Estimators;
using LiftPipeline.Statistics.Inference;
using LiftPipeline.Statistics.Measurement;
using LiftPipeline.Statistics.Panels;
using LiftPipeline.Tests.Estimators;

namespace LiftPipeline.Tests.Inference;

/// <summary>
/// Per-period standard errors come from the same replications as the ATT's: each equals the spread of that period's
/// effect over replications the test re-draws itself (same seeds, same rows) and estimates through the public API.
/// </summary>
public sealed class PeriodStandardErrorTests
{
    /// <summary>Population standard deviation, the reference's √((r−1)/r)·sd.</summary>
    private static double Spread(IReadOnlyList<double> values)
    {
        double mean = values.Average();
        return Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / values.Count);
    }

    private static double[] Column(double[][] rows, int k) => rows.Select(r => r[k]).ToArray();

    [Fact]
    public void Placebo_period_standard_errors_are_the_spread_of_each_periods_placebo_effects()
    {
        var data = ReferencePanels.Prop99;
        var did = new DifferenceInDifferences();
        var estimate = did.Estimate(data);
        const int reps = 40, seed = 3;

        var uncertainty = new PlaceboVariance(new VarianceOptions { Replications = reps, Seed = seed }).Estimate(estimate);

        var atts = new double[reps];
        var effects = new double[reps][];
        for (int r = 0; r < reps; r++)
        {
            var rows = Enumerable.Range(0, data.N0).ToArray();
            new Random(Replications.Seed(seed, r)).Shuffle(rows);
            var placebo = did.Estimate(data.WithRows(rows, data.N0 - data.N1));
            atts[r] = placebo.Att;
            effects[r] = placebo.Effects.Select(e => e.Effect).ToArray();
        }
        Assert.Equal(Spread(atts), uncertainty.StandardError, 1e-10);
        var ses = uncertainty.PeriodStandardErrors!;
        Assert.Equal(data.T1, ses.Count);
        for (int k = 0; k < data.T1; k++)
        {
            Assert.Equal(Spread(Column(effects, k)), ses[k], 1e-10);
        }
        Assert.True(ses.Max() > ses.Min() * 1.2);   // periods differ, unlike a band of ±z·se(ATT)
    }

    [Fact]
    public void Sdid_jackknife_period_standard_errors_match_leave_one_out_effects_computed_from_the_weights()
    {
        var data = ReferencePanels.GeoLiftTest;
        var estimate = PanelEstimators.Create("sdid").Estimate(data);
        var omega = estimate.UnitWeights!.Select(w => w.Weight).ToArray();
        var lambda = estimate.TimeWeights!.Select(w => w.Weight).ToArray();

        var uncertainty = new JackknifeVariance(new VarianceOptions()).Estimate(estimate);

        var effects = new double[data.N][];
        for (int left = 0; left < data.N; left++)
        {
            var controls = Enumerable.Range(0, data.N0).Where(i => i != left).ToArray();
            var treated = Enumerable.Range(data.N0, data.N1).Where(i => i != left).ToArray();
            double total = controls.Sum(i => omega[i]);
            effects[left] = new double[data.T1];
            for (int k = 0; k < data.T1; k++)
            {
                int t = data.T0 + k;
                double Adjusted(int i) => data.Row(i)[t] - lambda.Select((l, s) => l * data.Row(i)[s]).Sum();
                effects[left][k] = treated.Average(Adjusted) - controls.Sum(i => omega[i] / total * Adjusted(i));
            }
        }
        var ses = uncertainty.PeriodStandardErrors!;
        for (int k = 0; k < data.T1; k++)
        {
            double expected = Math.Sqrt(data.N - 1.0) * Spread(Column(effects, k));
            Assert.Equal(expected, ses[k], 1e-8 * expected);
        }
        // The ATT's jackknife standard error is the same spread of the leave-one-out ATTs (each the mean of its effects).
        Assert.Equal(Math.Sqrt(data.N - 1.0) * Spread(effects.Select(e => e.Average()).ToArray()), uncertainty.StandardError, 1e-8 * uncertainty.StandardError);
    }

    [Fact]
    public void Joint_staggered_placebo_replicates_the_whole_staggered_estimator_on_placebo_cohorts()
    {
        var panel = StaggeredPanel(seed: 4);
        const int reps = 30, seed = 9;
        var options = new PanelMeasureOptions
        {
            Metric = "y", Estimators = ["did"], Variance = "placebo",
            VarianceOptions = new VarianceOptions { Replications = reps, Seed = seed },
        };

        var estimate = Assert.Single(PanelMeasurer.Measure(panel, options).Estimates);

        // Re-draw each replication: shuffle the controls, keep the first N0 − ΣN1 as controls and give the next
        // N1_c the start of cohort c, then run the staggered estimator on that placebo panel.
        var controls = panel.ControlUnits.ToArray();
        int[] starts = [8, 11, 14], sizes = [2, 3, 2];
        int remaining = controls.Length - sizes.Sum();
        var atts = new double[reps];
        var effects = new double[reps][];
        for (int r = 0; r < reps; r++)
        {
            var order = Enumerable.Range(0, controls.Length).ToArray();
            new Random(Replications.Seed(seed, r)).Shuffle(order);
            var firstTreated = new int[controls.Length];
            Array.Fill(firstTreated, -1);
            for (int c = 0, at = remaining; c < sizes.Length; at += sizes[c], c++)
            {
                for (int k = 0; k < sizes[c]; k++)
                {
                    firstTreated[order[at + k]] = starts[c];
                }
            }
            var placebo = SubPanel(panel, controls, firstTreated);
            var result = StaggeredAdoption.Measure(StaggeredAdoption.Cohorts(placebo, "y"), new DifferenceInDifferences(), null, 0.95, null);
            atts[r] = result.Att;
            effects[r] = result.Effects.Select(e => e.Effect).ToArray();
        }
        var u = estimate.Uncertainty!;
        Assert.Equal("placebo", u.Method);
        Assert.Equal(Spread(atts), u.StandardError, 1e-9);
        Assert.Equal(estimate.Effects.Count, u.PeriodStandardErrors!.Count);
        for (int k = 0; k < estimate.Effects.Count; k++)
        {
            Assert.Equal(Spread(Column(effects, k)), u.PeriodStandardErrors[k], 1e-9);
        }
        Assert.Empty(u.Warnings);
    }

    /// <summary>Three cohorts (starts 8, 11, 14; sizes 2, 3, 2) and 16 controls over 18 periods.</summary>
    private static Panel StaggeredPanel(int seed)
    {
        const int controls = 16, T = 18;
        int[] starts = [8, 11, 14], sizes = [2, 3, 2];
        var random = new Random(seed);
        var firstTreated = Enumerable.Repeat(-1, controls).Concat(starts.SelectMany((s, c) => Enumerable.Repeat(s, sizes[c]))).ToArray();
        int n = firstTreated.Length;
        var y = new double[n * T];
        for (int i = 0; i < y.Length; i++)
        {
            y[i] = 20 + (i / T) % 5 + Math.Cos(i % T) + 2 * random.NextDouble() + (firstTreated[i / T] >= 0 && i % T >= firstTreated[i / T] ? 1.5 : 0);
        }
        return Build(Enumerable.Range(0, n).Select(i => $"g{i:D2}").ToArray(), T, y, firstTreated);
    }

    /// <summary>The <paramref name="units"/> of <paramref name="panel"/> with new first treated periods (−1: never).</summary>
    private static Panel SubPanel(Panel panel, int[] units, int[] firstTreated)
    {
        int T = panel.Periods.Count;
        var source = panel.Metric("y");
        var y = new double[units.Length * T];
        for (int k = 0; k < units.Length; k++)
        {
            source.Row(units[k]).CopyTo(y.AsSpan(k * T, T));
        }
        return Build(units.Select(u => panel.Units[u]).ToArray(), T, y, firstTreated);
    }

    private static Panel Build(string[] units, int T, double[] y, int[] firstTreated)
    {
        var treated = new bool[y.Length];
        for (int i = 0; i < y.Length; i++)
        {
            treated[i] = firstTreated[i / T] >= 0 && i % T >= firstTreated[i / T];
        }
        var periods = Enumerable.Range(0, T).Select(t => Period.FromInteger(t)).ToArray();
        return new Panel(units, periods, [new PanelMatrix("y", units.Length, T, y)], treated, null);
    }
}
