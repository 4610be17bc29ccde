using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Text;
using LiftPipeline.Ingestion.Experiments;
using LiftPipeline.Pipeline.Datasets;
using LiftPipeline.Pipeline.Runs;
using LiftPipeline.Statistics.Experiments;

namespace LiftPipeline.Bench;

/// <summary>
/// <c>fanout</c>: a simulated large holdout plan — <c>--shards</c> shards of the <c>ingest</c> export's rows (10M by
/// default; disk is limited, so every shard is the same cached file under its own name) — reduced by <c>--workers</c>
/// worker processes (children of the bench, as function instances would be: each takes every N-th shard, computes its
/// statistics on one thread, writes them in the stored form of <see cref="ShardStatisticsFile"/>, and reports its CPU
/// time and peak RSS), then merged the way a measurement merges them. Checks that the merged counts are exactly the sum of
/// the shards', and compares the merge with reading the rows again.
/// </summary>
internal static class FanoutBenchmark
{
    public const string WorkerMode = "--fanout-worker";
    private const string Section = "fanout";
    private const long DefaultRowsPerShard = 10_000_000;
    private const int DefaultShards = 100;

    private sealed record WorkerFigures(int Worker, int Shards, long Rows, double CpuSeconds, double WallSeconds, long PeakHwmKb);

    public static async Task<int> RunAsync(string[] args)
    {
        int shards = DefaultShards;
        int workers = Environment.ProcessorCount;
        long rowsPerShard = DefaultRowsPerShard;
        bool? writeResults = null;
        for (int i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--shards": shards = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--workers": workers = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--rows": rowsPerShard = long.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--results": writeResults = true; break;
                case "--no-results": writeResults = false; break;
                default: Console.Error.WriteLine($"fanout: unknown option {args[i]}"); return 2;
            }
        }
        string data = Path.Combine(ResultsFile.RepositoryRoot(), "bench", ".data");
        string path = await ExportGenerator.EnsureAsync(data, rowsPerShard, dictionaryStrings: true);
        string output = Path.Combine(data, "fanout-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(output);
        try
        {
            return await RunPlanAsync(path, output, shards, workers, rowsPerShard, writeResults ?? (shards == DefaultShards && rowsPerShard == DefaultRowsPerShard));
        }
        finally
        {
            Directory.Delete(output, recursive: true);
        }
    }

    private static async Task<int> RunPlanAsync(string path, string output, int shards, int workers, long rowsPerShard, bool writeResults)
    {
        Console.WriteLine(Inv($"Plan: {shards} shards × {rowsPerShard:N0} rows = {(long)shards * rowsPerShard:N0} rows, {workers} worker processes"));
        var wall = Stopwatch.StartNew();
        var children = Enumerable.Range(0, workers).Select(w => Task.Run(() => RunWorker(path, output, shards, workers, w))).ToArray();
        var figures = await Task.WhenAll(children);
        double fanOutWall = wall.Elapsed.TotalSeconds;
        foreach (var f in figures)
        {
            Console.WriteLine(Inv($"  worker {f.Worker}: {f.Shards} shards, {f.Rows:N0} rows, cpu {f.CpuSeconds:F1} s, wall {f.WallSeconds:F1} s, {f.Rows / f.CpuSeconds / 1e6:F2} M rows per CPU-s, peak RSS {f.PeakHwmKb / 1024.0:F0} MiB"));
        }

        // The measurement's side: read every stored partial and combine them.
        var process = Process.GetCurrentProcess();
        var cpu = process.TotalProcessorTime;
        var merging = Stopwatch.StartNew();
        var parts = new List<ExperimentStatistics>(shards);
        long storedBytes = 0;
        for (int s = 0; s < shards; s++)
        {
            var bytes = await File.ReadAllBytesAsync(PartialPath(output, s));
            storedBytes += bytes.Length;
            parts.Add(ShardStatisticsFile.Read(bytes, EngineVersion.Current, $"shard {s}"));
        }
        var merged = ExperimentStatistics.Combine(parts);
        double mergeWall = merging.Elapsed.TotalSeconds;
        process.Refresh();
        double mergeCpu = (process.TotalProcessorTime - cpu).TotalSeconds;
        int mergedBytes = ShardStatisticsFile.Write(merged, EngineVersion.Current).Length;

        // Exact counts: every shard is the same file, so each cell of the merge counts shards × that cell of one shard.
        var one = parts[0];
        var problems = new List<string>();
        if (merged.N != (long)shards * rowsPerShard)
        {
            problems.Add(Inv($"merged N {merged.N:N0} ≠ {shards} × {rowsPerShard:N0}"));
        }
        foreach (var cell in one.Cells)
        {
            var (a, b) = (one.Cell(cell), merged.Cell(cell));
            if (b.N != shards * a.N || b.Exposed != shards * a.Exposed)
            {
                problems.Add($"cell {cell}: n {b.N} / exposed {b.Exposed}, expected {shards} × {a.N} / {a.Exposed}");
            }
        }
        foreach (var arm in one.Arms)
        {
            if (merged.Sketch(arm, "revenue").Count != shards * one.Sketch(arm, "revenue").Count)
            {
                problems.Add($"the revenue sketch of arm {arm} does not count {shards} × its shard's values");
            }
        }
        double workerCpu = figures.Sum(f => f.CpuSeconds);
        long rows = figures.Sum(f => f.Rows);
        Console.WriteLine(Inv($"Fan-out: wall {fanOutWall:F1} s, CPU {workerCpu:F1} s over {workers} workers; {rows / workerCpu / 1e6:F2} M rows per CPU-s"));
        Console.WriteLine(Inv($"Merge of {shards} stored partials ({storedBytes / 1024.0:F0} KiB): wall {mergeWall * 1e3:F0} ms, CPU {mergeCpu * 1e3:F0} ms; merged state {mergedBytes / 1024.0:F1} KiB"));
        Console.WriteLine(Inv($"Re-reading the rows costs {workerCpu / mergeCpu:F0}× the merge's CPU"));
        Console.WriteLine(problems.Count == 0 ? Inv($"Check: merged counts = sum of the shards' ({merged.Cells.Count} cells, {merged.N:N0} customers)") : "FAIL:\n  " + string.Join("\n  ", problems));
        if (writeResults && problems.Count == 0)
        {
            Write(path, shards, workers, rowsPerShard, figures, fanOutWall, workerCpu, mergeWall, mergeCpu, storedBytes, mergedBytes, merged);
        }
        return problems.Count == 0 ? 0 : 1;
    }

    private static string PartialPath(string output, int shard) => Path.Combine(output, Inv($"shard-{shard:D4}.bin"));

    /// <summary>The parent side: runs worker <paramref name="worker"/> of <paramref name="workers"/> as a child process and parses its figures.</summary>
    private static WorkerFigures RunWorker(string path, string output, int shards, int workers, int worker)
    {
        var start = PeakMemory.Self(WorkerMode, path, output, Inv($"{shards}"), Inv($"{workers}"), Inv($"{worker}"));
        // Workers run with the GC setting the Functions worker's runtimeconfig carries.
        start.Environment["DOTNET_GCConserveMemory"] = ExperimentStatsBenchmark.ConserveMemory;
        using var process = Process.Start(start) ?? throw new InvalidOperationException("A fan-out worker did not start.");
        var stderr = process.StandardError.ReadToEndAsync();
        string stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        string line = stdout.Split('\n').FirstOrDefault(l => l.StartsWith("WORKER ", StringComparison.Ordinal))
            ?? throw new InvalidOperationException($"Fan-out worker {worker} (exit {process.ExitCode}) printed no figures.\n{stdout}\n{stderr.Result}");
        var f = line[7..].Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(p => p.Split('=', 2)).ToDictionary(p => p[0], p => p[1], StringComparer.Ordinal);
        return new WorkerFigures(worker, int.Parse(f["shards"], CultureInfo.InvariantCulture), long.Parse(f["rows"], CultureInfo.InvariantCulture),
            double.Parse(f["cpu_s"], CultureInfo.InvariantCulture), double.Parse(f["wall_s"], CultureInfo.InvariantCulture), long.Parse(f["hwm_kb"], CultureInfo.InvariantCulture));
    }

    /// <summary>The child side: the shards s ≡ worker (mod workers), each reduced on one thread and stored; one line of figures on stdout.</summary>
    public static async Task<int> WorkerAsync(string[] args)
    {
        string path = args[1];
        string output = args[2];
        int shards = int.Parse(args[3], CultureInfo.InvariantCulture);
        int workers = int.Parse(args[4], CultureInfo.InvariantCulture);
        int worker = int.Parse(args[5], CultureInfo.InvariantCulture);
        var wall = Stopwatch.StartNew();
        var process = Process.GetCurrentProcess();
        long rows = 0;
        int done = 0;
        for (int s = worker; s < shards; s += workers)
        {
            var statistics = await ExperimentStatisticsBuilder.ComputeAsync(path, null, new ExperimentStatisticsOptions { MaxDegreeOfParallelism = 1 });
            await File.WriteAllBytesAsync(PartialPath(output, s), ShardStatisticsFile.Write(statistics, EngineVersion.Current));
            rows += statistics.N;
            done++;
        }
        process.Refresh();
        Console.WriteLine(Inv($"WORKER shards={done} rows={rows} cpu_s={process.TotalProcessorTime.TotalSeconds:F3} wall_s={wall.Elapsed.TotalSeconds:F3} hwm_kb={PeakMemory.ReadStatusKb("VmHWM")}"));
        return 0;
    }

    private static void Write(string path, int shards, int workers, long rowsPerShard, WorkerFigures[] figures, double fanOutWall, double workerCpu, double mergeWall,
        double mergeCpu, long storedBytes, int mergedBytes, ExperimentStatistics merged)
    {
        var s = new StringBuilder();
        long total = (long)shards * rowsPerShard;
        s.AppendLine(Inv($"## `fanout`: a simulated {(total >= 1_000_000_000 ? $"{total / 1e9:0.#}-billion" : $"{total / 1e6:N0}-million")}-row holdout, reduced by parallel workers and merged"));
        s.AppendLine();
        s.AppendLine(Inv($"Recorded {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC on {Environment.ProcessorCount} cores (shared with other jobs: wall times are noisy, CPU times less so) with:"));
        s.AppendLine();
        s.AppendLine("```");
        s.AppendLine("dotnet run -c Release --project bench/LiftPipeline.Bench -- fanout");
        s.AppendLine("```");
        s.AppendLine();
        s.AppendLine(Inv($"{shards} shards × {rowsPerShard:N0} rows = **{total:N0} rows**. Disk is limited, so every shard is the same generated export "));
        s.AppendLine(Inv($"(`{Path.GetFileName(path)}`, the `ingest` export: 10 row groups, arm × segment × surface = {merged.Cells.Count} cells, 2 outcomes, 1 covariate) under its own name."));
        s.AppendLine(Inv($"{workers} worker processes (children of the bench, one thread each, with `System.GC.ConserveMemory={ExperimentStatsBenchmark.ConserveMemory}` as the Functions worker runs, as function instances would be) take one shard in {workers} each, compute its"));
        s.AppendLine("statistics from the rows and write them in the stored form (`ShardStatisticsFile`); then the partials are read back and merged as a measurement merges them.");
        s.AppendLine();
        s.AppendLine("| worker | shards | rows | CPU s | wall s | M rows per CPU-s | peak RSS (VmHWM) |");
        s.AppendLine("|---|---|---|---|---|---|---|");
        foreach (var f in figures)
        {
            s.AppendLine(Inv($"| {f.Worker} | {f.Shards} | {f.Rows:N0} | {f.CpuSeconds:F1} | {f.WallSeconds:F1} | {f.Rows / f.CpuSeconds / 1e6:F2} | {f.PeakHwmKb / 1024.0:F0} MiB |"));
        }
        s.AppendLine();
        long rows = figures.Sum(f => f.Rows);
        s.AppendLine(Inv($"- Fan-out: wall **{fanOutWall:F1} s** (1-minute load average {LoadAverage()} at the end), CPU {workerCpu:F1} s in all; {rows / workerCpu / 1e6:F2} M rows per CPU-second per worker."));
        s.AppendLine(Inv($"- Merge at measure time: {shards} partials, {storedBytes / 1024.0:F0} KiB stored ({storedBytes / shards / 1024.0:F1} KiB each), read and combined in wall {mergeWall * 1e3:F0} ms, CPU {mergeCpu * 1e3:F0} ms; the merged state is {mergedBytes / 1024.0:F1} KiB."));
        s.AppendLine(Inv($"- Re-reading the rows instead costs **{workerCpu / mergeCpu:F0}×** the merge's CPU ({workerCpu:F1} s vs {mergeCpu:F3} s)."));
        if (total < 1_000_000_000)
        {
            double perWorker = 1e9 / workers / (rows / workerCpu);
            s.AppendLine(Inv($"- Extrapolated, not measured: 1,000,000,000 rows at this rate take {1e9 / (rows / workerCpu):F0} CPU-s, i.e. about {perWorker:F0} s per worker with {workers} workers on dedicated cores ({perWorker * workers / 100:F0} s with 100 function instances); the merge grows with the number of partials, not rows."));
        }
        s.AppendLine(Inv($"- Check: the merged counts equal the sum of the shards' — {merged.N:N0} customers, every cell's n and exposed count and every arm's sketch count exactly {shards} × one shard's."));
        ResultsFile.WriteSection(Section, "dotnet run -c Release --project bench/LiftPipeline.Bench -- fanout", s.ToString());
    }

    private static string LoadAverage() => File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "unknown";

    private static string Inv(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
