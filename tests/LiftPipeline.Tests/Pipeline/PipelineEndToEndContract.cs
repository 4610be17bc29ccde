using System.Text;
using System.Text.Json;
using LiftPipeline.Infrastructure.Alerts;
using LiftPipeline.Pipeline.Alerts;
using LiftPipeline.Pipeline.Handlers;
using LiftPipeline.Pipeline.Hosting;
using LiftPipeline.Pipeline.Runs;
using LiftPipeline.Pipeline.Storage;
using LiftPipeline.Statistics.Guardrails;
using LiftPipeline.Statistics.Measurement;
using LiftPipeline.Tests.Alerts;
using LiftPipeline.Tests.Estimators;
using LiftPipeline.Tests.Storage;

namespace LiftPipeline.Tests.Pipeline;

/// <summary>
/// The whole path on a real store and a real webhook listener: export → dataset → report → alert → delivery, through the
/// same handlers the Functions app calls, driven by <see cref="LocalPipeline"/>.
/// </summary>
public abstract class PipelineEndToEndContract
{
    protected abstract Task<IObjectStore> CreateStoreAsync();

    /// <summary>DiD first, so the primary estimate's scaled L2 imbalance is 1.0 by construction: a pre-fit breach, hence an alert.</summary>
    private static string Config(Uri? webhook, string id = "geo-test", bool active = true) => $$"""
        {
          "id": "{{id}}", "name": "Geo test {{id}}", "design": "panel", "active": {{(active ? "true" : "false")}},
          "metrics": ["conversions"], "estimators": ["did", "sdid"], "variance": "placebo", "replications": 20, "seed": 3,
          "guardrails": { "lateAfterDays": 36500 },
          "subscribers": [{{(webhook is null ? "" : $$"""{ "name": "growth", "url": "{{webhook}}", "secretName": "acme-signing" }""")}}]
        }
        """;

    private static async Task SeedAsync(IObjectStore store, Uri? webhook, string id = "geo-test")
    {
        await store.WriteAsync($"campaigns/{id}/campaign.json", Encoding.UTF8.GetBytes(Config(webhook, id)));
        await store.WriteAsync($"exports/{id}/test.parquet", await File.ReadAllBytesAsync(TestData.Panel("GeoLift_Test.parquet")));
    }

    [Fact]
    public async Task An_export_becomes_a_dataset_a_report_and_a_signed_alert_delivered_once()
    {
        var store = await CreateStoreAsync();
        await using var receiver = new WebhookReceiver().Start();
        using var kit = new AlertTestKit();
        await SeedAsync(store, receiver.Url);

        var summary = await new LocalPipeline(store, kit.Sink, kit.Clock).ProcessNewExportsAsync();

        Assert.Equal(ExportDisposition.Accepted, Assert.Single(summary.Exports).Disposition);
        var measured = Assert.Single(summary.Measurements);
        Assert.Equal(CampaignRunStatus.Measured, measured.Status);
        Assert.StartsWith("data-", measured.RunId);
        var expected = PanelMeasurer.Measure(ReferencePanels.GeoLiftTestAsPanel, new PanelMeasureOptions { Metric = "conversions", Estimators = ["did", "sdid"], Variance = null });
        using var report = JsonDocument.Parse((await store.ReadAsync($"reports/geo-test/{measured.RunId}/report.json"))!.Content);
        var estimates = report.RootElement.GetProperty("estimates");
        Assert.Equal(expected.Estimates[0].Att, estimates[0].GetProperty("att").GetDouble(), 9);
        Assert.Equal(expected.Estimates[1].Att, estimates[1].GetProperty("att").GetDouble(), 9);
        Assert.NotNull(await store.GetAsync($"reports/geo-test/{measured.RunId}/report.html"));
        Assert.NotNull(await store.GetAsync($"reports/geo-test/{measured.RunId}/report.md"));
        using var latest = JsonDocument.Parse((await store.ReadAsync("reports/geo-test/latest.json"))!.Content);
        Assert.Equal(measured.RunId, latest.RootElement.GetProperty("runId").GetString());
        Assert.Equal("hold", latest.RootElement.GetProperty("recommendation").GetString());

        var alertPath = Assert.Single(measured.Alerts);
        var alert = AlertJson.Read((await store.ReadAsync(alertPath))!.Content.Span);
        Assert.Equal((PreFitGuardrail.Name, AlertSeverity.Breach), (alert.Guardrail, alert.Severity));
        Assert.Equal(1.0, alert.Evidence["scaledL2Imbalance"], 9);
        var request = Assert.Single(receiver.Received);
        Assert.Equal(alert.Id, request.Headers["X-Lift-Alert-Id"]);
        Assert.True(WebhookSignature.Verify(AlertTestKit.Secret, request.Headers["X-Lift-Timestamp"]!, request.Body, request.Headers["X-Lift-Signature"]));
        Assert.Equal(DeliveryStatus.Delivered, Assert.Single(summary.Deliveries).Outcome.Status);
        var run = (await new RunLedger(store).ReadAsync(measured.RunId))!;
        Assert.Equal(("export", CampaignRunStatus.Measured), (run.Trigger, Assert.Single(run.Campaigns).Status));
    }

    [Fact]
    public async Task The_same_export_handled_twice_leaves_identical_datasets_reports_and_alerts_and_one_delivery()
    {
        var store = await CreateStoreAsync();
        await using var receiver = new WebhookReceiver().Start();
        using var kit = new AlertTestKit();
        await SeedAsync(store, receiver.Url);

        await HandleExportAsync(store, kit);
        var before = await StoreSnapshot.TakeAsync(store, "datasets/", "reports/", "alerts/");
        kit.Clock.Now = kit.Clock.Now.AddHours(3);   // a redelivered trigger, later
        var again = await HandleExportAsync(store, kit);

        Assert.Equal(before, await StoreSnapshot.TakeAsync(store, "datasets/", "reports/", "alerts/"));
        Assert.True(again.Measured.AlreadyMeasured);
        Assert.Single(receiver.Received);
        Assert.Empty(again.Deliveries);   // settled: nothing of this alert is left in the outbox
    }

    [Fact]
    public async Task With_the_listener_down_the_alert_stays_pending_and_the_next_run_delivers_it_once()
    {
        var store = await CreateStoreAsync();
        await using var receiver = new WebhookReceiver();   // not listening yet: connections are refused
        using var kit = new AlertTestKit(o => o.MaxAttempts = 2);
        await SeedAsync(store, receiver.Url);

        var first = await new LocalPipeline(store, kit.Sink, kit.Clock).ProcessNewExportsAsync();
        Assert.Equal(DeliveryStatus.Pending, Assert.Single(first.Deliveries).Outcome.Status);
        var alertId = AlertJson.Read((await store.ReadAsync(first.Measurements[0].Alerts[0]))!.Content.Span).Id;
        Assert.Equal("pending", (await new AlertDelivery(store, kit.Sink, kit.Clock).ReadRecordAsync(alertId, "growth"))!.State.ToString().ToLowerInvariant());

        receiver.Start();
        kit.Clock.Now = kit.Clock.Now.AddDays(1);
        var next = await new LocalPipeline(store, kit.Sink, kit.Clock).RunOnceAsync();
        var third = await new LocalPipeline(store, kit.Sink, kit.Clock).RunOnceAsync(RunId.Parse("run-again"));

        Assert.Contains(next.Deliveries, d => d.AlertId == alertId && d.Outcome.Status == DeliveryStatus.Delivered);
        Assert.Equal(1, receiver.Received.Count(r => r.Headers["X-Lift-Alert-Id"] == alertId));
        Assert.DoesNotContain(third.Deliveries, d => d.AlertId == alertId && d.Outcome.Attempts > 0);
    }

    [Fact]
    public async Task The_nightly_run_measures_each_active_campaign_once_records_the_rest_and_a_second_firing_adds_nothing()
    {
        var store = await CreateStoreAsync();
        using var kit = new AlertTestKit();
        await SeedAsync(store, null, "alpha");
        await SeedAsync(store, null, "beta");
        await store.WriteAsync("campaigns/gamma/campaign.json", Encoding.UTF8.GetBytes(Config(null, "gamma", active: false)));
        await store.WriteAsync("campaigns/delta/campaign.json", Encoding.UTF8.GetBytes("""{"id": "delta", "name": "Broken", "design": "panel", "metrics": []}"""));
        await store.WriteAsync("campaigns/empty/campaign.json", Encoding.UTF8.GetBytes(Config(null, "empty")));
        var at = new DateTimeOffset(2026, 11, 24, 2, 0, 0, TimeSpan.Zero);

        var night = await new LocalPipeline(store, kit.Sink, kit.Clock).NightlyAsync(at);
        var refired = await new LocalPipeline(store, kit.Sink, kit.Clock).NightlyAsync(at);

        Assert.Equal("nightly-20261124-0200", night.RunId);
        Assert.Equal(["alpha", "beta", "empty"], night.Measurements.Select(m => m.Campaign.Value));
        Assert.Equal([CampaignRunStatus.Measured, CampaignRunStatus.Measured, CampaignRunStatus.NoData], night.Measurements.Select(m => m.Status));
        Assert.Contains(night.Problems, p => p.StartsWith("delta: ", StringComparison.Ordinal) && p.Contains("metrics", StringComparison.Ordinal));
        var manifest = (await new RunLedger(store).ReadAsync(RunId.Parse("nightly-20261124-0200")))!;
        Assert.Equal(["alpha", "beta", "delta", "empty", "gamma"], manifest.Campaigns.Select(c => c.Campaign).Order(StringComparer.Ordinal));
        var status = manifest.Campaigns.ToDictionary(c => c.Campaign, c => c.Status);
        Assert.Equal((CampaignRunStatus.Measured, CampaignRunStatus.Failed, CampaignRunStatus.Skipped, CampaignRunStatus.NoData),
            (status["alpha"], status["delta"], status["gamma"], status["empty"]));
        Assert.Equal("reports/alpha/nightly-20261124-0200/", manifest.Campaigns.Single(c => c.Campaign == "alpha").Report);
        Assert.Empty(refired.Measurements);
    }

    [Fact]
    public async Task A_run_does_not_start_while_another_holds_the_lease()
    {
        var store = await CreateStoreAsync();
        await SeedAsync(store, null);
        await using var held = await store.TryAcquireLeaseAsync(StoreLayout.NightlyLease, TimeSpan.FromSeconds(30));
        var queue = new InProcessWorkQueue();

        var outcome = await new NightlyRunHandler(store, queue, TimeProvider.System) { LeaseWait = TimeSpan.Zero }.RunAsync(new DateTimeOffset(2026, 11, 24, 2, 0, 0, TimeSpan.Zero));

        Assert.NotNull(held);
        Assert.Equal(RunStart.LeaseHeld, outcome.Start);
        Assert.Equal(0, queue.Count);
        Assert.Null(await store.GetAsync("runs/nightly-20261124-0200.json"));
    }

    [Fact]
    public async Task A_malformed_export_is_quarantined_and_its_data_quality_alert_reaches_the_subscriber()
    {
        var store = await CreateStoreAsync();
        await using var receiver = new WebhookReceiver().Start();
        using var kit = new AlertTestKit();
        await store.WriteAsync("campaigns/geo-test/campaign.json", Encoding.UTF8.GetBytes(Config(receiver.Url)));
        var bad = await File.ReadAllBytesAsync(TestData.Corpus("parquet-testing", "bad_data", "PARQUET-1481.parquet"));
        await store.WriteAsync("exports/geo-test/broken.parquet", bad);

        var summary = await new LocalPipeline(store, kit.Sink, kit.Clock).RunOnceAsync(RunId.Parse("run-1"));
        var rerun = await new LocalPipeline(store, kit.Sink, kit.Clock).RunOnceAsync(RunId.Parse("run-2"));

        Assert.Equal(ExportDisposition.Quarantined, Assert.Single(summary.Exports).Disposition);
        Assert.Empty(rerun.Exports);
        Assert.Equal(bad, (await store.ReadAsync("exports/geo-test/broken.parquet"))!.Content.ToArray());
        Assert.Equal(bad, (await store.ReadAsync("quarantine/geo-test/broken.parquet"))!.Content.ToArray());
        var request = Assert.Single(receiver.Received);
        Assert.Equal(summary.Exports[0].Alert!.Id, request.Headers["X-Lift-Alert-Id"]);
        Assert.Equal(CampaignRunStatus.NoData, Assert.Single(summary.Measurements).Status);
    }

    [Fact]
    public async Task Holdout_shards_become_one_holdout_report_and_the_srm_breach_reaches_the_subscriber_once()
    {
        var store = await CreateStoreAsync();
        await using var receiver = new WebhookReceiver().Start();
        using var kit = new AlertTestKit();
        using var dir = TestData.TempDirectory();
        // Equal planned shares against a 20/40/40 export: a sample ratio mismatch by design.
        await store.WriteAsync("campaigns/vbo/campaign.json", Encoding.UTF8.GetBytes($$"""
            {"id": "vbo", "name": "VBO vs VBO+1P", "design": "holdout", "metrics": ["revenue", "conversions"], "treatment": {"start": "2026-10-01"},
             "holdout": {"contrasts": [{"treatment": "vbo_1p", "control": "vbo"}], "sequentialTuningN": 5000},
             "subscribers": [{ "name": "growth", "url": "{{receiver.Url}}", "secretName": "acme-signing" }]}
            """));
        string whole = Path.Combine(dir.FullName, "whole.parquet");
        Experiments.ExperimentExportKit.Write(whole, Experiments.ExperimentExportKit.Rows(12_000), 4_000);
        foreach (var (name, where) in new[] { ("even.parquet", "i % 2 = 0"), ("odd.parquet", "i % 2 = 1") })
        {
            string shard = Path.Combine(dir.FullName, name);
            Experiments.ExperimentExportKit.Write(shard, Experiments.ExperimentExportKit.Rows(12_000, where), 4_000);
            await store.WriteAsync($"exports/vbo/{name}", await File.ReadAllBytesAsync(shard));
        }

        var summary = await new LocalPipeline(store, kit.Sink, kit.Clock).ProcessNewExportsAsync();
        var again = await new LocalPipeline(store, kit.Sink, kit.Clock).RunOnceAsync(RunId.Parse("run-2"));

        Assert.All(summary.Exports, e => Assert.Equal(ExportDisposition.Accepted, e.Disposition));
        // Each accepted shard requests a measurement of the same dataset: the second finds it measured.
        Assert.Equal([false, true], summary.Measurements.Select(m => m.AlreadyMeasured));
        var measured = summary.Measurements[0];
        Assert.Equal(CampaignRunStatus.Measured, measured.Status);
        var expected = Statistics.Measurement.HoldoutMeasurer.Measure(await LiftPipeline.Ingestion.Experiments.ExperimentStatisticsBuilder.ComputeAsync(whole),
            new Statistics.Measurement.HoldoutMeasureOptions { Metrics = ["revenue", "conversions"], Settings = new() { Contrasts = [new("vbo_1p", "vbo")], SequentialTuningN = 5000 } });
        using var report = JsonDocument.Parse((await store.ReadAsync($"reports/vbo/{measured.RunId}/report.json"))!.Content);
        var contrasts = report.RootElement.GetProperty("contrasts");
        Assert.Equal("holdout", report.RootElement.GetProperty("design").GetString());
        Assert.Equal(expected.Contrasts.Count, contrasts.GetArrayLength());
        Assert.Equal(expected.Contrasts[0].Absolute, contrasts[0].GetProperty("absolute").GetDouble(), 9);
        Assert.Equal("hold", report.RootElement.GetProperty("recommendation").GetProperty("action").GetString());
        // The kit's export exposes 60% of the holdout too: contamination breaches as well as SRM.
        var alerts = new List<Alert>();
        foreach (var path in measured.Alerts)
        {
            alerts.Add(AlertJson.Read((await store.ReadAsync(path))!.Content.Span));
        }
        Assert.Equal([Statistics.Measurement.HoldoutGuardrails.Srm, Statistics.Measurement.HoldoutGuardrails.Contamination], alerts.Select(a => a.Guardrail).Order(StringComparer.Ordinal).Reverse());
        Assert.Equal(alerts.Select(a => a.Id).Order(StringComparer.Ordinal), receiver.Received.Select(r => r.Headers["X-Lift-Alert-Id"]!).Order(StringComparer.Ordinal));
        Assert.Equal(CampaignRunStatus.Measured, Assert.Single(again.Measurements).Status);
        Assert.Equal(2, receiver.Received.Count);   // the same data in another run raises the same alert ids: not delivered again
    }

    [Fact]
    public async Task A_panel_file_dropped_into_a_holdout_campaign_is_quarantined_naming_the_missing_columns()
    {
        var store = await CreateStoreAsync();
        await store.WriteAsync("campaigns/vbo/campaign.json", Encoding.UTF8.GetBytes(
            """{"id": "vbo", "name": "VBO", "design": "holdout", "metrics": ["conversions"], "treatment": {"start": "2026-10-01"}}"""));
        await store.WriteAsync("exports/vbo/wrong.parquet", await File.ReadAllBytesAsync(TestData.Panel("GeoLift_Test.parquet")));

        var outcome = await new ExportArrivedHandler(store, TimeProvider.System).HandleAsync("exports/vbo/wrong.parquet", RunId.Parse("run-1"));

        Assert.Equal(ExportDisposition.Quarantined, outcome.Disposition);
        Assert.Contains("[missing-column]", outcome.Message);
        Assert.Contains("customer_id", outcome.Message);
        Assert.Null(await store.GetAsync("datasets/vbo/manifest.json"));
    }

    private static async Task<(MeasureOutcome Measured, IReadOnlyList<SubscriberDelivery> Deliveries)> HandleExportAsync(IObjectStore store, AlertTestKit kit)
    {
        // The Functions path, step by step: blob trigger → measure message → deliver message.
        var queue = new InProcessWorkQueue();
        var export = await new ExportArrivedHandler(store, kit.Clock).HandleAsync("exports/geo-test/test.parquet", RunId.Parse("trigger"));
        Assert.Contains(export.Disposition, new[] { ExportDisposition.Accepted, ExportDisposition.AlreadyMerged });   // a redelivered trigger merges nothing
        var measured = await new MeasureCampaignHandler(store, queue, kit.Clock).HandleAsync(CampaignId.Parse("geo-test"), null);
        var deliver = WorkItem.Parse(Assert.Single(queue.DrainAll()).ToJson());
        var deliveries = await new DeliverAlertsHandler(store, new AlertDelivery(store, kit.Sink, kit.Clock)).HandleAsync(deliver);
        return (measured, deliveries);
    }
}

/// <summary>Every object under some prefixes with its bytes, for "nothing changed" assertions.</summary>
internal static class StoreSnapshot
{
    public static async Task<string> TakeAsync(IObjectStore store, params string[] prefixes)
    {
        var text = new StringBuilder();
        foreach (var prefix in prefixes)
        {
            await foreach (var item in store.ListAsync(prefix))
            {
                text.Append(item.Name).Append(' ').AppendLine(Convert.ToHexString((await store.ReadAsync(item.Name))!.Content.Span));
            }
        }
        return text.ToString();
    }
}

public sealed class FolderStorePipelineTests : PipelineEndToEndContract, IDisposable
{
    private readonly TempDirectory _root = TestData.TempDirectory();

    public void Dispose() => _root.Dispose();

    protected override Task<IObjectStore> CreateStoreAsync() => Task.FromResult<IObjectStore>(new FolderStore(Path.Combine(_root.FullName, Guid.NewGuid().ToString("N"))));
}

[Collection("Azurite")]
public sealed class AzureBlobStorePipelineTests(AzuriteFixture azurite) : PipelineEndToEndContract
{
    protected override async Task<IObjectStore> CreateStoreAsync() => await azurite.NewStoreAsync();
}
