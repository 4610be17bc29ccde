using System.Text;
using Azure.Storage.Blobs;
using LiftPipeline.Functions.Functions;
using LiftPipeline.Infrastructure.Alerts;
using LiftPipeline.Pipeline.Alerts;
using LiftPipeline.Pipeline.Datasets;
using LiftPipeline.Pipeline.Handlers;
using LiftPipeline.Pipeline.Storage;
using LiftPipeline.Tests.Alerts;
using LiftPipeline.Tests.Storage;
using Microsoft.Azure.Functions.Worker;

namespace LiftPipeline.Tests.Functions;

/// <summary>
/// Each function class created through the worker's service container and invoked in-process the way the worker
/// invokes it — a real <see cref="BlobClient"/>, queue message strings, a <see cref="TimerInfo"/> — with the real
/// handlers over Azurite. Queue outputs are the returned messages; a failed invocation is a thrown exception (the host
/// then retries the message and finally moves it to the poison queue).
/// </summary>
[Collection("Azurite")]
public sealed class FunctionInvocationTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task An_arrived_export_is_merged_and_one_measurement_of_its_campaign_is_requested()
    {
        using var worker = await FunctionsWorker.StartAsync(azurite);
        await worker.WriteCampaignAsync("geo");
        string export = await worker.WriteExportAsync("geo");

        var outputs = await ExportArrivedAsync(worker, export);

        var request = WorkItem.Parse(Encoding.UTF8.GetBytes(Assert.Single(outputs.Measure)));
        Assert.Equal((WorkKind.Measure, "geo", (string?)null), (request.Kind, request.Campaign, request.RunId));
        Assert.Empty(outputs.Deliver);
        var manifest = await new CampaignDataset(worker.Store, CampaignId.Parse("geo")).ReadManifestAsync();
        Assert.NotNull(manifest);
        Assert.Equal(export, Assert.Single(manifest.Exports).Export);
    }

    [Fact]
    public async Task The_same_export_triggered_twice_leaves_the_same_dataset_with_one_merged_export()
    {
        using var worker = await FunctionsWorker.StartAsync(azurite);
        await worker.WriteCampaignAsync("geo");
        string export = await worker.WriteExportAsync("geo");

        var first = await ExportArrivedAsync(worker, export);
        var before = await new CampaignDataset(worker.Store, CampaignId.Parse("geo")).ReadManifestAsync();
        var names = await worker.NamesAsync();
        var second = await ExportArrivedAsync(worker, export);
        var after = await new CampaignDataset(worker.Store, CampaignId.Parse("geo")).ReadManifestAsync();

        Assert.Equal(before!.Dataset, after!.Dataset);
        Assert.Single(after.Exports);
        Assert.Equal(names, await worker.NamesAsync());
        Assert.Equal(first.Measure, second.Measure);
    }

    [Fact]
    public async Task A_corrupt_export_is_quarantined_and_its_data_quality_alert_is_sent_to_alert_deliveries()
    {
        using var worker = await FunctionsWorker.StartAsync(azurite);
        await worker.WriteCampaignAsync("geo");
        var bytes = await File.ReadAllBytesAsync(TestData.Corpus("parquet-testing", "bad_data", "PARQUET-1481.parquet"));
        await worker.Store.WriteAsync("exports/geo/day1.parquet", bytes);

        var outputs = await ExportArrivedAsync(worker, "exports/geo/day1.parquet");

        Assert.Empty(outputs.Measure);
        var delivery = WorkItem.Parse(Encoding.UTF8.GetBytes(Assert.Single(outputs.Deliver)));
        Assert.Equal((WorkKind.Deliver, "geo"), (delivery.Kind, delivery.Campaign));
        Assert.StartsWith("export-", delivery.RunId, StringComparison.Ordinal);
        var alert = AlertJson.Read((await worker.Store.ReadAsync(delivery.AlertPath!))!.Content.Span);
        Assert.Equal(("geo", ExportArrivedHandler.DataQualityGuardrail, AlertSeverity.Breach), (alert.Campaign, alert.Guardrail, alert.Severity));
        Assert.Equal(bytes, (await worker.Store.ReadAsync("quarantine/geo/day1.parquet"))!.Content.ToArray());
    }

    /// <summary>
    /// The trigger's path parts as the host matched them from the event's blob name, and the name the bound client
    /// carries. The client points at a closed port with no retries, so any storage call through it would throw.
    /// </summary>
    [Theory]
    [InlineData("exports/../campaigns/x/campaign.json")]
    [InlineData("exports/%2e%2e/campaigns/x/campaign.json")]
    [InlineData("exports/geo/..%2F..%2Fcampaigns%2Fgeo%2Fcampaign.json")]
    [InlineData("exports/geo/../../campaigns/geo/campaign.json")]
    [InlineData("exports/Geo!/day1.parquet")]
    [InlineData("exports/geo/sub/day1.parquet")]
    [InlineData("exports/geo/day1.parquet", "campaigns/geo/campaign.json")]
    public async Task An_unsafe_export_name_is_rejected_before_any_storage_call_with_no_outputs_and_nothing_written(string triggered, string? clientName = null)
    {
        using var worker = await FunctionsWorker.StartAsync(azurite);
        await worker.WriteCampaignAsync("geo");
        var before = await worker.NamesAsync();
        var unreachable = new BlobContainerClient(new Uri("http://127.0.0.1:9/devstoreaccount1/lift"), new BlobClientOptions { Retry = { MaxRetries = 0 } });
        var (campaign, name) = FunctionsWorker.PathParts(triggered);

        var outputs = await worker.Create<ExportArrived>().RunAsync(unreachable.GetBlobClient(clientName ?? triggered), campaign, name, CancellationToken.None);

        Assert.Empty(outputs.Measure);
        Assert.Empty(outputs.Deliver);
        Assert.Equal(before, await worker.NamesAsync());
    }

    [Fact]
    public async Task An_export_deleted_before_the_trigger_runs_completes_with_no_outputs()
    {
        using var worker = await FunctionsWorker.StartAsync(azurite);
        await worker.WriteCampaignAsync("geo");

        var outputs = await ExportArrivedAsync(worker, "exports/geo/gone.parquet");

        Assert.Empty(outputs.Measure);
        Assert.Empty(outputs.Deliver);
        Assert.Null(await new CampaignDataset(worker.Store, CampaignId.Parse("geo")).ReadManifestAsync());
    }

    [Fact]
    public async Task Measuring_the_requested_campaign_writes_its_report_and_returns_the_pre_fit_breach_as_a_delivery()
    {
        await using var receiver = new WebhookReceiver().Start();
        using var worker = await FunctionsWorker.StartAsync(azurite);

        var (request, deliveries) = await MeasureGeoAsync(worker, receiver.Url);

        var reports = await worker.NamesAsync("reports/geo/");
        var report = Assert.Single(reports, n => n.EndsWith("/report.json", StringComparison.Ordinal));
        Assert.StartsWith("reports/geo/data-", report, StringComparison.Ordinal);
        Assert.Contains("reports/geo/latest.json", reports);
        Assert.Equal("geo", request.Campaign);
        var preFit = await PreFitDeliveryAsync(worker, deliveries);
        Assert.Equal("geo", preFit.Item.Campaign);
        Assert.Equal(AlertSeverity.Breach, preFit.Alert.Severity);
        Assert.Equal(1.0, preFit.Alert.Evidence["scaledL2Imbalance"], 9);
        Assert.Equal(0.5, preFit.Alert.Evidence["threshold"]);
    }

    [Fact]
    public async Task Delivering_the_alert_sends_one_signed_post_to_the_subscriber_and_a_repeated_message_sends_nothing()
    {
        await using var receiver = new WebhookReceiver().Start();
        using var worker = await FunctionsWorker.StartAsync(azurite);
        var (_, deliveries) = await MeasureGeoAsync(worker, receiver.Url);
        var preFit = await PreFitDeliveryAsync(worker, deliveries);

        await worker.Create<DeliverAlerts>().RunAsync(preFit.Message, CancellationToken.None);
        await worker.Create<DeliverAlerts>().RunAsync(preFit.Message, CancellationToken.None);

        var post = Assert.Single(receiver.Received, r => r.Headers["X-Lift-Alert-Id"] == preFit.Alert.Id);
        Assert.Equal("POST", post.Method);
        Assert.True(WebhookSignature.Verify(FunctionsWorker.Secret, post.Headers["X-Lift-Timestamp"]!, post.Body, post.Headers["X-Lift-Signature"]));
        Assert.Equal(preFit.Alert.Id, AlertJson.Read(post.Body).Id);
    }

    [Fact]
    public async Task The_nightly_run_requests_a_measurement_of_each_active_campaign_and_records_the_run()
    {
        using var worker = await FunctionsWorker.StartAsync(azurite);
        await worker.WriteCampaignAsync("north");
        await worker.WriteCampaignAsync("south");
        await worker.WriteCampaignAsync("paused", active: false);

        var messages = await worker.Create<NightlyRun>().RunAsync(new TimerInfo { IsPastDue = true }, CancellationToken.None);

        var requests = messages.Select(m => WorkItem.Parse(Encoding.UTF8.GetBytes(m))).ToArray();
        Assert.Equal(["north", "south"], requests.Select(r => r.Campaign.Value).Order(StringComparer.Ordinal));
        Assert.All(requests, r => Assert.Equal(WorkKind.Measure, r.Kind));
        string runId = Assert.Single(requests.Select(r => r.RunId).Distinct())!;
        Assert.Matches("^nightly-[0-9]{8}-[0-9]{4}$", runId);
        Assert.Contains($"runs/{runId}.json", await worker.NamesAsync("runs/"));
    }

    [Fact]
    public async Task A_holdout_export_flows_through_export_arrived_and_measure_campaign_to_a_holdout_report()
    {
        using var worker = await FunctionsWorker.StartAsync(azurite);
        using var dir = TestData.TempDirectory();
        await worker.Store.WriteAsync("campaigns/vbo/campaign.json", Encoding.UTF8.GetBytes(
            """{"id": "vbo", "name": "VBO", "design": "holdout", "metrics": ["revenue"], "treatment": {"start": "2026-10-01"}, "holdout": {"allocation": {"holdout": 0.2, "vbo": 0.4, "vbo_1p": 0.4}}}"""));
        string file = Path.Combine(dir.FullName, "customers.parquet");
        Experiments.ExperimentExportKit.Write(file, Experiments.ExperimentExportKit.Rows(6_000), 2_000);
        await worker.Store.WriteAsync("exports/vbo/customers.parquet", await File.ReadAllBytesAsync(file));

        var arrived = await ExportArrivedAsync(worker, "exports/vbo/customers.parquet");
        var deliveries = await worker.Create<MeasureCampaign>().RunAsync(Assert.Single(arrived.Measure), CancellationToken.None);

        var latest = await worker.Store.ReadAsync("reports/vbo/latest.json");
        using var pointer = System.Text.Json.JsonDocument.Parse(latest!.Content);
        Assert.Equal("holdout", pointer.RootElement.GetProperty("design").GetString());
        Assert.Equal("vbo vs holdout", pointer.RootElement.GetProperty("contrast").GetString());
        Assert.NotNull(await worker.Store.GetAsync(pointer.RootElement.GetProperty("html").GetString()!));
        Assert.Empty(deliveries);   // no subscribers
    }

    [Fact]
    public async Task A_large_holdout_export_fans_out_to_one_shard_statistics_message_per_range_and_the_last_range_requests_the_measurement()
    {
        using var worker = await FunctionsWorker.StartAsync(azurite, new Dictionary<string, string?> { [LiftPipeline.Functions.Hosting.LiftFunctionsServices.RowsPerWorkItemSetting] = "2500" });
        using var dir = TestData.TempDirectory();
        await worker.Store.WriteAsync("campaigns/vbo/campaign.json", Encoding.UTF8.GetBytes(
            """{"id": "vbo", "name": "VBO", "design": "holdout", "metrics": ["revenue"], "treatment": {"start": "2026-10-01"}, "holdout": {"allocation": {"holdout": 0.2, "vbo": 0.4, "vbo_1p": 0.4}}}"""));
        string file = Path.Combine(dir.FullName, "customers.parquet");
        Experiments.ExperimentExportKit.Write(file, Experiments.ExperimentExportKit.Rows(6_000), 1_000);
        await worker.Store.WriteAsync("exports/vbo/customers.parquet", await File.ReadAllBytesAsync(file));

        var arrived = await ExportArrivedAsync(worker, "exports/vbo/customers.parquet");
        var measure = new List<string>();
        foreach (var message in arrived.ShardStatistics)
        {
            var followUps = await worker.Create<ShardStatistics>().RunAsync(message, CancellationToken.None);
            Assert.Empty(followUps.ShardStatistics);   // no capping: no capped pass
            measure.AddRange(followUps.Measure);
        }
        var names = await worker.NamesAsync("datasets/vbo/stats-");
        var again = await worker.Create<ShardStatistics>().RunAsync(arrived.ShardStatistics[0], CancellationToken.None);   // a duplicate
        await worker.Create<MeasureCampaign>().RunAsync(Assert.Single(measure), CancellationToken.None);

        Assert.Empty(arrived.Measure);
        Assert.True(arrived.ShardStatistics.Length >= 2, $"{arrived.ShardStatistics.Length} ranges");
        Assert.All(arrived.ShardStatistics, m => Assert.Equal(WorkKind.ShardStatistics, WorkItem.Parse(Encoding.UTF8.GetBytes(m)).Kind));
        Assert.Equal(arrived.ShardStatistics.Length, names.Length);
        Assert.Equal(measure, again.Measure);   // the shard is complete: a duplicate asks for the (idempotent) measurement again and writes nothing
        Assert.Equal(names, await worker.NamesAsync("datasets/vbo/stats-"));
        Assert.NotNull(await worker.Store.GetAsync("reports/vbo/latest.json"));
    }

    [Theory]
    [InlineData("ShardStatistics", """{"kind":"statistics","campaign":"geo","shard":"datasets/other/shard-0a.parquet","start":0,"end":1}""", typeof(FormatException))]
    [InlineData("ShardStatistics", """{"kind":"measure","campaign":"geo"}""", typeof(FormatException))]
    [InlineData("MeasureCampaign", "this is not json", typeof(FormatException))]
    [InlineData("MeasureCampaign", """{"kind":"measure","campaign":"../campaigns"}""", typeof(FormatException))]
    [InlineData("MeasureCampaign", """{"kind":"deliver","campaign":"geo","alertPath":"alerts/2026/11/23/a.json"}""", typeof(FormatException))]
    [InlineData("DeliverAlerts", """{"kind":"deliver","campaign":"geo"}""", typeof(FormatException))]
    [InlineData("DeliverAlerts", """{"kind":"measure","campaign":"geo"}""", typeof(FormatException))]
    [InlineData("DeliverAlerts", """{"kind":"deliver","campaign":"geo","alertPath":"alerts/2026/11/23/missing.json"}""", typeof(AlertFormatException))]
    public async Task A_malformed_or_dangling_queue_message_fails_the_invocation_so_the_host_retries_and_then_poisons_it(string function, string message, Type expected)
    {
        using var worker = await FunctionsWorker.StartAsync(azurite);
        await worker.WriteCampaignAsync("geo");
        var before = await worker.NamesAsync();

        var thrown = await Record.ExceptionAsync(() => function switch
        {
            "MeasureCampaign" => worker.Create<MeasureCampaign>().RunAsync(message, CancellationToken.None),
            "ShardStatistics" => worker.Create<ShardStatistics>().RunAsync(message, CancellationToken.None),
            _ => worker.Create<DeliverAlerts>().RunAsync(message, CancellationToken.None),
        });

        Assert.IsType(expected, thrown);
        Assert.Equal(before, await worker.NamesAsync());
    }

    [Fact]
    public async Task An_arrived_customer_export_refreshes_the_audiences_once_and_measures_its_holdout_campaign()
    {
        using var worker = await FunctionsWorker.StartAsync(azurite);
        await worker.Store.WriteAsync("customers/customers-2026-11-30.parquet", await File.ReadAllBytesAsync(TestData.Samples("customers", "customers-2026-11-30.parquet")));
        await worker.Store.WriteAsync("audiences/spring/audience.json", await File.ReadAllBytesAsync(TestData.Samples("audiences", "spring", "audience.json")));
        await worker.WriteCampaignAsync("spring-vbo-1p");
        var arrived = worker.Container.GetBlobClient("customers/customers-2026-11-30.parquet");

        var first = await worker.Create<CustomerExportArrived>().RunAsync(arrived, "customers-2026-11-30.parquet", CancellationToken.None);
        var names = await worker.NamesAsync();
        var second = await worker.Create<CustomerExportArrived>().RunAsync(arrived, "customers-2026-11-30.parquet", CancellationToken.None);

        var request = WorkItem.Parse(Encoding.UTF8.GetBytes(Assert.Single(first.Measure)));
        Assert.Equal((WorkKind.Measure, "spring-vbo-1p"), (request.Kind, request.Campaign.Value));
        Assert.Contains("audiences/spring/latest.json", names);
        Assert.Contains("audiences/spring/refreshes/2026-11-30/members.parquet", names);
        Assert.Contains("assignments/spring-vbo-1p/assignment.parquet", names);
        Assert.Contains("activations/spring/meta/2026-11-30.csv", names);
        // The second event finds every audience up to date: no new object, nothing to measure.
        Assert.Equal(names, await worker.NamesAsync());
        Assert.Empty(second.Measure);
        Assert.Empty(second.Deliver);
    }

    private static Task<ExportFollowUps> ExportArrivedAsync(FunctionsWorker worker, string export)
    {
        var (campaign, name) = FunctionsWorker.PathParts(export);
        return worker.Create<ExportArrived>().RunAsync(worker.Container.GetBlobClient(export), campaign, name, CancellationToken.None);
    }

    /// <summary>Campaign geo with a subscriber: export → ExportArrived → MeasureCampaign with the requested message.</summary>
    private static async Task<(WorkItem Request, string[] Deliveries)> MeasureGeoAsync(FunctionsWorker worker, Uri subscriber)
    {
        await worker.WriteCampaignAsync("geo", subscriber);
        string export = await worker.WriteExportAsync("geo");
        var arrived = await ExportArrivedAsync(worker, export);
        string message = Assert.Single(arrived.Measure);
        var deliveries = await worker.Create<MeasureCampaign>().RunAsync(message, CancellationToken.None);
        return (WorkItem.Parse(Encoding.UTF8.GetBytes(message)), deliveries);
    }

    private static async Task<(string Message, WorkItem Item, Alert Alert)> PreFitDeliveryAsync(FunctionsWorker worker, string[] deliveries)
    {
        var found = new List<(string, WorkItem, Alert)>();
        foreach (var message in deliveries)
        {
            var item = WorkItem.Parse(Encoding.UTF8.GetBytes(message));
            Assert.Equal(WorkKind.Deliver, item.Kind);
            var alert = AlertJson.Read((await worker.Store.ReadAsync(item.AlertPath!))!.Content.Span);
            if (alert.Guardrail == "pre-fit")
            {
                found.Add((message, item, alert));
            }
        }
        return Assert.Single(found);
    }
}
