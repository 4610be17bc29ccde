using LiftPipeline.Pipeline.Storage;
using System.Net;
using System.Text;
using LiftPipeline.Infrastructure.Alerts;
using LiftPipeline.Pipeline.Alerts;
using LiftPipeline.Pipeline.Datasets;
using LiftPipeline.Pipeline.Handlers;
using LiftPipeline.Tests.Alerts;
using LiftPipeline.Tests.Storage;

namespace LiftPipeline.Tests.Functions;

/// <summary>The Functions custom handler over real HTTP and Azurite, with the payloads the Functions host sends.</summary>
[Collection("Azurite")]
public sealed class FunctionsAppTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task A_blob_created_event_for_an_export_merges_it_and_requests_one_measurement_of_its_campaign()
    {
        await using var host = await FunctionsHost.StartAsync(azurite);
        await host.WriteCampaignAsync("geo");
        string export = await host.WriteExportAsync("geo");

        var result = await host.InvokeAsync("ExportArrived", FunctionsHost.EventGridPayload(host.BlobUrl(export)));

        Assert.Equal(HttpStatusCode.OK, result.Status);
        var request = WorkItem.Parse(Encoding.UTF8.GetBytes(Assert.Single(result.Output("measure"))));
        Assert.Equal((WorkKind.Measure, "geo", (string?)null), (request.Kind, request.Campaign, request.RunId));
        Assert.Empty(result.Output("deliver"));
        var manifest = await new CampaignDataset(host.Store, CampaignId.Parse("geo")).ReadManifestAsync();
        Assert.NotNull(manifest);
        Assert.Equal(export, Assert.Single(manifest.Exports).Export);
        Assert.Contains(result.Logs, l => l.Contains("accepted", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_same_event_delivered_twice_leaves_the_same_dataset_with_one_merged_export()
    {
        await using var host = await FunctionsHost.StartAsync(azurite);
        await host.WriteCampaignAsync("geo");
        string export = await host.WriteExportAsync("geo");
        string payload = FunctionsHost.EventGridPayload(host.BlobUrl(export), asString: false);

        var first = await host.InvokeAsync("ExportArrived", payload);
        var before = await new CampaignDataset(host.Store, CampaignId.Parse("geo")).ReadManifestAsync();
        var names = await host.NamesAsync();
        var second = await host.InvokeAsync("ExportArrived", payload);
        var after = await new CampaignDataset(host.Store, CampaignId.Parse("geo")).ReadManifestAsync();

        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK), (first.Status, second.Status));
        Assert.Equal(before!.Dataset, after!.Dataset);
        Assert.Single(after.Exports);
        Assert.Equal(names, await host.NamesAsync());
        Assert.Equal(first.Output("measure"), second.Output("measure"));
    }

    [Theory]
    [InlineData("exports/../campaigns/x/campaign.json")]
    [InlineData("exports/%2e%2e/campaigns/x/campaign.json")]
    [InlineData("exports/geo/..%2F..%2Fcampaigns%2Fgeo%2Fcampaign.json")]
    [InlineData("exports/Geo!/day1.parquet")]
    public async Task An_event_naming_an_unsafe_export_is_rejected_with_no_outputs_and_nothing_written(string name)
    {
        await using var host = await FunctionsHost.StartAsync(azurite);
        await host.WriteCampaignAsync("geo");
        var before = await host.NamesAsync();

        var result = await host.InvokeAsync("ExportArrived", FunctionsHost.EventGridPayload($"https://liftdata.blob.core.windows.net/{host.Container}/{name}"));

        Assert.Equal(HttpStatusCode.OK, result.Status);
        Assert.Empty(result.Outputs);
        Assert.Contains(result.Logs, l => l.Contains("rejected unsafe export name", StringComparison.Ordinal));
        Assert.Equal(before, await host.NamesAsync());
    }

    [Theory]
    [InlineData("Microsoft.Storage.BlobDeleted", "exports/geo/geolift-test.parquet")]
    [InlineData("Microsoft.Storage.BlobCreated", "campaigns/geo/campaign.json")]
    [InlineData("Microsoft.Storage.BlobCreated", "other-container")]
    public async Task Events_of_other_types_containers_or_prefixes_are_ignored_with_a_log_line(string eventType, string name)
    {
        await using var host = await FunctionsHost.StartAsync(azurite);
        await host.WriteCampaignAsync("geo");
        string export = await host.WriteExportAsync("geo");
        string url = name == "other-container" ? $"https://liftdata.blob.core.windows.net/elsewhere/{export}" : host.BlobUrl(name);

        var result = await host.InvokeAsync("ExportArrived", FunctionsHost.EventGridPayload(url, eventType));

        Assert.Equal(HttpStatusCode.OK, result.Status);
        Assert.Empty(result.Outputs);
        Assert.Contains(result.Logs, l => l.Contains("ignored", StringComparison.Ordinal));
        Assert.Null(await new CampaignDataset(host.Store, CampaignId.Parse("geo")).ReadManifestAsync());
    }

    [Fact]
    public async Task Measuring_the_requested_campaign_writes_its_report_and_returns_the_pre_fit_breach_as_a_delivery()
    {
        await using var receiver = new WebhookReceiver().Start();
        await using var host = await FunctionsHost.StartAsync(azurite);

        var (arrived, deliveries) = await MeasureGeoAsync(host, receiver.Url);

        var item = WorkItem.Parse(Encoding.UTF8.GetBytes(Assert.Single(arrived.Output("measure"))));
        var reports = await host.NamesAsync("reports/geo/");
        var report = Assert.Single(reports, n => n.EndsWith("/report.json", StringComparison.Ordinal));
        Assert.StartsWith("reports/geo/data-", report, StringComparison.Ordinal);
        Assert.Contains("reports/geo/latest.json", reports);
        Assert.Equal("geo", item.Campaign);
        var preFit = await PreFitDeliveryAsync(host, deliveries);
        Assert.Equal("geo", preFit.Item.Campaign);
        Assert.Equal(AlertSeverity.Breach, preFit.Alert.Severity);
        Assert.Equal(1.0, preFit.Alert.Evidence["scaledL2Imbalance"], 9);
        Assert.Equal(0.5, preFit.Alert.Evidence["threshold"]);
    }

    [Fact]
    public async Task Delivering_the_alert_sends_one_signed_post_to_the_subscriber_and_a_repeated_message_sends_nothing()
    {
        await using var receiver = new WebhookReceiver().Start();
        await using var host = await FunctionsHost.StartAsync(azurite);
        var (_, deliveries) = await MeasureGeoAsync(host, receiver.Url);
        var preFit = await PreFitDeliveryAsync(host, deliveries);

        var first = await host.InvokeAsync("DeliverAlerts", FunctionsHost.QueuePayload(preFit.Message));
        var again = await host.InvokeAsync("DeliverAlerts", FunctionsHost.QueuePayload(preFit.Message, asString: false));

        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK), (first.Status, again.Status));
        var post = Assert.Single(receiver.Received, r => r.Headers["X-Lift-Alert-Id"] == preFit.Alert.Id);
        Assert.Equal("POST", post.Method);
        Assert.True(WebhookSignature.Verify(FunctionsHost.Secret, post.Headers["X-Lift-Timestamp"]!, post.Body, post.Headers["X-Lift-Signature"]));
        Assert.Equal(preFit.Alert.Id, AlertJson.Read(post.Body).Id);
        Assert.Contains(first.Logs, l => l.Contains("delivered", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_nightly_run_requests_a_measurement_of_each_active_campaign_and_records_the_run()
    {
        await using var host = await FunctionsHost.StartAsync(azurite);
        await host.WriteCampaignAsync("north");
        await host.WriteCampaignAsync("south");
        await host.WriteCampaignAsync("paused", active: false);

        var result = await host.InvokeAsync("NightlyRun", FunctionsHost.TimerPayload);

        Assert.Equal(HttpStatusCode.OK, result.Status);
        var requests = result.Output("measure").Select(m => WorkItem.Parse(Encoding.UTF8.GetBytes(m))).ToArray();
        Assert.Equal(["north", "south"], requests.Select(r => r.Campaign.Value).Order(StringComparer.Ordinal));
        Assert.All(requests, r => Assert.Equal(WorkKind.Measure, r.Kind));
        string runId = Assert.Single(requests.Select(r => r.RunId).Distinct())!;
        Assert.Matches("^nightly-[0-9]{8}-[0-9]{4}$", runId);
        Assert.Contains($"runs/{runId}.json", await host.NamesAsync("runs/"));
    }

    [Fact]
    public async Task A_holdout_export_flows_through_export_arrived_and_measure_campaign_to_a_holdout_report()
    {
        await using var host = await FunctionsHost.StartAsync(azurite);
        using var dir = TestData.TempDirectory();
        await host.Store.WriteAsync("campaigns/vbo/campaign.json", Encoding.UTF8.GetBytes(
            """{"id": "vbo", "name": "VBO", "design": "holdout", "metrics": ["revenue"], "treatment": {"start": "2026-10-01"}, "holdout": {"allocation": {"holdout": 0.2, "vbo": 0.4, "vbo_1p": 0.4}}}"""));
        string file = Path.Combine(dir.FullName, "customers.parquet");
        Experiments.ExperimentExportKit.Write(file, Experiments.ExperimentExportKit.Rows(6_000), 2_000);
        await host.Store.WriteAsync("exports/vbo/customers.parquet", await File.ReadAllBytesAsync(file));

        var arrived = await host.InvokeAsync("ExportArrived", FunctionsHost.EventGridPayload(host.BlobUrl("exports/vbo/customers.parquet")));
        var measured = await host.InvokeAsync("MeasureCampaign", FunctionsHost.QueuePayload(Assert.Single(arrived.Output("measure"))));

        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK), (arrived.Status, measured.Status));
        var latest = await host.Store.ReadAsync("reports/vbo/latest.json");
        using var pointer = System.Text.Json.JsonDocument.Parse(latest!.Content);
        Assert.Equal("holdout", pointer.RootElement.GetProperty("design").GetString());
        Assert.Equal("vbo vs holdout", pointer.RootElement.GetProperty("contrast").GetString());
        Assert.NotNull(await host.Store.GetAsync(pointer.RootElement.GetProperty("html").GetString()!));
        Assert.Empty(measured.Output("deliver"));   // no subscribers
    }

    [Theory]
    [InlineData("MeasureCampaign", "this is not json")]
    [InlineData("MeasureCampaign", """{"kind":"measure","campaign":"../campaigns"}""")]
    [InlineData("MeasureCampaign", """{"kind":"deliver","campaign":"geo","alertPath":"alerts/2026/11/23/a.json"}""")]
    [InlineData("DeliverAlerts", """{"kind":"deliver","campaign":"geo"}""")]
    [InlineData("DeliverAlerts", """{"kind":"deliver","campaign":"geo","alertPath":"alerts/2026/11/23/missing.json"}""")]
    public async Task A_malformed_or_dangling_queue_message_fails_the_invocation_so_the_host_retries_and_then_poisons_it(string function, string message)
    {
        await using var host = await FunctionsHost.StartAsync(azurite);
        await host.WriteCampaignAsync("geo");

        var result = await host.InvokeAsync(function, FunctionsHost.QueuePayload(message));

        Assert.Equal(HttpStatusCode.InternalServerError, result.Status);
        Assert.Empty(result.Outputs);
        Assert.NotEmpty(result.Logs);
    }

    /// <summary>Campaign geo with a subscriber: export → ExportArrived → MeasureCampaign with the requested message (as a JSON string).</summary>
    private static async Task<(Invocation Export, string[] Deliveries)> MeasureGeoAsync(FunctionsHost host, Uri subscriber)
    {
        await host.WriteCampaignAsync("geo", subscriber);
        string export = await host.WriteExportAsync("geo");
        var arrived = await host.InvokeAsync("ExportArrived", FunctionsHost.EventGridPayload(host.BlobUrl(export)));
        var measured = await host.InvokeAsync("MeasureCampaign", FunctionsHost.QueuePayload(Assert.Single(arrived.Output("measure"))));
        Assert.Equal(HttpStatusCode.OK, measured.Status);
        return (arrived, measured.Output("deliver"));
    }

    private static async Task<(string Message, WorkItem Item, Alert Alert)> PreFitDeliveryAsync(FunctionsHost host, string[] deliveries)
    {
        var found = new List<(string, WorkItem, Alert)>();
        foreach (var message in deliveries)
        {
            var item = WorkItem.Parse(Encoding.UTF8.GetBytes(message));
            Assert.Equal(WorkKind.Deliver, item.Kind);
            var alert = AlertJson.Read((await host.Store.ReadAsync(item.AlertPath!))!.Content.Span);
            if (alert.Guardrail == "pre-fit")
            {
                found.Add((message, item, alert));
            }
        }
        return Assert.Single(found);
    }
}
