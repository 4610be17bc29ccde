using System.Text;
using LiftPipeline.Pipeline.Learnings;
using LiftPipeline.Pipeline.Portfolio;
using LiftPipeline.Pipeline.Runs;
using LiftPipeline.Pipeline.Storage;

namespace LiftPipeline.Tests.Pipeline;

/// <summary>
/// How the portfolio digest reads a run (docs/decisions.md, "Portfolio digest"), without measuring: which manifest lines
/// are live, planning and failed campaigns, days running for dated, future and integer windows, conclusions announced
/// once, and latest.* never moving back to an older run.
/// </summary>
public sealed class PortfolioSummaryTests : IDisposable
{
    private static readonly DateTimeOffset Nov24 = new(2026, 11, 24, 2, 0, 0, TimeSpan.Zero);
    private readonly TempDirectory _root = TestData.TempDirectory();

    public void Dispose() => _root.Dispose();

    private async Task<FolderStore> StoreAsync()
    {
        var store = new FolderStore(_root.FullName);
        async Task Write(string id, string rest) => await store.WriteAsync($"campaigns/{id}/campaign.json",
            Encoding.UTF8.GetBytes($$"""{"id": "{{id}}", "name": "Campaign {{id}}", "design": "panel", "metrics": ["conversions"]{{rest}}}"""));
        await Write("plan", """, "status": "planning", "geoDesign": {}""");
        await Write("broken", """, "alpha": 0.7""");
        await Write("years", """, "treatment": {"start": 1989}""");
        await Write("soon", """, "treatment": {"start": "2026-12-01"}""");
        await Write("off", """, "active": false, "treatment": {"start": "2026-10-01"}""");
        await Write("done", """, "treatment": {"start": "2026-10-01", "end": "2026-11-01"}""");
        var learning = new LearningEntry("done", "Campaign done", "panel", "Did it work?", LearningEntry.Ended, Nov24.AddDays(-1), "nightly-20261123-0200",
            "reports/done/nightly-20261123-0200/report.html", [], "sdid", 1.5, 0.5, 2.5, "hold", "because", [], []);
        await store.WriteAsync("learnings/done.json", LearningsLog.ToJson(learning));
        return store;
    }

    private static RunManifest Manifest(string runId, DateTimeOffset startedAt) => new(RunId.Parse(runId), "nightly", startedAt,
    [
        new CampaignRunEntry("broken", CampaignRunStatus.Failed, Error: "campaigns/broken/campaign.json has 1 problem: alpha: is the number 0.7"),
        new CampaignRunEntry("done", CampaignRunStatus.Measured),
        new CampaignRunEntry("off", CampaignRunStatus.Skipped, Error: "inactive (\"active\": false)"),
        new CampaignRunEntry("plan", CampaignRunStatus.Designed),
        new CampaignRunEntry("soon", CampaignRunStatus.NoData, Error: "soon: no export has been accepted yet."),
        new CampaignRunEntry("years", CampaignRunStatus.NoData, Error: "years: no export has been accepted yet."),
    ]);

    [Fact]
    public async Task The_digest_lists_the_runs_live_campaigns_with_their_status_and_days_running_and_leaves_out_inactive_and_announced_ones()
    {
        var store = await StoreAsync();

        var digest = await PortfolioSummary.BuildAsync(store, Manifest("nightly-20261124-0200", Nov24), new HashSet<string> { "done" });

        Assert.Equal(["broken", "plan", "soon", "years"], digest.Live.Select(l => l.Campaign));
        Assert.Empty(digest.Concluded);
        var (broken, plan, soon, years) = (digest.Live[0], digest.Live[1], digest.Live[2], digest.Live[3]);
        Assert.Equal(("failed", "broken"), (broken.Status, broken.Name));
        Assert.Contains("alpha: is the number 0.7", broken.Note, StringComparison.Ordinal);
        Assert.Equal(("designed", true, "reports/plan/design/design.html", (string?)null), (plan.Status, plan.Planning, plan.Report, plan.Decision));
        Assert.Equal((-7, "no-data"), (soon.DaysRunning, soon.Status));
        Assert.Null(years.DaysRunning);
        string markdown = PortfolioText.ToMarkdown(digest);
        Assert.Contains("| Campaign plan (`plan`) | planning, designed | — | — | design only | none fired |", markdown, StringComparison.Ordinal);
        Assert.Contains("| starts in 7 |", markdown, StringComparison.Ordinal);
        Assert.StartsWith("# Portfolio, run nightly-20261124-0200\n\n4 live campaigns (1 designed, 1 failed, 2 no-data); 0 concluded since the last digest.", markdown, StringComparison.Ordinal);

        var first = await PortfolioSummary.BuildAsync(store, Manifest("nightly-20261124-0200", Nov24), new HashSet<string>());
        var conclusion = Assert.Single(first.Concluded);
        Assert.Equal(("done", "learnings/done.md", "hold"), (conclusion.Campaign, conclusion.Learnings, conclusion.Decision));
        Assert.Equal(first.ToJson(), PortfolioDigest.Parse(first.ToJson())!.ToJson());
    }

    [Fact]
    public async Task An_older_run_published_after_a_newer_one_leaves_latest_at_the_newer_and_announces_nothing_twice()
    {
        var store = await StoreAsync();

        var newer = await PortfolioSummary.PublishAsync(store, Manifest("nightly-20261125-0200", Nov24.AddDays(1)));
        var older = await PortfolioSummary.PublishAsync(store, Manifest("nightly-20261124-0200", Nov24));
        var again = await PortfolioSummary.PublishAsync(store, Manifest("nightly-20261125-0200", Nov24.AddDays(1)));

        Assert.Equal(["done"], newer.Digest.Concluded.Select(c => c.Campaign));
        Assert.Empty(older.Digest.Concluded);
        Assert.Equal((true, true, false), (newer.Created, older.Created, again.Created));
        Assert.Equal(newer.Digest.ToJson(), again.Digest.ToJson());
        Assert.Equal((await store.ReadAsync("portfolio/nightly-20261125-0200.html"))!.Content.ToArray(), (await store.ReadAsync("portfolio/latest.html"))!.Content.ToArray());
        string pointer = Encoding.UTF8.GetString((await store.ReadAsync("portfolio/latest.json"))!.Content.Span);
        Assert.Contains("\"runId\": \"nightly-20261125-0200\"", pointer, StringComparison.Ordinal);
        Assert.Contains("\"announced\": [\n    \"done\"\n  ]", pointer, StringComparison.Ordinal);
        Assert.Empty(newer.Alerts);   // no campaign has a digest subscriber
    }
}
