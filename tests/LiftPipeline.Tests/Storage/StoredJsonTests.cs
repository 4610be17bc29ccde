using System.Text;
using System.Text.Json;
using LiftPipeline.Pipeline.Datasets;
using LiftPipeline.Pipeline.Runs;
using LiftPipeline.Pipeline.Storage;

namespace LiftPipeline.Tests.Storage;

/// <summary>One timestamp format and one rule for non-finite numbers across the stored documents; older documents still read.</summary>
public sealed class StoredJsonTests : IDisposable
{
    private static readonly DateTimeOffset At = new(2026, 11, 24, 2, 0, 0, TimeSpan.Zero);
    private readonly TempDirectory _root = TestData.TempDirectory();

    public void Dispose() => _root.Dispose();

    [Fact]
    public void Times_are_written_in_one_utc_format_and_any_iso_time_reads()
    {
        Assert.Equal("2026-11-24T02:00:00.0000000Z", StoredJson.FormatTime(At.ToOffset(TimeSpan.FromHours(2))));
        foreach (var text in new[] { "2026-11-24T02:00:00.0000000Z", "2026-11-24T02:00:00.000Z", "2026-11-24T02:00:00+00:00", "2026-11-24T04:00:00+02:00" })
        {
            Assert.True(StoredJson.TryParseTime(text, out var time), text);
            Assert.Equal(At, time);
        }
        Assert.False(StoredJson.TryParseTime("24/11/2026", out _));
    }

    [Fact]
    public void Non_finite_numbers_are_null_and_null_reads_as_nan()
    {
        var converter = new StoredJson.FiniteNumberConverter();
        var options = new JsonSerializerOptions { Converters = { converter } };
        Assert.Equal("[1.5,null,null,null]", JsonSerializer.Serialize(new[] { 1.5, double.NaN, double.PositiveInfinity, double.NegativeInfinity }, options));
        Assert.True(double.IsNaN(JsonSerializer.Deserialize<double[]>("[null]", options)![0]));
    }

    [Fact]
    public void A_run_manifest_writes_the_stored_time_format_and_reads_one_written_with_milliseconds()
    {
        var manifest = new RunManifest(RunId.Parse("nightly-20261124-0200"), "nightly", At,
            [new CampaignRunEntry("geo", CampaignRunStatus.Measured, At, At, At.AddSeconds(1.25), "reports/geo/nightly-20261124-0200/")]);
        var json = Encoding.UTF8.GetString(manifest.ToJson());
        Assert.Contains("\"startedAt\": \"2026-11-24T02:00:00.0000000Z\"", json);
        Assert.Contains("\"seconds\": 1.25", json);
        Assert.DoesNotContain("alerts", json);
        Assert.DoesNotContain("note", json);

        const string older = """
            {"schemaVersion": 1, "runId": "nightly-20261124-0200", "trigger": "nightly", "startedAt": "2026-11-24T02:00:00.000Z",
             "campaigns": [{"campaign": "geo", "status": "no-data", "queuedAt": "2026-11-24T02:00:00.000Z", "error": "nothing yet"}]}
            """;
        var read = RunManifest.Parse(Encoding.UTF8.GetBytes(older), "runs/nightly-20261124-0200.json");
        Assert.Equal(At, read.StartedAt);
        Assert.Equal(CampaignRunStatus.NoData, read.Campaigns[0].Status);
        Assert.Equal("nothing yet", read.Campaigns[0].Error);

        var broken = Assert.Throws<FormatException>(() => RunManifest.Parse("""{"trigger": "nightly"}"""u8, "runs/x.json"));
        Assert.Contains("runs/x.json is not a run manifest", broken.Message);
    }

    [Fact]
    public async Task A_dataset_manifest_written_with_an_offset_time_still_reads()
    {
        var store = new FolderStore(_root.FullName);
        var geo = CampaignId.Parse("geo");
        await store.WriteAsync(StoreLayout.DatasetManifest(geo), """
            {
              "dataset": "datasets/geo/panel-0a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d.parquet",
              "exports": [{"export": "exports/geo/day1.parquet", "etag": "\"0x1\"", "mergedAt": "2026-11-24T02:00:00+00:00"}]
            }
            """u8.ToArray());
        var manifest = await new CampaignDataset(store, geo).ReadManifestAsync();
        Assert.Equal(At, Assert.Single(manifest!.Exports).MergedAt);
        Assert.Equal("\"0x1\"", manifest.Exports[0].ETag);
    }
}
