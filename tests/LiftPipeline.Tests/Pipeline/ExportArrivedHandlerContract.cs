using System.Text;
using System.Text.Json;
using LiftPipeline.Pipeline.Alerts;
using LiftPipeline.Pipeline.Datasets;
using LiftPipeline.Pipeline.Handlers;
using LiftPipeline.Pipeline.Storage;
using LiftPipeline.Tests.Estimators;
using LiftPipeline.Tests.Storage;

namespace LiftPipeline.Tests.Pipeline;

/// <summary>ExportArrived on a real store: valid exports are accepted, bad ones quarantined untouched, reprocessing is idempotent.</summary>
public abstract class ExportArrivedHandlerContract
{
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 2, 0, 0, TimeSpan.Zero);

    protected abstract Task<IObjectStore> CreateStoreAsync();

    [Fact]
    public async Task A_corrupt_export_is_quarantined_byte_for_byte_with_its_reason_and_an_alert_and_the_original_is_untouched()
    {
        var store = await CreateStoreAsync();
        var bytes = await File.ReadAllBytesAsync(TestData.Corpus("parquet-testing", "bad_data", "PARQUET-1481.parquet"));
        string etag = await store.WriteAsync("exports/geo-test/day1.parquet", bytes);

        var outcome = await Handler(store).HandleAsync("exports/geo-test/day1.parquet", RunId.Parse("run-1"));

        Assert.Equal(ExportDisposition.Quarantined, outcome.Disposition);
        Assert.Equal(bytes, (await store.ReadAsync("quarantine/geo-test/day1.parquet"))!.Content.ToArray());
        var original = await store.ReadAsync("exports/geo-test/day1.parquet");
        Assert.Equal(bytes, original!.Content.ToArray());
        Assert.Equal(etag, original.ETag);
        using var reason = JsonDocument.Parse((await store.ReadAsync("quarantine/geo-test/day1.parquet.error.json"))!.Content);
        Assert.Equal("exports/geo-test/day1.parquet", reason.RootElement.GetProperty("export").GetString());
        Assert.Equal("corrupt-file", reason.RootElement.GetProperty("errors")[0].GetProperty("code").GetString());
        Assert.Contains("day1.parquet", reason.RootElement.GetProperty("message").GetString());
        var alert = AlertJson.Read((await store.ReadAsync(outcome.Alert!.StoragePath))!.Content.Span);
        Assert.Equal(("geo-test", "data-quality", AlertSeverity.Breach), (alert.Campaign, alert.Guardrail, alert.Severity));
        Assert.Equal("quarantine/geo-test/day1.parquet.error.json", alert.ReportPath);
    }

    [Fact]
    public async Task Processing_the_same_bad_export_twice_changes_nothing_and_gives_the_same_alert_id()
    {
        var store = await CreateStoreAsync();
        await store.WriteAsync("exports/geo-test/day1.parquet", await File.ReadAllBytesAsync(TestData.Corpus("parquet-testing", "bad_data", "PARQUET-1481.parquet")));

        var first = await Handler(store).HandleAsync("exports/geo-test/day1.parquet", RunId.Parse("run-1"));
        var snapshot = await Snapshot(store);
        var second = await new ExportArrivedHandler(store, new FixedClock(Now.AddHours(1))).HandleAsync("exports/geo-test/day1.parquet", RunId.Parse("run-2"));

        Assert.Equal(first.Alert!.Id, second.Alert!.Id);
        Assert.Equal(snapshot, await Snapshot(store));
    }

    [Fact]
    public async Task A_valid_export_is_accepted_with_its_panel_and_nothing_is_quarantined()
    {
        var store = await CreateStoreAsync();
        await store.WriteAsync("exports/geo-test/test.parquet", await File.ReadAllBytesAsync(TestData.Panel("GeoLift_Test.parquet")));

        var outcome = await Handler(store).HandleAsync("exports/geo-test/test.parquet", RunId.Parse("run-1"));

        Assert.Equal(ExportDisposition.Accepted, outcome.Disposition);
        Assert.Equal((40, 105), (outcome.Panel!.Units.Count, outcome.Panel.Periods.Count));
        Assert.Empty(await Names(store, "quarantine/"));
        Assert.Empty(await Names(store, "alerts/"));
    }

    [Fact]
    public async Task The_campaign_column_mapping_applies_and_a_missing_metric_quarantines_the_export()
    {
        var store = await CreateStoreAsync();
        await store.WriteAsync("campaigns/geo-test/campaign.json", Encoding.UTF8.GetBytes("""{"id": "geo-test", "name": "Geo test", "design": "panel", "metrics": ["revenue"]}"""));
        await store.WriteAsync("exports/geo-test/test.parquet", await File.ReadAllBytesAsync(TestData.Panel("GeoLift_Test.parquet")));

        var outcome = await Handler(store).HandleAsync("exports/geo-test/test.parquet", RunId.Parse("run-1"));

        Assert.Equal(ExportDisposition.Quarantined, outcome.Disposition);
        Assert.Contains("[missing-column]", outcome.Message);
        Assert.Contains("revenue", outcome.Message);
    }

    [Fact]
    public async Task Exports_of_different_periods_merge_into_one_dataset_equal_to_the_whole_panel()
    {
        var store = await CreateStoreAsync();
        var whole = ReferencePanels.GeoLiftTestAsPanel;
        await store.WriteAsync("exports/geo-test/pre.parquet", await PanelSlice.ParquetAsync(whole, 0, 90));
        await store.WriteAsync("exports/geo-test/post.parquet", await PanelSlice.ParquetAsync(whole, 90, 105));

        await Handler(store).HandleAsync("exports/geo-test/pre.parquet", RunId.Parse("run-1"));
        var outcome = await Handler(store).HandleAsync("exports/geo-test/post.parquet", RunId.Parse("run-1"));

        Assert.Equal(["exports/geo-test/pre.parquet", "exports/geo-test/post.parquet"], outcome.Dataset!.Exports.Select(e => e.Export));
        var dataset = await new CampaignDataset(store, CampaignId.Parse("geo-test")).ReadPanelAsync();
        PanelSlice.AssertEqual(whole, dataset!);
    }

    [Fact]
    public async Task Reprocessing_an_export_does_not_merge_it_again_and_a_later_export_wins_for_its_cells()
    {
        var store = await CreateStoreAsync();
        var whole = ReferencePanels.GeoLiftTestAsPanel;
        await store.WriteAsync("exports/geo-test/all.parquet", await PanelSlice.ParquetAsync(whole, 0, 105));
        await store.WriteAsync("exports/geo-test/fix.parquet", await PanelSlice.ParquetAsync(whole, 104, 105, add: 1000));

        var first = await Handler(store).HandleAsync("exports/geo-test/all.parquet", RunId.Parse("run-1"));
        var again = await Handler(store).HandleAsync("exports/geo-test/all.parquet", RunId.Parse("run-2"));
        var fix = await Handler(store).HandleAsync("exports/geo-test/fix.parquet", RunId.Parse("run-2"));

        Assert.Equal(first.Dataset!.Dataset, again.Dataset!.Dataset);
        Assert.Equal(first.Dataset.Exports, again.Dataset.Exports);
        Assert.Equal(2, fix.Dataset!.Exports.Count);
        var dataset = (await new CampaignDataset(store, CampaignId.Parse("geo-test")).ReadPanelAsync())!;
        var conversions = dataset.Metric("conversions");
        var original = whole.Metric("conversions");
        Assert.Equal(original[0, 104] + 1000, conversions[0, 104]);
        Assert.Equal(original[0, 103], conversions[0, 103]);
    }

    [Fact]
    public async Task Two_exports_of_one_campaign_processed_concurrently_lose_nothing()
    {
        var store = await CreateStoreAsync();
        var whole = ReferencePanels.GeoLiftTestAsPanel;
        for (int k = 0; k < 4; k++)
        {
            await store.WriteAsync($"exports/geo-test/part{k}.parquet", await PanelSlice.ParquetAsync(whole, k * 30, Math.Min(105, (k + 1) * 30)));
        }

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 4).Select(k => Task.Run(() => Handler(store).HandleAsync($"exports/geo-test/part{k}.parquet", RunId.Parse("run-1")))));
        Assert.All(outcomes, o => Assert.True(o.Disposition == ExportDisposition.Accepted, o.Message));

        var manifest = await new CampaignDataset(store, CampaignId.Parse("geo-test")).ReadManifestAsync();
        Assert.Equal(4, manifest!.Exports.Count);
        PanelSlice.AssertEqual(whole, (await new CampaignDataset(store, CampaignId.Parse("geo-test")).ReadPanelAsync())!);
    }

    [Theory]
    [InlineData("exports/../campaigns/x/campaign.json")]
    [InlineData("exports/Geo Test/a.parquet")]
    [InlineData("exports/geo-test/sub/a.parquet")]
    [InlineData("datasets/geo-test/a.parquet")]
    [InlineData("exports/geo-test/..")]
    public async Task Unsafe_or_misplaced_export_names_are_rejected_before_any_storage_call(string name)
    {
        var store = await CreateStoreAsync();

        var error = await Assert.ThrowsAsync<ObjectStoreException>(() => Handler(store).HandleAsync(name, RunId.Parse("run-1")));

        Assert.Equal(ObjectStoreException.InvalidName, error.Code);
        Assert.Empty(await Names(store, ""));
    }

    [Fact]
    public async Task A_missing_export_is_reported_not_found()
    {
        var outcome = await Handler(await CreateStoreAsync()).HandleAsync("exports/geo-test/gone.parquet", RunId.Parse("run-1"));

        Assert.Equal(ExportDisposition.NotFound, outcome.Disposition);
    }

    private static ExportArrivedHandler Handler(IObjectStore store) => new(store, new FixedClock(Now));

    private static async Task<List<string>> Names(IObjectStore store, string prefix)
    {
        var names = new List<string>();
        await foreach (var item in store.ListAsync(prefix))
        {
            names.Add(item.Name);
        }
        return names;
    }

    private static async Task<string> Snapshot(IObjectStore store)
    {
        var text = new StringBuilder();
        foreach (var name in await Names(store, ""))
        {
            text.Append(name).Append(' ').AppendLine(Convert.ToHexString((await store.ReadAsync(name))!.Content.Span));
        }
        return text.ToString();
    }

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}

public sealed class FolderStoreExportArrivedTests : ExportArrivedHandlerContract, IDisposable
{
    private readonly TempDirectory _root = TestData.TempDirectory();

    public void Dispose() => _root.Dispose();

    protected override Task<IObjectStore> CreateStoreAsync() => Task.FromResult<IObjectStore>(new FolderStore(Path.Combine(_root.FullName, Guid.NewGuid().ToString("N"))));
}

[Collection("Azurite")]
public sealed class AzureBlobStoreExportArrivedTests(AzuriteFixture azurite) : ExportArrivedHandlerContract
{
    protected override async Task<IObjectStore> CreateStoreAsync() => await azurite.NewStoreAsync();
}
