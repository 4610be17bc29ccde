using System.Text.RegularExpressions;
using LiftPipeline.Pipeline.Reports;
using LiftPipeline.Pipeline.Storage;

namespace LiftPipeline.Tests.Reports;

public sealed class ReportIndexTests
{
    private static readonly DateTimeOffset Night = new(2026, 11, 20, 2, 0, 0, TimeSpan.Zero);

    private static IndexRun Run(int night, string action, double estimate, double lower, double upper) =>
        new($"run-{night}", Night.AddDays(night), action, "geolift ATT", estimate, lower, upper, $"geo/run-{night}/report.html");

    [Fact]
    public async Task Index_lists_every_campaign_with_its_latest_decision_and_a_trend_point_per_run()
    {
        using var root = TestData.TempDirectory();
        var store = new FolderStore(root.FullName);

        await ReportIndex.RecordAsync(store, "geo", "panel", Run(1, "extend", 120, -40, 280), Night);
        await ReportIndex.RecordAsync(store, "geo", "panel", Run(2, "scale", 150, 20, 280), Night);
        await ReportIndex.RecordAsync(store, "vbo", "holdout", new IndexRun("run-2", Night.AddDays(2), "extend", "vbo_1p vs holdout relative lift", 0.023, -0.004, 0.05, "vbo/run-2/report.html"), Night);

        var campaigns = await ReportIndex.ReadAsync(store);
        string html = File.ReadAllText(Path.Combine(root.FullName, "reports", "index.html"));

        Assert.Equal(["geo", "vbo"], campaigns.Select(c => c.Campaign));
        Assert.Equal(["run-1", "run-2"], campaigns[0].Runs.Select(r => r.RunId));
        Assert.Equal(150, campaigns[0].Runs[^1].Estimate);
        Assert.Contains("<td><a href=\"geo/run-2/report.html\">geo</a></td><td>panel</td><td>run-2</td><td><span class=\"recommendation rec-scale\">scale</span></td><td>150 (20 to 280)</td>", html, StringComparison.Ordinal);
        Assert.Contains("<td>2.3% (-0.4% to 5.0%)</td>", html, StringComparison.Ordinal);
        var trends = Regex.Matches(html, "<svg class=\"chart trend\"[\\s\\S]*?</svg>").Select(m => m.Value).ToArray();
        Assert.Equal(2, trends.Length);
        Assert.Equal(2, Regex.Count(trends[0], "<circle class=\"point\""));
        Assert.Equal(2, Regex.Count(trends[0], "<line class=\"ci\""));
        Assert.Equal(1, Regex.Count(trends[1], "<circle class=\"point\""));
    }

    [Fact]
    public async Task A_rerun_replaces_its_entry_and_the_trend_keeps_the_newest_runs()
    {
        using var root = TestData.TempDirectory();
        var store = new FolderStore(root.FullName);

        for (int night = 1; night <= ReportIndex.MaxRuns + 2; night++)
        {
            await ReportIndex.RecordAsync(store, "geo", "panel", Run(night, "extend", night, night - 1, night + 1), Night);
        }
        await ReportIndex.RecordAsync(store, "geo", "panel", Run(ReportIndex.MaxRuns + 2, "scale", 7, 5, 9), Night);

        var runs = Assert.Single(await ReportIndex.ReadAsync(store)).Runs;

        Assert.Equal(ReportIndex.MaxRuns, runs.Count);
        Assert.Equal("run-3", runs[0].RunId);
        Assert.Equal(("scale", 7.0), (runs[^1].Action, runs[^1].Estimate));
    }

    [Fact]
    public void A_damaged_trend_reads_as_none_and_a_trend_round_trips_with_missing_intervals_as_null()
    {
        var campaign = new IndexCampaign("geo", "panel", [Run(1, "extend", 5, double.NaN, double.NaN)]);
        var json = ReportIndex.ToJson(campaign);

        Assert.Null(ReportIndex.Parse("{\"campaign\": 1}"u8));
        Assert.Contains("\"lower\": null", System.Text.Encoding.UTF8.GetString(json), StringComparison.Ordinal);
        var back = ReportIndex.Parse(json)!;
        Assert.Equal(campaign.Runs[0].GeneratedAt, back.Runs[0].GeneratedAt);
        Assert.True(double.IsNaN(back.Runs[0].Lower));
        Assert.Equal(5, back.Runs[0].Estimate);
    }
}
