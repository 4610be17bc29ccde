using System.Globalization;
using LiftPipeline.Ingestion;
using LiftPipeline.Ingestion.Experiments;
using LiftPipeline.Statistics.Experiments;
using static LiftPipeline.Tests.Experiments.ExperimentExportKit;

namespace LiftPipeline.Tests.Experiments;

/// <summary>
/// Per-cell statistics of an experiment export against DuckDB's GROUP BY on the same file, and the invariances the
/// statistics promise: splitting the file, the row-group size and the number of workers do not change them.
/// </summary>
public sealed class ExperimentStatisticsTests
{
    private const int Rows = 12_000;

    private static string Source(string path) => $"read_parquet('{path}')";

    private static string ReferenceSql(string source, string groupBy) => $"""
        SELECT {groupBy}, count(*), sum(conversions::DOUBLE), sum((conversions * conversions)::DOUBLE), sum(revenue), sum(revenue * revenue),
          sum(pre_revenue), sum(pre_revenue * pre_revenue), sum(revenue * pre_revenue), sum(conversions * pre_revenue),
          sum(conversions * revenue), sum(spend), count_if(exposed)::DOUBLE, sum(CASE WHEN exposed THEN revenue ELSE 0 END)
        FROM {source} GROUP BY {groupBy}
        """;

    private static void AssertCell(CellStatistics cell, object?[] row, int first)
    {
        string name = cell.Key.ToString();
        Assert.Equal((long)Double(row[first]), cell.N);
        var conversions = cell.Outcome("conversions");
        var revenue = cell.Cuped("revenue", "pre_revenue");
        var ratio = cell.Ratio("revenue", "conversions");
        double[] actual = [conversions.Sum, conversions.SumSquares, revenue.SumY, revenue.SumY2, revenue.SumX, revenue.SumX2, revenue.SumXY,
            cell.Cuped("conversions", "pre_revenue").SumXY, ratio.SumXY, cell.Spend, cell.Exposed, cell.Exposure("revenue").SumXY];
        for (int k = 0; k < actual.Length; k++)
        {
            AssertClose(Double(row[first + 1 + k]), actual[k], $"{name} column {k}");
        }
        Assert.Equal(cell.N, cell.WithExposure);
        Assert.Equal(ratio.SumXY, cell.Ratio("conversions", "revenue").SumXY);
    }

    private static void AssertEqualsDuckDB(ExperimentStatistics statistics, string source)
    {
        var rows = Query(ReferenceSql(source, "arm, segment, surface, market"));
        Assert.Equal(rows.Count, statistics.Cells.Count);
        foreach (var row in rows)
        {
            AssertCell(statistics.Cell(new ExperimentCell((string)row[0]!, (string?)row[1], (string?)row[2], (string?)row[3])), row, 4);
        }
    }

    private static void AssertSame(ExperimentStatistics expected, ExperimentStatistics actual, double relative = 1e-12)
    {
        Assert.Equal(expected.Cells.Count, actual.Cells.Count);
        foreach (var key in expected.Cells)
        {
            var a = expected.Cell(key);
            var b = actual.Cell(key);
            Assert.Equal(a.N, b.N);
            Assert.Equal(a.Exposed, b.Exposed);
            foreach (var outcome in expected.Outcomes)
            {
                var x = a.Cuped(outcome, "pre_revenue");
                var y = b.Cuped(outcome, "pre_revenue");
                foreach (var (e, v) in new[] { (x.SumY, y.SumY), (x.SumY2, y.SumY2), (x.SumX, y.SumX), (x.SumX2, y.SumX2), (x.SumXY, y.SumXY) })
                {
                    AssertClose(e, v, $"{key} {outcome}", relative);
                }
            }
            AssertClose(a.Ratio("revenue", "conversions").SumXY, b.Ratio("revenue", "conversions").SumXY, $"{key} ratio", relative);
            AssertClose(a.Spend, b.Spend, $"{key} spend", relative);
        }
        foreach (var arm in expected.Arms)
        {
            Assert.Equal(expected.Sketch(arm, "revenue").Buckets(), actual.Sketch(arm, "revenue").Buckets());
        }
    }

    [Fact]
    public async Task Per_cell_moments_and_cross_products_equal_DuckDB_group_by_sums()
    {
        using var temp = TestData.TempDirectory();
        string path = temp.File("export.parquet");
        Write(path, ExperimentExportKit.Rows(Rows), 2048);

        var statistics = await ExperimentStatisticsBuilder.ComputeAsync(path, options: new() { MaxDegreeOfParallelism = 2 });

        Assert.Equal(["conversions", "revenue"], statistics.Outcomes);
        Assert.Equal(["pre_revenue"], statistics.Covariates);
        Assert.Equal(["holdout", "vbo", "vbo_1p"], statistics.Arms);
        Assert.Equal(Rows, statistics.N);
        // 3 arms × 4 segments (null included) × 2 surfaces × 3 markets (null included).
        Assert.Equal(72, statistics.Cells.Count);
        AssertEqualsDuckDB(statistics, Source(path));
    }

    [Fact]
    public async Task Marginals_by_arm_and_by_arm_and_segment_equal_DuckDB_group_by_sums()
    {
        using var temp = TestData.TempDirectory();
        string path = temp.File("export.parquet");
        Write(path, ExperimentExportKit.Rows(Rows), 4096);
        var statistics = await ExperimentStatisticsBuilder.ComputeAsync(path);

        foreach (var row in Query(ReferenceSql(Source(path), "arm")))
        {
            var arm = statistics.ForArm((string)row[0]!);
            Assert.Equal(new ExperimentCell((string)row[0]!, null, null, null), arm.Key);
            AssertCell(arm, row, 1);
        }
        var bySegment = statistics.ByArmAnd(ExperimentDimension.Segment);
        var rows = Query(ReferenceSql(Source(path), "arm, segment") + " ORDER BY arm, segment NULLS FIRST");
        Assert.Equal(12, bySegment.Count);
        for (int i = 0; i < rows.Count; i++)
        {
            Assert.Equal(new ExperimentCell((string)rows[i][0]!, (string?)rows[i][1], null, null), bySegment[i].Key);
            AssertCell(bySegment[i], rows[i], 2);
        }
        var byMarket = statistics.ByArmAnd(ExperimentDimension.Market);
        Assert.Equal(9, byMarket.Count);
        Assert.Equal(Rows, byMarket.Sum(s => s.N));
    }

    [Fact]
    public async Task Merging_the_statistics_of_two_halves_with_categories_in_different_orders_equals_the_whole_file()
    {
        using var temp = TestData.TempDirectory();
        string whole = temp.File("whole.parquet");
        string first = temp.File("first.parquet");
        string second = temp.File("second.parquet");
        Write(whole, ExperimentExportKit.Rows(Rows), 2048);
        // The first half meets arms, segments and markets in reverse order, so its category codes differ from the second's.
        Write(first, ExperimentExportKit.Rows(Rows, "i % 2 = 0") + " ORDER BY arm DESC, segment DESC NULLS FIRST, market DESC", 2048);
        Write(second, ExperimentExportKit.Rows(Rows, "i % 2 = 1") + " ORDER BY arm, segment NULLS LAST, market", 2048);

        var all = await ExperimentStatisticsBuilder.ComputeAsync(whole);
        // One worker each, so the cells come out in the order the file meets them (with several, in the order workers finish).
        var serial = new ExperimentStatisticsOptions { MaxDegreeOfParallelism = 1 };
        var a = await ExperimentStatisticsBuilder.ComputeAsync(first, options: serial);
        var b = await ExperimentStatisticsBuilder.ComputeAsync(second, options: serial);

        Assert.Equal("vbo_1p", a.Cells[0].Arm);
        Assert.Equal("holdout", b.Cells[0].Arm);
        AssertSame(all, a.Merge(b));
        AssertSame(all, ExperimentStatistics.Combine([b, a]));
        Assert.Equal(a.N + b.N, a.Merge(b).N);
    }

    [Fact]
    public async Task Serial_parallel_and_shared_file_passes_agree()
    {
        using var temp = TestData.TempDirectory();
        string path = temp.File("export.parquet");
        Write(path, ExperimentExportKit.Rows(Rows), 2048);
        await using var file = await ExportFile.OpenAsync(path);
        Assert.True(file.RowGroupCount >= 4, $"want several row groups, got {file.RowGroupCount}");
        var reports = new List<ExperimentStatisticsProgress>();

        var serial = await ExperimentStatisticsBuilder.ComputeAsync(file, options: new() { MaxDegreeOfParallelism = 1, Progress = new SyncProgress(reports) });
        var shared = await ExperimentStatisticsBuilder.ComputeAsync(file, options: new() { MaxDegreeOfParallelism = 3 });
        var parallel = await ExperimentStatisticsBuilder.ComputeAsync(path, options: new() { MaxDegreeOfParallelism = 4 });

        AssertSame(serial, shared);
        AssertSame(serial, parallel);
        Assert.Equal(file.RowGroupCount, reports.Count);
        Assert.Equal(new ExperimentStatisticsProgress(file.RowGroupCount, file.RowGroupCount, Rows), reports[^1]);
    }

    [Fact]
    public async Task The_row_group_size_does_not_change_the_statistics()
    {
        using var temp = TestData.TempDirectory();
        string small = temp.File("small-groups.parquet");
        string one = temp.File("one-group.parquet");
        Write(small, ExperimentExportKit.Rows(Rows), 2048);
        Write(one, ExperimentExportKit.Rows(Rows), 1_000_000);
        await using (var file = await ExportFile.OpenAsync(one))
        {
            Assert.Equal(1, file.RowGroupCount);
        }

        AssertSame(await ExperimentStatisticsBuilder.ComputeAsync(one), await ExperimentStatisticsBuilder.ComputeAsync(small));
    }

    [Fact]
    public async Task A_capped_pass_equals_DuckDB_sums_of_least_greatest_clipped_outcomes()
    {
        using var temp = TestData.TempDirectory();
        string path = temp.File("export.parquet");
        Write(path, ExperimentExportKit.Rows(Rows), 2048);
        var first = await ExperimentStatisticsBuilder.ComputeAsync(path);
        var upper = CappingPlan.FromQuantile(first, "revenue", 0.95);
        var revenueCap = upper with { Lower = 1.5 };
        var conversionsCap = new OutcomeCap(0, 2);

        var capped = await ExperimentStatisticsBuilder.ComputeAsync(path, options: new()
        {
            Caps = new Dictionary<string, OutcomeCap> { ["revenue"] = revenueCap, ["conversions"] = conversionsCap },
        });

        string lo = revenueCap.Lower.ToString("R", CultureInfo.InvariantCulture);
        string hi = revenueCap.Upper.ToString("R", CultureInfo.InvariantCulture);
        string source = $"(SELECT * REPLACE (least(greatest(revenue, {lo}), {hi}) AS revenue, least(greatest(conversions, 0), 2) AS conversions) FROM {Source(path)})";
        AssertEqualsDuckDB(capped, source);
        Assert.Equal(revenueCap.Upper, capped.PooledSketch("revenue").Quantile(1), 0.01 * revenueCap.Upper);
    }

    [Fact]
    public async Task The_capping_quantile_is_within_the_sketch_accuracy_of_the_exact_pooled_quantile()
    {
        using var temp = TestData.TempDirectory();
        string path = temp.File("export.parquet");
        Write(path, ExperimentExportKit.Rows(Rows), 2048);
        var statistics = await ExperimentStatisticsBuilder.ComputeAsync(path);
        var sorted = Query($"SELECT revenue FROM {Source(path)} ORDER BY revenue").Select(r => Double(r[0])).ToArray();

        foreach (double q in new[] { 0.5, 0.9, 0.95, 0.99, 0.999 })
        {
            double exact = sorted[(int)Math.Floor(q * (sorted.Length - 1))];
            double cap = CappingPlan.FromQuantile(statistics, "revenue", q).Upper;
            Assert.True(Math.Abs(cap - exact) <= 0.01 * exact, $"q={q}: sketch {cap}, exact {exact}");
        }
        Assert.Equal(Rows, statistics.Arms.Sum(a => statistics.Sketch(a, "revenue").Count));
    }

    private sealed class SyncProgress(List<ExperimentStatisticsProgress> reports) : IProgress<ExperimentStatisticsProgress>
    {
        public void Report(ExperimentStatisticsProgress value)
        {
            lock (reports)
            {
                reports.Add(value);
            }
        }
    }
}
