using System.Text;
using System.Text.Json;
using LiftPipeline.Pipeline.Handlers;
using LiftPipeline.Pipeline.Hosting;
using LiftPipeline.Pipeline.Storage;
using LiftPipeline.Tests.Alerts;
using LiftPipeline.Tests.Audiences;

namespace LiftPipeline.Tests.Pipeline;

/// <summary>
/// A planning campaign's geo design leaves out the markets of other live geo tests: geo-live (treated portland, controls
/// atlanta and baltimore, started and open-ended) is excluded with each market's role in design.json and design.md; geo-old
/// (austin, boston), which ended before today, is not; and the design is redone when a live test stops.
/// </summary>
public sealed class GeoDesignExclusionTests : IDisposable
{
    private static readonly CampaignId Plan = CampaignId.Parse("geo-plan");
    private readonly TempDirectory _root = TestData.TempDirectory();
    private readonly ManualClock _clock = new(new DateTimeOffset(2026, 12, 4, 9, 0, 0, TimeSpan.Zero));

    public void Dispose() => _root.Dispose();

    private const string Plan10Days = """
        {"id": "geo-plan", "name": "Plan", "status": "planning", "design": "panel", "metrics": ["conversions"],
         "geoDesign": {"sizes": [2], "treatmentPeriods": [10], "effectSizes": [0, 0.1, 0.2], "include": ["chicago"], "cpic": 7.5, "permutations": 200, "calibrationWindows": 3, "fixedHorizon": true}}
        """;

    private static string Panel(string campaign, string window, bool active = true) => $$"""
        {"id": "{{campaign}}", "name": "{{campaign}}", "design": "panel", "metrics": ["conversions"], "estimators": ["did"], "variance": "none",
         "active": {{(active ? "true" : "false")}}, "treatment": {{window}}}
        """;

    private async Task AddAsync(IObjectStore store, string campaign, string config, string export)
    {
        await store.WriteAsync($"campaigns/{campaign}/campaign.json", Encoding.UTF8.GetBytes(config));
        await store.WriteAsync($"exports/{campaign}/panel.parquet", await File.ReadAllBytesAsync(export));
        await new ExportArrivedHandler(store, _clock).HandleAsync($"exports/{campaign}/panel.parquet", RunId.Parse("ingest"));
    }

    private string Cities(string name, params string[] cities) => CustomerExportKit.Write(_root.FullName, name,
        $"SELECT * FROM '{TestData.Panel("GeoLift_Test.parquet")}' WHERE unit IN ({string.Join(", ", cities.Select(c => $"'{c}'"))}) ORDER BY unit, period");

    [Fact]
    public async Task Markets_of_live_geo_tests_are_excluded_with_their_role_and_an_ended_test_is_not()
    {
        var store = new FolderStore(Path.Combine(_root.FullName, "store"));
        await AddAsync(store, "geo-plan", Plan10Days, TestData.Panel("GeoLift_PreTest.parquet"));
        await AddAsync(store, "geo-live", Panel("geo-live", """{"start": "2026-11-20"}"""), Cities("live.parquet", "portland", "atlanta", "baltimore"));
        await AddAsync(store, "geo-old", Panel("geo-old", """{"start": "2021-04-01", "end": "2021-04-15"}"""), Cities("old.parquet", "austin", "boston"));
        var handler = new MeasureCampaignHandler(store, new InProcessWorkQueue(), _clock);

        var designed = await handler.HandleAsync(Plan, RunId.Parse("run-1"));

        using var json = JsonDocument.Parse((await store.ReadAsync("reports/geo-plan/design/design.json"))!.Content);
        var excluded = json.RootElement.GetProperty("liveExclusions").EnumerateArray()
            .Select(x => (x.GetProperty("market").GetString(), x.GetProperty("campaign").GetString(), x.GetProperty("role").GetString())).ToArray();
        Assert.Equal([("atlanta", "geo-live", "control"), ("baltimore", "geo-live", "control"), ("portland", "geo-live", "treated")], excluded);
        Assert.Equal(["atlanta", "baltimore", "portland"], json.RootElement.GetProperty("options").GetProperty("exclude").EnumerateArray().Select(e => e.GetString()).Order(StringComparer.Ordinal));
        var locations = json.RootElement.GetProperty("candidates").EnumerateArray().SelectMany(c => c.GetProperty("locations").EnumerateArray().Select(l => l.GetString())).ToHashSet();
        Assert.DoesNotContain("portland", locations);
        Assert.DoesNotContain("atlanta", locations);
        string markdown = Encoding.UTF8.GetString((await store.ReadAsync("reports/geo-plan/design/design.md"))!.Content.Span);
        Assert.Contains("Excluded because other live geo tests use them: atlanta (control in geo-live), baltimore (control in geo-live), portland (treated in geo-live).", markdown, StringComparison.Ordinal);

        var unchanged = await handler.HandleAsync(Plan, RunId.Parse("run-2"));
        await store.WriteAsync("campaigns/geo-live/campaign.json", Encoding.UTF8.GetBytes(Panel("geo-live", """{"start": "2026-11-20"}""", active: false)));
        var stopped = await handler.HandleAsync(Plan, RunId.Parse("run-3"));

        Assert.True(unchanged.AlreadyMeasured);
        Assert.False(stopped.AlreadyMeasured);
        Assert.NotEqual(designed.Design!.InputsHash, stopped.Design!.InputsHash);
        using var after = JsonDocument.Parse((await store.ReadAsync("reports/geo-plan/design/design.json"))!.Content);
        Assert.False(after.RootElement.TryGetProperty("liveExclusions", out _));
        Assert.Empty(after.RootElement.GetProperty("options").GetProperty("exclude").EnumerateArray());
    }
}
