using System.Collections.Concurrent;
using System.Text.Json;
using LiftPipeline.Cli.Rendering;
using LiftPipeline.Pipeline.Hosting;
using LiftPipeline.Statistics.Estimators;
using LiftPipeline.Statistics.Inference;
using LiftPipeline.Statistics.Measurement;
using LiftPipeline.Statistics.Panels;

namespace LiftPipeline.Tests.Cli;

/// <summary><c>lift measure --estimator all</c> reports progress for every estimate, and the bar's text and share follow it.</summary>
public sealed class MeasureProgressTests
{
    [Fact]
    public void Every_estimator_of_all_reports_its_replications_and_mc_and_trop_their_tuning()
    {
        var reports = new ConcurrentQueue<MeasureProgress>();
        var options = new PanelMeasureOptions
        {
            Metric = "y",
            Estimators = [.. PanelEstimators.Names],
            VarianceOptions = new VarianceOptions { Replications = 6 },
            Progress = new Collect(reports),
        };

        var measurement = PanelMeasurer.Measure(SmallPanel(), options);

        int count = PanelEstimators.Names.Count;
        Assert.Equal(count, measurement.Estimates.Count);
        Assert.All(reports, r => Assert.Equal(count, r.Count));
        var byIndex = reports.GroupBy(r => r.Index).OrderBy(g => g.Key).ToArray();
        Assert.Equal(Enumerable.Range(0, count), byIndex.Select(g => g.Key));
        Assert.Equal(PanelEstimators.Names, byIndex.Select(g => g.First().Estimator));
        Assert.All(byIndex, g => Assert.Equal(6, g.Max(r => r.ReplicationsDone)));
        var tuning = reports.Where(r => r.Estimating is not null).ToArray();
        Assert.NotEmpty(tuning);
        Assert.Equal(["mc", "trop"], tuning.Select(r => r.Estimator).Distinct().Order(StringComparer.Ordinal));
        foreach (var name in new[] { "mc", "trop" })
        {
            Assert.Contains(tuning, r => r.Estimator == name && r.Estimating!.Value.Stage == "tuning" && r.Estimating.Value.Done == r.Estimating.Value.Total);
        }
        Assert.Equal(1.0, reports.Max(MeasureProgressDisplay.Fraction), 12);
    }

    [Fact]
    public void Mc_cross_validation_stops_when_cancelled_and_gives_the_same_estimate_with_or_without_progress()
    {
        var data = BlockPanel.FromPanel(SmallPanel(), "y");
        var mc = new MatrixCompletion();
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();

        Assert.ThrowsAny<OperationCanceledException>(() => mc.Estimate(data, null, cancelled.Token));
        var reports = new ConcurrentQueue<EstimateProgress>();
        double withProgress = mc.Estimate(data, new CollectEstimate(reports)).Att;

        Assert.Equal(mc.Estimate(data).Att, withProgress);
        Assert.Equal(mc.Options.Folds * mc.Options.GridSize, reports.Max(r => r.Done));
        Assert.All(reports, r => Assert.Equal(mc.Options.Folds * mc.Options.GridSize, r.Total));
    }

    [Fact]
    public void The_bar_names_the_estimate_and_its_step()
    {
        Assert.Equal("sdid (2/7) 45/200 replications", MeasureProgressDisplay.Describe(new MeasureProgress("sdid", null, 1, 7, 45, 200)));
        Assert.Equal("trop cell1 (6/14) tuning 27/1,026",
            MeasureProgressDisplay.Describe(new MeasureProgress("trop", "cell1", 5, 14, 0, 200) { Estimating = new EstimateProgress("tuning", 27, 1026) }));
        Assert.Equal("did (1/1) estimating", MeasureProgressDisplay.Describe(new MeasureProgress("did", null, 0, 1, 0, 0)));
        Assert.Equal("sc (3/7) estimating", MeasureProgressDisplay.Describe(new MeasureProgress("sc", null, 2, 7, 0, 200)));
    }

    [Fact]
    public void The_pipeline_status_line_shows_tuning_on_a_terminal_and_one_line_per_estimate_when_redirected()
    {
        var tuning = new MeasureProgress("trop", null, 0, 2, 0, 200) { Estimating = new EstimateProgress("tuning", 27, 1026) };
        var replications = new MeasureProgress("trop", null, 0, 2, 12, 200);

        Assert.Equal("measure  geo: trop (1/2) tuning 27/1,026", PipelineProgressDisplay.Describe(new PipelineProgress("measure", "geo", tuning), withReplications: true));
        Assert.Equal("measure  geo: trop (1/2) 12/200 replications", PipelineProgressDisplay.Describe(new PipelineProgress("measure", "geo", replications), withReplications: true));
        Assert.Equal("measure  geo: trop (1/2)", PipelineProgressDisplay.Describe(new PipelineProgress("measure", "geo", tuning), withReplications: false));
        Assert.Equal("measure  geo: trop (1/2)", PipelineProgressDisplay.Describe(new PipelineProgress("measure", "geo", replications), withReplications: false));
    }

    [Fact]
    public void The_bar_moves_forward_through_tuning_then_replications_of_each_estimate()
    {
        MeasureProgress[] steps =
        [
            new("sdid", null, 0, 2, 0, 10),
            new("sdid", null, 0, 2, 5, 10),
            new("sdid", null, 0, 2, 10, 10),
            new("trop", null, 1, 2, 0, 10) { Estimating = new EstimateProgress("tuning", 0, 100) },
            new("trop", null, 1, 2, 0, 10) { Estimating = new EstimateProgress("tuning", 50, 100) },
            new("trop", null, 1, 2, 0, 10) { Estimating = new EstimateProgress("tuning", 100, 100) },
            new("trop", null, 1, 2, 5, 10),
            new("trop", null, 1, 2, 10, 10),
        ];

        double[] shares = steps.Select(MeasureProgressDisplay.Fraction).ToArray();

        Assert.Equal([0, 0.375, 0.5, 0.5, 0.625, 0.75, 0.875, 1.0], shares);
    }

    [Fact]
    public async Task Measure_json_with_several_estimators_and_replications_prints_one_object_and_nothing_on_stderr()
    {
        var (code, output, error) = await CliRunner.RunAsync("measure", TestData.Panel("california_prop99.parquet"), "--estimator", "did,sc", "--reps", "5", "--json");

        Assert.Equal(0, code);
        Assert.Equal("", error);
        using var json = JsonDocument.Parse(output);
        Assert.Equal(2, json.RootElement.GetProperty("estimates").GetArrayLength());
        Assert.Equal(output.TrimEnd().Length - 1, output.TrimEnd().LastIndexOf('}'));
        Assert.Equal(0, output.IndexOf('{'));
    }

    /// <summary>8 units × 12 periods, the last two units treated in the last 4 periods: small enough for TROP's tuning in a fast test.</summary>
    private static Panel SmallPanel()
    {
        const int units = 8, periods = 12;
        var random = new Random(7);
        var values = new double[units * periods];
        var treated = new bool[units * periods];
        for (int u = 0; u < units; u++)
        {
            for (int t = 0; t < periods; t++)
            {
                bool on = u >= units - 2 && t >= periods - 4;
                values[u * periods + t] = 10 + u + 0.5 * t + random.NextDouble() + (on ? 2 : 0);
                treated[u * periods + t] = on;
            }
        }
        var dates = Enumerable.Range(0, periods).Select(d => Period.FromDate(new DateOnly(2021, 1, 4).AddDays(7 * d))).ToArray();
        var names = Enumerable.Range(0, units).Select(u => $"u{u}").ToArray();
        return new Panel(names, dates, [new PanelMatrix("y", units, periods, values)], treated, null);
    }

    private sealed class CollectEstimate(ConcurrentQueue<EstimateProgress> reports) : IProgress<EstimateProgress>
    {
        public void Report(EstimateProgress value) => reports.Enqueue(value);
    }

    private sealed class Collect(ConcurrentQueue<MeasureProgress> reports) : IProgress<MeasureProgress>
    {
        public void Report(MeasureProgress value) => reports.Enqueue(value);
    }
}
