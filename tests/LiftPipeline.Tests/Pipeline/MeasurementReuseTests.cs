using System.Text;
using System.Text.Json;
using LiftPipeline.Pipeline.Handlers;
using LiftPipeline.Pipeline.Hosting;
using LiftPipeline.Pipeline.Runs;
using LiftPipeline.Pipeline.Storage;
using LiftPipeline.Statistics.Guardrails;
using LiftPipeline.Statistics.Panels;
using LiftPipeline.Tests.Alerts;
using LiftPipeline.Tests.Faults;

namespace LiftPipeline.Tests.Pipeline;

/// <summary>
/// A measurement is reused when its dataset, campaign.json and engine version are unchanged: a later run records the
/// earlier run's report and alerts as its own line and computes, copies and reads nothing; any change measures again,
/// and so does a late-data check that the clock has moved.
/// </summary>
public sealed class MeasurementReuseTests : IDisposable
{
    private static readonly CampaignId Geo = CampaignId.Parse("geo");
    private readonly TempDirectory _root = TestData.TempDirectory();

    // The GeoLift sample's last period is 2021-04-15 (it ends 2021-04-16): 15 days old on this clock.
    private readonly ManualClock _clock = new(new DateTimeOffset(2021, 5, 1, 2, 0, 0, TimeSpan.Zero));

    public void Dispose() => _root.Dispose();

    private static byte[] Config(int lateAfterDays = 36500, string name = "Geo") => Encoding.UTF8.GetBytes($$$"""
        {"id": "geo", "name": "{{{name}}}", "design": "panel", "metrics": ["conversions"], "estimators": ["did"], "variance": "none",
         "guardrails": {"lateAfterDays": {{{lateAfterDays}}}, "maxScaledL2Imbalance": 0.0001}}
        """);

    private async Task<FolderStore> StoreAsync(int lateAfterDays = 36500)
    {
        var store = new FolderStore(Path.Combine(_root.FullName, Guid.NewGuid().ToString("N")));
        await store.WriteAsync("campaigns/geo/campaign.json", Config(lateAfterDays));
        await DropAsync(store, "2021-q1.parquet");
        await DropAsync(store, "2021-q2.parquet");
        return store;
    }

    private async Task DropAsync(IObjectStore store, string file)
    {
        await store.WriteAsync($"exports/geo/{file}", await File.ReadAllBytesAsync(TestData.Samples("exports", "geolift-test", file)));
        await new ExportArrivedHandler(store, _clock).HandleAsync($"exports/geo/{file}", RunId.Parse("ingest"));
    }

    private MeasureCampaignHandler Handler(IObjectStore store, string? engine = null) => engine is null
        ? new MeasureCampaignHandler(store, new InProcessWorkQueue(), _clock)
        : new MeasureCampaignHandler(store, new InProcessWorkQueue(), _clock) { EngineVersion = engine };

    private static async Task<List<string>> AlertsAsync(IObjectStore store)
    {
        var alerts = new List<string>();
        await foreach (var item in store.ListAsync(StoreLayout.AlertsPrefix))
        {
            if (StoreLayout.IsAlert(item.Name))
            {
                alerts.Add(item.Name);
            }
        }
        return alerts;
    }

    private static async Task<List<string>> ReportFoldersAsync(IObjectStore store)
    {
        var folders = new SortedSet<string>(StringComparer.Ordinal);
        await foreach (var item in store.ListAsync("reports/geo/"))
        {
            if (item.Name.EndsWith("/report.json", StringComparison.Ordinal))
            {
                folders.Add(item.Name[..^"report.json".Length]);
            }
        }
        return [.. folders];
    }

    [Fact]
    public async Task A_second_nightly_run_with_nothing_new_reuses_the_measurement_writes_no_report_and_raises_no_alert()
    {
        var store = await StoreAsync();
        var pipeline = new LocalPipeline(store, null, _clock);
        var first = await pipeline.NightlyAsync(_clock.Now);
        var alerts = await AlertsAsync(store);
        _clock.Now = _clock.Now.AddDays(1);

        var second = await pipeline.NightlyAsync(_clock.Now);

        var measured = Assert.Single(first.Measurements);
        var reused = Assert.Single(second.Measurements);
        Assert.Null(measured.ReusedFrom);
        Assert.NotEmpty(measured.Alerts);   // the pre-fit threshold is tiny, so the measurement breaches
        Assert.Equal((CampaignRunStatus.Measured, first.RunId), (reused.Status, reused.ReusedFrom));
        Assert.Equal(measured.ReportFolder, reused.ReportFolder);
        Assert.Equal(measured.Alerts, reused.Alerts);
        Assert.Equal(["reports/geo/nightly-20210501-0200/"], await ReportFoldersAsync(store));
        Assert.Equal(alerts, await AlertsAsync(store));
        var line = Assert.Single((await new RunLedger(store).ReadAsync(second.RunId!.Value))!.Campaigns);
        Assert.Equal((CampaignRunStatus.Measured, "nightly-20210501-0200", "reports/geo/nightly-20210501-0200/"), (line.Status, line.ReusedFrom, line.Report));
        Assert.Equal(measured.Alerts, line.Alerts);
        Assert.Equal("nightly-20210501-0200", RunIdOf(await store.ReadAsync("reports/geo/latest.json")));
    }

    [Fact]
    public async Task A_nightly_run_over_an_unchanged_campaign_requests_no_measurement_and_writes_only_its_manifest()
    {
        var inner = await StoreAsync();
        await Handler(inner).HandleAsync(Geo, RunId.Parse("run-1"));
        var store = new InjectedStore(inner);
        var queue = new InProcessWorkQueue();

        var run = await new NightlyRunHandler(store, queue, _clock).RunAsync(_clock.Now.AddDays(1));

        Assert.Empty(run.Queued);
        Assert.Empty(queue.DrainAll());
        var reused = Assert.Single(run.Reused);
        Assert.Equal((CampaignRunStatus.Measured, RunId.Parse("run-1"), "reports/geo/run-1/"), (reused.Status, reused.ReusedFrom, reused.ReportFolder));
        var line = Assert.Single(run.Manifest!.Campaigns);
        Assert.Equal((CampaignRunStatus.Measured, "run-1", "reports/geo/run-1/"), (line.Status, line.ReusedFrom, line.Report));
        Assert.Equal(1, store.Writes);   // runs/nightly-20210502-0200.json, once
        Assert.DoesNotContain(store.Touched, name => name.EndsWith(".parquet", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_nightly_run_requests_a_measurement_when_the_engine_version_differs()
    {
        var store = await StoreAsync();
        await Handler(store).HandleAsync(Geo, RunId.Parse("run-1"));
        var queue = new InProcessWorkQueue();

        var run = await new NightlyRunHandler(store, queue, _clock) { EngineVersion = "0123456789abcdef" }.RunAsync(_clock.Now.AddDays(1));

        Assert.Equal([Geo], run.Queued);
        Assert.Empty(run.Reused);
        Assert.Equal(CampaignRunStatus.Queued, Assert.Single(run.Manifest!.Campaigns).Status);
    }

    [Fact]
    public async Task The_same_run_asked_again_is_already_measured_and_keeps_naming_the_reused_run()
    {
        var store = await StoreAsync();
        await Handler(store).HandleAsync(Geo, RunId.Parse("run-1"));
        await Handler(store).HandleAsync(Geo, RunId.Parse("run-2"));

        var again = await Handler(store).HandleAsync(Geo, RunId.Parse("run-2"));

        Assert.True(again.AlreadyMeasured);
        Assert.Equal((RunId?)RunId.Parse("run-1"), again.ReusedFrom);
        Assert.Equal("reports/geo/run-1/", again.ReportFolder);
    }

    [Fact]
    public async Task Adding_an_export_changing_campaign_json_or_another_engine_version_measures_again()
    {
        var store = new FolderStore(Path.Combine(_root.FullName, "changes"));
        await store.WriteAsync("campaigns/geo/campaign.json", Config());
        await DropAsync(store, "2021-q1.parquet");
        var handler = Handler(store);
        var preTest = await handler.HandleAsync(Geo, RunId.Parse("run-1"));   // nobody treated yet: failed

        await DropAsync(store, "2021-q2.parquet");
        var export = await handler.HandleAsync(Geo, RunId.Parse("run-2"));
        var unchanged = await handler.HandleAsync(Geo, RunId.Parse("run-3"));
        await store.WriteAsync("campaigns/geo/campaign.json", Config(name: "Geo renamed"));
        var config = await handler.HandleAsync(Geo, RunId.Parse("run-4"));
        var engine = await Handler(store, "0123456789abcdef").HandleAsync(Geo, RunId.Parse("run-5"));
        var back = await Handler(store).HandleAsync(Geo, RunId.Parse("run-6"));

        Assert.Equal(CampaignRunStatus.Failed, preTest.Status);
        Assert.Equal(new RunId?[] { null, RunId.Parse("run-2"), null, null }, new[] { export.ReusedFrom, unchanged.ReusedFrom, config.ReusedFrom, engine.ReusedFrom });
        Assert.All(new[] { export, config, engine }, o => Assert.NotNull(o.Report));
        // Back to the current engine: run-4's measurement of these inputs is no longer the latest report, so it is measured again.
        Assert.Null(back.ReusedFrom);
        Assert.Equal(["reports/geo/run-2/", "reports/geo/run-4/", "reports/geo/run-5/", "reports/geo/run-6/"], await ReportFoldersAsync(store));
    }

    [Fact]
    public async Task Late_data_on_unchanged_inputs_measures_again_once_the_clock_passes_the_limit_and_alerts_once()
    {
        var store = await StoreAsync(lateAfterDays: 30);
        var handler = Handler(store);
        var fresh = await handler.HandleAsync(Geo, RunId.Parse("run-1"));
        _clock.Now = _clock.Now.AddDays(10);   // 25 days: still within the limit
        var withinLimit = await handler.HandleAsync(Geo, RunId.Parse("run-2"));
        var before = await AlertsAsync(store);

        _clock.Now = _clock.Now.AddDays(10);   // 35 days: late
        var late = await handler.HandleAsync(Geo, RunId.Parse("run-3"));
        var raised = await AlertsAsync(store);
        _clock.Now = _clock.Now.AddDays(1);
        var stillLate = await handler.HandleAsync(Geo, RunId.Parse("run-4"));

        Assert.Equal(RunId.Parse("run-1"), withinLimit.ReusedFrom);
        Assert.Null(late.ReusedFrom);
        var quality = late.Report!.Guardrails.Single(g => g.Name == DataQualityGuardrail.Name);
        // GeoLift_Test's last days collapse in some markets: real spikes, a warning that stays with the data whatever the clock.
        Assert.Equal(GuardrailStatus.Breach, quality.Status);
        Assert.Equal([DataQualityGuardrail.LateFinding, DataQualityGuardrail.SpikesFinding], quality.Findings);
        // Alert ids, not files: a recomputed breach that stands (pre-fit) is stored again under the day's folder with the same id, and delivered once per id.
        var added = Assert.Single(Ids(raised).Except(Ids(before)));
        Assert.Contains(added, Ids(late.Alerts));
        Assert.DoesNotContain(added, Ids(fresh.Alerts));
        Assert.Equal(RunId.Parse("run-3"), stillLate.ReusedFrom);
        Assert.Equal(late.Alerts, stillLate.Alerts);
        Assert.Equal(raised, await AlertsAsync(store));
    }

    [Fact]
    public async Task A_reused_measurement_queues_no_delivery_again()
    {
        var store = await StoreAsync();
        await store.WriteAsync("campaigns/geo/campaign.json", Encoding.UTF8.GetBytes("""
            {"id": "geo", "name": "Geo", "design": "panel", "metrics": ["conversions"], "estimators": ["did"], "variance": "none",
             "guardrails": {"lateAfterDays": 36500, "maxScaledL2Imbalance": 0.0001}, "subscribers": [{"name": "ops", "url": "https://hooks.example.com/lift"}]}
            """));
        var queue = new InProcessWorkQueue();
        var handler = new MeasureCampaignHandler(store, queue, _clock);
        var first = await handler.HandleAsync(Geo, RunId.Parse("run-1"));
        var queuedFirst = queue.DrainAll();

        var second = await handler.HandleAsync(Geo, RunId.Parse("run-2"));

        Assert.NotEmpty(first.Alerts);
        Assert.Equal(first.Alerts.Count, queuedFirst.Count(i => i.Kind == WorkKind.Deliver));
        Assert.Equal(RunId.Parse("run-1"), second.ReusedFrom);
        Assert.Empty(queue.DrainAll());
    }

    [Fact]
    public async Task A_failed_measurement_is_reused_as_failed_without_a_new_alert()
    {
        var store = new FolderStore(Path.Combine(_root.FullName, "failed"));
        await store.WriteAsync("campaigns/geo/campaign.json", Config());
        await DropAsync(store, "2021-q1.parquet");   // nobody treated yet: the estimators refuse
        var first = await Handler(store).HandleAsync(Geo, RunId.Parse("run-1"));
        var alerts = await AlertsAsync(store);

        var second = await Handler(store).HandleAsync(Geo, RunId.Parse("run-2"));

        Assert.Equal((CampaignRunStatus.Failed, CampaignRunStatus.Failed), (first.Status, second.Status));
        Assert.Equal(RunId.Parse("run-1"), second.ReusedFrom);
        Assert.Equal(first.Alerts, second.Alerts);
        Assert.Contains("reused from run run-1", second.Message, StringComparison.Ordinal);
        Assert.Equal(alerts, await AlertsAsync(store));
        var line = Assert.Single((await new RunLedger(store).ReadAsync(RunId.Parse("run-2")))!.Campaigns);
        Assert.Equal((CampaignRunStatus.Failed, "run-1"), (line.Status, line.ReusedFrom));
    }

    [Fact]
    public async Task A_reused_holdout_measurement_copies_and_reads_no_shard()
    {
        var inner = new FolderStore(Path.Combine(_root.FullName, "holdout"));
        await inner.WriteAsync("campaigns/vbo-holdout/campaign.json", await File.ReadAllBytesAsync(TestData.Samples("campaigns", "vbo-holdout", "campaign.json")));
        await inner.WriteAsync("exports/vbo-holdout/customers.parquet", await File.ReadAllBytesAsync(TestData.Samples("exports", "vbo-holdout", "customers.parquet")));
        await new ExportArrivedHandler(inner, _clock).HandleAsync("exports/vbo-holdout/customers.parquet", RunId.Parse("ingest"));
        var campaign = CampaignId.Parse("vbo-holdout");
        var first = await Handler(inner).HandleAsync(campaign, RunId.Parse("run-1"));
        var store = new InjectedStore(inner);

        var second = await Handler(store).HandleAsync(campaign, RunId.Parse("run-2"));

        Assert.NotNull(first.Holdout);
        Assert.Equal((CampaignRunStatus.Measured, RunId.Parse("run-1"), "reports/vbo-holdout/run-1/"), (second.Status, second.ReusedFrom, second.ReportFolder));
        // The key looks up the assignment's version (metadata only: there is none here); no shard or export is read.
        Assert.DoesNotContain(store.Touched, name => name.EndsWith(".parquet", StringComparison.Ordinal) && name != StoreLayout.Assignment(campaign));
        Assert.Null(await inner.GetAsync("reports/vbo-holdout/run-2/report.json"));
    }

    [Fact]
    public async Task A_stored_measurement_reads_back_as_written_and_a_damaged_one_is_ignored()
    {
        var key = new MeasurementKey("datasets/geo/panel-ab.parquet", new string('c', 64), "0123456789abcdef");
        var periods = new[] { Period.FromDate(new DateOnly(2021, 4, 14)), Period.FromDate(new DateOnly(2021, 4, 15)) };
        var stored = new StoredMeasurement(key, RunId.Parse("run-1"), CampaignRunStatus.Measured, "reports/geo/run-1/", ["alerts/2021/05/01/a.json"], "geo: 1 estimate",
            new DateTimeOffset(2021, 5, 1, 2, 0, 0, TimeSpan.Zero), new ClockDependentCheck(GuardrailStatus.Breach, [DataQualityGuardrail.LateFinding], periods));

        var read = StoredMeasurement.Parse(stored.ToJson(), key)!;

        Assert.Matches("^[0-9a-f]{32}$", key.Hash);
        Assert.NotEqual(key.Hash, (key with { Engine = "fedcba9876543210" }).Hash);
        Assert.Equal((stored.RunId, stored.Status, stored.Report, stored.Message, stored.MeasuredAt), (read.RunId, read.Status, read.Report, read.Message, read.MeasuredAt));
        Assert.Equal(stored.Alerts, read.Alerts);
        Assert.Equal(periods, read.Clock!.Periods);
        Assert.Equal((GuardrailStatus.Breach, DataQualityGuardrail.LateFinding), (read.Clock.Status, Assert.Single(read.Clock.Findings)));
        Assert.Null(StoredMeasurement.Parse(stored.ToJson(), key with { Dataset = "datasets/geo/panel-cd.parquet" }));
        Assert.Null(StoredMeasurement.Parse("{\"schemaVersion\": 1, \"key\":"u8, key));
    }

    [Fact]
    public async Task The_engine_version_is_sixteen_hex_digits_and_stable_within_a_build()
    {
        Assert.Matches("^[0-9a-f]{16}$", EngineVersion.Current);
        Assert.Same(EngineVersion.Current, EngineVersion.Current);
        Assert.Equal(EngineVersion.Current, new MeasureCampaignHandler(await StoreAsync(), new InProcessWorkQueue(), _clock).EngineVersion);
    }

    private static IEnumerable<string> Ids(IEnumerable<string> alertPaths) => alertPaths.Select(Path.GetFileNameWithoutExtension).OfType<string>().Distinct();

    private static string RunIdOf(ObjectContent? content)
    {
        using var json = JsonDocument.Parse(content!.Content);
        return json.RootElement.GetProperty("runId").GetString()!;
    }
}
