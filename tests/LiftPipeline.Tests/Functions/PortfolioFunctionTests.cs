using System.Text;
using LiftPipeline.Functions.Functions;
using LiftPipeline.Infrastructure.Alerts;
using LiftPipeline.Pipeline.Alerts;
using LiftPipeline.Pipeline.Handlers;
using LiftPipeline.Pipeline.Portfolio;
using LiftPipeline.Tests.Alerts;
using LiftPipeline.Tests.Storage;
using Microsoft.Azure.Functions.Worker;

namespace LiftPipeline.Tests.Functions;

/// <summary>
/// The portfolio digest in the Functions app, invoked as the worker invokes it over Azurite: the MeasureCampaign that
/// records a nightly run's last line publishes the digest and returns its delivery, which DeliverAlerts sends once; a
/// nightly run that requests no measurement publishes its digest itself.
/// </summary>
[Collection("Azurite")]
public sealed class PortfolioFunctionTests(AzuriteFixture azurite)
{
    private static Task WriteCampaignAsync(FunctionsWorker worker, string id, Uri desk) =>
        worker.Store.WriteAsync($"campaigns/{id}/campaign.json", Encoding.UTF8.GetBytes($$"""
            {"id": "{{id}}", "name": "Geo {{id}}", "design": "panel", "metrics": ["conversions"], "estimators": ["did"], "variance": "none",
             "treatment": {"start": "2021-04-01"},
             "subscribers": [{"name": "desk", "url": "{{desk}}", "secretName": "{{FunctionsWorker.SecretName}}", "delivery": "digest"}]}
            """));

    [Fact]
    public async Task The_measurement_that_completes_a_nightly_run_publishes_the_digest_and_its_one_delivery()
    {
        await using var desk = new WebhookReceiver().Start();
        using var worker = await FunctionsWorker.StartAsync(azurite);
        await WriteCampaignAsync(worker, "north", desk.Url);
        await WriteCampaignAsync(worker, "south", desk.Url);
        var requests = await worker.Create<NightlyRun>().RunAsync(new TimerInfo(), CancellationToken.None);
        Assert.Equal(2, requests.Length);

        var afterFirst = await worker.Create<MeasureCampaign>().RunAsync(requests[0], CancellationToken.None);
        Assert.Empty(afterFirst);
        Assert.Empty(await worker.NamesAsync("portfolio/"));
        var afterLast = await worker.Create<MeasureCampaign>().RunAsync(requests[1], CancellationToken.None);

        string runId = WorkItem.Parse(Encoding.UTF8.GetBytes(requests[1])).RunId!.Value;
        var digest = PortfolioDigest.Parse((await worker.Store.ReadAsync($"portfolio/{runId}.json"))!.Content.Span)!;
        Assert.Equal(["north", "south"], digest.Live.Select(l => $"{l.Campaign}"));
        Assert.All(digest.Live, l => Assert.Equal("no-data", l.Status));
        var delivery = WorkItem.Parse(Encoding.UTF8.GetBytes(Assert.Single(afterLast)));
        Assert.Equal((WorkKind.Deliver, "north"), (delivery.Kind, delivery.Campaign.Value));

        await worker.Create<DeliverAlerts>().RunAsync(afterLast[0], CancellationToken.None);
        // A repeated message: the same digest, nothing sent again.
        var again = await worker.Create<MeasureCampaign>().RunAsync(requests[1], CancellationToken.None);
        Assert.Equal(afterLast, again);
        await worker.Create<DeliverAlerts>().RunAsync(again[0], CancellationToken.None);

        var post = Assert.Single(desk.Received);
        Assert.True(WebhookSignature.Verify(FunctionsWorker.Secret, post.Headers["X-Lift-Timestamp"]!, post.Body, post.Headers["X-Lift-Signature"]));
        var alert = AlertJson.Read(post.Body);
        Assert.True(alert.IsDigest);
        Assert.Equal(2, alert.Digest!.Value.GetProperty("live").GetArrayLength());
    }

    [Fact]
    public async Task A_nightly_run_that_requests_no_measurement_publishes_its_digest_itself()
    {
        using var worker = await FunctionsWorker.StartAsync(azurite);
        await worker.WriteCampaignAsync("paused", active: false);

        var requests = await worker.Create<NightlyRun>().RunAsync(new TimerInfo(), CancellationToken.None);

        Assert.Empty(requests);
        var name = Assert.Single(await worker.NamesAsync("portfolio/"), n => n.EndsWith(".json", StringComparison.Ordinal) && !n.EndsWith("latest.json", StringComparison.Ordinal));
        var digest = PortfolioDigest.Parse((await worker.Store.ReadAsync(name))!.Content.Span)!;
        Assert.Empty(digest.Live);
        Assert.StartsWith("portfolio/nightly-", name, StringComparison.Ordinal);
    }
}
