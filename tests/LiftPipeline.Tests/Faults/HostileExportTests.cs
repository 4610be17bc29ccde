using System.Text.Json;
using LiftPipeline.Cli.Hosting;
using LiftPipeline.Ingestion;
using LiftPipeline.Ingestion.Experiments;
using LiftPipeline.Ingestion.Panels;
using LiftPipeline.Pipeline.Hosting;
using LiftPipeline.Pipeline.Storage;
using LiftPipeline.Tests.Alerts;
using LiftPipeline.Tests.Cli;

namespace LiftPipeline.Tests.Faults;

/// <summary>
/// Issue 11, item 1: one export never stops the pipeline. Footers that claim billions of rows, row groups that repeat
/// the same pages millions of times, panels whose cells would not fit in memory, and stores that fail while an export is
/// read each end as that export's own clear outcome, and the other exports of the run are handled.
/// </summary>
public sealed class HostileExportTests
{
    private static readonly DateTimeOffset Start = new(2021, 6, 1, 9, 0, 0, TimeSpan.Zero);

    private static readonly IngestionLimits Unlimited = new()
    {
        MaxFileBytes = long.MaxValue,
        MaxRows = long.MaxValue,
        MaxRowGroupRows = long.MaxValue,
        MaxValues = long.MaxValue,
        MaxColumns = int.MaxValue,
        MaxFooterBytes = long.MaxValue,
        MaxPageBytes = int.MaxValue,
    };

    [Theory]
    [InlineData(2_000_000_000L)]
    [InlineData(3_000_000_000L)]
    public async Task A_panel_footer_claiming_billions_of_rows_is_too_large_before_any_buffer_is_sized(long rows)
    {
        using var dir = TestData.TempDirectory();
        var path = dir.File("claims.parquet");
        File.WriteAllBytes(path, HostileParquet.ClaimingRows(await HostileParquet.BalancedPanelAsync(3, 4), rows));

        var e = await Assert.ThrowsAsync<ExportValidationException>(() => PanelExportReader.ReadAsync(path));

        Assert.Equal(ExportErrorCodes.TooLarge, e.Code);
        Assert.Contains(path, e.Message, StringComparison.Ordinal);
        Assert.Contains($"{rows:N0} rows", e.Message, StringComparison.Ordinal);
        Assert.Contains("MaxRows", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(2_000_000_000L, true)]
    [InlineData(3_000_000_000L, true)]
    [InlineData(2_000_000_000L, false)]
    public async Task With_limits_lifted_a_footer_claiming_billions_of_rows_is_checked_against_its_pages(long rows, bool values)
    {
        using var dir = TestData.TempDirectory();
        var path = dir.File("claims.parquet");
        File.WriteAllBytes(path, HostileParquet.ClaimingRows(await HostileParquet.BalancedPanelAsync(3, 4), rows, values));

        var e = await Assert.ThrowsAsync<ExportValidationException>(() => PanelExportReader.ReadAsync(path, new PanelExportOptions { Limits = Unlimited }));

        Assert.Equal(ExportErrorCodes.CorruptFile, e.Code);
        Assert.Contains(path, e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(2_000_000_000L)]
    [InlineData(3_000_000_000L)]
    public async Task An_experiment_footer_claiming_billions_of_rows_is_rejected_before_a_batch_is_sized(long rows)
    {
        using var dir = TestData.TempDirectory();
        var path = dir.File("claims.parquet");
        File.WriteAllBytes(path, HostileParquet.ClaimingRows(await HostileParquet.ExperimentAsync(100), rows));

        var limited = await Assert.ThrowsAsync<ExportValidationException>(() => ExperimentStatisticsBuilder.ComputeAsync(path));
        var lifted = await Assert.ThrowsAsync<ExportValidationException>(() =>
            ExperimentStatisticsBuilder.ComputeAsync(path, new ExperimentExportOptions { Limits = Unlimited }));

        Assert.Equal(ExportErrorCodes.TooLarge, limited.Code);
        Assert.Contains("MaxRowGroupRows", limited.Message, StringComparison.Ordinal);
        Assert.Equal(ExportErrorCodes.CorruptFile, lifted.Code);
    }

    [Fact]
    public async Task Row_groups_repeating_the_same_pages_are_too_large_with_the_files_true_row_count()
    {
        // 120 row groups of 100,000 identical rows, all pointing at one set of pages: 12 million real rows in about a megabyte.
        var rows = 100_000;
        var file = HostileParquet.RepeatingRowGroup(await HostileParquet.PanelAsync(
            Enumerable.Repeat("u", rows).ToArray(), new long[rows], new bool[rows], new double[rows]), 120);
        using var dir = TestData.TempDirectory();
        var path = dir.File("identical.parquet");
        File.WriteAllBytes(path, file);

        var e = await Assert.ThrowsAsync<ExportValidationException>(() => PanelExportReader.ReadAsync(path));

        Assert.True(file.Length < 4 << 20, $"{file.Length} bytes");
        Assert.Equal(ExportErrorCodes.TooLarge, e.Code);
        Assert.Contains("12,000,000 rows", e.Message, StringComparison.Ordinal);
        Assert.Contains("5,000,000", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Identical_rows_are_counted_once_each_in_the_duplicate_message()
    {
        const int rows = 1000;
        using var dir = TestData.TempDirectory();
        var path = dir.File("identical.parquet");
        File.WriteAllBytes(path, await HostileParquet.PanelAsync(Enumerable.Repeat("u", rows).ToArray(), new long[rows], new bool[rows], new double[rows]));

        var e = await Assert.ThrowsAsync<ExportValidationException>(() => PanelExportReader.ReadAsync(path));

        Assert.Equal(ExportErrorCodes.DuplicateCell, e.Code);
        Assert.EndsWith($"in {rows} rows", e.Errors[0].Message, StringComparison.Ordinal);
        Assert.Equal([0L, 1, 2, 3, 4], e.Errors[0].Rows);
    }

    [Fact]
    public async Task A_panel_whose_cells_outnumber_its_rows_is_a_missing_cell_error_without_sizing_the_cells()
    {
        // 50,000 rows, each its own unit and period: 2.5 billion cells, more than an array can index.
        const int rows = 50_000;
        var units = new string[rows];
        var periods = new long[rows];
        for (int i = 0; i < rows; i++)
        {
            units[i] = "u" + i;
            periods[i] = i + 1;
        }
        using var dir = TestData.TempDirectory();
        var path = dir.File("sparse.parquet");
        File.WriteAllBytes(path, await HostileParquet.PanelAsync(units, periods, new bool[rows], new double[rows]));

        var e = await Assert.ThrowsAsync<ExportValidationException>(() => PanelExportReader.ReadAsync(path));

        Assert.Equal(ExportErrorCodes.MissingCell, e.Code);
        Assert.Contains("50,000 rows for 50,000 units × 50,000 periods (2,500,000,000 cells)", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Each_limit_names_the_file_the_place_and_the_setting_to_raise()
    {
        using var dir = TestData.TempDirectory();
        var path = dir.File("panel.parquet");
        File.WriteAllBytes(path, await HostileParquet.BalancedPanelAsync(3, 4));
        long length = new FileInfo(path).Length;

        async Task<ExportValidationException> Read(IngestionLimits limits) =>
            await Assert.ThrowsAsync<ExportValidationException>(() => PanelExportReader.ReadAsync(path, new PanelExportOptions { Limits = limits }));

        var bytes = await Read(IngestionLimits.Panel with { MaxFileBytes = 100 });
        var columns = await Read(IngestionLimits.Panel with { MaxColumns = 3 });
        var rows = await Read(IngestionLimits.Panel with { MaxRows = 11 });
        var groupRows = await Read(IngestionLimits.Panel with { MaxRowGroupRows = 5 });
        var page = await Read(IngestionLimits.Panel with { MaxPageBytes = 16 });
        var footer = await Read(IngestionLimits.Panel with { MaxFooterBytes = 64 });

        Assert.All(new[] { bytes, columns, rows, groupRows, page, footer }, e => Assert.Equal(ExportErrorCodes.TooLarge, e.Code));
        Assert.Equal($"{path}: [too-large] the file is {length:N0} bytes, more than the limit of 100 (IngestionLimits.MaxFileBytes); raise the limit if the export is genuine", bytes.Message);
        Assert.Equal($"{path}: [too-large] the file has 4 columns, more than the limit of 3 (IngestionLimits.MaxColumns); raise the limit if the export is genuine", columns.Message);
        Assert.Equal($"{path}: [too-large] the file holds 12 rows, more than the limit of 11 (IngestionLimits.MaxRows); raise the limit if the export is genuine", rows.Message);
        Assert.Equal($"{path}: [too-large] row group 0 holds 12 rows, more than the limit of 5 (IngestionLimits.MaxRowGroupRows); raise the limit if the export is genuine", groupRows.Message);
        Assert.StartsWith($"{path}: [too-large] column 'unit': row group 0: page at byte ", page.Message, StringComparison.Ordinal);
        Assert.EndsWith("more than the limit of 16 (IngestionLimits.MaxPageBytes); raise the limit if the export is genuine", page.Message, StringComparison.Ordinal);
        Assert.Matches(@"^.*: \[too-large\] the footer is [0-9,]+ bytes, more than the limit of 64 \(IngestionLimits.MaxFooterBytes\); raise the limit if the export is genuine$", footer.Message);
    }

    [Fact]
    public async Task Hostile_exports_are_quarantined_and_the_run_merges_every_other_export()
    {
        using var dir = TestData.TempDirectory();
        await WriteHostileStoreAsync(dir.FullName);

        var (code, output, error) = await CliRunner.RunAsync(new CliHost { Clock = new ManualClock(Start) }, CancellationToken.None, "run", "--store", dir.FullName);

        AssertHostileStoreHandled(dir.FullName, code, output + error);
    }

    [Fact]
    public async Task A_store_that_fails_while_one_export_is_read_fails_that_export_and_the_run_goes_on()
    {
        using var dir = TestData.TempDirectory();
        LocalStoreKit.WriteCampaign(dir.FullName);
        LocalStoreKit.Drop(dir.FullName, "a-broken.parquet", await HostileParquet.BalancedPanelAsync(3, 4));
        LocalStoreKit.DropPanel(dir.FullName, "b-good.parquet");
        var store = new FailingReadStore(new FolderStore(dir.FullName), "exports/geo/a-broken.parquet");

        var summary = await new LocalPipeline(store, null, new ManualClock(Start)).RunOnceAsync(RunId.Parse("store-fault"));

        var problem = Assert.Single(summary.Problems, p => p.Contains("a-broken", StringComparison.Ordinal));
        Assert.Equal("exports/geo/a-broken.parquet left unprocessed: the disk went away (IOException); it is retried on the next run", problem);
        var handled = Assert.Single(summary.Exports);
        Assert.Equal("exports/geo/b-good.parquet", handled.Export.Path);
        Assert.Equal(LiftPipeline.Pipeline.Handlers.ExportDisposition.Accepted, handled.Disposition);
        Assert.False(File.Exists(Path.Combine(dir.FullName, "quarantine", "geo", "a-broken.parquet.error.json")));
    }

    [Fact]
    public async Task A_panel_export_over_two_gigabytes_is_too_large_by_its_length_and_never_copied()
    {
        using var dir = TestData.TempDirectory();
        LocalStoreKit.WriteCampaign(dir.FullName);
        LocalStoreKit.DropPanel(dir.FullName, "b-valid.parquet");
        using (var huge = File.Create(Path.Combine(dir.FullName, "exports", "geo", "a-huge.parquet")))
        {
            huge.SetLength(2_200_000_000);   // sparse: the length without the disk
        }

        var (code, output, error) = await CliRunner.RunAsync(new CliHost { Clock = new ManualClock(Start) }, CancellationToken.None, "run", "--store", dir.FullName);

        Assert.True(code == 0, output + error);
        using var reason = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(dir.FullName, "quarantine", "geo", "a-huge.parquet.error.json")));
        var problem = reason.RootElement.GetProperty("errors")[0];
        Assert.Equal(ExportErrorCodes.TooLarge, problem.GetProperty("code").GetString());
        Assert.Equal("the file is 2,200,000,000 bytes, more than the limit of 536,870,912 (IngestionLimits.MaxFileBytes); raise the limit if the export is genuine",
            problem.GetProperty("message").GetString());
        Assert.False(File.Exists(Path.Combine(dir.FullName, "quarantine", "geo", "a-huge.parquet")));
        Assert.Equal(["exports/geo/b-valid.parquet"], MergedExports(dir.FullName, "geo"));
    }

    /// <summary>Two campaigns: geo with a valid export and five hostile ones, other with a valid export.</summary>
    internal static async Task WriteHostileStoreAsync(string root)
    {
        LocalStoreKit.WriteCampaign(root);
        LocalStoreKit.DropPanel(root, "b-valid.parquet");
        var panel = await HostileParquet.BalancedPanelAsync(3, 4);
        LocalStoreKit.Drop(root, "claims-2e9.parquet", HostileParquet.ClaimingRows(panel, 2_000_000_000));
        LocalStoreKit.Drop(root, "claims-3e9.parquet", HostileParquet.ClaimingRows(panel, 3_000_000_000));
        LocalStoreKit.Drop(root, "claims-rows-only.parquet", HostileParquet.ClaimingRows(panel, 2_000_000_000, values: false));
        const int rows = 100_000;
        LocalStoreKit.Drop(root, "identical.parquet", HostileParquet.RepeatingRowGroup(await HostileParquet.PanelAsync(
            Enumerable.Repeat("u", rows).ToArray(), new long[rows], new bool[rows], new double[rows]), 120));
        var units = new string[50_000];
        var periods = new long[units.Length];
        for (int i = 0; i < units.Length; i++)
        {
            units[i] = "u" + i;
            periods[i] = i + 1;
        }
        LocalStoreKit.Drop(root, "sparse.parquet", await HostileParquet.PanelAsync(units, periods, new bool[units.Length], new double[units.Length]));
        var other = Path.Combine(root, "campaigns", "other");
        Directory.CreateDirectory(other);
        File.WriteAllText(Path.Combine(other, "campaign.json"), LocalStoreKit.CampaignJson().Replace("\"id\": \"geo\"", "\"id\": \"other\"", StringComparison.Ordinal));
        Directory.CreateDirectory(Path.Combine(root, "exports", "other"));
        File.Copy(TestData.Panel("GeoLift_Test.parquet"), Path.Combine(root, "exports", "other", "valid.parquet"));
    }

    /// <summary>Each hostile export quarantined with its code, both valid exports merged, a clean exit.</summary>
    internal static void AssertHostileStoreHandled(string root, int code, string output)
    {
        Assert.True(code == 0, output);
        var expected = new Dictionary<string, string>
        {
            ["claims-2e9.parquet"] = ExportErrorCodes.TooLarge,
            ["claims-3e9.parquet"] = ExportErrorCodes.TooLarge,
            ["claims-rows-only.parquet"] = ExportErrorCodes.TooLarge,
            ["identical.parquet"] = ExportErrorCodes.TooLarge,
            ["sparse.parquet"] = ExportErrorCodes.MissingCell,
        };
        foreach (var (file, errorCode) in expected)
        {
            var reason = Path.Combine(root, "quarantine", "geo", file + ".error.json");
            Assert.True(File.Exists(reason), $"{file} not quarantined:\n{output}");
            using var json = JsonDocument.Parse(File.ReadAllBytes(reason));
            Assert.Equal(errorCode, json.RootElement.GetProperty("errors")[0].GetProperty("code").GetString());
        }
        Assert.Equal(["exports/geo/b-valid.parquet"], MergedExports(root, "geo"));
        Assert.Equal(["exports/other/valid.parquet"], MergedExports(root, "other"));
    }

    private static string[] MergedExports(string root, string campaign)
    {
        using var json = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(root, "datasets", campaign, "manifest.json")));
        return json.RootElement.GetProperty("exports").EnumerateArray().Select(e => e.GetProperty("export").GetString()!).ToArray();
    }
}
