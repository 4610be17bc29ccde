using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using LiftPipeline.Pipeline.Alerts;
using LiftPipeline.Pipeline.Hosting;
using LiftPipeline.Pipeline.Storage;

namespace LiftPipeline.Bench;

/// <summary>
/// <c>pipeline</c>: <c>lift run</c>'s pass (<see cref="LocalPipeline.RunOnceAsync"/>) over a folder store of N campaigns,
/// each with the two GeoLift sample exports (samples/exports/geolift-test 2021-q1 and 2021-q2), DiD without variance
/// (so the measurement is small and the pass is dominated by the pipeline) and one subscriber on a sink that
/// acknowledges at once. Per N: the first pass, a no-op pass (the same run id: everything already measured), then the
/// same no-op pass after 50,000 old delivered records were added under alerts/deliveries/ — the ratio shows whether
/// a pass costs time in proportion to history.
/// </summary>
internal static class PipelineBenchmark
{
    private const string Command = "dotnet run -c Release --project bench/LiftPipeline.Bench -- pipeline";

    private sealed class AcknowledgingSink : IAlertSink
    {
        private int _sent;

        public int Sent => _sent;

        public Task<DeliveryOutcome> DeliverAsync(Alert alert, AlertSubscriber subscriber, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _sent);
            return Task.FromResult(new DeliveryOutcome(DeliveryStatus.Delivered, 1, 200, null));
        }
    }

    public static async Task<int> RunAsync(string[] args)
    {
        bool write = !args.Contains("--no-results");
        int records = Option(args, "--records", 50_000);
        var sizes = args.Contains("--campaigns") ? [Option(args, "--campaigns", 100)] : new[] { 100, 1000 };
#if DEBUG
        Console.Error.WriteLine("pipeline: built in Debug; run with -c Release for meaningful figures.");
#endif
        string samples = Path.Combine(ResultsFile.RepositoryRoot(), "samples", "exports", "geolift-test");
        var q1 = await File.ReadAllBytesAsync(Path.Combine(samples, "2021-q1.parquet"));
        var q2 = await File.ReadAllBytesAsync(Path.Combine(samples, "2021-q2.parquet"));
        var rows = new List<string>();
        foreach (int campaigns in sizes)
        {
            string root = Directory.CreateTempSubdirectory("lift-bench-pipeline-").FullName;
            try
            {
                Seed(root, campaigns, q1, q2);
                var sink = new AcknowledgingSink();
                var run = RunId.Parse("bench-1");
                var (first, firstAllocated) = await TimeAsync(() => new LocalPipeline(new FolderStore(root), sink, TimeProvider.System).RunOnceAsync(run));
                int sentFirst = sink.Sent;
                var (noop, noopAllocated) = await TimeAsync(() => new LocalPipeline(new FolderStore(root), sink, TimeProvider.System).RunOnceAsync(run));
                SeedHistory(root, records);
                // A store sweeps itself for leftover temp files once a day (recorded in ~swept): forget the day's sweep to time
                // the pass that makes it, then the next pass is what every other run of the day costs.
                File.Delete(Path.Combine(root, "~swept"));
                var (swept, sweptAllocated) = await TimeAsync(() => new LocalPipeline(new FolderStore(root), sink, TimeProvider.System).RunOnceAsync(run));
                var (history, historyAllocated) = await TimeAsync(() => new LocalPipeline(new FolderStore(root), sink, TimeProvider.System).RunOnceAsync(run));
                long peakKb = PeakMemory.ReadStatusKb("VmHWM");
                string row = Inv($"| {campaigns:N0} | {first:F2} s ({Mib(firstAllocated)}) | {sentFirst:N0} | {noop:F2} s ({Mib(noopAllocated)}) | {swept:F2} s ({Mib(sweptAllocated)}) | {history:F2} s ({Mib(historyAllocated)}) | {history / noop:F2}× | {sink.Sent - sentFirst} | {peakKb / 1024:N0} MiB |");
                Console.WriteLine(row);
                rows.Add(row);
            }
            finally
            {
                Directory.Delete(root, recursive: true);
            }
        }
        if (write)
        {
            var s = new StringBuilder();
            s.AppendLine("## `pipeline`: `lift run` over N campaigns, a no-op pass, and the same pass with 50,000 old delivery records");
            s.AppendLine();
            s.AppendLine(Inv($"Recorded {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC with `{Command}` on {Environment.ProcessorCount} cores ({RuntimeInformation.OSDescription}, .NET {Environment.Version}); folder store on a temp folder; each campaign has the two GeoLift sample exports, DiD without variance and one subscriber on a sink that acknowledges at once. Wall time of one pass each (GC allocated in brackets); the no-op pass reuses the run id, so every campaign is already measured. With the old records added, the first pass is made to do the store's daily sweep for leftover temp files (a walk of the whole store, recorded in `~swept`; the record is deleted first); the next pass is what every other run of the day costs, and the ratio compares it with the no-op pass without history. Peak RSS (VmHWM) is the process's so far, sizes in increasing order."));
            s.AppendLine();
            s.AppendLine(Inv($"| campaigns | first pass | alerts sent | no-op pass | + {records:N0} old records: pass with the daily sweep | next no-op pass | ratio | sent again | peak RSS |"));
            s.AppendLine("|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
            rows.ForEach(r => s.AppendLine(r));
            ResultsFile.WriteSection("pipeline", Command, s.ToString());
        }
        return 0;
    }

    private static void Seed(string root, int campaigns, byte[] q1, byte[] q2)
    {
        for (int i = 0; i < campaigns; i++)
        {
            string id = Inv($"geo-{i:D4}");
            var config = Path.Combine(root, "campaigns", id);
            Directory.CreateDirectory(config);
            File.WriteAllText(Path.Combine(config, "campaign.json"), $$"""
                { "id": "{{id}}", "name": "Geo {{id}}", "design": "panel", "metrics": ["conversions"], "estimators": ["did"], "variance": "none",
                  "guardrails": { "lateAfterDays": 36500 }, "subscribers": [{ "name": "ops", "url": "https://hooks.example.com/lift", "secretName": null }] }
                """);
            var exports = Path.Combine(root, "exports", id);
            Directory.CreateDirectory(exports);
            File.WriteAllBytes(Path.Combine(exports, "2021-q1.parquet"), q1);
            File.WriteAllBytes(Path.Combine(exports, "2021-q2.parquet"), q2);
        }
    }

    /// <summary>Old delivered records, as a store that has been running for years holds them.</summary>
    private static void SeedHistory(string root, int records)
    {
        for (int i = 0; i < records; i++)
        {
            string id = i.ToString("x32", CultureInfo.InvariantCulture);
            var folder = Path.Combine(root, "alerts", "deliveries", id);
            Directory.CreateDirectory(folder);
            File.WriteAllText(Path.Combine(folder, "ops.json"), $$"""
                {"schema":1,"alertId":"{{id}}","alertPath":"alerts/2025/01/01/{{id}}.json","subscriber":{"name":"ops","url":"https://hooks.example.com/lift","secretName":null},"status":"delivered","attempts":1,"lastStatusCode":200,"lastError":null,"claimedUntil":null,"deliveredAt":"2025-01-01T00:00:00Z","updatedAt":"2025-01-01T00:00:00Z"}
                """);
        }
    }

    private static async Task<(double Seconds, long Allocated)> TimeAsync(Func<Task> pass)
    {
        long before = GC.GetTotalAllocatedBytes(precise: true);
        var watch = Stopwatch.StartNew();
        await pass();
        watch.Stop();
        return (watch.Elapsed.TotalSeconds, GC.GetTotalAllocatedBytes(precise: true) - before);
    }

    private static int Option(string[] args, string name, int fallback)
    {
        int at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length ? int.Parse(args[at + 1], CultureInfo.InvariantCulture) : fallback;
    }

    private static string Mib(long bytes) => Inv($"{bytes / (1024.0 * 1024.0):N0} MiB");

    private static string Inv(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
