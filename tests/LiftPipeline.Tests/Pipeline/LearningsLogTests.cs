using System.Text;
using System.Text.Json;
using LiftPipeline.Pipeline.Campaigns;
using LiftPipeline.Pipeline.Handlers;
using LiftPipeline.Pipeline.Hosting;
using LiftPipeline.Pipeline.Learnings;
using LiftPipeline.Pipeline.Reports;
using LiftPipeline.Pipeline.Storage;
using LiftPipeline.Statistics.Panels;
using LiftPipeline.Tests.Alerts;

namespace LiftPipeline.Tests.Pipeline;

/// <summary>
/// The learnings log: a test concludes when its decision is final (scale, stop) or its planned window is over; its first
/// concluding report is written once to learnings/{campaign}.json and .md citing the report, and learnings/index.html
/// lists it; a test still running writes nothing, and a later report does not change the entry.
/// </summary>
public sealed class LearningsLogTests : IDisposable
{
    private readonly TempDirectory _root = TestData.TempDirectory();

    public void Dispose() => _root.Dispose();

    private static RecommendationDecision Decision(Recommendation action) => new(action, "because", null, [], []);

    [Fact]
    public void A_test_concludes_on_a_final_decision_or_when_its_dated_window_is_over()
    {
        var now = new DateTimeOffset(2021, 5, 1, 2, 0, 0, TimeSpan.Zero);
        var ended = new TreatmentWindow(Period.FromDate(new DateOnly(2021, 4, 1)), Period.FromDate(new DateOnly(2021, 4, 15)));
        var running = new TreatmentWindow(Period.FromDate(new DateOnly(2021, 4, 1)), Period.FromDate(new DateOnly(2021, 5, 1)));

        Assert.Equal(LearningEntry.FinalDecision, LearningEntry.Concluded(Decision(Recommendation.Scale), null, now));
        Assert.Equal(LearningEntry.FinalDecision, LearningEntry.Concluded(Decision(Recommendation.Stop), running, now));
        Assert.Equal(LearningEntry.Ended, LearningEntry.Concluded(Decision(Recommendation.Extend), ended, now));
        Assert.Null(LearningEntry.Concluded(Decision(Recommendation.Extend), running, now));   // its last day is today
        Assert.Null(LearningEntry.Concluded(Decision(Recommendation.Hold), null, now));
        Assert.Null(LearningEntry.Concluded(Decision(Recommendation.Extend), new TreatmentWindow(Period.FromInteger(1989), Period.FromInteger(2000)), now));
    }

    [Fact]
    public async Task An_ended_geo_test_writes_one_immutable_entry_citing_its_report_and_a_running_one_writes_none()
    {
        var store = new FolderStore(_root.FullName);
        var clock = new ManualClock(new DateTimeOffset(2021, 5, 1, 2, 0, 0, TimeSpan.Zero));
        async Task AddAsync(string campaign, string window)
        {
            await store.WriteAsync($"campaigns/{campaign}/campaign.json", Encoding.UTF8.GetBytes($$"""
                {"id": "{{campaign}}", "name": "Chicago and Portland", "design": "panel", "metrics": ["conversions"], "unit": "orders",
                 "estimators": ["sdid"], "variance": "placebo", "replications": 50, "seed": 1, "guardrails": {"lateAfterDays": 36500}, "treatment": {{window}}}
                """));
            await store.WriteAsync($"exports/{campaign}/panel.parquet", await File.ReadAllBytesAsync(TestData.Panel("GeoLift_Test.parquet")));
            await new ExportArrivedHandler(store, clock).HandleAsync($"exports/{campaign}/panel.parquet", RunId.Parse("ingest"));
        }
        await AddAsync("geo-ended", """{"start": "2021-04-01", "end": "2021-04-15"}""");
        await AddAsync("geo-running", """{"start": "2021-04-01", "end": "2021-06-30"}""");
        var handler = new MeasureCampaignHandler(store, new InProcessWorkQueue(), clock);

        var ended = await handler.HandleAsync(CampaignId.Parse("geo-ended"), RunId.Parse("run-1"));
        await handler.HandleAsync(CampaignId.Parse("geo-running"), RunId.Parse("run-1"));

        var json = (await store.ReadAsync("learnings/geo-ended.json"))!.Content;
        var entry = LearningsLog.Parse(json.Span)!;
        Assert.Equal("Did Chicago and Portland change conversions (orders) in the treated markets?", entry.Question);
        Assert.Equal(LearningEntry.Ended, entry.ConcludedBy);
        Assert.Equal("reports/geo-ended/run-1/report.html", entry.Report);
        Assert.Equal(["chicago", "portland"], entry.Audience);
        Assert.Equal(ended.Report!.Primary!.Att, entry.Estimate, 9);
        Assert.Equal(ended.Report.Decision.Basis!.Lower, entry.Lower, 9);
        Assert.Equal(ended.Report.Recommendation.ToString().ToLowerInvariant(), entry.Decision);
        Assert.StartsWith("the test ended on hold because pre-fit", entry.Caveats[0], StringComparison.Ordinal);   // it holds on a breach, not for want of data
        Assert.Null(await store.GetAsync("learnings/geo-running.json"));
        string markdown = Encoding.UTF8.GetString((await store.ReadAsync("learnings/geo-ended.md"))!.Content.Span);
        Assert.Contains("**Question.** Did Chicago and Portland change conversions (orders) in the treated markets?", markdown, StringComparison.Ordinal);
        Assert.Contains("Source: `reports/geo-ended/run-1/report.html`.", markdown, StringComparison.Ordinal);
        string index = Encoding.UTF8.GetString((await store.ReadAsync("learnings/index.html"))!.Content.Span);
        Assert.Contains("href=\"../reports/geo-ended/run-1/report.html\"", index, StringComparison.Ordinal);
        Assert.DoesNotContain("geo-running", index, StringComparison.Ordinal);

        // A later measurement (another run, measured afresh) keeps the first entry byte for byte.
        await new MeasureCampaignHandler(store, new InProcessWorkQueue(), clock) { Reuse = false }.HandleAsync(CampaignId.Parse("geo-ended"), RunId.Parse("run-2"));
        Assert.Equal(json.ToArray(), (await store.ReadAsync("learnings/geo-ended.json"))!.Content.ToArray());
        using var parsed = JsonDocument.Parse(json);
        Assert.Equal("learning", parsed.RootElement.GetProperty("kind").GetString());
        Assert.Equal("always-valid", parsed.RootElement.GetProperty("result").GetProperty("interval").GetString());
    }
}
