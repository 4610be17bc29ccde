using System.Text;
using System.Text.Json;
using LiftPipeline.Ingestion.Panels;
using LiftPipeline.Pipeline.Campaigns;
using LiftPipeline.Pipeline.Handlers;
using LiftPipeline.Pipeline.Runs;
using LiftPipeline.Pipeline.Storage;
using LiftPipeline.Statistics.Panels;
using LiftPipeline.Tests.Alerts;
using LiftPipeline.Tests.Measurement;

namespace LiftPipeline.Tests.Pipeline;

/// <summary>
/// A panel campaign whose exports carry spend: the spend survives the dataset (two increments merged and stored), the
/// report names iROAS on the metric campaign.json calls revenue, and campaign.json's <c>revenueMetric</c> and
/// <c>conversionMetric</c> mean the same for both designs.
/// </summary>
public sealed class PanelSpendCampaignTests : IDisposable
{
    private readonly TempDirectory _root = TestData.TempDirectory();
    private readonly ManualClock _clock = new(new DateTimeOffset(2026, 11, 23, 9, 0, 0, TimeSpan.Zero));

    public void Dispose() => _root.Dispose();

    [Fact]
    public async Task Spend_in_two_merged_exports_reaches_the_report_as_iroas_on_the_configured_revenue_metric()
    {
        var store = new FolderStore(_root.FullName);
        var panel = SpendPanels.Build(seed: 41);
        // The revenue column is called "sales" here: campaign.json says which metric is revenue.
        var renamed = new Panel(panel.Units, panel.Periods, [new PanelMatrix("sales", panel.Units.Count, panel.Periods.Count, panel.Metric("revenue").Values.ToArray()), panel.Metric("conversions")],
            panel.Treatment.ToArray(), null, panel.Spend);
        await store.WriteAsync("campaigns/geo/campaign.json", Encoding.UTF8.GetBytes("""
            {"id": "geo", "name": "Geo", "design": "panel", "metrics": ["sales", "conversions"], "revenueMetric": "sales",
             "estimators": ["did"], "replications": 40, "guardrails": {"lateAfterDays": 36500}}
            """));
        await WriteExportAsync(store, "exports/geo/a.parquet", Periods(renamed, 0, 25));
        await WriteExportAsync(store, "exports/geo/b.parquet", Periods(renamed, 25, 40));

        var outcome = await new MeasureCampaignHandler(store, new InProcessWorkQueue(), _clock).HandleAsync(CampaignId.Parse("geo"), RunId.Parse("run-1"));

        Assert.Equal(CampaignRunStatus.Measured, outcome.Status);
        using var report = JsonDocument.Parse((await store.ReadAsync("reports/geo/run-1/report.json"))!.Content);
        var money = report.RootElement.GetProperty("estimates")[0].GetProperty("money");
        double treatedSpend = Enumerable.Range(0, panel.Units.Count * panel.Periods.Count).Where(c => panel.Treatment[c]).Sum(c => panel.Spend!.Values[c]);
        Assert.Equal(treatedSpend, money.GetProperty("incrementalSpend").GetDouble(), 6);
        Assert.Equal("sales", money.GetProperty("iroas").GetProperty("metric").GetString());
        Assert.InRange(money.GetProperty("iroas").GetProperty("value").GetDouble(), SpendPanels.TrueIroas - 0.3, SpendPanels.TrueIroas + 0.3);
        Assert.Equal("conversions", money.GetProperty("costPerIncrementalConversion").GetProperty("metric").GetString());
    }

    [Fact]
    public void Top_level_revenue_and_conversion_metrics_apply_to_both_designs_and_must_be_measured()
    {
        var panel = CampaignConfig.Parse("geo", Encoding.UTF8.GetBytes("""
            {"id": "geo", "name": "Geo", "design": "panel", "metrics": ["sales", "orders"], "revenueMetric": "sales", "conversionMetric": "orders"}
            """));
        var holdout = CampaignConfig.Parse("vbo", Encoding.UTF8.GetBytes("""
            {"id": "vbo", "name": "VBO", "design": "holdout", "metrics": ["sales", "orders"], "revenueMetric": "sales",
             "treatment": {"start": "2026-01-01"}, "holdout": {"conversionMetric": "orders"}}
            """));
        var error = Assert.Throws<CampaignConfigException>(() => CampaignConfig.Parse("geo", Encoding.UTF8.GetBytes("""
            {"id": "geo", "name": "Geo", "design": "panel", "metrics": ["sales"], "revenueMetric": "revenue"}
            """)));

        Assert.Equal(("sales", "orders"), (panel.ToPanelMeasureOptions().RevenueMetric, panel.ToPanelMeasureOptions().ConversionMetric));
        Assert.Equal(("sales", "orders"), (holdout.Holdout!.RevenueMetric, holdout.Holdout.ConversionMetric));
        Assert.Contains("revenueMetric: 'revenue' is not one of the campaign's metrics (sales)", error.Message);
    }

    private static Panel Periods(Panel panel, int from, int to)
    {
        int n = panel.Units.Count, t = to - from;
        double[] Cut(PanelMatrix m) => [.. Enumerable.Range(0, n * t).Select(c => m[c / t, from + c % t])];
        var treated = Enumerable.Range(0, n * t).Select(c => panel.IsTreated(c / t, from + c % t)).ToArray();
        return new Panel(panel.Units, panel.Periods.Skip(from).Take(t).ToArray(), [.. panel.MetricNames.Select(name => new PanelMatrix(name, n, t, Cut(panel.Metric(name))))],
            treated, null, new PanelMatrix("spend", n, t, Cut(panel.Spend!)));
    }

    private async Task WriteExportAsync(FolderStore store, string key, Panel panel)
    {
        using var buffer = new MemoryStream();
        await PanelParquetWriter.WriteAsync(panel, buffer);
        await store.WriteAsync(key, buffer.ToArray());
        await new ExportArrivedHandler(store, _clock).HandleAsync(key, RunId.Parse("t"));
    }
}
