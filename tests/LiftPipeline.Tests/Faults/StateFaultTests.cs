using System.Text.Json;
using LiftPipeline.Cli.Hosting;
using LiftPipeline.Pipeline.Datasets;
using LiftPipeline.Pipeline.Handlers;
using LiftPipeline.Pipeline.Hosting;
using LiftPipeline.Pipeline.Storage;
using LiftPipeline.Tests.Alerts;
using LiftPipeline.Tests.Cli;
using LiftPipeline.Tests.Estimators;
using LiftPipeline.Tests.Pipeline;

namespace LiftPipeline.Tests.Faults;

/// <summary>State stays true (issue 11, item 7): what the store records always describes the exports' current bytes.</summary>
public sealed class StateFaultTests
{
    private static readonly DateTimeOffset Start = new(2021, 6, 1, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task An_export_reverted_to_earlier_bytes_is_merged_again_so_the_dataset_holds_its_values()
    {
        using var dir = TestData.TempDirectory();
        LocalStoreKit.WriteCampaign(dir.FullName);
        var clock = new ManualClock(Start);
        var store = new FolderStore(dir.FullName);
        var pipeline = new LocalPipeline(store, null, clock);
        var whole = ReferencePanels.GeoLiftTestAsPanel;
        var a = await PanelSlice.ParquetAsync(whole, 0, 105);
        var b = await PanelSlice.ParquetAsync(whole, 0, 105, add: 1000);

        var passes = new List<PipelineRunSummary>();
        foreach (var version in new[] { a, b, a })
        {
            await store.WriteAsync("exports/geo/all.parquet", version);
            passes.Add(await pipeline.ProcessNewExportsAsync());
            clock.Now += TimeSpan.FromHours(1);
        }

        Assert.All(passes, pass => Assert.Equal(ExportDisposition.Accepted, Assert.Single(pass.Exports).Disposition));
        PanelSlice.AssertEqual(whole, (await new CampaignDataset(store, CampaignId.Parse("geo")).ReadPanelAsync())!);
        Assert.Empty((await pipeline.ProcessNewExportsAsync()).Exports);
    }

    [Fact]
    public async Task A_quarantined_export_replaced_by_another_bad_one_gets_its_copy_reason_and_alert_and_is_then_left_alone()
    {
        using var dir = TestData.TempDirectory();
        LocalStoreKit.WriteCampaign(dir.FullName);
        var clock = new ManualClock(Start);
        var store = new FolderStore(dir.FullName);
        var pipeline = new LocalPipeline(store, null, clock);
        var corrupt = await File.ReadAllBytesAsync(TestData.Corpus("parquet-testing", "bad_data", "PARQUET-1481.parquet"));
        var duplicated = await File.ReadAllBytesAsync(TestData.Samples("exports", "geolift-test", "2021-q2-fix.parquet"));

        await store.WriteAsync("exports/geo/day1.parquet", corrupt);
        var first = await pipeline.ProcessNewExportsAsync();
        clock.Now += TimeSpan.FromHours(1);
        string etag = await store.WriteAsync("exports/geo/day1.parquet", duplicated);
        var second = await pipeline.ProcessNewExportsAsync();
        var third = await pipeline.ProcessNewExportsAsync();

        Assert.Equal(ExportDisposition.Quarantined, Assert.Single(first.Exports).Disposition);
        var replaced = Assert.Single(second.Exports);
        Assert.Equal(ExportDisposition.Quarantined, replaced.Disposition);
        Assert.Equal(duplicated, (await store.ReadAsync("quarantine/geo/day1.parquet"))!.Content.ToArray());
        using var reason = JsonDocument.Parse((await store.ReadAsync("quarantine/geo/day1.parquet.error.json"))!.Content);
        Assert.Equal(etag, reason.RootElement.GetProperty("etag").GetString());
        Assert.Equal(replaced.Message, reason.RootElement.GetProperty("message").GetString());
        Assert.NotEqual("corrupt-file", reason.RootElement.GetProperty("errors")[0].GetProperty("code").GetString());
        Assert.NotEqual(first.Exports[0].Alert!.Id, replaced.Alert!.Id);
        Assert.Equal(2, DataQualityAlertIds(dir.FullName).Count);
        Assert.Empty(third.Exports);
    }

    [Fact]
    public async Task A_second_data_quality_breach_of_another_kind_on_the_same_dataset_is_a_new_alert_and_the_same_finding_keeps_its_id()
    {
        using var dir = TestData.TempDirectory();
        LocalStoreKit.WriteCampaign(dir.FullName,
            """{"id": "geo", "name": "Geo test", "design": "panel", "metrics": ["conversions"], "estimators": ["did"], "variance": "none", "guardrails": {"lateAfterDays": 30} }""");
        var store = new FolderStore(dir.FullName);
        var whole = ReferencePanels.GeoLiftTestAsPanel;
        // Ten days missing between the two exports: a missing-periods breach from the first measurement on.
        await store.WriteAsync("exports/geo/early.parquet", await PanelSlice.ParquetAsync(whole, 0, 50));
        await store.WriteAsync("exports/geo/late.parquet", await PanelSlice.ParquetAsync(whole, 60, 105));
        var ended = new DateTimeOffset(whole.Periods[^1].ToDate().ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        var clock = new ManualClock(ended.AddDays(2));
        var exports = new ExportArrivedHandler(store, clock);
        await exports.HandleAsync("exports/geo/early.parquet", RunId.Parse("run-a"));
        await exports.HandleAsync("exports/geo/late.parquet", RunId.Parse("run-a"));
        var measure = new MeasureCampaignHandler(store, new InProcessWorkQueue(), clock);

        var gapOnly = await DataQualityAlertAsync(store, await measure.HandleAsync(CampaignId.Parse("geo"), RunId.Parse("run-a")));
        clock.Now = ended.AddDays(100);   // the same dataset, now also late
        var gapAndLate = await DataQualityAlertAsync(store, await measure.HandleAsync(CampaignId.Parse("geo"), RunId.Parse("run-b")));
        clock.Now = ended.AddDays(130);
        var again = await DataQualityAlertAsync(store, await measure.HandleAsync(CampaignId.Parse("geo"), RunId.Parse("run-c")));

        Assert.DoesNotContain("late", gapOnly.Message, StringComparison.Ordinal);
        Assert.Contains("the data is late", gapAndLate.Message, StringComparison.Ordinal);
        Assert.NotEqual(gapOnly.Id, gapAndLate.Id);
        Assert.Equal(gapAndLate.Id, again.Id);
    }

    [Fact]
    public async Task A_rewrite_that_restores_length_and_write_time_is_seen_by_the_next_watch_beat()
    {
        using var dir = TestData.TempDirectory();
        LocalStoreKit.WriteCampaign(dir.FullName);
        LocalStoreKit.DropPanel(dir.FullName);
        var path = Path.Combine(dir.FullName, "exports", "geo", "week1.parquet");
        var written = new DateTime(2021, 5, 31, 12, 0, 0, DateTimeKind.Utc);
        File.SetLastWriteTimeUtc(path, written);
        var store = new FolderStore(dir.FullName);
        var pipeline = new LocalPipeline(store, null, new ManualClock(Start));
        var first = await pipeline.ProcessNewExportsAsync();

        // Same length, same write time, other bytes: what rsync -t or cp -p leave after copying a changed file in place.
        var bytes = await File.ReadAllBytesAsync(path);
        for (int i = bytes.Length / 3; i < bytes.Length / 3 + 64; i++)
        {
            bytes[i] ^= 0x5A;
        }
        await using (var rewrite = new FileStream(path, FileMode.Open, FileAccess.Write))
        {
            await rewrite.WriteAsync(bytes);
        }
        File.SetLastWriteTimeUtc(path, written);
        var second = await pipeline.ProcessNewExportsAsync();

        Assert.Equal(ExportDisposition.Accepted, Assert.Single(first.Exports).Disposition);
        Assert.Equal(written, File.GetLastWriteTimeUtc(path));
        Assert.Equal("exports/geo/week1.parquet", Assert.Single(second.Exports).Export.Path);
        Assert.Equal(FolderStore.ETagOf(bytes), (await store.GetAsync("exports/geo/week1.parquet"))!.ETag);
    }

    [Fact]
    public async Task Watch_started_after_the_scheduled_time_runs_the_missed_nightly_run_once()
    {
        using var dir = TestData.TempDirectory();
        LocalStoreKit.WriteCampaign(dir.FullName);
        LocalStoreKit.DropPanel(dir.FullName);
        var clock = new ManualClock(Start);   // 09:00, seven hours after the 02:00 run that did not happen

        var restarted = await WatchOneBeatAsync(dir.FullName, clock);
        clock.Now += TimeSpan.FromHours(1);
        var again = await WatchOneBeatAsync(dir.FullName, clock);

        Assert.Contains("2021-06-01T09:00:00Z scheduled run for 2021-06-01T02:00:00Z", restarted, StringComparison.Ordinal);
        Assert.Contains("run nightly-20210601-0200: 1 campaigns", restarted, StringComparison.Ordinal);
        Assert.Contains("next scheduled run at 2021-06-02T02:00:00Z", restarted, StringComparison.Ordinal);
        Assert.DoesNotContain("scheduled run for", again, StringComparison.Ordinal);
        Assert.Equal(["nightly-20210601-0200.json"], Directory.GetFiles(Path.Combine(dir.FullName, "runs"), "nightly-*.json").Select(Path.GetFileName));
    }

    [Fact]
    public async Task Demo_force_into_a_folder_of_user_files_never_lets_a_later_demo_delete_them()
    {
        using var dir = TestData.TempDirectory();
        var samples = Path.Combine(dir.FullName, "samples");
        LocalStoreKit.WriteCampaign(samples);
        LocalStoreKit.DropPanel(samples);
        var mine = Path.Combine(dir.FullName, "mine");
        Directory.CreateDirectory(Path.Combine(mine, "notes"));
        File.WriteAllText(Path.Combine(mine, "keep.txt"), "mine");
        File.WriteAllText(Path.Combine(mine, "notes", "plan.md"), "also mine");
        var host = new CliHost { Clock = new ManualClock(Start) };

        var forced = await CliRunner.RunAsync(host, CancellationToken.None, "demo", "--dir", mine, "--samples", samples, "--force");
        var plain = await CliRunner.RunAsync(host, CancellationToken.None, "demo", "--dir", mine, "--samples", samples);

        Assert.Equal(0, forced.ExitCode);
        Assert.Equal(2, plain.ExitCode);
        Assert.Contains("not empty and was not made by lift demo", plain.Error, StringComparison.Ordinal);
        Assert.Equal("mine", File.ReadAllText(Path.Combine(mine, "keep.txt")));
        Assert.Equal("also mine", File.ReadAllText(Path.Combine(mine, "notes", "plan.md")));
        Assert.True(File.Exists(Path.Combine(mine, "reports", LocalStoreKit.Campaign, "latest.json")));
    }

    [Fact]
    public async Task Demo_again_in_its_own_folder_keeps_files_the_user_added_there()
    {
        using var dir = TestData.TempDirectory();
        var samples = Path.Combine(dir.FullName, "samples");
        LocalStoreKit.WriteCampaign(samples);
        LocalStoreKit.DropPanel(samples);
        var demo = Path.Combine(dir.FullName, "demo");
        var host = new CliHost { Clock = new ManualClock(Start) };

        var first = await CliRunner.RunAsync(host, CancellationToken.None, "demo", "--dir", demo, "--samples", samples);
        LocalStoreKit.Drop(demo, "my-own.parquet", await File.ReadAllBytesAsync(TestData.Panel("GeoLift_Test.parquet")));
        File.WriteAllText(Path.Combine(demo, "notes.txt"), "mine");
        var again = await CliRunner.RunAsync(host, CancellationToken.None, "demo", "--dir", demo, "--samples", samples);

        Assert.Equal(0, first.ExitCode);
        Assert.True(again.ExitCode == 0, again.Output + again.Error);
        Assert.True(File.Exists(Path.Combine(demo, "exports", "geo", "my-own.parquet")));
        Assert.Equal("mine", File.ReadAllText(Path.Combine(demo, "notes.txt")));
        Assert.Contains("2 new exports: 2 accepted, 0 quarantined", again.Output, StringComparison.Ordinal);
    }

    /// <summary>Runs <c>lift watch</c> until its first wait and returns what it printed.</summary>
    private static async Task<string> WatchOneBeatAsync(string store, ManualClock clock)
    {
        using var stop = new CancellationTokenSource();
        var host = new CliHost
        {
            Clock = clock,
            Delay = (duration, cancellationToken) =>
            {
                stop.Cancel();
                cancellationToken.ThrowIfCancellationRequested();
                return Task.CompletedTask;
            },
        };
        var (code, output, error) = await CliRunner.RunAsync(host, stop.Token, "watch", "--store", store, "--poll", "5s", "--schedule", "0 2 * * *");
        Assert.True(code == 0, output + error);
        return output;
    }

    private static async Task<(string Id, string Message)> DataQualityAlertAsync(IObjectStore store, MeasureOutcome outcome)
    {
        foreach (var path in outcome.Alerts)
        {
            using var alert = JsonDocument.Parse((await store.ReadAsync(path))!.Content);
            if (alert.RootElement.GetProperty("guardrail").GetString() == "data-quality")
            {
                return (alert.RootElement.GetProperty("id").GetString()!, alert.RootElement.GetProperty("message").GetString()!);
            }
        }
        throw new Xunit.Sdk.XunitException($"no data-quality alert among {string.Join(", ", outcome.Alerts)}: {outcome.Message}");
    }

    private static List<string> DataQualityAlertIds(string root)
    {
        var ids = new List<string>();
        foreach (var file in Directory.EnumerateFiles(Path.Combine(root, "alerts"), "*.json", SearchOption.AllDirectories))
        {
            if (file.Contains(Path.DirectorySeparatorChar + "deliveries" + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            {
                continue;
            }
            using var alert = JsonDocument.Parse(File.ReadAllBytes(file));
            if (alert.RootElement.TryGetProperty("guardrail", out var g) && g.GetString() == "data-quality")
            {
                ids.Add(alert.RootElement.GetProperty("id").GetString()!);
            }
        }
        return ids;
    }
}
