using System.Text;
using System.Text.Json;
using LiftPipeline.Pipeline.Handlers;
using LiftPipeline.Pipeline.Hosting;
using LiftPipeline.Pipeline.Reports;
using LiftPipeline.Pipeline.Storage;
using LiftPipeline.Statistics.Conflation;
using LiftPipeline.Statistics.Guardrails;
using LiftPipeline.Tests.Alerts;
using LiftPipeline.Tests.Audiences;

namespace LiftPipeline.Tests.Pipeline;

/// <summary>
/// Geo tests in the pipeline: GeoLift's test (chicago and portland treated 2021-04-01 … 15) and a brand test on the same
/// cities that treats atlanta, one of its controls, from 2021-04-10 — both breach <c>conflated</c> with an alert; a test
/// dated a year later shares no day with them; without a dated window a geo test is not paired (its days are unknown).
/// </summary>
public sealed class GeoConflationPipelineTests : IDisposable
{
    private readonly TempDirectory _root = TestData.TempDirectory();
    private readonly ManualClock _clock = new(new DateTimeOffset(2021, 4, 20, 9, 0, 0, TimeSpan.Zero));

    public void Dispose() => _root.Dispose();

    private static string Panel(string campaign, string? window) => $$"""
        {"id": "{{campaign}}", "name": "{{campaign}}", "design": "panel", "metrics": ["conversions"], "estimators": ["did"], "variance": "none",
         "guardrails": {"lateAfterDays": 36500}{{(window is null ? "" : $", \"treatment\": {window}")}}}
        """;

    private async Task AddAsync(IObjectStore store, string campaign, string? window, string sql)
    {
        await store.WriteAsync($"campaigns/{campaign}/campaign.json", Encoding.UTF8.GetBytes(Panel(campaign, window)));
        await store.WriteAsync($"exports/{campaign}/panel.parquet", await File.ReadAllBytesAsync(CustomerExportKit.Write(_root.FullName, campaign + ".parquet", sql)));
        await new ExportArrivedHandler(store, _clock).HandleAsync($"exports/{campaign}/panel.parquet", RunId.Parse("ingest"));
    }

    private static string GeoLift => TestData.Panel("GeoLift_Test.parquet").Replace("'", "''");

    [Fact]
    public async Task A_test_treating_another_tests_control_breaches_on_both_and_a_later_test_is_not_live()
    {
        var store = new FolderStore(Path.Combine(_root.FullName, "store"));
        await AddAsync(store, "geo", """{"start": "2021-04-01", "end": "2021-04-15"}""", $"SELECT * FROM '{GeoLift}' ORDER BY unit, period");
        await AddAsync(store, "brand", """{"start": "2021-04-10"}""",
            $"SELECT unit, period, (unit = 'atlanta' AND period >= DATE '2021-04-10')::INTEGER AS treated, conversions FROM '{GeoLift}' ORDER BY unit, period");
        await AddAsync(store, "next-year", """{"start": "2022-04-01", "end": "2022-04-15"}""",
            $"SELECT unit, period + INTERVAL 1 YEAR AS period, treated, conversions FROM '{GeoLift}' ORDER BY unit, period");
        var handler = new MeasureCampaignHandler(store, new InProcessWorkQueue(), _clock);

        var geo = await handler.HandleAsync(CampaignId.Parse("geo"), RunId.Parse("run-1"));
        var brand = await handler.HandleAsync(CampaignId.Parse("brand"), RunId.Parse("run-1"));
        var later = await handler.HandleAsync(CampaignId.Parse("next-year"), RunId.Parse("run-1"));

        var onGeo = geo.Report!.Guardrails.Single(g => g.Name == ConflatedGuardrail.Name);
        Assert.Equal(GuardrailStatus.Breach, onGeo.Status);
        Assert.Equal([GeoConflation.SpillOverFinding], onGeo.Findings);
        Assert.Equal(6, onGeo.Evidence["brand.daysInCommon"]);   // 2021-04-10 … 2021-04-15
        Assert.Equal(40, onGeo.Evidence["brand.sharedMarkets"]);
        Assert.Equal(1, onGeo.Evidence["brand.controlsTreatedByOther"]);   // atlanta
        Assert.Equal(2, onGeo.Evidence["brand.treatedControlsOfOther"]);   // chicago, portland
        Assert.False(onGeo.Evidence.ContainsKey("next-year.daysInCommon"));
        Assert.Contains("it treats atlanta, controls of this test; this test treats chicago, portland, its controls", onGeo.Message, StringComparison.Ordinal);
        Assert.Equal(Recommendation.Hold, geo.Report.Recommendation);
        var guardrails = new List<string?>();
        foreach (var path in geo.Alerts)
        {
            guardrails.Add(JsonDocument.Parse((await store.ReadAsync(path))!.Content).RootElement.GetProperty("guardrail").GetString());
        }
        Assert.Single(guardrails, g => g == "conflated");

        var onBrand = brand.Report!.Guardrails.Single(g => g.Name == ConflatedGuardrail.Name);
        Assert.Equal(GuardrailStatus.Breach, onBrand.Status);
        Assert.Equal(1, onBrand.Evidence["geo.treatedControlsOfOther"]);
        // next-year's window meets only brand's, whose open end runs on; brand's data ends 2021-04-15, so no day is shared.
        var onLater = later.Report!.Guardrails.Single(g => g.Name == ConflatedGuardrail.Name);
        Assert.Equal(GuardrailStatus.Pass, onLater.Status);
        Assert.Equal(0, onLater.Evidence["brand.daysInCommon"]);
        Assert.False(onLater.Evidence.ContainsKey("geo.daysInCommon"));
    }

    [Fact]
    public async Task A_geo_test_without_a_dated_window_is_not_paired_and_another_tests_change_measures_it_again()
    {
        var store = new FolderStore(Path.Combine(_root.FullName, "store"));
        await AddAsync(store, "geo", """{"start": "2021-04-01", "end": "2021-04-15"}""", $"SELECT * FROM '{GeoLift}' ORDER BY unit, period");
        await AddAsync(store, "undated", null,
            $"SELECT unit, period, (unit = 'atlanta' AND period >= DATE '2021-04-10')::INTEGER AS treated, conversions FROM '{GeoLift}' ORDER BY unit, period");
        var handler = new MeasureCampaignHandler(store, new InProcessWorkQueue(), _clock);

        var alone = await handler.HandleAsync(CampaignId.Parse("geo"), RunId.Parse("run-1"));
        var reused = await handler.HandleAsync(CampaignId.Parse("geo"), RunId.Parse("run-2"));
        await store.WriteAsync("campaigns/undated/campaign.json", Encoding.UTF8.GetBytes(Panel("undated", """{"start": "2021-04-10"}""")));
        var paired = await handler.HandleAsync(CampaignId.Parse("geo"), RunId.Parse("run-3"));

        Assert.DoesNotContain(alone.Report!.Guardrails, g => g.Name == ConflatedGuardrail.Name);
        Assert.NotNull(reused.ReusedFrom);
        Assert.Null(paired.ReusedFrom);
        Assert.Equal(GuardrailStatus.Breach, paired.Report!.Guardrails.Single(g => g.Name == ConflatedGuardrail.Name).Status);
    }
}
