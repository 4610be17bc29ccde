using DuckDB.NET.Data;
using LiftPipeline.Ingestion;
using LiftPipeline.Ingestion.Panels;
using LiftPipeline.Pipeline.Datasets;
using LiftPipeline.Statistics.Panels;

namespace LiftPipeline.Tests.Panels;

/// <summary>
/// What <see cref="PanelParquetWriter"/> writes reads back through <see cref="PanelExportReader"/> to the same panel,
/// bit for bit, and a second reader (DuckDB) reads the same rows from it.
/// </summary>
public sealed class PanelParquetWriterTests
{
    public static TheoryData<string, string> ReferencePanels() => new()
    {
        { "california_prop99.parquet", "packs_per_capita" },
        { "GeoLift_Test.parquet", "conversions" },
        { "GeoLift_Test_MultiCell.parquet", "conversions" },
    };

    [Theory]
    [MemberData(nameof(ReferencePanels))]
    public async Task Reference_panel_written_and_read_back_is_identical(string file, string metric)
    {
        var panel = await PanelExportReader.ReadAsync(TestData.Panel(file));
        using var temp = TestData.TempDirectory();

        var back = await WriteAndReadAsync(panel, temp.File(file));

        AssertSamePanel(panel, back);
        Assert.Contains(metric, back.MetricNames);
    }

    [Theory]
    [MemberData(nameof(ReferencePanels))]
    public async Task DuckDB_reads_a_written_reference_panel_to_the_same_values(string file, string metric)
    {
        var panel = await PanelExportReader.ReadAsync(TestData.Panel(file));
        using var temp = TestData.TempDirectory();
        string path = temp.File(file);
        await WriteAsync(panel, path);

        AssertDuckDBAgrees(panel, path, metric);
    }

    [Fact]
    public async Task Integer_periods_round_trip_and_DuckDB_reads_them_as_BIGINT()
    {
        var panel = Build([Period.FromInteger(-5), Period.FromInteger(0), Period.FromInteger(7), Period.FromInteger(1L << 40)]);
        using var temp = TestData.TempDirectory();
        string path = temp.File("integer.parquet");
        await WriteAsync(panel, path);

        AssertSamePanel(panel, await PanelExportReader.ReadAsync(path));
        AssertDuckDBAgrees(panel, path, "revenue");
        Assert.Equal("BIGINT", DuckDBColumnType(path, "period"));
    }

    [Fact]
    public async Task Timestamp_periods_round_trip_to_the_same_instants()
    {
        using var temp = TestData.TempDirectory();
        string path = temp.File("timestamp.parquet");
        var panel = TimestampPanel();
        await WriteAsync(panel, path);

        var back = await PanelExportReader.ReadAsync(path);

        AssertSamePanel(panel, back);
        Assert.All(back.Periods, p => Assert.Equal(PeriodKind.Timestamp, p.Kind));
        Assert.Equal("TIMESTAMP WITH TIME ZONE", DuckDBColumnType(path, "period"));
    }

    [Fact]
    public async Task DuckDB_reads_timestamp_periods_to_the_same_instants()
    {
        using var temp = TestData.TempDirectory();
        string path = temp.File("timestamp.parquet");
        var panel = TimestampPanel();
        await WriteAsync(panel, path);

        AssertDuckDBAgrees(panel, path, "revenue");
    }

    private static Panel TimestampPanel()
    {
        var start = new DateTime(2024, 3, 30, 6, 15, 0, DateTimeKind.Utc);
        return Build([.. Enumerable.Range(0, 4).Select(h => Period.FromTimestamp(start.AddHours(h * 7).AddTicks(h * 10)))]);
    }

    [Fact]
    public async Task Spend_is_written_as_the_spend_column_and_reads_back_as_spend_not_a_metric()
    {
        var source = Build([Period.FromInteger(1), Period.FromInteger(2), Period.FromInteger(3), Period.FromInteger(4)]);
        double[] spend = [0, 0, 0, 0, 0, 0, 120.5, 99.25, 0, 0, 0, 0];
        var panel = new Panel(source.Units, source.Periods, [source.Metric("revenue")], source.Treatment.ToArray(), null, new PanelMatrix("spend", 3, 4, spend));
        using var temp = TestData.TempDirectory();

        var back = await WriteAndReadAsync(panel, temp.File("spend.parquet"));

        AssertSamePanel(panel, back);
        Assert.Equal(["revenue"], back.MetricNames);
        Assert.Equal(spend, back.Spend!.Values.ToArray());
    }

    [Fact]
    public void Merged_increments_keep_their_spend_and_an_increment_without_spend_is_rejected()
    {
        var source = Build([Period.FromInteger(1), Period.FromInteger(2), Period.FromInteger(3), Period.FromInteger(4)]);
        var spend = new PanelMatrix("spend", 3, 4, [.. Enumerable.Range(0, 12).Select(i => (double)i)]);
        var whole = new Panel(source.Units, source.Periods, [source.Metric("revenue")], source.Treatment.ToArray(), null, spend);
        var first = Slice(whole, 0, 2);
        var second = Slice(whole, 2, 4);

        var merged = PanelMerge.Merge(first, second, "q2.parquet");
        var error = Assert.Throws<ExportValidationException>(() => PanelMerge.Merge(first, new Panel(second.Units, second.Periods, [second.Metric("revenue")], second.Treatment.ToArray(), null), "q2.parquet"));

        Assert.Equal(spend.Values.ToArray(), merged.Spend!.Values.ToArray());
        Assert.Equal(ExportErrorCodes.MissingColumn, Assert.Single(error.Errors).Code);
        Assert.Contains("no spend column", error.Message);
    }

    [Fact]
    public async Task Written_file_holds_one_row_per_cell_in_one_row_group_and_names_its_writer()
    {
        var panel = await PanelExportReader.ReadAsync(TestData.Panel("california_prop99.parquet"));
        using var temp = TestData.TempDirectory();
        string path = temp.File("prop99.parquet");
        await WriteAsync(panel, path);

        await using (var file = await ExportFile.OpenAsync(path))
        {
            Assert.Equal(39 * 31, file.Rows);
            Assert.Equal([39L * 31], file.RowGroupRows);
            Assert.Equal(["SNAPPY"], file.Codecs);
            Assert.Equal(["unit", "period", "treated", "packs_per_capita"], file.Columns.Select(c => c.Name));
            Assert.StartsWith("Parquet.Net", file.CreatedBy, StringComparison.Ordinal);
        }
        using var connection = OpenDuckDB();
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT decode(value) FROM parquet_kv_metadata('{path}') WHERE decode(key) = 'liftpipeline.contract'";
        Assert.Equal("panel", command.ExecuteScalar());
    }

    // Three units (c never treated), treatment from the third period for b; values that only survive exact writing.
    private static Panel Build(Period[] periods)
    {
        string[] units = ["a", "b", "c"];
        int t = periods.Length;
        var treated = new bool[units.Length * t];
        for (int p = 2; p < t; p++)
        {
            treated[t + p] = true;
        }
        double[] values = [.. Enumerable.Range(0, units.Length * t).Select(i => i switch
        {
            0 => 0.1 + 0.2,
            1 => -0.0,
            2 => double.Epsilon,
            3 => 1e300,
            4 => Math.PI,
            _ => Math.Sqrt(i) * 1e-7,
        })];
        return new Panel(units, periods, [new PanelMatrix("revenue", units.Length, t, values)], treated, arms: null);
    }

    /// <summary>Periods [from, to) of <paramref name="panel"/>, metric and spend.</summary>
    private static Panel Slice(Panel panel, int from, int to)
    {
        int n = panel.Units.Count, t = to - from;
        double[] Cut(PanelMatrix m) => [.. Enumerable.Range(0, n * t).Select(c => m[c / t, from + c % t])];
        var treated = Enumerable.Range(0, n * t).Select(c => panel.IsTreated(c / t, from + c % t)).ToArray();
        return new Panel(panel.Units, panel.Periods.Skip(from).Take(t).ToArray(), [.. panel.MetricNames.Select(name => new PanelMatrix(name, n, t, Cut(panel.Metric(name))))],
            treated, panel.Arms, panel.Spend is null ? null : new PanelMatrix("spend", n, t, Cut(panel.Spend)));
    }

    private static async Task WriteAsync(Panel panel, string path)
    {
        await using var stream = File.Create(path);
        await PanelParquetWriter.WriteAsync(panel, stream);
    }

    private static async Task<Panel> WriteAndReadAsync(Panel panel, string path)
    {
        await WriteAsync(panel, path);
        return await PanelExportReader.ReadAsync(path);
    }

    private static void AssertSamePanel(Panel expected, Panel actual)
    {
        Assert.Equal(expected.Units, actual.Units);
        Assert.Equal(expected.Periods, actual.Periods);
        Assert.Equal(expected.Treatment.ToArray(), actual.Treatment.ToArray());
        Assert.Equal(expected.Arms, actual.Arms);
        Assert.Equal(expected.MetricNames, actual.MetricNames);
        foreach (string name in expected.MetricNames)
        {
            // Bit patterns, so -0.0 and 0.0 (or two NaNs) are not taken for each other.
            Assert.Equal(expected.Metric(name).Values.ToArray().Select(BitConverter.DoubleToInt64Bits), actual.Metric(name).Values.ToArray().Select(BitConverter.DoubleToInt64Bits));
        }
        Assert.Equal(expected.Spend?.Values.ToArray(), actual.Spend?.Values.ToArray());
    }

    private static void AssertDuckDBAgrees(Panel panel, string path, string metric)
    {
        var kind = panel.Periods[0].Kind;
        string period = kind == PeriodKind.Timestamp ? "epoch_us(period)" : "period";
        string arm = panel.Arms is null ? "NULL" : "arm";
        using var connection = OpenDuckDB();
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT unit, {period}, treated, {arm}, \"{metric}\" FROM read_parquet('{path}') ORDER BY unit, period";
        using var reader = command.ExecuteReader();
        var values = panel.Metric(metric);
        int rows = 0;
        var seen = new List<(string Unit, long Period)>();
        while (reader.Read())
        {
            int u = rows / panel.Periods.Count;
            int t = rows % panel.Periods.Count;
            string where = $"row {rows} ({panel.Units[u]}, {panel.Periods[t]})";
            Assert.True(u < panel.Units.Count, $"DuckDB read more rows than the panel's {panel.Units.Count * panel.Periods.Count}");
            seen.Add((reader.GetString(0), panel.Periods[t].Value));
            Assert.Equal(panel.Units[u], reader.GetString(0));
            Assert.Equal(panel.Periods[t], ReadPeriod(reader, kind));
            Assert.True(panel.IsTreated(u, t) == reader.GetBoolean(2), $"{where}: treated");
            Assert.Equal(panel.Arms?[u], reader.IsDBNull(3) ? null : reader.GetString(3));
            Assert.True(BitConverter.DoubleToInt64Bits(values[u, t]) == BitConverter.DoubleToInt64Bits(reader.GetDouble(4)),
                $"{where}: {metric} {values[u, t]:R} written, DuckDB read {reader.GetDouble(4):R}");
            rows++;
        }
        Assert.Equal(panel.Units.Count * panel.Periods.Count, rows);
        // DuckDB's ORDER BY and the panel's ordinal order agree, so the comparison above was cell by cell.
        Assert.Equal(seen.OrderBy(s => s.Unit, StringComparer.Ordinal).ThenBy(s => s.Period), seen);
    }

    private static Period ReadPeriod(DuckDBDataReader reader, PeriodKind kind) => kind switch
    {
        PeriodKind.Integer => Period.FromInteger(reader.GetInt64(1)),
        PeriodKind.Timestamp => new Period(PeriodKind.Timestamp, reader.GetInt64(1)),
        _ => reader.GetValue(1) switch
        {
            DateOnly date => Period.FromDate(date),
            DateTime dateTime => Period.FromDate(DateOnly.FromDateTime(dateTime)),
            var other => throw new InvalidOperationException($"DuckDB read a DATE as {other.GetType().Name}"),
        },
    };

    private static string DuckDBColumnType(string path, string column)
    {
        using var connection = OpenDuckDB();
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT column_type FROM (DESCRIBE SELECT * FROM read_parquet('{path}')) WHERE column_name = '{column}'";
        return (string)command.ExecuteScalar()!;
    }

    private static DuckDBConnection OpenDuckDB()
    {
        var connection = new DuckDBConnection("Data Source=:memory:");
        connection.Open();
        return connection;
    }
}
