using System.Text.Json;
using LiftPipeline.Cli.Hosting;
using LiftPipeline.Pipeline.Alerts;
using LiftPipeline.Pipeline.Datasets;
using LiftPipeline.Pipeline.Handlers;
using LiftPipeline.Pipeline.Hosting;
using LiftPipeline.Pipeline.Runs;
using LiftPipeline.Pipeline.Storage;
using LiftPipeline.Tests.Alerts;
using LiftPipeline.Tests.Cli;
using LiftPipeline.Tests.Estimators;
using LiftPipeline.Tests.Pipeline;

namespace LiftPipeline.Tests.Faults;

/// <summary>Concurrent runs on one store (issue 11, item 11): bounded waits for the run lease, and summaries that count only their own work.</summary>
public sealed class ConcurrentRunTests
{
    private const int Exports = 12;

    [Fact]
    public async Task Two_lift_run_processes_on_one_folder_store_both_exit_0_and_each_export_is_counted_by_one_of_them()
    {
        using var dir = TestData.TempDirectory();
        LocalStoreKit.WriteCampaign(dir.FullName);
        var whole = ReferencePanels.GeoLiftTestAsPanel;
        int step = (whole.Periods.Count + Exports - 1) / Exports;
        for (int e = 0; e < Exports; e++)
        {
            LocalStoreKit.Drop(dir.FullName, $"part-{e:00}.parquet", await PanelSlice.ParquetAsync(whole, e * step, Math.Min(whole.Periods.Count, (e + 1) * step)));
        }

        var runs = await Task.WhenAll(LiftRunAsync(dir.FullName), LiftRunAsync(dir.FullName));

        foreach (var (code, output, error) in runs)
        {
            Assert.True(code == 0, $"exit {code}: {error}\n{output}");
            Assert.DoesNotContain("   at ", error, StringComparison.Ordinal);
        }
        var summaries = runs.Select(r => JsonDocument.Parse(r.Output)).ToArray();
        int merged = summaries.Sum(s => s.RootElement.GetProperty("exports").EnumerateArray().Count(e => e.GetProperty("disposition").GetString() == "accepted"));
        Assert.Equal(Exports, merged);
        Assert.All(summaries, s => Assert.Empty(s.RootElement.GetProperty("problems").EnumerateArray()));
        Assert.All(summaries, s => Assert.Contains(s.RootElement.GetProperty("run").GetString(), new[] { "started", "skipped" }));
        var manifest = await new CampaignDataset(new FolderStore(dir.FullName), CampaignId.Parse("geo")).ReadManifestAsync();
        Assert.Equal(Exports, manifest!.Exports.Select(e => e.Export).Distinct().Count());
        Assert.Equal(Exports, manifest.Exports.Count);
    }

    [Fact]
    public async Task A_run_that_waits_in_vain_for_the_lease_is_skipped_with_exit_code_0_and_no_problem()
    {
        using var dir = TestData.TempDirectory();
        LocalStoreKit.WriteCampaign(dir.FullName);
        LocalStoreKit.DropPanel(dir.FullName);
        await using var held = await new FolderStore(dir.FullName).TryAcquireLeaseAsync(StoreLayout.NightlyLease, TimeSpan.FromMinutes(5));
        var host = new CliHost { Clock = new ManualClock(new DateTimeOffset(2021, 6, 1, 9, 0, 0, TimeSpan.Zero)) };

        var (code, output, error) = await CliRunner.RunAsync(host, CancellationToken.None, "run", "--store", dir.FullName, "--lease-wait", "1s");

        Assert.NotNull(held);
        Assert.True(code == 0, output + error);
        Assert.Contains("Run run-20210601-090000 skipped: another run is measuring", output, StringComparison.Ordinal);
        Assert.Contains("1 new export: 1 accepted, 0 quarantined", output, StringComparison.Ordinal);
        Assert.DoesNotContain("problem", output, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(dir.FullName, "runs", "run-20210601-090000.json")));
    }

    [Fact]
    public async Task A_run_holds_the_lease_while_it_measures_and_delivers_so_a_concurrent_run_is_skipped_instead_of_measuring_again()
    {
        using var scenario = new FaultScenario();
        await using var hanging = new WebhookReceiver().Answer(200, delay: TimeSpan.FromMinutes(5)).Start();
        scenario.Campaign("geo", ("hanging", hanging.Url)).Panel("geo");
        using var kit = new AlertTestKit(o => o.AttemptTimeout = TimeSpan.FromMinutes(10));
        var slowDelivery = new AlertDeliveryOptions { TimeBudget = TimeSpan.FromSeconds(20) };

        var first = new LocalPipeline(new FolderStore(scenario.Root, kit.Clock), kit.Sink, kit.Clock, slowDelivery).RunOnceAsync(RunId.Parse("run-a"));
        using (var wait = new CancellationTokenSource(TimeSpan.FromMinutes(2)))
        {
            // The first run is delivering (its last step) once the listener has the request.
            while (hanging.Received.Count == 0 && !first.IsCompleted)
            {
                await Task.Delay(50, wait.Token);
            }
        }
        var second = await new LocalPipeline(new FolderStore(scenario.Root, kit.Clock), kit.Sink, kit.Clock) { LeaseWait = TimeSpan.Zero }.RunOnceAsync(RunId.Parse("run-b"));
        var done = await first;

        Assert.Equal(RunStart.LeaseHeld, second.Start);
        Assert.Empty(second.Measurements);
        Assert.Equal(RunStart.Started, done.Start);
        Assert.Equal(CampaignRunStatus.Measured, Assert.Single(done.Measurements).Status);
        Assert.False(File.Exists(Path.Combine(scenario.Root, "runs", "run-b.json")));
    }

    /// <summary>Runs the built <c>lift</c> as its own process: <c>lift run --store DIR --json</c>.</summary>
    private static Task<(int ExitCode, string Output, string Error)> LiftRunAsync(string store) =>
        LiftProcess.RunAsync(["run", "--store", store, "--json"], timeout: TimeSpan.FromMinutes(3));
}
