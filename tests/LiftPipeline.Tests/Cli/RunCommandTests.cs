using System.Text.Json;
using LiftPipeline.Cli.Hosting;
using LiftPipeline.Cli.Rendering;
using LiftPipeline.Ingestion.Panels;
using LiftPipeline.Statistics.Measurement;
using LiftPipeline.Tests.Alerts;

namespace LiftPipeline.Tests.Cli;

public sealed class RunCommandTests
{
    private static readonly DateTimeOffset Start = new(2021, 6, 1, 9, 0, 0, TimeSpan.Zero);

    private static async Task<PanelMeasurement> ReferenceAsync() =>
        PanelMeasurer.Measure(await PanelExportReader.ReadAsync(TestData.Panel("GeoLift_Test.parquet")),
            new PanelMeasureOptions { Metric = "conversions", Estimators = ["sdid", "did"], Variance = null });

    [Fact]
    public async Task Run_over_a_folder_store_measures_the_campaign_and_prints_the_att_the_measurer_gives()
    {
        using var dir = TestData.TempDirectory();
        LocalStoreKit.WriteCampaign(dir.FullName);
        LocalStoreKit.DropPanel(dir.FullName);
        var host = new CliHost { Clock = new ManualClock(Start) };

        var (code, output, error) = await CliRunner.RunAsync(host, CancellationToken.None, "run", "--store", dir.FullName);

        Assert.True(code == 0, output + error);
        var reference = await ReferenceAsync();
        Assert.Contains("Run run-20210601-090000", output, StringComparison.Ordinal);
        Assert.Contains("1 new export: 1 accepted, 0 quarantined", output, StringComparison.Ordinal);
        Assert.Contains("│ geo ", output, StringComparison.Ordinal);
        foreach (var estimate in reference.Estimates)
        {
            Assert.Contains($"│ {estimate.Estimator} ", output, StringComparison.Ordinal);
            Assert.Contains($" {PipelineSummaryView.Number(estimate.Att)} │", output, StringComparison.Ordinal);
        }
        Assert.Contains("reports/geo/run-20210601-090000/report.html", output, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(dir.FullName, "reports", "geo", "latest.json")));
        Assert.True(File.Exists(Path.Combine(dir.FullName, "reports", "geo", "run-20210601-090000", "report.html")));
    }

    [Fact]
    public async Task Json_output_carries_the_exact_att_of_each_estimator()
    {
        using var dir = TestData.TempDirectory();
        LocalStoreKit.WriteCampaign(dir.FullName);
        LocalStoreKit.DropPanel(dir.FullName);
        var host = new CliHost { Clock = new ManualClock(Start) };

        var (code, output, _) = await CliRunner.RunAsync(host, CancellationToken.None, "run", "--store", dir.FullName, "--run-id", "first", "--json");

        Assert.Equal(0, code);
        using var json = JsonDocument.Parse(output);
        Assert.Equal("first", json.RootElement.GetProperty("runId").GetString());
        Assert.Equal("accepted", json.RootElement.GetProperty("exports")[0].GetProperty("disposition").GetString());
        var measured = json.RootElement.GetProperty("measurements")[0];
        Assert.Equal("measured", measured.GetProperty("status").GetString());
        var estimates = measured.GetProperty("estimates").EnumerateArray().ToArray();
        var reference = await ReferenceAsync();
        Assert.Equal(reference.Estimates.Select(e => e.Estimator), estimates.Select(e => e.GetProperty("estimator").GetString()));
        Assert.Equal(reference.Estimates.Select(e => e.Att), estimates.Select(e => e.GetProperty("att").GetDouble()));
        Assert.Empty(json.RootElement.GetProperty("problems").EnumerateArray());
    }

    [Fact]
    public async Task Running_again_processes_no_export_twice_and_leaves_the_dataset_byte_identical()
    {
        using var dir = TestData.TempDirectory();
        SortedDictionary<string, byte[]>? dataset = null;

        var (first, (code, output, _)) = await RunTwiceAsync(dir.FullName, () => dataset = LocalStoreKit.Snapshot(dir.FullName, "datasets"));

        Assert.Equal(0, first.ExitCode);
        Assert.Equal(0, code);
        Assert.Contains("0 new exports: 0 accepted, 0 quarantined", output, StringComparison.Ordinal);
        // Nothing changed: the first run's measurement is reused, not recomputed.
        Assert.Contains("1 campaign: 0 measured, 1 reused", output, StringComparison.Ordinal);
        Assert.Contains("reused from run-20210601-090000", output, StringComparison.Ordinal);
        Assert.Contains("reports/geo/run-20210601-090000/report.html", output, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(dir.FullName, "reports", "geo", "run-20210601-090100")));
        var after = LocalStoreKit.Snapshot(dir.FullName, "datasets");
        Assert.NotNull(dataset);
        Assert.NotEmpty(dataset);
        Assert.Equal(dataset.Keys, after.Keys);
        Assert.All(dataset, pair => Assert.Equal(pair.Value, after[pair.Key]));
    }

    [Fact]
    public async Task Remeasure_measures_an_unchanged_campaign_again_under_the_new_run()
    {
        using var dir = TestData.TempDirectory();

        var (first, (code, output, _)) = await RunTwiceAsync(dir.FullName, () => { }, "--remeasure");

        Assert.Equal(0, first.ExitCode);
        Assert.Equal(0, code);
        Assert.Contains("1 campaign: 1 measured, 0 reused", output, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(dir.FullName, "reports", "geo", "run-20210601-090100", "report.json")));
    }

    /// <summary>A store with one geo campaign and its panel, run at <see cref="Start"/> and again a minute later with <paramref name="again"/>; <paramref name="between"/> runs in between.</summary>
    private static async Task<((int ExitCode, string Output, string Error) First, (int ExitCode, string Output, string Error) Second)> RunTwiceAsync(
        string store, Action between, params string[] again)
    {
        LocalStoreKit.WriteCampaign(store);
        LocalStoreKit.DropPanel(store);
        var clock = new ManualClock(Start);
        var host = new CliHost { Clock = clock };
        var first = await CliRunner.RunAsync(host, CancellationToken.None, "run", "--store", store);
        between();
        clock.Now = Start.AddMinutes(1);
        var second = await CliRunner.RunAsync(host, CancellationToken.None, ["run", "--store", store, .. again]);
        return (first, second);
    }

    [Fact]
    public async Task A_malformed_export_is_listed_as_quarantined_with_its_reason_and_the_run_still_exits_zero()
    {
        using var dir = TestData.TempDirectory();
        LocalStoreKit.WriteCampaign(dir.FullName);
        LocalStoreKit.DropPanel(dir.FullName);
        LocalStoreKit.Drop(dir.FullName, "broken.parquet", "not parquet"u8.ToArray());
        var host = new CliHost { Clock = new ManualClock(Start) };

        var (code, output, _) = await CliRunner.RunAsync(host, CancellationToken.None, "run", "--store", dir.FullName);

        Assert.Equal(0, code);
        Assert.Contains("2 new exports: 1 accepted, 1 quarantined", output, StringComparison.Ordinal);
        Assert.Contains("quarantined exports/geo/broken.parquet", output, StringComparison.Ordinal);
        Assert.Contains("reason: broken.parquet: [corrupt-file]", output, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(dir.FullName, "quarantine", "geo", "broken.parquet.error.json")));
    }

    [Fact]
    public async Task An_invalid_campaign_json_is_a_problem_and_exits_one()
    {
        using var dir = TestData.TempDirectory();
        LocalStoreKit.WriteCampaign(dir.FullName, """{"id": "geo", "name": "Geo", "design": "panel", "metrics": ["conversions"], "alpha": 0.9}""");
        LocalStoreKit.DropPanel(dir.FullName);
        var host = new CliHost { Clock = new ManualClock(Start) };

        var (code, output, _) = await CliRunner.RunAsync(host, CancellationToken.None, "run", "--store", dir.FullName);

        Assert.Equal(1, code);
        Assert.Contains("problem exports/geo/week1.parquet left unprocessed", output, StringComparison.Ordinal);
        Assert.Contains("alpha", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("http://example.com/store")]
    [InlineData("Endpoint=x;Key=y")]
    public async Task A_store_that_is_no_folder_connection_string_or_account_url_is_a_usage_error(string store)
    {
        var (code, _, error) = await CliRunner.RunAsync("run", "--store", store);

        Assert.Equal(2, code);
        Assert.Contains("--store", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unsafe_run_id_is_a_usage_error()
    {
        using var dir = TestData.TempDirectory();

        var (code, _, error) = await CliRunner.RunAsync("run", "--store", dir.FullName, "--run-id", "../x");

        Assert.Equal(2, code);
        Assert.Contains("--run-id '../x'", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Help_describes_every_option_with_its_default_and_the_secret_variables()
    {
        var (code, output, _) = await CliRunner.RunAsync("run", "--help");

        Assert.Equal(0, code);
        Assert.Contains("Default: ./lift-store", output, StringComparison.Ordinal);
        Assert.Contains("Default: lift.", output, StringComparison.Ordinal);
        Assert.Contains("Default: run-yyyyMMdd-HHmmss", output, StringComparison.Ordinal);
        Assert.Contains("LIFT_WEBHOOK_SECRET_", output, StringComparison.Ordinal);
    }
}
