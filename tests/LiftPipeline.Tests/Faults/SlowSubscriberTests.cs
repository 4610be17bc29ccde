using LiftPipeline.Pipeline.Alerts;
using LiftPipeline.Pipeline.Hosting;
using LiftPipeline.Pipeline.Runs;
using LiftPipeline.Pipeline.Storage;
using LiftPipeline.Tests.Alerts;

namespace LiftPipeline.Tests.Faults;

/// <summary>Issue 11, item 9: slow subscribers do not block measurement, nor each other.</summary>
public sealed class SlowSubscriberTests
{
    private sealed class Stages : IProgress<PipelineProgress>
    {
        public List<string> Seen { get; } = [];

        public void Report(PipelineProgress value)
        {
            lock (Seen)
            {
                Seen.Add(value.Stage);
            }
        }
    }

    [Fact]
    public async Task A_run_measures_every_campaign_before_it_delivers_anything()
    {
        using var scenario = new FaultScenario();
        await using var growth = new WebhookReceiver().Start();
        scenario.Campaign("geo", ("growth", growth.Url)).Panel("geo").Campaign("bad", ("growth", growth.Url)).Broken("bad");
        using var kit = new AlertTestKit();
        var stages = new Stages();

        var summary = await new LocalPipeline(new FolderStore(scenario.Root, kit.Clock), kit.Sink, kit.Clock) { Progress = stages }.RunOnceAsync();

        Assert.Equal(CampaignRunStatus.Measured, summary.Measurements.Single(m => m.Campaign.Value == "geo").Status);
        Assert.True(stages.Seen.LastIndexOf("measure") < stages.Seen.IndexOf("deliver"), string.Join(" ", stages.Seen));
        Assert.Equal(2, FaultScenario.PerAlert(growth).Count);
    }

    [Fact]
    public async Task A_hanging_subscriber_is_cut_off_by_the_time_budget_while_a_healthy_one_is_delivered_in_the_same_run()
    {
        using var scenario = new FaultScenario();
        await using var hanging = new WebhookReceiver().Answer(200, delay: TimeSpan.FromMinutes(5)).Start();
        await using var healthy = new WebhookReceiver().Start();
        scenario.Campaign("geo", ("hanging", hanging.Url), ("healthy", healthy.Url)).Panel("geo");
        using var kit = new AlertTestKit(o => o.AttemptTimeout = TimeSpan.FromMinutes(10));
        // Long enough for the healthy delivery on a loaded CI machine; the hanging one answers only after five minutes.
        var options = new AlertDeliveryOptions { TimeBudget = TimeSpan.FromSeconds(12) };

        var summary = await new LocalPipeline(new FolderStore(scenario.Root, kit.Clock), kit.Sink, kit.Clock, options).RunOnceAsync();

        var measured = Assert.Single(summary.Measurements);
        Assert.Equal(CampaignRunStatus.Measured, measured.Status);
        var alertId = Assert.Single(FaultScenario.PerAlert(healthy)).Key;
        Assert.Equal(DeliveryStatus.Delivered, summary.Deliveries.Single(d => d.Subscriber == "healthy").Outcome.Status);
        var cut = summary.Deliveries.Single(d => d.Subscriber == "hanging").Outcome;
        Assert.Equal(DeliveryStatus.Pending, cut.Status);
        Assert.Contains("time budget", cut.Error, StringComparison.Ordinal);
        Assert.NotNull(await new AlertDelivery(new FolderStore(scenario.Root, kit.Clock), kit.Sink, kit.Clock).ReadRecordAsync(alertId, "hanging"));
    }
}
