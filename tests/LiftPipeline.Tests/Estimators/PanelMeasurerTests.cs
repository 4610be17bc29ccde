using System.Collections.Concurrent;
using LiftPipeline.Statistics.Inference;
using LiftPipeline.Statistics.Measurement;

namespace LiftPipeline.Tests.Estimators;

public sealed class PanelMeasurerTests
{
    [Fact]
    public void Progress_names_each_estimate_of_each_cell_and_reaches_every_replication()
    {
        var reports = new ConcurrentQueue<MeasureProgress>();
        var options = new PanelMeasureOptions
        {
            Metric = "conversions",
            Estimators = ["did", "sc"],
            VarianceOptions = new VarianceOptions { Replications = 12 },
            Progress = new Collect(reports),
        };

        var measurement = PanelMeasurer.Measure(ReferencePanels.GeoLiftMultiCell, options);

        Assert.Equal(4, measurement.Estimates.Count);
        var byEstimate = reports.GroupBy(r => (r.Index, r.Estimator, r.Cell)).OrderBy(g => g.Key.Index).ToArray();
        Assert.Equal([(0, "did", "cell1"), (1, "sc", "cell1"), (2, "did", "cell2"), (3, "sc", "cell2")], byEstimate.Select(g => (g.Key.Index, g.Key.Estimator, g.Key.Cell)));
        Assert.All(byEstimate, g => Assert.Equal(12, g.Max(r => r.ReplicationsDone)));
        Assert.All(reports, r => Assert.Equal(4, r.Count));
    }

    [Fact]
    public void An_unknown_variance_method_fails_before_any_estimate_runs()
    {
        var reports = new ConcurrentQueue<MeasureProgress>();
        var options = new PanelMeasureOptions { Metric = "packs_per_capita", Estimators = ["did"], Variance = "guess", Progress = new Collect(reports) };

        var error = Assert.Throws<ArgumentException>(() => PanelMeasurer.Measure(ReferencePanels.Prop99AsPanel, options));

        Assert.Contains("guess", error.Message);
        Assert.Empty(reports);
    }

    private sealed class Collect(ConcurrentQueue<MeasureProgress> reports) : IProgress<MeasureProgress>
    {
        public void Report(MeasureProgress value) => reports.Enqueue(value);
    }
}
