using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Text;

namespace LiftPipeline.Bench;

/// <summary>
/// <c>ingest</c>: our streaming ingestion + per-arm sums against DuckDB's <c>GROUP BY arm</c> on the same file,
/// DuckDB at 1 thread and at all threads, one warm-up then the median of several runs for every contender;
/// the answers are checked against each other, and peak memory is measured at two file sizes.
/// </summary>
internal static class IngestBenchmark
{
    public const long DefaultRows = 10_000_000;
    public const int DefaultRuns = 5;
    private const double TargetRatio = 2.0;

    /// <summary>GC heap hard limit for the second pair of peak-memory runs: the 2.5M-row file fits in it; does the 4× larger one?</summary>
    private const long HeapLimitMiB = 320;

    private sealed record Contender(string Name, Func<Task<IReadOnlyList<ArmTotal>>> Run);

    private sealed record Timing(string Name, double Median, double Min, double Max, double[] Runs);

    public static async Task<int> RunAsync(string[] args)
    {
        long rows = DefaultRows;
        int runs = DefaultRuns;
        long? smallRows = null;
        bool? writeResults = null;
        bool dictionaryStrings = true;
        for (int i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--rows": rows = long.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--runs": runs = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--small-rows": smallRows = long.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--results": writeResults = true; break;
                case "--no-results": writeResults = false; break;
                case "--plain-strings": dictionaryStrings = false; break;
                default:
                    Console.Error.WriteLine($"ingest: unknown option '{args[i]}'");
                    return 2;
            }
        }
        if (rows <= 0 || runs <= 0)
        {
            Console.Error.WriteLine("ingest: --rows and --runs must be positive");
            return 2;
        }
        long small = smallRows ?? Math.Max(1, rows / 4);
        bool write = writeResults ?? (rows == DefaultRows && runs == DefaultRuns);
        var commandLine = "dotnet run -c Release --project bench/LiftPipeline.Bench -- ingest" + (args.Length > 0 ? " " + string.Join(' ', args) : "");

#if DEBUG
        Console.Error.WriteLine("ingest: built in Debug; run with -c Release for meaningful figures.");
#endif
        string root = RepositoryRoot();
        string dataDirectory = Path.Combine(root, "bench", ".data");
        string path = await ExportGenerator.EnsureAsync(dataDirectory, rows, dictionaryStrings);
        int cores = Environment.ProcessorCount;
        var machine = Machine();
        foreach (var (key, value) in machine)
        {
            Console.WriteLine($"{key}: {value}");
        }
        Console.WriteLine($"Query: {DuckDbReference.Query(path)}");

        using var duckOne = new DuckDbReference(path, 1);
        using var duckAll = new DuckDbReference(path, cores);
        var contenders = new List<Contender>
        {
            new("ours, 1 worker", () => OurIngestion.RunAsync(path, 1)),
            new($"ours, {cores} workers", () => OurIngestion.RunAsync(path, cores)),
            new("DuckDB, 1 thread", () => Task.FromResult(duckOne.Run())),
            new($"DuckDB, {cores} threads", () => Task.FromResult(duckAll.Run())),
        };

        // Warm-up: one run of each, whose answers must agree with DuckDB single-thread's.
        Console.WriteLine($"\nWarm-up and check ({rows:N0} rows)...");
        var answers = new IReadOnlyList<ArmTotal>[contenders.Count];
        for (int c = 0; c < contenders.Count; c++)
        {
            answers[c] = await contenders[c].Run();
        }
        var reference = answers[2];
        ArmTotals.Print(reference);
        var problems = new List<string>();
        for (int c = 0; c < contenders.Count; c++)
        {
            if (c != 2)
            {
                problems.AddRange(ArmTotals.Compare(contenders[c].Name, answers[c], contenders[2].Name, reference));
            }
        }
        if (Fail(problems))
        {
            return 1;
        }
        Console.WriteLine($"  all contenders agree (counts exact, sums within {ArmTotals.RelativeTolerance:E0} relative)");

        // Timed runs, interleaved round by round so drift hits every contender alike.
        var seconds = contenders.Select(_ => new double[runs]).ToArray();
        for (int r = 0; r < runs; r++)
        {
            for (int c = 0; c < contenders.Count; c++)
            {
                GC.Collect();
                GC.WaitForPendingFinalizers();
                long start = Stopwatch.GetTimestamp();
                var result = await contenders[c].Run();
                seconds[c][r] = Stopwatch.GetElapsedTime(start).TotalSeconds;
                problems.AddRange(ArmTotals.Compare(contenders[c].Name, result, contenders[2].Name, reference));
            }
            Console.WriteLine($"  run {r + 1}/{runs}: " + string.Join(", ", contenders.Select((c, i) => $"{c.Name} {seconds[i][r]:F3} s")));
        }
        if (Fail(problems))
        {
            return 1;
        }
        var timings = contenders.Select((c, i) => Summarize(c.Name, seconds[i])).ToArray();
        double duckSingle = timings[2].Median;
        Console.WriteLine();
        string table = Table(timings, duckSingle, rows);
        Console.Write(table);

        // Where our time goes (one worker).
        Console.WriteLine("\nBreakdown of ours, 1 worker...");
        var raw = await IngestBreakdown.RawReadAsync(path);
        var (_, split) = await OurIngestion.RunTimedAsync(path);
        var steps = await IngestBreakdown.RunAsync(path);
        string breakdown = Breakdown(path, rows, raw, split, steps);
        Console.Write(breakdown);

        // Peak memory in fresh processes, at two sizes.
        Console.WriteLine("\nPeak memory (fresh child process per size)...");
        string smallPath = await ExportGenerator.EnsureAsync(dataDirectory, small, dictionaryStrings);
        var peaks = new List<PeakMemory.Figures>();
        foreach (var (file, expected, limit) in new (string, long, long?)[] { (smallPath, small, null), (path, rows, null), (smallPath, small, HeapLimitMiB), (path, rows, HeapLimitMiB) })
        {
            PeakMemory.Figures figures;
            try
            {
                figures = PeakMemory.Measure(file, cores, limit);
            }
            catch (InvalidOperationException e) when (limit is not null)
            {
                Console.WriteLine($"  {expected:N0} rows under a {limit} MiB GC heap limit failed: {e.Message.Split('\n')[0]}");
                continue;
            }
            if (figures.Rows != expected)
            {
                Console.Error.WriteLine($"FAIL: the peak-memory child read {figures.Rows} rows from {file}, expected {expected}");
                return 1;
            }
            peaks.Add(figures);
        }
        string memory = Memory(peaks);
        Console.Write(memory);

        string verdict = Verdict(timings, peaks);
        Console.WriteLine();
        Console.Write(verdict);

        if (write)
        {
            string results = Path.Combine(root, "bench", "RESULTS.md");
            WriteSection(results, commandLine, machine, path, rows, runs, dictionaryStrings, table, breakdown, memory, verdict);
            Console.WriteLine($"\nWrote {results}");
        }
        else
        {
            Console.WriteLine("\n(bench/RESULTS.md not written: pass --results to record a non-default run)");
        }
        return 0;
    }

    private static bool Fail(List<string> problems)
    {
        if (problems.Count == 0)
        {
            return false;
        }
        Console.Error.WriteLine("FAIL: the contenders disagree:");
        foreach (var p in problems.Distinct())
        {
            Console.Error.WriteLine("  " + p);
        }
        return true;
    }

    private static Timing Summarize(string name, double[] runs)
    {
        var sorted = runs.Order().ToArray();
        double median = sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
        return new Timing(name, median, sorted[0], sorted[^1], runs);
    }

    private static string Table(Timing[] timings, double duckSingle, long rows)
    {
        var s = new StringBuilder();
        s.AppendLine("| contender | median s | min–max s | ratio to DuckDB 1 thread | rows/s |");
        s.AppendLine("|---|---:|---:|---:|---:|");
        foreach (var t in timings)
        {
            s.AppendLine(Inv($"| {t.Name} | {t.Median:F3} | {t.Min:F3}–{t.Max:F3} | {t.Median / duckSingle:F2}× | {rows / t.Median / 1e6:F1} M |"));
        }
        return s.ToString();
    }

    private static string Breakdown(string path, long rows, TimeSpan raw, OurIngestion.Split split, IReadOnlyList<IngestBreakdown.Step> steps)
    {
        double total = (split.Open + split.Read + split.Aggregate).TotalSeconds;
        var s = new StringBuilder();
        s.AppendLine(Inv($"Ours, 1 worker, one instrumented run: {total:F3} s in all."));
        s.AppendLine();
        s.AppendLine("| part | seconds | share |");
        s.AppendLine("|---|---:|---:|");
        s.AppendLine(Inv($"| open file + reader | {split.Open.TotalSeconds:F3} | {split.Open.TotalSeconds / total:P0} |"));
        s.AppendLine(Inv($"| `ReadRowGroupAsync` (Core + Parquet.Net) | {split.Read.TotalSeconds:F3} | {split.Read.TotalSeconds / total:P0} |"));
        s.AppendLine(Inv($"| per-arm aggregation loop (bench) | {split.Aggregate.TotalSeconds:F3} | {split.Aggregate.TotalSeconds / total:P0} |"));
        s.AppendLine();
        s.AppendLine(Inv($"Reading the whole file ({new FileInfo(path).Length / 1e6:F0} MB) with a plain FileStream, page cache warm: {raw.TotalSeconds:F3} s."));
        s.AppendLine();
        double stepsTotal = steps.Sum(x => x.Elapsed.TotalSeconds);
        s.AppendLine(Inv($"Inside `ReadRowGroupAsync`, replayed column by column with Core's internal pieces ({stepsTotal:F3} s in all; bytes of a chunk read include the reused chunk buffer's one-off growth, the rest is per-row-group garbage):"));
        s.AppendLine();
        s.AppendLine("| column | step | seconds | share | managed bytes allocated | per row |");
        s.AppendLine("|---|---|---:|---:|---:|---:|");
        foreach (var step in steps.OrderByDescending(x => x.Elapsed))
        {
            s.AppendLine(Inv($"| {step.Column} | {step.What} | {step.Elapsed.TotalSeconds:F3} | {step.Elapsed.TotalSeconds / stepsTotal:P0} | {step.AllocatedBytes / 1048576.0:F1} MiB | {step.AllocatedBytes / (double)rows:F1} B |"));
        }
        double parquet = steps.Where(x => x.What.StartsWith("Parquet.Net", StringComparison.Ordinal)).Sum(x => x.Elapsed.TotalSeconds);
        double strings = steps.Where(x => x.Column is "arm" or "segment" or "surface").Sum(x => x.Elapsed.TotalSeconds);
        double unused = steps.Where(x => x.Column is "segment" or "surface" or "exposed").Sum(x => x.Elapsed.TotalSeconds);
        s.AppendLine();
        s.AppendLine(Inv($"Parquet.Net chunk reads: {parquet:F3} s ({parquet / stepsTotal:P0}); the three string columns: {strings:F3} s ({strings / stepsTotal:P0}); "));
        s.AppendLine(Inv($"columns the reader always decodes but per-arm sums do not need (segment, surface, exposed): {unused:F3} s ({unused / stepsTotal:P0})."));
        return s.ToString();
    }

    private static string Memory(List<PeakMemory.Figures> peaks)
    {
        var s = new StringBuilder();
        s.AppendLine("| GC heap limit | rows | workers | peak RSS (VmHWM) | RSS before ingestion | GC allocated in total | GCs gen0/1/2 | GC pauses | seconds |");
        s.AppendLine("|---|---:|---:|---:|---:|---:|---|---:|---:|");
        foreach (var p in peaks)
        {
            s.AppendLine(Inv($"| {(p.HeapLimitMiB is { } l ? $"{l} MiB" : "none (default)")} | {p.Rows:N0} | {p.Workers} | {p.PeakHwmKb / 1024.0:F0} MiB | {p.BaselineHwmKb / 1024.0:F0} MiB | {p.AllocatedBytes / 1048576.0:F0} MiB | {p.Gen0}/{p.Gen1}/{p.Gen2} | {p.PauseSeconds:F2} s | {p.Seconds:F2} |"));
        }
        var (a, b) = (peaks[0], peaks[1]);
        s.AppendLine();
        s.AppendLine(Inv($"Default GC: {b.Rows / (double)a.Rows:F1}× the rows gave peak RSS ×{b.PeakHwmKb / (double)a.PeakHwmKb:F2} and total GC allocation ×{b.AllocatedBytes / (double)a.AllocatedBytes:F2}."));
        if (Limited(peaks) is var (c, d))
        {
            s.AppendLine(Inv($"Under a {HeapLimitMiB} MiB GC heap limit (`DOTNET_GCHeapHardLimit`) both sizes complete, with peak RSS {c.PeakHwmKb / 1024.0:F0} vs {d.PeakHwmKb / 1024.0:F0} MiB (×{d.PeakHwmKb / (double)c.PeakHwmKb:F2}): "));
            s.AppendLine("what survives a collection is bounded by the row-group size; the default run's growth is garbage the GC has not yet collected (per-row-group allocations, see the breakdown), not data held.");
        }
        return s.ToString();
    }

    private static string Verdict(Timing[] timings, List<PeakMemory.Figures> peaks)
    {
        double duckSingle = timings[2].Median;
        double oneWorker = timings[0].Median / duckSingle;
        double allWorkers = timings[1].Median / duckSingle;
        var (a, b) = (peaks[0], peaks[1]);
        double rowRatio = b.Rows / (double)a.Rows;
        double peakRatio = b.PeakHwmKb / (double)a.PeakHwmKb;
        var limited = Limited(peaks);
        var s = new StringBuilder();
        s.AppendLine(Inv($"- Speed target (ours within {TargetRatio:F0}× of DuckDB's single-thread time, {duckSingle:F3} s):"));
        s.AppendLine(Inv($"  - ours, 1 worker: {timings[0].Median:F3} s = {oneWorker:F2}× — {(oneWorker <= TargetRatio ? "**met**" : "**not met**")}"));
        s.AppendLine(Inv($"  - {timings[1].Name}: {timings[1].Median:F3} s = {allWorkers:F2}× — {(allWorkers <= TargetRatio ? "**met**" : "**not met**")}"));
        s.AppendLine(Inv($"- Memory target (peak independent of rows): {rowRatio:F1}× the rows gave {peakRatio:F2}× the peak RSS ({a.PeakHwmKb / 1024.0:F0} → {b.PeakHwmKb / 1024.0:F0} MiB) with the default GC — {(peakRatio < 1.25 ? "**met**" : "**not met**")}; "));
        s.AppendLine(limited is var (c, d)
            ? Inv($"  under a {HeapLimitMiB} MiB GC heap limit {c.PeakHwmKb / 1024.0:F0} → {d.PeakHwmKb / 1024.0:F0} MiB (×{d.PeakHwmKb / (double)c.PeakHwmKb:F2}) — live memory {(d.PeakHwmKb / (double)c.PeakHwmKb < 1.25 ? "**is**" : "**is not**")} independent of rows.")
            : peaks.Any(p => p.HeapLimitMiB is not null)
                ? Inv($"  the larger file did not complete under a {HeapLimitMiB} MiB GC heap limit that the smaller one fits in — **not met**.")
                : Inv($"  neither size completes under a {HeapLimitMiB} MiB GC heap limit, so this run does not separate live memory from uncollected garbage — **not shown**."));
        return s.ToString();
    }

    private static (PeakMemory.Figures Small, PeakMemory.Figures Large)? Limited(List<PeakMemory.Figures> peaks)
    {
        var limited = peaks.Where(p => p.HeapLimitMiB is not null).ToArray();
        return limited.Length == 2 ? (limited[0], limited[1]) : null;
    }

    internal static List<(string Key, string Value)> Machine()
    {
        string cpu = "?";
        if (File.Exists("/proc/cpuinfo"))
        {
            cpu = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "?";
        }
        string memory = "?";
        if (File.Exists("/proc/meminfo"))
        {
            var line = File.ReadLines("/proc/meminfo").FirstOrDefault(l => l.StartsWith("MemTotal:", StringComparison.Ordinal));
            if (line is not null)
            {
                memory = Inv($"{long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1048576.0:F1} GiB");
            }
        }
        return
        [
            ("Cores (Environment.ProcessorCount, = nproc)", Environment.ProcessorCount.ToString(CultureInfo.InvariantCulture)),
            ("CPU", cpu),
            ("Memory", memory),
            ("OS", RuntimeInformation.OSDescription),
            ("dotnet --version", Run("dotnet", "--version")),
            ("Runtime", RuntimeInformation.FrameworkDescription),
            ("GC", $"workstation, non-concurrent (Server GC: {System.Runtime.GCSettings.IsServerGC})"),
            ("Parquet.Net", typeof(Parquet.ParquetReader).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "?"),
            ("DuckDB", DuckDbReference.Version()),
            ("DuckDB.NET", typeof(DuckDB.NET.Data.DuckDBConnection).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "?"),
        ];
    }

    private static string Run(string file, string arguments)
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo(file, arguments) { RedirectStandardOutput = true, UseShellExecute = false });
            if (process is null)
            {
                return "?";
            }
            string output = process.StandardOutput.ReadToEnd().Trim();
            process.WaitForExit();
            return output;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return "?";
        }
    }

    internal static string RepositoryRoot()
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "LiftPipeline.sln")))
                {
                    return dir.FullName;
                }
            }
        }
        throw new InvalidOperationException("Cannot find the repository root (LiftPipeline.sln) above the current or the bench directory.");
    }

    private static void WriteSection(string results, string commandLine, List<(string Key, string Value)> machine, string path, long rows, int runs,
        bool dictionaryStrings, string table, string breakdown, string memory, string verdict)
    {
        string section = dictionaryStrings ? "ingest" : "ingest-plain-strings";
        string begin = $"<!-- {section}:begin (written by `LiftPipeline.Bench ingest`; edits inside are overwritten) -->";
        string end = $"<!-- {section}:end -->";
        var s = new StringBuilder();
        s.AppendLine(begin);
        s.AppendLine(dictionaryStrings
            ? "## `ingest`: streaming ingestion + per-arm sums vs DuckDB"
            : "## `ingest --plain-strings`: the same, string columns PLAIN-encoded");
        s.AppendLine();
        s.AppendLine(Inv($"Recorded {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC with:"));
        s.AppendLine();
        s.AppendLine("```");
        s.AppendLine(commandLine);
        s.AppendLine("```");
        s.AppendLine();
        s.AppendLine("Machine:");
        s.AppendLine();
        foreach (var (key, value) in machine)
        {
            s.AppendLine($"- {key}: {value}");
        }
        s.AppendLine();
        var info = new FileInfo(path);
        s.AppendLine(Inv($"Data: `bench/.data/{info.Name}`, {rows:N0} rows, {info.Length / 1e6:F0} MB, Snappy, {ExportGenerator.RowGroupSize:N0}-row groups, written by Parquet.Net with a fixed seed; "));
        s.AppendLine(dictionaryStrings
            ? "string columns dictionary-encoded (RLE_DICTIONARY, as Spark and pyarrow write them). "
            : "string columns PLAIN-encoded (Parquet.Net 6.1's default when not given an encoding hint). ");
        s.AppendLine("Columns customer_id int64, arm string (holdout/vbo/vbo_1p, 20/40/40), segment string (6 values), surface string (4 values), exposed bool, conversions int64, revenue double, pre_revenue double.");
        s.AppendLine();
        s.AppendLine("Query (DuckDB, via DuckDB.NET, in-memory connection with `SET threads=N`):");
        s.AppendLine();
        s.AppendLine("```sql");
        s.AppendLine("SELECT arm, count(*), sum(conversions), sum(revenue), sum(pre_revenue) FROM read_parquet('…') GROUP BY arm ORDER BY arm");
        s.AppendLine("```");
        s.AppendLine();
        s.AppendLine("Ours: `ExportFile` + `ExperimentExportReader` per worker, row groups dealt round-robin, per-arm count/Σconversions/Σrevenue/Σpre_revenue by arm code, merged by arm name. " +
            Inv($"One warm-up run per contender, then {runs} timed runs interleaved round by round; median reported. Page cache warm for every contender. ") +
            Inv($"Every run's answer was checked against DuckDB single-thread (counts exact, sums within {ArmTotals.RelativeTolerance:E0} relative)."));
        s.AppendLine();
        s.AppendLine("### Time");
        s.AppendLine();
        s.Append(table);
        s.AppendLine();
        s.AppendLine("### Verdict");
        s.AppendLine();
        s.Append(verdict);
        s.AppendLine();
        s.AppendLine("### Where our time goes");
        s.AppendLine();
        s.Append(breakdown);
        s.AppendLine();
        s.AppendLine("### Peak memory");
        s.AppendLine();
        s.AppendLine("Our ingestion run once, with all workers, in a fresh child process (`LiftPipeline.Bench --measure-peak FILE`), peak RSS = `VmHWM` from `/proc/self/status`; " +
            "GC allocated = `GC.GetTotalAllocatedBytes` over the child's whole life. " +
            Inv($"Each size is run twice: with the default GC, and with the GC heap capped at {HeapLimitMiB} MiB (`DOTNET_GCHeapHardLimit`), which shows what ingestion needs live rather than what the GC leaves uncollected."));
        s.AppendLine();
        s.Append(memory);
        s.AppendLine(end);

        string text = s.ToString();
        string existing = File.Exists(results) ? File.ReadAllText(results) : "# Benchmark results\n\nEach benchmark writes its own section; see `bench/README.md` for how to run them.\n\n";
        string beginPrefix = $"<!-- {section}:begin";
        int from = existing.IndexOf(beginPrefix, StringComparison.Ordinal);
        int to = existing.IndexOf(end, StringComparison.Ordinal);
        string updated = from >= 0 && to > from
            ? existing[..from] + text.TrimEnd('\n') + existing[(to + end.Length)..]
            : existing.TrimEnd('\n') + "\n\n" + text;
        File.WriteAllText(results, updated);
    }

    private static string Inv(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
