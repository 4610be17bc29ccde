using System.Globalization;
using System.Numerics;
using LiftPipeline.Ingestion;
using LiftPipeline.Ingestion.Experiments;
using LiftPipeline.Statistics.Experiments;
using LiftPipeline.Statistics.Experiments.Contrasts;
using static LiftPipeline.Tests.Experiments.ExperimentExportKit;

namespace LiftPipeline.Tests.Experiments;

/// <summary>
/// Per-cell statistics of an export whose metrics sit far above their spread — revenue and its pre-period covariate at
/// 1e9 + N(0, 1) on a grid of 2^-10, a 0/1 flag at 1e12 + 0/1 — against exact integer sums from DuckDB: variances,
/// covariances (CUPED, ratio, exposure) and CUPED's θ to 1e-9 relative, however the file is split, read or merged.
/// (Raw sums Σy, Σy² give a revenue variance of 284.0 for the exact 0.980 in cell vbo/new.)
/// </summary>
public sealed class LargeMeanStatisticsTests
{
    private const int Rows = 12_000;

    // u(k): a deterministic uniform in (0, 1) per row and stream; k and j are integers, revenue = 1e9 + k/1024 exactly.
    private static string U(int k) => $"((hash(i * 7919 + {k}) % 1000003 + 1) / 1000004.0)";

    private static readonly string Base = $"""
        SELECT i,
          CASE WHEN {U(1)} < 0.5 THEN 'holdout' ELSE 'vbo' END AS arm,
          CASE WHEN {U(2)} < 0.3 THEN 'new' ELSE 'regular' END AS segment,
          {U(3)} < 0.6 AS exposed,
          CAST(round(1024 * sqrt(-2 * ln({U(4)})) * cos(2 * pi() * {U(5)})) AS BIGINT) AS k,
          CAST(round(512 * sqrt(-2 * ln({U(6)})) * cos(2 * pi() * {U(7)})) AS BIGINT) AS noise,
          CAST({U(8)} < 0.3 AS BIGINT) AS b
        FROM range({Rows.ToString(CultureInfo.InvariantCulture)}) t(i)
        """;

    private static readonly string Export = $"""
        SELECT i AS customer_id, arm, segment, exposed,
          1e9::DOUBLE + k::DOUBLE / 1024 AS revenue,
          1e12::DOUBLE + b::DOUBLE AS flag,
          1e9::DOUBLE + (k + noise)::DOUBLE / 1024 AS pre_revenue
        FROM ({Base})
        """;

    // Exact integer sums per group: n, Σk, Σk², Σj, Σj², Σkj, Σb, Σkb, Σe, Σke with j = k + noise.
    private static string Truth(string groupBy) => $"""
        SELECT {groupBy}, count(*), sum(k), sum(k * k), sum(k + noise), sum((k + noise) * (k + noise)), sum(k * (k + noise)),
          sum(b), sum(k * b), sum(exposed::BIGINT), sum(k * exposed::BIGINT)
        FROM ({Base}) GROUP BY {groupBy}
        """;

    private static string TruthOfAll() => $"SELECT count(*), sum(k), sum(k + noise), sum((k + noise) * (k + noise)), sum(k * (k + noise)) FROM ({Base})";

    private static readonly ExperimentExportOptions Options = new() { Outcomes = ["revenue", "flag"] };

    /// <summary>(nΣab − ΣaΣb)/(n(n − 1)) in exact integers, times <paramref name="scale"/>.</summary>
    private static double Covariance(double n, double sa, double sb, double sab, double scale)
    {
        var numerator = new BigInteger(n) * new BigInteger(sab) - new BigInteger(sa) * new BigInteger(sb);
        return (double)numerator / (n * (n - 1)) * scale;
    }

    private static void AssertRelative(double expected, double actual, double relative, string what) =>
        Assert.True(Math.Abs(actual - expected) <= relative * Math.Abs(expected), $"{what}: expected {expected:R}, got {actual:R}");

    private static void AssertExact(CellStatistics cell, object?[] row, int first)
    {
        string name = cell.Key.ToString();
        double n = Double(row[first]), sk = Double(row[first + 1]), skk = Double(row[first + 2]), sj = Double(row[first + 3]), sjj = Double(row[first + 4]);
        double skj = Double(row[first + 5]), sb = Double(row[first + 6]), skb = Double(row[first + 7]), se = Double(row[first + 8]), ske = Double(row[first + 9]);
        const double grid = 1.0 / 1024;
        Assert.Equal((long)n, cell.N);
        var cuped = cell.Cuped("revenue", "pre_revenue");
        AssertRelative(Covariance(n, sk, sk, skk, grid * grid), cuped.Y.Variance, 1e-9, $"{name} Var revenue");
        AssertRelative(Covariance(n, sj, sj, sjj, grid * grid), cuped.X.Variance, 1e-9, $"{name} Var pre_revenue");
        AssertRelative(Covariance(n, sk, sj, skj, grid * grid), cuped.Covariance, 1e-9, $"{name} Cov(revenue, pre_revenue)");
        AssertRelative(1e9 + sk / n * grid, cuped.Y.Mean, 1e-15, $"{name} mean revenue");
        AssertRelative(Covariance(n, sb, sb, sb, 1), cell.Outcome("flag").Variance, 1e-9, $"{name} Var flag");
        AssertRelative(1e12 + sb / n, cell.Outcome("flag").Mean, 1e-15, $"{name} mean flag");
        AssertRelative(Covariance(n, sk, sb, skb, grid), cell.Ratio("revenue", "flag").Covariance, 1e-9, $"{name} Cov(revenue, flag)");
        AssertRelative(Covariance(n, sk, se, ske, grid), cell.Exposure("revenue").Covariance, 1e-9, $"{name} Cov(revenue, exposed)");
        Assert.Equal((long)se, cell.Exposed);
    }

    private static void AssertCells(ExperimentStatistics statistics)
    {
        var rows = Query(Truth("arm, segment"));
        Assert.Equal(rows.Count, statistics.Cells.Count);
        foreach (var row in rows)
        {
            AssertExact(statistics.Cell(new ExperimentCell((string)row[0]!, (string?)row[1], null, null)), row, 2);
        }
        foreach (var row in Query(Truth("arm")))
        {
            AssertExact(statistics.ForArm((string)row[0]!), row, 1);
        }
    }

    private static void AssertSame(ExperimentStatistics expected, ExperimentStatistics actual)
    {
        foreach (var key in expected.Cells.Concat(expected.Arms.Select(a => new ExperimentCell(a, null, null, null))))
        {
            var (a, b) = key.Segment is null ? (expected.ForArm(key.Arm), actual.ForArm(key.Arm)) : (expected.Cell(key), actual.Cell(key));
            var (x, y) = (a.Cuped("revenue", "pre_revenue"), b.Cuped("revenue", "pre_revenue"));
            foreach (var (e, v) in new[] { (x.Y.Variance, y.Y.Variance), (x.X.Variance, y.X.Variance), (x.Covariance, y.Covariance), (x.Y.Mean, y.Y.Mean),
                (a.Outcome("flag").Variance, b.Outcome("flag").Variance), (a.Ratio("revenue", "flag").Covariance, b.Ratio("revenue", "flag").Covariance) })
            {
                AssertRelative(e, v, 1e-12, key.ToString());
            }
        }
    }

    [Fact]
    public async Task Variances_and_covariances_at_large_means_match_exact_integer_sums_per_cell_and_per_arm()
    {
        using var temp = TestData.TempDirectory();
        string path = temp.File("export.parquet");
        Write(path, Export, 1_000);

        var statistics = await ExperimentStatisticsBuilder.ComputeAsync(path, Options, new() { MaxDegreeOfParallelism = 2 });

        Assert.Equal(4, statistics.Cells.Count);
        AssertCells(statistics);
        Assert.False(statistics.IsBinary("flag"));
        // CUPED's θ over both arms: Cov(y, x)/Var x of the pooled customers, exactly from the integer sums.
        var all = Query(TruthOfAll())[0].Select(Double).ToArray();
        double exactTheta = Covariance(all[0], all[1], all[2], all[4], 1) / Covariance(all[0], all[2], all[2], all[3], 1);
        double theta = CupedAdjustment.PooledTheta([statistics.ForArm("holdout").Cuped("revenue", "pre_revenue"), statistics.ForArm("vbo").Cuped("revenue", "pre_revenue")]);
        AssertRelative(exactTheta, theta, 1e-9, "θ");
    }

    [Fact]
    public async Task Row_group_ranges_merged_in_any_order_through_their_states_equal_the_whole_file()
    {
        using var temp = TestData.TempDirectory();
        string path = temp.File("export.parquet");
        string reversed = temp.File("reversed.parquet");
        Write(path, Export, 1_000);
        Write(reversed, Export + " ORDER BY i DESC", 5_000);
        var whole = await ExperimentStatisticsBuilder.ComputeAsync(path, Options, new() { MaxDegreeOfParallelism = 1 });
        int groups;
        await using (var file = await ExportFile.OpenAsync(path))
        {
            groups = file.RowGroupCount;
        }
        var parts = new List<ExperimentStatistics>();
        foreach (var range in new RowGroupRange[] { new(0, 1), new(1, 5), new(5, groups) })
        {
            var part = await ExperimentStatisticsBuilder.ComputeAsync(path, Options, new() { RowGroups = range });
            parts.Add(ExperimentStatistics.FromState(part.ToState()));
        }

        AssertCells(ExperimentStatistics.Combine(parts));
        // A cell met in several parts is summed about its pooled mean, whatever the parts' pilots were.
        var merged = ExperimentStatistics.Combine(parts).ToState();
        for (int c = 0; c < merged.Cells.Length; c++)
        {
            var cell = whole.Cell(merged.Cells[c]);
            Assert.Equal(cell.Outcome("revenue").Mean, merged.Shifts[3 * c], 1e-6);
            Assert.Equal(cell.Outcome("flag").Mean, merged.Shifts[3 * c + 1], 1e-3);
            Assert.Equal(cell.Covariate("pre_revenue").Mean, merged.Shifts[3 * c + 2], 1e-6);
        }
        AssertSame(whole, ExperimentStatistics.Combine(parts));
        AssertSame(whole, ExperimentStatistics.Combine([parts[2], parts[0], parts[1]]));
        AssertSame(whole, parts[1].Merge(parts[2]).Merge(parts[0]));
        AssertSame(whole, await ExperimentStatisticsBuilder.ComputeAsync(path, Options, new() { MaxDegreeOfParallelism = 3 }));
        AssertSame(whole, await ExperimentStatisticsBuilder.ComputeAsync(reversed, Options));
    }

    [Fact]
    public async Task A_state_round_trip_keeps_the_shifts_and_so_every_moment_bit_for_bit()
    {
        using var temp = TestData.TempDirectory();
        string path = temp.File("export.parquet");
        Write(path, Export, 1_000);
        var statistics = await ExperimentStatisticsBuilder.ComputeAsync(path, Options);

        var state = statistics.ToState();
        var back = ExperimentStatistics.FromState(state);

        Assert.Equal(state.Cells.Length * 3, state.Shifts.Length);
        // Pilot means of the cells' first rows: near the metric means, not 0.
        Assert.All(state.Shifts, k => Assert.True(Math.Abs(k - 1e9) < 1 || Math.Abs(k - 1e12) < 1, $"shift {k:R}"));
        foreach (var cell in statistics.Cells)
        {
            Assert.Equal(statistics.Cell(cell).Cuped("revenue", "pre_revenue"), back.Cell(cell).Cuped("revenue", "pre_revenue"));
            Assert.Equal(statistics.Cell(cell).Ratio("flag", "revenue"), back.Cell(cell).Ratio("flag", "revenue"));
        }
        var error = Assert.Throws<ArgumentException>(() => ExperimentStatistics.FromState(state with { Shifts = state.Shifts[1..] }));
        Assert.Contains("shifts hold", error.Message, StringComparison.Ordinal);
        error = Assert.Throws<ArgumentException>(() => ExperimentStatistics.FromState(state with { Shifts = [double.PositiveInfinity, .. state.Shifts[1..]] }));
        Assert.Contains("shift 0 is", error.Message, StringComparison.Ordinal);
    }
}
