using System.Text;
using System.Text.Json;
using LiftPipeline.Pipeline.Alerts;
using LiftPipeline.Pipeline.Datasets;
using LiftPipeline.Pipeline.Handlers;
using LiftPipeline.Pipeline.Runs;
using LiftPipeline.Pipeline.Storage;
using LiftPipeline.Tests.Alerts;

namespace LiftPipeline.Tests.Pipeline;

/// <summary>MeasureCampaign's edges on a folder store: what it skips, how it fails loudly, and how latest.json moves.</summary>
public sealed class MeasureCampaignHandlerTests : IDisposable
{
    private readonly TempDirectory _root = TestData.TempDirectory();
    private readonly ManualClock _clock = new(new DateTimeOffset(2026, 11, 23, 9, 0, 0, TimeSpan.Zero));

    public void Dispose() => _root.Dispose();

    private FolderStore Store() => new(Path.Combine(_root.FullName, Guid.NewGuid().ToString("N")));

    private static byte[] Config(string design = "panel") => Encoding.UTF8.GetBytes($$$"""
        {"id": "geo", "name": "Geo", "design": "{{{design}}}", "metrics": ["conversions"], "estimators": ["sdid"], "variance": "none",
         "treatment": {"start": "2021-04-01"}, "guardrails": {"lateAfterDays": 36500}}
        """);

    private async Task<FolderStore> WithDatasetAsync(string export)
    {
        var store = Store();
        await store.WriteAsync("campaigns/geo/campaign.json", Config());
        await store.WriteAsync("exports/geo/x.parquet", await File.ReadAllBytesAsync(export));
        await new ExportArrivedHandler(store, _clock).HandleAsync("exports/geo/x.parquet", RunId.Parse("t"));
        return store;
    }

    [Fact]
    public async Task A_campaign_without_config_is_skipped_and_holdout_or_panel_campaigns_without_data_report_no_data()
    {
        var store = Store();
        var handler = new MeasureCampaignHandler(store, new InProcessWorkQueue(), _clock);

        var missing = await handler.HandleAsync(CampaignId.Parse("geo"), null);
        await store.WriteAsync("campaigns/geo/campaign.json", Config("holdout"));
        var holdout = await handler.HandleAsync(CampaignId.Parse("geo"), RunId.Parse("run-1"));
        await store.WriteAsync("campaigns/geo/campaign.json", Config());
        var empty = await handler.HandleAsync(CampaignId.Parse("geo"), RunId.Parse("run-2"));

        Assert.Equal((CampaignRunStatus.Skipped, CampaignRunStatus.NoData, CampaignRunStatus.NoData), (missing.Status, holdout.Status, empty.Status));
        Assert.Contains("campaigns/geo/campaign.json is missing", missing.Message);
        Assert.Equal(CampaignRunStatus.NoData, (await new RunLedger(store).ReadAsync(RunId.Parse("run-2")))!.Campaigns[0].Status);
        Assert.Null(await store.GetAsync("reports/geo/latest.json"));
    }

    [Fact]
    public async Task A_measurement_that_cannot_run_is_recorded_failed_and_raises_a_measurement_alert()
    {
        // Only the pre-period export: nobody is treated yet, so there is nothing to estimate.
        var store = await WithDatasetAsync(TestData.Samples("exports", "geolift-test", "2021-q1.parquet"));

        var outcome = await new MeasureCampaignHandler(store, new InProcessWorkQueue(), _clock).HandleAsync(CampaignId.Parse("geo"), RunId.Parse("run-1"));

        Assert.Equal(CampaignRunStatus.Failed, outcome.Status);
        var alert = AlertJson.Read((await store.ReadAsync(Assert.Single(outcome.Alerts)))!.Content.Span);
        Assert.Equal((MeasureCampaignHandler.MeasurementGuardrail, AlertSeverity.Breach), (alert.Guardrail, alert.Severity));
        Assert.Contains("no report was written", alert.Message);
        Assert.Null(await store.GetAsync("reports/geo/run-1/report.json"));
        Assert.Equal(CampaignRunStatus.Failed, (await new RunLedger(store).ReadAsync(RunId.Parse("run-1")))!.Campaigns[0].Status);
    }

    [Fact]
    public async Task Latest_json_moves_to_newer_reports_only()
    {
        var store = await WithDatasetAsync(TestData.Panel("GeoLift_Test.parquet"));
        // Every run measures (the same inputs would otherwise reuse run-b's measurement and write no report).
        var handler = new MeasureCampaignHandler(store, new InProcessWorkQueue(), _clock) { Reuse = false };

        await handler.HandleAsync(CampaignId.Parse("geo"), RunId.Parse("run-b"));
        _clock.Now = _clock.Now.AddHours(-1);   // a late invocation of an older run finishes afterwards
        await handler.HandleAsync(CampaignId.Parse("geo"), RunId.Parse("run-a"));
        string afterLate = RunIdOf(await store.ReadAsync("reports/geo/latest.json"));
        _clock.Now = _clock.Now.AddHours(2);
        await handler.HandleAsync(CampaignId.Parse("geo"), RunId.Parse("run-c"));

        Assert.Equal("run-b", afterLate);
        Assert.Equal("run-c", RunIdOf(await store.ReadAsync("reports/geo/latest.json")));
        Assert.NotNull(await store.GetAsync("reports/geo/run-a/report.json"));
    }

    [Fact]
    public async Task An_export_replaced_in_place_counts_as_new_again()
    {
        var store = await WithDatasetAsync(TestData.Panel("GeoLift_Test.parquet"));
        var scanner = new ExportScanner(store);
        Assert.Empty(await scanner.FindNewAsync());

        await store.WriteAsync("exports/geo/x.parquet", await File.ReadAllBytesAsync(TestData.Samples("exports", "geolift-test", "2021-q2.parquet")));

        Assert.Equal(["exports/geo/x.parquet"], await scanner.FindNewAsync());
    }

    private static string RunIdOf(ObjectContent? content)
    {
        using var json = JsonDocument.Parse(content!.Content);
        return json.RootElement.GetProperty("runId").GetString()!;
    }
}
