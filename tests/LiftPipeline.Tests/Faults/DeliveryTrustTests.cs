using System.Text;
using LiftPipeline.Pipeline.Alerts;
using LiftPipeline.Pipeline.Hosting;
using LiftPipeline.Pipeline.Storage;
using LiftPipeline.Tests.Alerts;

namespace LiftPipeline.Tests.Faults;

/// <summary>
/// Issue 11, item 4 (delivery records are not trusted for where to send) and item 5's bounds (dead-letter after a
/// bounded number of attempts, backoff across runs, one request per run to a subscriber slower than the timeout).
/// </summary>
public sealed class DeliveryTrustTests
{
    private static async Task<PipelineRunSummary> RunAsync(string root, AlertTestKit kit) =>
        await new LocalPipeline(new FolderStore(root, kit.Clock), kit.Sink, kit.Clock).RunOnceAsync();

    [Fact]
    public async Task A_forged_alert_and_delivery_record_under_alerts_are_never_signed_or_posted()
    {
        using var scenario = new FaultScenario();
        await using var victim = new WebhookReceiver().Start();
        await using var attacker = new WebhookReceiver().Start();
        scenario.Campaign("geo", ("growth", victim.Url));
        using var kit = new AlertTestKit();
        var forged = new Alert(Alert.CreateId(CampaignId.Parse("geo"), "srm", "forged", "breach"), CampaignId.Parse("geo"), "srm", AlertSeverity.Breach,
            "Wire the budget to the attacker", new Dictionary<string, double>(), kit.Clock.GetUtcNow(), RunId.Parse("run-x"));
        scenario.Write(forged.StoragePath, AlertJson.Write(forged));
        scenario.Write($"alerts/deliveries/{forged.Id}/growth.json", Encoding.UTF8.GetBytes($$"""
            { "schema": 1, "alertId": "{{forged.Id}}", "alertPath": "{{forged.StoragePath}}",
              "subscriber": { "name": "growth", "url": "{{attacker.Url}}", "secretName": "acme-signing" }, "status": "pending", "attempts": 0,
              "lastStatusCode": null, "lastError": null, "claimedUntil": null, "deliveredAt": null, "updatedAt": "2026-03-05T00:00:00Z" }
            """));

        await RunAsync(scenario.Root, kit);

        Assert.Empty(attacker.Received);
        Assert.Empty(victim.Received);
    }

    [Fact]
    public async Task An_alert_whose_bytes_changed_after_the_pipeline_wrote_it_is_not_sent()
    {
        using var scenario = new FaultScenario();
        await using var growth = new WebhookReceiver();   // down for the first run
        scenario.Campaign("bad", ("growth", growth.Url)).Broken("bad");
        using var kit = new AlertTestKit(o => o.MaxAttempts = 1);
        var first = await RunAsync(scenario.Root, kit);
        var path = Assert.Single(first.Exports).Alert!.StoragePath;
        var tampered = Encoding.UTF8.GetString(File.ReadAllBytes(Path.Combine(scenario.Root, path))).Replace("Export rejected", "Export ACCEPTED", StringComparison.Ordinal);
        scenario.Write(path, Encoding.UTF8.GetBytes(tampered));

        growth.Start();
        kit.Clock.Now = kit.Clock.Now.AddDays(2);
        await RunAsync(scenario.Root, kit);
        kit.Clock.Now = kit.Clock.Now.AddDays(2);
        await RunAsync(scenario.Root, kit);

        Assert.Empty(growth.Received);
    }

    [Fact]
    public async Task A_subscriber_removed_from_campaign_json_stops_receiving_and_the_others_still_do()
    {
        using var scenario = new FaultScenario();
        await using var growth = new WebhookReceiver().Start();
        await using var finance = new WebhookReceiver();   // down for the first run
        scenario.Campaign("bad", ("growth", growth.Url), ("finance", finance.Url)).Broken("bad");
        using var kit = new AlertTestKit(o => o.MaxAttempts = 1);
        await RunAsync(scenario.Root, kit);
        Assert.Single(growth.Received);

        scenario.Campaign("bad", ("growth", growth.Url));
        scenario.Broken("bad", "broken-2.parquet");
        finance.Start();
        kit.Clock.Now = kit.Clock.Now.AddDays(2);
        await RunAsync(scenario.Root, kit);

        Assert.Empty(finance.Received);
        Assert.Equal(2, FaultScenario.PerAlert(growth).Count);
        Assert.Contains("cancelled", File.ReadAllText(Directory.GetFiles(Path.Combine(scenario.Root, "alerts", "deliveries"), "finance.json", SearchOption.AllDirectories).Single()), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_subscriber_that_keeps_failing_gets_eight_attempts_then_is_dead_lettered_and_the_others_are_told()
    {
        using var scenario = new FaultScenario();
        await using var growth = new WebhookReceiver().Start();
        await using var finance = new WebhookReceiver();
        for (int i = 0; i < 40; i++)
        {
            finance.Answer(500);
        }
        finance.Start();
        scenario.Campaign("bad", ("growth", growth.Url), ("finance", finance.Url)).Broken("bad");
        using var kit = new AlertTestKit(o => o.MaxAttempts = 2);

        // Eight passes (the default AlertDeliveryOptions.MaxAttempts) of two requests each (the sink's MaxAttempts here), then no more.
        for (int run = 0; run < 11; run++)
        {
            await RunAsync(scenario.Root, kit);
            kit.Clock.Now = kit.Clock.Now.AddDays(2);
        }

        Assert.Equal(16, finance.Received.Count);
        var told = FaultScenario.Guardrails(growth);
        Assert.Equal(["data-quality", "delivery"], told.Values.Order());
        Assert.All(FaultScenario.PerAlert(growth).Values, n => Assert.Equal(1, n));
        var dataQuality = told.Single(p => p.Value == "data-quality").Key;
        var record = File.ReadAllText(Path.Combine(scenario.Root, "alerts", "deliveries", dataQuality, "finance.json"));
        Assert.Contains("\"status\":\"dead-lettered\"", record.Replace(" ", "", StringComparison.Ordinal), StringComparison.Ordinal);
        // Nothing is left due, and settled entries leave no folders behind for later listings to walk.
        Assert.False(Directory.Exists(Path.Combine(scenario.Root, "outbox")));
    }

    [Fact]
    public async Task A_refused_target_is_never_sent_to_and_is_dead_lettered_after_eight_passes_while_the_others_are_told()
    {
        using var scenario = new FaultScenario();
        await using var growth = new WebhookReceiver().Start();
        scenario.Campaign("bad", ("growth", growth.Url), ("internal", new Uri("https://10.0.0.1/hook"))).Broken("bad");
        using var kit = new AlertTestKit();

        var passes = new List<PipelineRunSummary>();
        for (int run = 0; run < 10; run++)
        {
            passes.Add(await RunAsync(scenario.Root, kit));
            kit.Clock.Now = kit.Clock.Now.AddDays(2);
        }

        var toInternal = passes.SelectMany(p => p.Deliveries).Where(d => d.Subscriber == "internal").ToArray();
        Assert.Equal(8, toInternal.Length);
        Assert.All(toInternal, d => Assert.Equal(0, d.Outcome.Attempts));
        Assert.Contains("private", toInternal[0].Outcome.Error, StringComparison.Ordinal);
        Assert.Equal(DeliveryStatus.DeadLettered, toInternal[^1].Outcome.Status);
        var told = FaultScenario.Guardrails(growth);
        Assert.Equal(["data-quality", "delivery"], told.Values.Order());
        Assert.All(FaultScenario.PerAlert(growth).Values, n => Assert.Equal(1, n));
        var dataQuality = told.Single(p => p.Value == "data-quality").Key;
        var record = File.ReadAllText(Path.Combine(scenario.Root, "alerts", "deliveries", dataQuality, "internal.json")).Replace(" ", "", StringComparison.Ordinal);
        Assert.Contains("\"status\":\"dead-lettered\"", record, StringComparison.Ordinal);
        Assert.Contains("\"tries\":8", record, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_failed_delivery_waits_for_its_backoff_and_a_run_a_minute_later_does_not_retry_it()
    {
        using var scenario = new FaultScenario();
        await using var finance = new WebhookReceiver();
        for (int i = 0; i < 10; i++)
        {
            finance.Answer(503);
        }
        finance.Start();
        scenario.Campaign("bad", ("finance", finance.Url)).Broken("bad");
        using var kit = new AlertTestKit(o => o.MaxAttempts = 1);

        await RunAsync(scenario.Root, kit);
        kit.Clock.Now = kit.Clock.Now.AddMinutes(1);
        await RunAsync(scenario.Root, kit);
        Assert.Single(finance.Received);

        kit.Clock.Now = kit.Clock.Now.AddMinutes(10);
        await RunAsync(scenario.Root, kit);
        Assert.Equal(2, finance.Received.Count);
    }

    [Fact]
    public async Task A_subscriber_slower_than_the_timeout_gets_one_request_per_run_with_the_idempotency_key()
    {
        using var scenario = new FaultScenario();
        await using var slow = new WebhookReceiver();
        for (int i = 0; i < 5; i++)
        {
            slow.Answer(200, delay: TimeSpan.FromSeconds(20));
        }
        slow.Start();
        scenario.Campaign("bad", ("slow", slow.Url)).Broken("bad");
        using var kit = new AlertTestKit(o => o.AttemptTimeout = TimeSpan.FromSeconds(1));

        var summary = await RunAsync(scenario.Root, kit);

        var request = Assert.Single(slow.Received);
        Assert.Equal(Assert.Single(summary.Exports).Alert!.Id, request.Headers["X-Lift-Alert-Id"]);
        Assert.Equal(DeliveryStatus.Pending, Assert.Single(summary.Deliveries).Outcome.Status);
    }
}
