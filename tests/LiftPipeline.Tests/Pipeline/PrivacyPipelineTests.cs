using System.Globalization;
using System.Text;
using System.Text.Json;
using LiftPipeline.Pipeline.Handlers;
using LiftPipeline.Pipeline.Hosting;
using LiftPipeline.Pipeline.Storage;
using LiftPipeline.Tests.Alerts;
using LiftPipeline.Tests.Audiences;

namespace LiftPipeline.Tests.Pipeline;

/// <summary>
/// The vbo-holdout sample measured with <c>privacy.minimumCustomers</c> one above the holdout arm's VIP customers: the
/// stored report.json, HTML and Markdown and the outcome every later step reads (learnings, latest.json) hide the VIP
/// rows (and the regular ones, which would give them away against the overall rows) and nothing else.
/// </summary>
public sealed class PrivacyPipelineTests : IDisposable
{
    private static readonly CampaignId Campaign = CampaignId.Parse("vbo-holdout");
    private readonly TempDirectory _root = TestData.TempDirectory();
    private readonly ManualClock _clock = new(new DateTimeOffset(2026, 10, 20, 2, 0, 0, TimeSpan.Zero));

    public void Dispose() => _root.Dispose();

    [Fact]
    public async Task A_minimum_above_a_segment_suppresses_it_with_its_complement_in_every_stored_report()
    {
        string export = TestData.Samples("exports", "vbo-holdout", "customers.parquet");
        long vip = Convert.ToInt64(CustomerExportKit.Scalar($"SELECT count(*) FROM '{export}' WHERE arm = 'holdout' AND segment = 'vip'"), CultureInfo.InvariantCulture);
        long minimum = vip + 1;
        string config = TestData.VboHoldoutConfigWithPrivacy($"\"privacy\": {{ \"minimumCustomers\": {minimum} }},");
        var store = new FolderStore(Path.Combine(_root.FullName, "store"));
        await store.WriteAsync("campaigns/vbo-holdout/campaign.json", Encoding.UTF8.GetBytes(config));
        await store.WriteAsync("exports/vbo-holdout/customers.parquet", await File.ReadAllBytesAsync(export));
        await new ExportArrivedHandler(store, _clock).HandleAsync("exports/vbo-holdout/customers.parquet", RunId.Parse("ingest"));

        var outcome = await new MeasureCampaignHandler(store, new InProcessWorkQueue(), _clock).HandleAsync(Campaign, RunId.Parse("run-1"));

        var contrasts = outcome.Holdout!.Measurement.Contrasts;
        Assert.All(contrasts.Where(c => c.Segment is null), c => Assert.False(c.Suppressed));
        Assert.All(contrasts.Where(c => c.Segment is "vip" or "regular"), c => Assert.True(c.Suppressed));
        Assert.All(contrasts.Where(c => c.Segment is "new"), c => Assert.False(c.Suppressed));
        Assert.Equal(minimum, outcome.Holdout.Measurement.SuppressedBelow);
        using var json = JsonDocument.Parse((await store.ReadAsync(StoreLayout.ReportJson(outcome.ReportFolder!)))!.Content);
        var rows = json.RootElement.GetProperty("contrasts").EnumerateArray().ToArray();
        Assert.Equal(contrasts.Count(c => c.Suppressed), rows.Count(r => r.TryGetProperty("suppressed", out _)));
        Assert.All(rows.Where(r => r.GetProperty("segment").GetString() == "vip"), r =>
            Assert.Equal(["treatment", "control", "metric", "kind", "segment", "surface", "market", "suppressed"], r.EnumerateObject().Select(p => p.Name)));
        string html = Encoding.UTF8.GetString((await store.ReadAsync(StoreLayout.ReportHtml(outcome.ReportFolder!)))!.Content.ToArray());
        Assert.Contains($"suppressed (&lt; {minimum.ToString(CultureInfo.InvariantCulture)} customers)", html, StringComparison.Ordinal);
    }
}
