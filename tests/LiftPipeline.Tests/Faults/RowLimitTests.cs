using System.Text;
using LiftPipeline.Ingestion;
using LiftPipeline.Pipeline.Campaigns;
using LiftPipeline.Pipeline.Handlers;
using LiftPipeline.Pipeline.Hosting;
using LiftPipeline.Pipeline.Storage;
using LiftPipeline.Tests.Alerts;
using LiftPipeline.Tests.Cli;

namespace LiftPipeline.Tests.Faults;

/// <summary>
/// Issue 11, item 1's limits have a knob: a campaign's <c>maxRows</c> and <c>lift measure --max-rows</c> raise the row
/// limit (and the values and bytes limits with it) for genuinely large panels, and lower it just as well.
/// </summary>
public sealed class RowLimitTests
{
    [Fact]
    public void WithMaxRows_sets_the_row_limits_and_scales_values_and_bytes_never_below_the_defaults()
    {
        var large = IngestionLimits.Panel.WithMaxRows(50_000_000);
        Assert.Equal(50_000_000, large.MaxRows);
        Assert.Equal(50_000_000, large.MaxRowGroupRows);
        Assert.Equal(250_000_000, large.MaxValues);
        Assert.Equal(5L << 30, large.MaxFileBytes);
        Assert.Equal(IngestionLimits.Panel.MaxColumns, large.MaxColumns);
        Assert.Equal(IngestionLimits.Panel.MaxPageBytes, large.MaxPageBytes);

        var small = IngestionLimits.Panel.WithMaxRows(100);
        Assert.Equal(100, small.MaxRows);
        Assert.Equal(IngestionLimits.Panel.MaxValues, small.MaxValues);
        Assert.Equal(IngestionLimits.Panel.MaxFileBytes, small.MaxFileBytes);

        Assert.Equal(long.MaxValue, IngestionLimits.Panel.WithMaxRows(long.MaxValue).MaxValues);
        Assert.Throws<ArgumentOutOfRangeException>(() => IngestionLimits.Panel.WithMaxRows(0));
    }

    [Fact]
    public void A_campaigns_maxRows_is_the_row_limit_of_its_panel_exports()
    {
        static CampaignConfig Parse(string extra) => CampaignConfig.Parse("geo", Encoding.UTF8.GetBytes(
            $$"""{ "id": "geo", "name": "G", "design": "panel", "metrics": ["conversions"]{{extra}} }"""));

        Assert.Equal(5_000_000, Parse("").ToPanelExportOptions().Limits.MaxRows);
        Assert.Equal(20_000_000, Parse(""", "maxRows": 20000000""").ToPanelExportOptions().Limits.MaxRows);
        var e = Assert.Throws<CampaignConfigException>(() => Parse(""", "maxRows": 0"""));
        Assert.Contains("maxRows", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_export_over_its_campaigns_maxRows_is_quarantined_as_too_large_and_a_raised_limit_merges_it()
    {
        using var dir = TestData.TempDirectory();
        var root = dir.FullName;
        void Campaign(int maxRows) => Write(root, "campaigns/geo/campaign.json",
            $$"""{ "id": "geo", "name": "G", "design": "panel", "metrics": ["conversions"], "variance": "none", "estimators": ["did"], "maxRows": {{maxRows}} }""");
        Campaign(4_000);
        Directory.CreateDirectory(Path.Combine(root, "exports", "geo"));
        File.Copy(TestData.Panel("GeoLift_Test.parquet"), Path.Combine(root, "exports", "geo", "test.parquet"));
        using var kit = new AlertTestKit();

        var refused = await new LocalPipeline(new FolderStore(root, kit.Clock), null, kit.Clock).RunOnceAsync(RunId.Parse("run-1"));

        var outcome = Assert.Single(refused.Exports);
        Assert.Equal(ExportDisposition.Quarantined, outcome.Disposition);
        Assert.Contains("[too-large]", outcome.Message, StringComparison.Ordinal);
        Assert.Contains("4,200 rows", outcome.Message, StringComparison.Ordinal);
        Assert.Contains("\"code\": \"too-large\"", File.ReadAllText(Path.Combine(root, "quarantine", "geo", "test.parquet.error.json")), StringComparison.Ordinal);

        Campaign(4_200);
        File.Copy(TestData.Panel("GeoLift_Test.parquet"), Path.Combine(root, "exports", "geo", "again.parquet"));
        var merged = await new LocalPipeline(new FolderStore(root, kit.Clock), null, kit.Clock).RunOnceAsync(RunId.Parse("run-2"));

        Assert.Equal(ExportDisposition.Accepted, Assert.Single(merged.Exports).Disposition);
    }

    [Fact]
    public async Task Lift_measure_refuses_a_panel_over_max_rows_and_measures_it_under_a_raised_limit()
    {
        var path = TestData.Panel("GeoLift_Test.parquet");

        var (refusedCode, _, refusedError) = await CliRunner.RunAsync("measure", path, "--estimator", "did", "--se", "none", "--max-rows", "4000");
        var (code, output, _) = await CliRunner.RunAsync("measure", path, "--estimator", "did", "--se", "none", "--max-rows", "4200", "--json");
        var (usageCode, _, usageError) = await CliRunner.RunAsync("measure", path, "--max-rows", "0");

        Assert.Equal(1, refusedCode);
        Assert.Contains("[too-large]", refusedError, StringComparison.Ordinal);
        Assert.Contains("4,200 rows, more than the limit of 4,000", refusedError, StringComparison.Ordinal);
        Assert.Equal(0, code);
        Assert.Contains("\"att\"", output, StringComparison.Ordinal);
        Assert.Equal(2, usageCode);
        Assert.Contains("--max-rows must be at least 1", usageError, StringComparison.Ordinal);
    }

    private static void Write(string root, string name, string text)
    {
        var path = Path.Combine(root, name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
    }
}
