using System.Text;
using System.Text.Json;
using LiftPipeline.Pipeline.Alerts;
using LiftPipeline.Pipeline.Campaigns;
using LiftPipeline.Pipeline.Hosting;
using LiftPipeline.Pipeline.Portfolio;
using LiftPipeline.Pipeline.Runs;
using LiftPipeline.Pipeline.Storage;
using LiftPipeline.Tests.Alerts;

namespace LiftPipeline.Tests.Pipeline;

/// <summary>
/// The portfolio digest (docs/decisions.md, "Portfolio digest"): after a run's measurements, portfolio/{runId}.* lists
/// exactly the live campaigns (active, not concluded) with their days running and decisions so far, and the campaigns
/// concluded since the last digest with their learnings entry; each digest subscriber gets one signed POST per run and no
/// per-alert POST, an alerts subscriber still gets its alerts, an undeliverable digest waits in the outbox for a later
/// run, and running the same run again sends nothing new.
/// </summary>
public sealed class PortfolioDigestTests : IDisposable
{
    private static readonly DateTimeOffset May1 = new(2021, 5, 1, 2, 0, 0, TimeSpan.Zero);
    private readonly TempDirectory _root = TestData.TempDirectory();

    public void Dispose() => _root.Dispose();

    private string Root => _root.FullName;

    /// <summary>
    /// geo-ended (window over on 2021-04-15: concluded), geo-running (started 2021-04-01), geo-waiting (started 2021-04-20,
    /// no export) and geo-off (inactive), all on GeoLift's markets. The desk subscribes to all four as a digest; ops gets
    /// geo-running's alerts: it overlaps geo-ended in markets and days, so measuring it raises a conflated-test breach.
    /// </summary>
    private void Scenario(Uri desk, Uri ops)
    {
        string Desk() => $$"""{ "name": "desk", "url": "{{desk}}", "secretName": "acme-signing", "delivery": "digest" }""";
        Campaign("geo-ended", """{"start": "2021-04-01", "end": "2021-04-15"}""", Desk(), panel: true);
        Campaign("geo-running", """{"start": "2021-04-01", "end": "2021-06-30"}""", $$"""{{Desk()}}, { "name": "ops", "url": "{{ops}}", "secretName": "acme-signing" }""", panel: true);
        Campaign("geo-waiting", """{"start": "2021-04-20"}""", Desk(), panel: false);
        Campaign("geo-off", """{"start": "2021-04-01"}""", Desk(), panel: true, active: false);
    }

    private void Campaign(string id, string window, string subscribers, bool panel, bool active = true)
    {
        Write($"campaigns/{id}/campaign.json", Encoding.UTF8.GetBytes($$"""
            { "id": "{{id}}", "name": "Geo {{id}}", "active": {{(active ? "true" : "false")}}, "design": "panel", "metrics": ["conversions"],
              "estimators": ["sdid"], "variance": "placebo", "replications": 50, "seed": 1, "guardrails": { "lateAfterDays": 36500 }, "treatment": {{window}},
              "subscribers": [{{subscribers}}] }
            """));
        if (panel)
        {
            Write($"exports/{id}/week1.parquet", File.ReadAllBytes(TestData.Panel("GeoLift_Test.parquet")));
        }
    }

    private void Write(string name, byte[] content)
    {
        var path = Path.Combine(Root, name.Replace('/', Path.DirectorySeparatorChar));
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, content);
    }

    private const string RecommendationBasisInterval = LiftPipeline.Pipeline.Reports.RecommendationBasis.AlwaysValid;

    private static JsonElement Body(ReceivedRequest request) => JsonDocument.Parse(request.Body).RootElement;

    private static string[] Campaigns(JsonElement digest, string list) =>
        [.. digest.GetProperty(list).EnumerateArray().Select(l => l.GetProperty("campaign").GetString()!)];

    [Fact]
    public async Task A_run_digests_exactly_the_live_campaigns_and_each_digest_subscriber_gets_one_post_instead_of_alerts()
    {
        await using var desk = new WebhookReceiver().Start();
        await using var ops = new WebhookReceiver().Start();
        Scenario(desk.Url, ops.Url);
        using var kit = new AlertTestKit();
        kit.Clock.Now = May1;
        var store = new FolderStore(Root, kit.Clock);
        var pipeline = new LocalPipeline(store, kit.Sink, kit.Clock);

        var summary = await pipeline.RunOnceAsync(RunId.Parse("run-1"));

        var digest = PortfolioDigest.Parse((await store.ReadAsync("portfolio/run-1.json"))!.Content.Span)!;
        Assert.Equal(["geo-running", "geo-waiting"], digest.Live.Select(l => l.Campaign));
        Assert.Null(summary.Evidence);   // panels contribute nothing to the evidence across campaigns, so no page is drawn
        Assert.Null(await store.GetAsync("evidence/index.html"));
        var running = digest.Live[0];
        var measured = summary.Measurements.Single(m => m.Campaign.Value == "geo-running").Report!;
        Assert.Equal(("measured", 30), (running.Status, running.DaysRunning));
        Assert.Equal(measured.Recommendation.ToString().ToLowerInvariant(), running.Decision);
        Assert.Equal(measured.Primary!.Att, running.Estimate, 12);
        Assert.Equal(RecommendationBasisInterval, measured.Decision.Basis!.Interval);
        Assert.True(double.IsFinite(running.Lower) && running.Lower < running.Upper);
        Assert.Equal(measured.Decision.Basis.Lower, running.Lower, 12);
        Assert.Equal(measured.Decision.Basis.Upper, running.Upper, 12);
        Assert.Equal("reports/geo-running/run-1/report.html", running.Report);
        Assert.Contains(running.Guardrails, g => g.StartsWith("conflated breach: Conflated geo test with geo-ended", StringComparison.Ordinal));
        Assert.Equal(("no-data", 11, (string?)null), (digest.Live[1].Status, digest.Live[1].DaysRunning, digest.Live[1].Decision));
        var ended = Assert.Single(digest.Concluded);
        Assert.Equal(("geo-ended", "learnings/geo-ended.md", "ended"), (ended.Campaign, ended.Learnings, ended.ConcludedBy));
        Assert.NotNull(await store.GetAsync("learnings/geo-ended.md"));
        string markdown = Encoding.UTF8.GetString((await store.ReadAsync("portfolio/run-1.md"))!.Content.Span);
        Assert.Contains("| Geo geo-running (`geo-running`) | measured | 30 |", markdown, StringComparison.Ordinal);
        Assert.Contains("learnings: [learnings/geo-ended.md](../learnings/geo-ended.md)", markdown, StringComparison.Ordinal);
        Assert.DoesNotContain("geo-off", markdown, StringComparison.Ordinal);
        Assert.Equal((await store.ReadAsync("portfolio/run-1.html"))!.Content.ToArray(), (await store.ReadAsync("portfolio/latest.html"))!.Content.ToArray());

        // The desk: one signed digest, covering its three campaigns, and no per-alert POST.
        var post = Assert.Single(desk.Received);
        var body = Body(post);
        Assert.Equal("digest", body.GetProperty("guardrail").GetString());
        Assert.Equal(["geo-running", "geo-waiting"], Campaigns(body.GetProperty("digest"), "live"));
        Assert.Equal(["geo-ended"], Campaigns(body.GetProperty("digest"), "concluded"));
        Assert.Equal("portfolio/run-1.json", body.GetProperty("reportPath").GetString());
        Assert.NotNull(post.Headers["X-Lift-Signature"]);
        // Ops: geo-running's guardrail alerts, and no digest.
        Assert.NotEmpty(ops.Received);
        Assert.All(ops.Received, r => Assert.NotEqual("digest", Body(r).GetProperty("guardrail").GetString()));
        Assert.Contains(ops.Received, r => Body(r).GetProperty("guardrail").GetString() == "conflated");

        // The same run again: nothing rewritten, nothing sent.
        byte[] before = (await store.ReadAsync("portfolio/run-1.json"))!.Content.ToArray();
        int opsBefore = ops.Received.Count;
        var again = await pipeline.RunOnceAsync(RunId.Parse("run-1"));
        Assert.False(again.Portfolio!.Created);
        Assert.Equal(before, (await store.ReadAsync("portfolio/run-1.json"))!.Content.ToArray());
        Assert.Single(desk.Received);
        Assert.Equal(opsBefore, ops.Received.Count);

        // The next night: geo-ended was announced already; the desk gets the next digest.
        kit.Clock.Now = May1.AddDays(1);
        var next = (await pipeline.RunOnceAsync(RunId.Parse("run-2"))).Portfolio!;
        Assert.True(next.Created);
        Assert.Empty(next.Digest.Concluded);
        Assert.Equal([31, 12], next.Digest.Live.Select(l => l.DaysRunning ?? -1));
        Assert.Equal(2, desk.Received.Count);
        Assert.Equal("run-2", Body(desk.Received[1]).GetProperty("runId").GetString());
        Assert.Contains("\"runId\": \"run-2\"", Encoding.UTF8.GetString((await store.ReadAsync("portfolio/latest.json"))!.Content.Span), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_digest_the_subscriber_cannot_take_waits_in_the_outbox_and_a_later_run_delivers_it_once()
    {
        var desk = new WebhookReceiver();   // not listening yet: connections are refused
        await using var ops = new WebhookReceiver().Start();
        Scenario(desk.Url, ops.Url);
        using var kit = new AlertTestKit();
        kit.Clock.Now = May1;
        var store = new FolderStore(Root, kit.Clock);
        var pipeline = new LocalPipeline(store, kit.Sink, kit.Clock);

        var first = await pipeline.RunOnceAsync(RunId.Parse("run-1"));

        string alertId = Assert.Single(first.Portfolio!.Alerts).Id;
        Assert.Equal(DeliveryStatus.Pending, first.Deliveries.Single(d => d.AlertId == alertId && d.Subscriber == "desk").Outcome.Status);
        Assert.NotNull(await store.GetAsync($"outbox/{alertId}/desk.json"));

        await using var listening = desk.Start();
        kit.Clock.Now = May1.AddHours(1);   // past the first retry delay
        var second = await pipeline.RunOnceAsync(RunId.Parse("run-2"));

        Assert.Equal(["run-1", "run-2"], desk.Received.Select(r => Body(r).GetProperty("runId").GetString()).Order(StringComparer.Ordinal));
        Assert.Null(await store.GetAsync($"outbox/{alertId}/desk.json"));
        Assert.Equal(DeliveryStatus.Delivered, second.Deliveries.Single(d => d.AlertId == alertId).Outcome.Status);
        await pipeline.RunOnceAsync(RunId.Parse("run-2"));
        Assert.Equal(2, desk.Received.Count);
    }

    [Fact]
    public void A_subscriber_takes_alerts_by_default_and_the_digest_when_asked()
    {
        static CampaignConfig Read(string delivery) => CampaignConfig.Parse("c", Encoding.UTF8.GetBytes($$"""
            {"id": "c", "name": "C", "design": "panel", "metrics": ["m"], "subscribers": [{"name": "a", "url": "https://hooks.example.com/a"{{delivery}}}]}
            """));

        Assert.Equal(DeliveryMode.Alerts, Read("").Subscribers[0].Delivery);
        Assert.Equal(DeliveryMode.Digest, Read(""", "delivery": "digest" """).Subscribers[0].Delivery);
        Assert.Empty(AlertOutbox.SubscribersOf(Read(""", "delivery": "digest" """)));
        var error = Assert.Throws<CampaignConfigException>(() => Read(""", "delivery": "weekly" """));
        Assert.Contains("subscribers[0].delivery: is the string \"weekly\"; expected one of \"alerts\", \"digest\"", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_digest_alert_round_trips_its_payload_and_other_alerts_keep_their_bytes()
    {
        var plain = AlertTestKit.SampleAlert();
        using var payload = JsonDocument.Parse("""{"kind": "portfolio", "live": [{"campaign": "a", "estimate": 0.125}]}""");
        var digest = plain with { Guardrail = Alert.DigestGuardrail, Digest = payload.RootElement.Clone() };

        byte[] bytes = AlertJson.Write(digest);
        var read = AlertJson.Read(bytes);

        Assert.True(read.IsDigest);
        Assert.Equal(bytes, AlertJson.Write(read));
        Assert.Equal(0.125, read.Digest!.Value.GetProperty("live")[0].GetProperty("estimate").GetDouble());
        Assert.DoesNotContain("\"digest\"", Encoding.UTF8.GetString(AlertJson.Write(plain)), StringComparison.Ordinal);
        Assert.Null(AlertJson.Read(AlertJson.Write(plain)).Digest);
    }
}
