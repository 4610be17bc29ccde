using System.Text;
using LiftPipeline.Ingestion;
using LiftPipeline.Ingestion.Experiments;
using LiftPipeline.Pipeline.Campaigns;
using LiftPipeline.Pipeline.Datasets;
using LiftPipeline.Pipeline.Handlers;
using LiftPipeline.Pipeline.Hosting;
using LiftPipeline.Pipeline.Measurement;
using LiftPipeline.Pipeline.Runs;
using LiftPipeline.Pipeline.Storage;
using LiftPipeline.Statistics.Measurement;
using LiftPipeline.Tests.Alerts;
using LiftPipeline.Tests.Experiments;
using LiftPipeline.Tests.Storage;

namespace LiftPipeline.Tests.Pipeline;

/// <summary>
/// A holdout too large for one work item, on a real store: two shards of 6,000 customers in row groups of about 1,000,
/// split at 2,000 rows per work item into several ranges each; the ranges are reduced by parallel workers, their statistics
/// stored and merged, and the measurement equals one pass over the whole export (statistics to 1e-12 relative, counts exact).
/// </summary>
public abstract class ShardFanOutContract
{
    private const string Config = """
        {"id": "vbo", "name": "VBO vs VBO+1P", "design": "holdout", "metrics": ["revenue", "conversions"], "treatment": {"start": "2026-10-01"},
         "holdout": {"contrasts": [{"treatment": "vbo_1p", "control": "vbo"}], "sequentialTuningN": 5000, "capQuantile": CAP}}
        """;

    private static readonly CampaignId Vbo = CampaignId.Parse("vbo");

    protected abstract Task<IObjectStore> CreateStoreAsync();

    [Fact]
    public async Task A_large_holdout_export_fans_out_by_range_and_measures_as_one_pass_over_the_rows()
    {
        using var dir = TestData.TempDirectory();
        var (store, summary, whole) = await FanOutAsync(dir);
        int ranges = await RangesAsync(dir);

        Assert.True(ranges >= 4, $"{ranges} ranges");
        Assert.All(summary.Exports, e => Assert.True(e.FollowUps.Count > 1 && e.FollowUps.All(f => f.Kind == WorkKind.ShardStatistics)));
        Assert.Equal(ranges, summary.Exports.Sum(e => e.FollowUps.Count));
        // Every range reduced raw, then — the raw pass complete — capped under the pooled caps, each by a worker of its own.
        var statistics = summary.ShardStatistics ?? [];
        Assert.Equal(ranges, statistics.Count(s => !s.Item.Capped));
        Assert.Equal(ranges, statistics.Count(s => s.Item.Capped));
        Assert.All(statistics, s => Assert.True(s.Computed, s.Message));
        Assert.Contains(statistics, s => s.Item.Capped && s.FollowUps.Any(f => f.Kind == WorkKind.Measure));
        Assert.Equal(2 * ranges, store.ShardReads);   // each worker downloads its shard once; the measurement reads none
        var measured = Assert.Single(summary.Measurements);
        Assert.Equal(CampaignRunStatus.Measured, measured.Status);
        AssertSameMeasurement(await ReferenceAsync(whole, "0.99"), measured.Holdout!.Measurement);
        Assert.Equal(2 * ranges, await CountStatisticsAsync(store));   // every range, raw and capped
    }

    [Fact]
    public async Task Duplicated_and_retried_range_items_store_one_partial_each_and_a_corrupt_partial_is_recomputed()
    {
        using var dir = TestData.TempDirectory();
        var (store, summary, whole) = await FanOutAsync(dir);
        var item = summary.ShardStatistics!.First(s => !s.Item.Capped).Item;
        var config = await ConfigAsync(store);
        var partials = new ShardStatisticsStore(store, Vbo, HoldoutReadOptions.For(config));
        string name = partials.NameOf(item.Shard!, item.RowGroups, null);
        await store.DeleteAsync(name);

        // Two workers given the same message at once, then a retry of it.
        var handler = new ShardStatisticsHandler(store);
        var both = await Task.WhenAll(handler.HandleAsync(item), new ShardStatisticsHandler(store).HandleAsync(item));
        var retry = await handler.HandleAsync(item);

        Assert.Contains(both, o => o.Computed);
        Assert.False(retry.Computed);
        Assert.Equal(2 * await RangesAsync(dir), await CountStatisticsAsync(store));
        Assert.NotNull(await partials.TryReadAsync(name, default));

        var stored = (await store.ReadAsync(name))!.Content.ToArray();
        stored[stored.Length / 2] ^= 0x40;
        await store.WriteAsync(name, stored);
        var again = await MeasureAsync(store, config, "run-corrupt");

        AssertSameMeasurement(await ReferenceAsync(whole, "0.99"), again);
        Assert.NotNull(await partials.TryReadAsync(name, default));   // recomputed and stored again
    }

    [Fact]
    public async Task An_unchanged_cap_reads_no_row_and_a_changed_cap_reads_each_shard_once()
    {
        using var dir = TestData.TempDirectory();
        var (store, _, whole) = await FanOutAsync(dir);
        var counting = store;
        counting.Reset();

        var unchanged = await MeasureAsync(counting, await ConfigAsync(store), "run-same");
        int unchangedReads = counting.ShardReads;
        await store.WriteAsync("campaigns/vbo/campaign.json", Encoding.UTF8.GetBytes(Config.Replace("CAP", "0.95", StringComparison.Ordinal)));
        var changed = await MeasureAsync(counting, await ConfigAsync(store), "run-cap");

        Assert.Equal(0, unchangedReads);
        Assert.Equal(2, counting.ShardReads);
        AssertSameMeasurement(await ReferenceAsync(whole, "0.99"), unchanged);
        AssertSameMeasurement(await ReferenceAsync(whole, "0.95"), changed);
    }

    [Fact]
    public async Task A_small_export_is_reduced_once_on_arrival_and_only_the_first_capped_pass_reads_its_shard()
    {
        using var dir = TestData.TempDirectory();
        using var kit = new AlertTestKit();
        var store = new CountingStore(await CreateStoreAsync());
        await store.WriteAsync("campaigns/vbo/campaign.json", Encoding.UTF8.GetBytes(Config.Replace("CAP", "0.99", StringComparison.Ordinal)));
        string whole = Path.Combine(dir.FullName, "whole.parquet");
        ExperimentExportKit.Write(whole, ExperimentExportKit.Rows(12_000), 1_000);
        await store.WriteAsync("exports/vbo/whole.parquet", await File.ReadAllBytesAsync(whole));

        var summary = await new LocalPipeline(store, null, kit.Clock).ProcessNewExportsAsync();

        Assert.Equal([WorkKind.Measure], Assert.Single(summary.Exports).FollowUps.Select(f => f.Kind));
        Assert.Null(summary.ShardStatistics);
        Assert.Equal(1, store.ShardReads);   // the raw statistics were stored on arrival: only the capped pass reads the shard
        AssertSameMeasurement(await ReferenceAsync(whole, "0.99"), Assert.Single(summary.Measurements).Holdout!.Measurement);
        store.Reset();
        AssertSameMeasurement(await ReferenceAsync(whole, "0.99"), await MeasureAsync(store, await ConfigAsync(store), "run-again"));
        Assert.Equal(0, store.ShardReads);
    }

    [Fact]
    public async Task A_range_whose_rows_break_the_contract_is_reported_by_its_worker_and_fails_the_measurement_naming_the_problem()
    {
        using var dir = TestData.TempDirectory();
        using var kit = new AlertTestKit();
        var store = await CreateStoreAsync();
        await store.WriteAsync("campaigns/vbo/campaign.json", Encoding.UTF8.GetBytes(Config.Replace("CAP", "0.99", StringComparison.Ordinal)));
        string file = Path.Combine(dir.FullName, "bad.parquet");
        ExperimentExportKit.Write(file, $"SELECT * REPLACE (CASE WHEN customer_id = 5500 THEN NULL ELSE arm END AS arm) FROM ({ExperimentExportKit.Rows(6_000)})", 1_000);
        await store.WriteAsync("exports/vbo/bad.parquet", await File.ReadAllBytesAsync(file));

        var summary = await new LocalPipeline(store, null, kit.Clock) { Workers = 2, RowsPerWorkItem = 2_000 }.ProcessNewExportsAsync();
        var config = await ConfigAsync(store);
        var manifest = (await new CampaignDataset(store, Vbo).ReadManifestAsync())!;
        var measured = await new HoldoutCampaignMeasurement(store, TimeProvider.System).MeasureAsync(config, Vbo, manifest, RunId.Parse("run-bad"), default);

        var bad = Assert.Single(summary.ShardStatistics!, s => s.Problem is not null);
        Assert.Contains("arm", bad.Problem!, StringComparison.Ordinal);
        Assert.Contains("exports/vbo/bad.parquet", bad.Problem!, StringComparison.Ordinal);   // the export, never a temp path
        Assert.DoesNotContain(Path.GetTempPath(), bad.Problem!, StringComparison.Ordinal);
        Assert.Contains(bad.Message, summary.Problems);
        Assert.Empty(summary.Measurements);   // the shard never completes, so no worker asks for a measurement
        Assert.Equal(CampaignRunStatus.Failed, measured.Status);
        Assert.Contains(bad.Problem!, measured.Message, StringComparison.Ordinal);
    }

    /// <summary>Writes the campaign and two shard exports, runs the export beat with two workers, and returns the store, the summary and the whole export's path.</summary>
    private async Task<(CountingStore Store, PipelineRunSummary Summary, string Whole)> FanOutAsync(TempDirectory dir)
    {
        var store = new CountingStore(await CreateStoreAsync());
        using var kit = new AlertTestKit();
        await store.WriteAsync("campaigns/vbo/campaign.json", Encoding.UTF8.GetBytes(Config.Replace("CAP", "0.99", StringComparison.Ordinal)));
        string whole = Path.Combine(dir.FullName, "whole.parquet");
        ExperimentExportKit.Write(whole, ExperimentExportKit.Rows(12_000), 1_000);
        foreach (var (name, where) in new[] { ("even.parquet", "i % 2 = 0"), ("odd.parquet", "i % 2 = 1") })
        {
            string shard = Path.Combine(dir.FullName, name);
            ExperimentExportKit.Write(shard, ExperimentExportKit.Rows(12_000, where), 1_000);
            await store.WriteAsync($"exports/vbo/{name}", await File.ReadAllBytesAsync(shard));
        }
        var summary = await new LocalPipeline(store, null, kit.Clock) { Workers = 2, RowsPerWorkItem = 2_000 }.ProcessNewExportsAsync();
        return (store, summary, whole);
    }

    /// <summary>The row-group ranges of the two shards at 2,000 rows per work item (DuckDB sizes the row groups near, not at, 1,000 rows).</summary>
    private static async Task<int> RangesAsync(TempDirectory dir)
    {
        int ranges = 0;
        foreach (var name in new[] { "even.parquet", "odd.parquet" })
        {
            await using var file = await ExportFile.OpenAsync(Path.Combine(dir.FullName, name));
            ranges += ShardRanges.Plan(file.RowGroupRows, 2_000).Count;
        }
        return ranges;
    }

    private static async Task<CampaignConfig> ConfigAsync(IObjectStore store) => (await store.ReadCampaignConfigAsync(Vbo)).ConfigOrNull()!;

    private static async Task<HoldoutMeasurement> MeasureAsync(IObjectStore store, CampaignConfig config, string runId)
    {
        var manifest = (await new CampaignDataset(store, Vbo).ReadManifestAsync())!;
        var outcome = await new HoldoutCampaignMeasurement(store, TimeProvider.System).MeasureAsync(config, Vbo, manifest, RunId.Parse(runId), default);
        Assert.Equal(CampaignRunStatus.Measured, outcome.Status);
        return outcome.Holdout!.Measurement;
    }

    /// <summary>Today's path: the whole export read twice (raw, then capped) by <see cref="HoldoutAnalysis"/>.</summary>
    private static Task<HoldoutMeasurement> ReferenceAsync(string whole, string cap)
    {
        var config = CampaignConfig.Parse("vbo", Encoding.UTF8.GetBytes(Config.Replace("CAP", cap, StringComparison.Ordinal)));
        var options = new HoldoutMeasureOptions { Settings = config.Holdout!, Metrics = config.Metrics, Alpha = config.Alpha, Guardrails = config.Guardrails };
        return HoldoutAnalysis.MeasureAsync([ct => ExportFile.OpenAsync(whole, ct)], new ExperimentExportOptions { Outcomes = config.Metrics }, options);
    }

    private static async Task<int> CountStatisticsAsync(IObjectStore store)
    {
        int count = 0;
        await foreach (var stored in store.ListAsync("datasets/vbo/stats-"))
        {
            count++;
        }
        return count;
    }

    internal static void AssertSameMeasurement(HoldoutMeasurement expected, HoldoutMeasurement actual)
    {
        Assert.Equal(expected.Arms.Select(a => (a.Arm, a.N, a.Exposed)), actual.Arms.Select(a => (a.Arm, a.N, a.Exposed)));
        Assert.Equal(expected.Contrasts.Count, actual.Contrasts.Count);
        for (int i = 0; i < expected.Contrasts.Count; i++)
        {
            var (e, a) = (expected.Contrasts[i], actual.Contrasts[i]);
            Assert.Equal((e.Treatment, e.Control, e.Metric, e.Segment, e.Surface, e.Market, e.TreatmentN, e.ControlN), (a.Treatment, a.Control, a.Metric, a.Segment, a.Surface, a.Market, a.TreatmentN, a.ControlN));
            double scale = Math.Max(Math.Abs(e.TreatmentMean), Math.Abs(e.ControlMean));
            Close(e.TreatmentMean, a.TreatmentMean, scale);
            Close(e.ControlMean, a.ControlMean, scale);
            Close(e.Absolute, a.Absolute, scale);
            Close(e.AbsoluteStandardError, a.AbsoluteStandardError, Math.Abs(e.AbsoluteStandardError));
        }
        Assert.Equal(expected.Tails.Select(t => (t.Metric, t.Cap)), actual.Tails.Select(t => (t.Metric, t.Cap)));
    }

    private static void Close(double expected, double actual, double scale) =>
        Assert.True(Math.Abs(expected - actual) <= 1e-12 * scale, $"{actual:R} differs from {expected:R} by more than 1e-12 × {scale:G6}");
}

public sealed class FolderStoreShardFanOutTests : ShardFanOutContract, IDisposable
{
    private readonly TempDirectory _root = TestData.TempDirectory();

    public void Dispose() => _root.Dispose();

    protected override Task<IObjectStore> CreateStoreAsync() => Task.FromResult<IObjectStore>(new FolderStore(Path.Combine(_root.FullName, Guid.NewGuid().ToString("N"))));
}

[Collection("Azurite")]
public sealed class AzureBlobStoreShardFanOutTests(AzuriteFixture azurite) : ShardFanOutContract
{
    protected override async Task<IObjectStore> CreateStoreAsync() => await azurite.NewStoreAsync();
}
