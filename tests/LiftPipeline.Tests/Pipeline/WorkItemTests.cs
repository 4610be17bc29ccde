using System.Text;
using LiftPipeline.Pipeline.Handlers;
using LiftPipeline.Pipeline.Runs;
using LiftPipeline.Pipeline.Storage;

namespace LiftPipeline.Tests.Pipeline;

public sealed class WorkItemTests
{
    [Fact]
    public void Measure_and_deliver_messages_round_trip_through_their_json_and_name_their_queue()
    {
        var measure = WorkItem.Measure(CampaignId.Parse("spring-geo"), RunId.Parse("nightly-20261124-0200"));
        var deliver = WorkItem.Deliver(CampaignId.Parse("spring-geo"), "alerts/2026/11/24/0123456789abcdef0123456789abcdef.json", null);

        Assert.Equal(measure, WorkItem.Parse(measure.ToJson()));
        Assert.Equal(deliver, WorkItem.Parse(deliver.ToJson()));
        Assert.Equal("""{"kind":"measure","campaign":"spring-geo","runId":"nightly-20261124-0200"}""", Encoding.UTF8.GetString(measure.ToJson()));
        Assert.Equal(("measure-requests", "alert-deliveries"), (measure.Queue, deliver.Queue));
    }

    [Fact]
    public void A_shard_range_message_round_trips_and_names_the_shard_statistics_queue()
    {
        var item = WorkItem.ShardRange(CampaignId.Parse("vbo"), "datasets/vbo/shard-0123abcd.parquet", new(4, 8));

        Assert.Equal(item, WorkItem.Parse(item.ToJson()));
        Assert.Equal("""{"kind":"statistics","campaign":"vbo","shard":"datasets/vbo/shard-0123abcd.parquet","start":4,"end":8}""", Encoding.UTF8.GetString(item.ToJson()));
        Assert.Equal("shard-statistics", item.Queue);
        var capped = WorkItem.ShardRange(CampaignId.Parse("vbo"), "datasets/vbo/shard-0123abcd.parquet", new(4, 8), capped: true);
        Assert.Equal(capped, WorkItem.Parse(capped.ToJson()));
        Assert.EndsWith(""","end":8,"capped":true}""", Encoding.UTF8.GetString(capped.ToJson()), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"kind":"statistics","campaign":"vbo","shard":"datasets/other/shard-0a.parquet","start":0,"end":1}""", "unsafe")]
    [InlineData("""{"kind":"statistics","campaign":"vbo","shard":"datasets/vbo/manifest.json","start":0,"end":1}""", "unsafe")]
    [InlineData("""{"kind":"statistics","campaign":"vbo","shard":"datasets/vbo/../x/shard-0a.parquet","start":0,"end":1}""", "unsafe")]
    [InlineData("""{"kind":"statistics","campaign":"vbo","shard":"datasets/vbo/shard-0a.parquet","start":3,"end":3}""", "not a row-group range")]
    [InlineData("""{"kind":"statistics","campaign":"vbo","shard":"datasets/vbo/shard-0a.parquet","start":-1,"end":3}""", "not a row-group range")]
    [InlineData("""{"kind":"statistics","campaign":"vbo","shard":"datasets/vbo/shard-0a.parquet","end":3}""", "start: missing")]
    [InlineData("""{"kind":"statistics","campaign":"vbo","shard":"datasets/vbo/shard-0a.parquet","start":"0","end":3}""", "start: must be a whole number")]
    [InlineData("""{"kind":"statistics","campaign":"vbo","start":0,"end":3}""", "shard: missing")]
    [InlineData("""{"kind":"statistics","campaign":"vbo","shard":"datasets/vbo/shard-0a.parquet","start":0,"end":3,"capped":"yes"}""", "capped: must be true or false")]
    public void A_forged_shard_range_message_is_rejected_with_the_field_it_gets_wrong(string json, string expected)
    {
        var error = Assert.Throws<FormatException>(() => WorkItem.Parse(Encoding.UTF8.GetBytes(json)));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"kind":"measure","campaign":"../x"}""", "unsafe")]
    [InlineData("""{"kind":"measure","campaign":"Spring Geo"}""", "unsafe")]
    [InlineData("""{"kind":"measure","campaign":"a","runId":"run/../../x"}""", "unsafe")]
    [InlineData("""{"kind":"deliver","campaign":"a","alertPath":"campaigns/a/campaign.json"}""", "unsafe")]
    [InlineData("""{"kind":"deliver","campaign":"a","alertPath":"alerts/deliveries/x/y.json"}""", "unsafe")]
    [InlineData("""{"kind":"deliver","campaign":"a"}""", "alertPath: missing")]
    [InlineData("""{"kind":"sweep","campaign":"a"}""", "kind: 'sweep'")]
    [InlineData("""{"campaign":"a"}""", "kind: missing")]
    [InlineData("""{"kind":"measure","campaign":7}""", "campaign: must be a string")]
    [InlineData("""["measure"]""", "JSON object")]
    [InlineData("""measure spring-geo""", "must be JSON")]
    public void A_forged_or_broken_message_is_rejected_with_the_field_it_gets_wrong(string json, string expected)
    {
        var error = Assert.Throws<FormatException>(() => WorkItem.Parse(Encoding.UTF8.GetBytes(json)));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_in_process_queue_hands_items_back_oldest_first()
    {
        var queue = new InProcessWorkQueue();
        queue.EnqueueAsync(WorkItem.Measure(CampaignId.Parse("a"), null));
        queue.EnqueueAsync(WorkItem.Measure(CampaignId.Parse("b"), null));

        Assert.True(queue.TryDequeue(out var first));
        Assert.Equal("a", first.Campaign);
        Assert.Equal(["b"], queue.DrainAll().Select(i => i.Campaign.Value));
        Assert.False(queue.TryDequeue(out _));
    }

    [Fact]
    public void Export_outcomes_name_their_follow_up_work_so_hosts_only_forward_it()
    {
        var export = LiftPipeline.Pipeline.Datasets.ExportName.Parse("exports/geo/day1.parquet");
        Assert.Equal(new[] { WorkItem.Measure(CampaignId.Parse("geo"), null) }, new ExportOutcome(export, ExportDisposition.Accepted, "").FollowUps);
        var alert = LiftPipeline.Tests.Alerts.AlertTestKit.SampleAlert();
        Assert.Equal(new[] { WorkItem.Deliver(alert.Campaign, alert.StoragePath, alert.RunId) },
            new ExportOutcome(export, ExportDisposition.Quarantined, "", Alert: alert).FollowUps);
        Assert.Empty(new ExportOutcome(export, ExportDisposition.NotFound, "").FollowUps);
    }
}

public sealed class RunManifestTests
{
    private static readonly DateTimeOffset At = new(2026, 11, 24, 2, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Run_ids_are_path_safe_and_derived_from_their_input()
    {
        Assert.Equal("nightly-20261124-0200", RunIds.Nightly(At.AddSeconds(42)));
        Assert.Equal("run-20261124-020000", RunIds.Manual(At));
        Assert.Equal("data-0a1b2c3d4e5f6a7b", RunIds.ForDataset("datasets/geo/panel-0a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d.parquet"));
        Assert.Throws<ObjectStoreException>(() => RunId.Parse("../runs"));
    }

    [Fact]
    public void A_manifest_round_trips_and_a_later_line_replaces_the_campaigns_earlier_one_keeping_when_it_was_queued()
    {
        var queued = new RunManifest(RunId.Parse("nightly-20261124-0200"), "nightly", At, [new CampaignRunEntry("geo", CampaignRunStatus.Queued, QueuedAt: At)]);
        var measured = queued.With(new CampaignRunEntry("geo", CampaignRunStatus.Measured, null, At.AddSeconds(5), At.AddSeconds(7.5), "reports/geo/nightly-20261124-0200/", ["alerts/2026/11/24/x.json"]));

        var read = RunManifest.Parse(measured.ToJson(), "runs/x.json");

        var line = Assert.Single(read.Campaigns);
        Assert.Equal((CampaignRunStatus.Measured, At, 2.5), (line.Status, line.QueuedAt!.Value, line.Seconds!.Value));
        Assert.Equal(["alerts/2026/11/24/x.json"], line.Alerts);
        Assert.Equal(("nightly-20261124-0200", "nightly", At), (read.RunId, read.Trigger, read.StartedAt));
    }

    [Fact]
    public void An_unreadable_manifest_names_its_object()
    {
        var error = Assert.Throws<FormatException>(() => RunManifest.Parse("{\"runId\": 1}"u8, "runs/broken.json"));

        Assert.StartsWith("runs/broken.json is not a run manifest", error.Message, StringComparison.Ordinal);
    }
}
