using LiftPipeline.Ingestion.Experiments;
using LiftPipeline.Statistics.Experiments;
using static LiftPipeline.Tests.Experiments.ExperimentExportKit;

namespace LiftPipeline.Tests.Experiments;

/// <summary>
/// The plain-data state of statistics and sketches: a round trip gives the same statistics, states of parts combine to
/// the statistics of the whole, and an inconsistent state is refused with a message naming the problem.
/// </summary>
public sealed class StatisticsStateTests
{
    [Fact]
    public void A_sketch_round_trips_through_its_state_bucket_for_bucket()
    {
        var sketch = new QuantileSketch(0.02);
        foreach (double x in new[] { -300.0, -2.5, -2.4, 0, 0, 1e-13, 0.5, 7, 7, 7.01, 1e6 })
        {
            sketch.Add(x);
        }

        var state = sketch.ToState();
        var back = QuantileSketch.FromState(state);

        Assert.Equal(sketch.Buckets(), back.Buckets());
        Assert.Equal((sketch.Count, sketch.ZeroCount, 0.02), (back.Count, back.ZeroCount, back.RelativeAccuracy));
        Assert.True(state.PositiveCounts[0] > 0 && state.PositiveCounts[^1] > 0 && state.NegativeCounts[0] > 0);   // no empty edge buckets
        Assert.Equal(sketch.Quantile(0.9), back.Quantile(0.9));
    }

    [Fact]
    public void An_empty_sketch_round_trips()
    {
        var back = QuantileSketch.FromState(new QuantileSketch().ToState());

        Assert.Equal(0, back.Count);
        Assert.Empty(back.Buckets());
    }

    [Theory]
    [InlineData(0.0, 0L, new long[] { 1 }, "relative accuracy")]
    [InlineData(0.01, -1L, new long[] { 1 }, "zero count")]
    [InlineData(0.01, 0L, new long[] { 1, -2 }, "negative count")]
    [InlineData(0.01, 0L, new long[] { long.MaxValue, 1 }, "overflow")]
    public void An_inconsistent_sketch_state_is_refused(double alpha, long zero, long[] positive, string expected)
    {
        var error = Assert.Throws<ArgumentException>(() => QuantileSketch.FromState(new QuantileSketchState(alpha, zero, 10, positive, 0, [])));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Statistics_of_row_group_ranges_restored_from_their_states_combine_to_the_statistics_of_the_whole_file()
    {
        using var dir = TestData.TempDirectory();
        string path = Path.Combine(dir.FullName, "x.parquet");
        Write(path, Rows(9_000), 1_000);
        var whole = await ExperimentStatisticsBuilder.ComputeAsync(path);
        var parts = new List<ExperimentStatistics>();
        int groups;
        await using (var file = await LiftPipeline.Ingestion.ExportFile.OpenAsync(path))
        {
            groups = file.RowGroupCount;
        }
        Assert.True(groups >= 3, $"{groups} row groups");
        foreach (var range in new RowGroupRange[] { new(0, 1), new(1, 2), new(2, groups) })
        {
            var part = await ExperimentStatisticsBuilder.ComputeAsync(path, null, new ExperimentStatisticsOptions { RowGroups = range });
            parts.Add(ExperimentStatistics.FromState(part.ToState()));
        }

        var merged = ExperimentStatistics.Combine(parts);

        Assert.Equal(whole.N, merged.N);
        Assert.Equal(whole.Cells.ToHashSet(), merged.Cells.ToHashSet());
        foreach (var cell in whole.Cells)
        {
            var (a, b) = (whole.Cell(cell), merged.Cell(cell));
            Assert.Equal((a.N, a.Exposed, a.WithExposure), (b.N, b.Exposed, b.WithExposure));
            var (x, y) = (a.Cuped("revenue", "pre_revenue"), b.Cuped("revenue", "pre_revenue"));
            foreach (var (e, c) in new[] { (x.SumY, y.SumY), (x.SumY2, y.SumY2), (x.SumX, y.SumX), (x.SumX2, y.SumX2), (x.SumXY, y.SumXY), (a.Spend, b.Spend) })
            {
                Assert.True(Math.Abs(e - c) <= 1e-12 * Math.Abs(e), $"{cell}: {c:R} vs {e:R}");
            }
        }
        foreach (var arm in whole.Arms)
        {
            Assert.Equal(whole.Sketch(arm, "revenue").Buckets(), merged.Sketch(arm, "revenue").Buckets());
        }
    }

    [Fact]
    public async Task A_range_outside_the_file_is_refused()
    {
        using var dir = TestData.TempDirectory();
        string path = Path.Combine(dir.FullName, "x.parquet");
        Write(path, Rows(2_000), 1_000);

        var error = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() =>
            ExperimentStatisticsBuilder.ComputeAsync(path, null, new ExperimentStatisticsOptions { RowGroups = new(1, 5) }));

        Assert.Contains("[1, 5) are not a range", error.Message, StringComparison.Ordinal);
    }

    public static TheoryData<string, Func<ExperimentStatisticsState, ExperimentStatisticsState>> Breakages => new()
    {
        { "sums hold", s => s with { Sums = s.Sums[1..] } },
        { "appears twice", s => s with { Cells = [s.Cells[0], .. s.Cells[..^1]] } },
        { "impossible counts", s => s with { Counts = [-1, .. s.Counts[1..]] } },
        { "sum 0 is NaN", s => s with { Sums = [double.NaN, .. s.Sums[1..]] } },
        { "not the arm's", s => s with { Sketches = [s.Sketches[0] with { Outcomes = [QuantileSketch.FromState(s.Sketches[0].Outcomes[0]).Clone().ToState() with { ZeroCount = s.Sketches[0].Outcomes[0].ZeroCount + 1 }, .. s.Sketches[0].Outcomes[1..]] }, .. s.Sketches[1..]] } },
        { "have cells but no sketches", s => s with { Sketches = s.Sketches[1..] } },
        { "outcome 'revenue' appears twice", s => s with { Outcomes = ["revenue", "revenue"] } },
    };

    [Theory]
    [MemberData(nameof(Breakages))]
    public async Task An_inconsistent_statistics_state_is_refused_naming_the_problem(string expected, Func<ExperimentStatisticsState, ExperimentStatisticsState> breakage)
    {
        using var dir = TestData.TempDirectory();
        string path = Path.Combine(dir.FullName, "x.parquet");
        Write(path, Rows(3_000), 1_000);
        var state = (await ExperimentStatisticsBuilder.ComputeAsync(path, new ExperimentExportOptions { Outcomes = ["revenue", "conversions"] })).ToState();

        var error = Assert.Throws<ArgumentException>(() => ExperimentStatistics.FromState(breakage(state)));

        Assert.StartsWith("inconsistent statistics state", error.Message, StringComparison.Ordinal);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }
}
