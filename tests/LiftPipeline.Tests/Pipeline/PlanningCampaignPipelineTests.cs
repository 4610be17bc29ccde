using System.Text;
using System.Text.Json;
using LiftPipeline.Ingestion.Panels;
using LiftPipeline.Pipeline.Alerts;
using LiftPipeline.Pipeline.Handlers;
using LiftPipeline.Pipeline.Hosting;
using LiftPipeline.Pipeline.Runs;
using LiftPipeline.Pipeline.Storage;
using LiftPipeline.Tests.Alerts;

namespace LiftPipeline.Tests.Pipeline;

/// <summary>
/// A planning campaign through the pipeline on a folder store (real files): its pre-period export gets a geo design
/// report, not a measurement; the report is redone when the export or the settings change and never otherwise.
/// </summary>
public sealed class PlanningCampaignPipelineTests : IDisposable
{
    private static readonly CampaignId Plan = CampaignId.Parse("geo-plan");
    private readonly TempDirectory _root = TestData.TempDirectory();
    private readonly ManualClock _clock = new(new DateTimeOffset(2026, 12, 4, 9, 0, 0, TimeSpan.Zero));

    public void Dispose() => _root.Dispose();

    /// <summary>A small version of GeoLift's walkthrough: chicago plus one market, 10 days, three effect sizes.</summary>
    private const string Walkthrough = """
        {"sizes": [2], "treatmentPeriods": [10], "effectSizes": [0, 0.1, 0.2], "include": ["chicago"], "exclude": ["honolulu"],
         "cpic": 7.5, "permutations": 200, "calibrationWindows": 3, "fixedHorizon": true}
        """;

    private static byte[] Config(string geoDesign = Walkthrough) => Encoding.UTF8.GetBytes($$"""
        {"id": "geo-plan", "name": "Plan", "status": "planning", "design": "panel", "metrics": ["conversions"], "geoDesign": {{geoDesign}}}
        """);

    private async Task<FolderStore> StoreAsync(string geoDesign = Walkthrough)
    {
        var store = new FolderStore(Path.Combine(_root.FullName, Guid.NewGuid().ToString("N")));
        await store.WriteAsync("campaigns/geo-plan/campaign.json", Config(geoDesign));
        await store.WriteAsync("exports/geo-plan/pretest.parquet", await File.ReadAllBytesAsync(TestData.Panel("GeoLift_PreTest.parquet")));
        return store;
    }

    private LocalPipeline Pipeline(IObjectStore store) => new(store, null, _clock);

    private static async Task<string> ETagAsync(IObjectStore store, string name) => (await store.GetAsync(name))?.ETag ?? throw new Xunit.Sdk.XunitException($"{name} is missing");

    [Fact]
    public async Task A_planning_campaign_gets_its_design_report_and_is_not_measured()
    {
        var store = await StoreAsync();

        var pass = await Pipeline(store).RunOnceAsync(RunId.Parse("run-1"));

        var outcome = Assert.Single(pass.Measurements);
        Assert.Equal(CampaignRunStatus.Designed, outcome.Status);
        Assert.False(outcome.AlreadyMeasured);
        Assert.Empty(outcome.Alerts);
        Assert.Null(outcome.Report);
        Assert.Equal("reports/geo-plan/design/", outcome.ReportFolder);
        Assert.Empty(pass.Problems);
        using var design = JsonDocument.Parse((await store.ReadAsync("reports/geo-plan/design/design.json"))!.Content);
        var root = design.RootElement;
        Assert.Equal("geo-plan", root.GetProperty("campaign").GetString());
        Assert.Equal(40, root.GetProperty("dataset").GetProperty("units").GetInt32());
        Assert.Equal(90, root.GetProperty("dataset").GetProperty("periods").GetInt32());
        Assert.Equal(7.5, root.GetProperty("options").GetProperty("cpic").GetDouble());
        Assert.Equal(outcome.Design!.InputsHash, root.GetProperty("inputsHash").GetString());
        var candidates = root.GetProperty("candidates").EnumerateArray().ToArray();
        Assert.NotEmpty(candidates);
        Assert.All(candidates, c => Assert.Contains("chicago", c.GetProperty("locations").EnumerateArray().Select(l => l.GetString())));
        Assert.All(candidates, c => Assert.DoesNotContain("honolulu", c.GetProperty("locations").EnumerateArray().Select(l => l.GetString())));
        Assert.All(candidates, c => Assert.Equal(10, c.GetProperty("duration").GetInt32()));
        var chosen = Assert.Single(outcome.Design.Chosen);
        Assert.Equal(candidates[0].GetProperty("locations").EnumerateArray().Select(l => l.GetString()!), chosen.Locations);
        Assert.Contains("<svg class=\"chart power\"", Encoding.UTF8.GetString((await store.ReadAsync("reports/geo-plan/design/design.html"))!.Content.Span));
        Assert.StartsWith("# Geo design: geo-plan", Encoding.UTF8.GetString((await store.ReadAsync("reports/geo-plan/design/design.md"))!.Content.Span));
        // Not measured: no run report, no latest.json, no alert (nothing about treated units).
        Assert.Null(await store.GetAsync("reports/geo-plan/run-1/report.json"));
        Assert.Null(await store.GetAsync("reports/geo-plan/latest.json"));
        await foreach (var alert in store.ListAsync("alerts/"))
        {
            Assert.Fail($"a planning campaign raised {alert.Name}");
        }
        var line = Assert.Single((await new RunLedger(store).ReadAsync(RunId.Parse("run-1")))!.Campaigns);
        Assert.Equal((CampaignRunStatus.Designed, "reports/geo-plan/design/", (string?)null), (line.Status, line.Report, line.Error));
    }

    [Fact]
    public async Task Unchanged_data_is_not_designed_again_by_a_later_run_or_the_nightly_run()
    {
        var store = await StoreAsync();
        await Pipeline(store).RunOnceAsync(RunId.Parse("run-1"));
        string json = await ETagAsync(store, "reports/geo-plan/design/design.json");
        string html = await ETagAsync(store, "reports/geo-plan/design/design.html");
        byte[] bytes = (await store.ReadAsync("reports/geo-plan/design/design.json"))!.Content.ToArray();

        _clock.Now = _clock.Now.AddDays(1);
        var again = await Pipeline(store).RunOnceAsync(RunId.Parse("run-2"));
        var nightly = await Pipeline(store).NightlyAsync(_clock.Now.AddDays(1));

        foreach (var outcome in new[] { Assert.Single(again.Measurements), Assert.Single(nightly.Measurements) })
        {
            Assert.Equal(CampaignRunStatus.Designed, outcome.Status);
            Assert.True(outcome.AlreadyMeasured);
            Assert.Null(outcome.Design!.Report);
            Assert.Contains("nothing redone", outcome.Message);
        }
        Assert.Equal(json, await ETagAsync(store, "reports/geo-plan/design/design.json"));
        Assert.Equal(html, await ETagAsync(store, "reports/geo-plan/design/design.html"));
        Assert.Equal(bytes, (await store.ReadAsync("reports/geo-plan/design/design.json"))!.Content.ToArray());
        Assert.Equal(CampaignRunStatus.Designed, Assert.Single(nightly.RunId is { } id ? (await new RunLedger(store).ReadAsync(id))!.Campaigns : []).Status);
    }

    [Fact]
    public async Task A_changed_export_or_changed_settings_redo_the_design()
    {
        var store = await StoreAsync();
        var first = Assert.Single((await Pipeline(store).RunOnceAsync(RunId.Parse("run-1"))).Measurements).Design!;
        string etag = await ETagAsync(store, "reports/geo-plan/design/design.json");

        // The data team sends corrected values for the last 30 days (every market +5 conversions a day) as a second export.
        var history = await PanelExportReader.ReadAsync(TestData.Panel("GeoLift_PreTest.parquet"), new PanelExportOptions { Metrics = ["conversions"] });
        await store.WriteAsync("exports/geo-plan/pretest-fix.parquet", await PanelSlice.ParquetAsync(history, 60, 90, add: 5));
        var changedData = Assert.Single((await Pipeline(store).RunOnceAsync(RunId.Parse("run-2"))).Measurements);
        string afterData = await ETagAsync(store, "reports/geo-plan/design/design.json");
        await store.WriteAsync("campaigns/geo-plan/campaign.json", Config(Walkthrough.Replace("\"cpic\": 7.5", "\"cpic\": 10", StringComparison.Ordinal)));
        var changedSettings = Assert.Single((await Pipeline(store).RunOnceAsync(RunId.Parse("run-3"))).Measurements);

        Assert.False(changedData.AlreadyMeasured);
        Assert.NotEqual(first.InputsHash, changedData.Design!.InputsHash);
        Assert.NotEqual(etag, afterData);
        Assert.False(changedSettings.AlreadyMeasured);
        Assert.NotEqual(changedData.Design.InputsHash, changedSettings.Design!.InputsHash);
        Assert.NotEqual(afterData, await ETagAsync(store, "reports/geo-plan/design/design.json"));
        using var design = JsonDocument.Parse((await store.ReadAsync("reports/geo-plan/design/design.json"))!.Content);
        Assert.Equal(10, design.RootElement.GetProperty("options").GetProperty("cpic").GetDouble());
    }

    [Fact]
    public async Task A_multi_cell_planning_campaign_is_designed_cell_by_cell_with_each_cells_markets_in_the_report()
    {
        var store = await StoreAsync("""{"cells": 2, "sizes": [2], "treatmentPeriods": [10], "effectSizes": [0, 0.1, 0.2], "permutations": 200, "calibrationWindows": 2, "fixedHorizon": true}""");

        var outcome = Assert.Single((await Pipeline(store).RunOnceAsync(RunId.Parse("run-1"))).Measurements);

        Assert.Equal(CampaignRunStatus.Designed, outcome.Status);
        var report = outcome.Design!.Report!;
        Assert.Equal(2, report.Cells.Count);
        Assert.True(report.IsMultiCell);
        using var design = JsonDocument.Parse((await store.ReadAsync("reports/geo-plan/design/design.json"))!.Content);
        var cells = design.RootElement.GetProperty("cells").EnumerateArray().Select(c => c.EnumerateArray().Select(m => m.GetString()!).ToArray()).ToArray();
        Assert.Equal(2, cells.Length);
        Assert.Equal(40, cells.Sum(c => c.Length));
        Assert.Empty(cells[0].Intersect(cells[1]));
        // Every candidate of a cell is drawn from that cell's markets.
        foreach (var candidate in design.RootElement.GetProperty("candidates").EnumerateArray())
        {
            var pool = cells[candidate.GetProperty("cell").GetInt32() - 1];
            Assert.All(candidate.GetProperty("locations").EnumerateArray(), m => Assert.Contains(m.GetString(), pool));
        }
        Assert.All(outcome.Design.Chosen, c => Assert.NotNull(c.Cell));
    }

    [Fact]
    public async Task A_design_the_data_cannot_support_fails_like_a_measurement_once_and_is_not_retried_on_the_same_inputs()
    {
        var store = await StoreAsync("""{"sizes": [2], "treatmentPeriods": [10], "include": ["atlantis"]}""");

        var first = Assert.Single((await Pipeline(store).RunOnceAsync(RunId.Parse("run-1"))).Measurements);
        string error = await ETagAsync(store, "reports/geo-plan/design/error.json");
        var second = Assert.Single((await Pipeline(store).RunOnceAsync(RunId.Parse("run-2"))).Measurements);

        Assert.Equal(CampaignRunStatus.Failed, first.Status);
        Assert.Contains("geoDesign.include names 'atlantis', which is not one of the panel's", first.Message);
        Assert.DoesNotContain('\n', first.Message);
        var alert = AlertJson.Read((await store.ReadAsync(Assert.Single(first.Alerts)))!.Content.Span);
        Assert.Equal(MeasureCampaignHandler.MeasurementGuardrail, alert.Guardrail);
        Assert.Contains("the geo design failed and no report was written", alert.Message);
        Assert.Null(await store.GetAsync("reports/geo-plan/design/design.json"));
        Assert.Equal((CampaignRunStatus.Failed, true), (second.Status, second.AlreadyMeasured));
        Assert.Equal(first.Alerts, second.Alerts);
        Assert.Equal(error, await ETagAsync(store, "reports/geo-plan/design/error.json"));
        Assert.Contains("atlantis", (await new RunLedger(store).ReadAsync(RunId.Parse("run-2")))!.Campaigns[0].Error);
    }

    [Fact]
    public async Task A_history_too_short_to_design_on_is_a_failed_design_with_the_reason_in_error_json()
    {
        // Only three days before the first treated day: the engines are never reached.
        var store = new FolderStore(Path.Combine(_root.FullName, "short"));
        await store.WriteAsync("campaigns/geo-plan/campaign.json", Config());
        await store.WriteAsync("exports/geo-plan/test.parquet", await File.ReadAllBytesAsync(TestData.Samples("exports", "geolift-test", "2021-q2.parquet")));
        var handler = new MeasureCampaignHandler(store, new InProcessWorkQueue(), _clock);
        await new ExportArrivedHandler(store, _clock).HandleAsync("exports/geo-plan/test.parquet", RunId.Parse("t"));

        var outcome = await handler.HandleAsync(Plan, RunId.Parse("run-1"));
        var again = await handler.HandleAsync(Plan, RunId.Parse("run-2"));

        Assert.Equal(CampaignRunStatus.Failed, outcome.Status);
        Assert.Contains("at least 4 periods before any market is treated", outcome.Message);
        Assert.Single(outcome.Alerts);
        using var error = JsonDocument.Parse((await store.ReadAsync("reports/geo-plan/design/error.json"))!.Content);
        Assert.Equal(outcome.Message, error.RootElement.GetProperty("error").GetString());
        Assert.Equal(outcome.Alerts, error.RootElement.GetProperty("alerts").EnumerateArray().Select(a => a.GetString()!));
        Assert.True(again.AlreadyMeasured);
        Assert.Equal(outcome.Alerts, again.Alerts);
        int alerts = 0;
        await foreach (var _ in store.ListAsync("alerts/2"))
        {
            alerts++;
        }
        Assert.Equal(1, alerts);
    }
}
