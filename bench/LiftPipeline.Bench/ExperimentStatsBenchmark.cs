using System.Diagnostics;
using System.Globalization;
using System.Numerics;
using System.Text;
using DuckDB.NET.Data;
using LiftPipeline.Ingestion.Experiments;
using LiftPipeline.Ingestion.Inspection;
using LiftPipeline.Statistics.Experiments;

namespace LiftPipeline.Bench;

/// <summary>
/// <c>experiment-stats</c>: the full <see cref="ExperimentStatisticsBuilder"/> pass (every cell of arm × segment × surface:
/// n, Σy, Σy² per outcome, Σx, Σx², Σxy for CUPED, Σy₁y₂ for ratios, exposure counts, quantile sketches) against DuckDB
/// computing the same sums with <c>GROUP BY arm, segment, surface</c> at one thread, on the <c>ingest</c> export; answers
/// checked cell by cell; peak memory of ours in a fresh child process at two sizes.
/// </summary>
internal static class ExperimentStatsBenchmark
{
    private const long DefaultRows = 10_000_000;
    private const long DefaultLargeRows = 50_000_000;
    private const int DefaultRuns = 3;
    private const double Tolerance = 1e-9;

    private static readonly ExperimentExportOptions Export = new() { CountOutcomes = new HashSet<string> { "conversions" } };

    private const string Sums = "count(*), sum(conversions::DOUBLE), sum((conversions * conversions)::DOUBLE), sum(revenue), sum(revenue * revenue), " +
        "sum(pre_revenue), sum(pre_revenue * pre_revenue), sum(conversions * pre_revenue), sum(revenue * pre_revenue), sum(conversions * revenue), count_if(exposed)";

    /// <summary>Our pass over <paramref name="path"/> with <paramref name="workers"/> workers, each with its own file handle.</summary>
    public static Task<ExperimentStatistics> OursAsync(string path, int workers) =>
        ExperimentStatisticsBuilder.ComputeAsync(path, Export, new ExperimentStatisticsOptions { MaxDegreeOfParallelism = workers });

    /// <summary>The GC setting <c>lift</c> and the Functions worker run with (their project files set it in the runtimeconfig).</summary>
    public const string ConserveMemory = "7";

    /// <summary>DuckDB's query computing the same sums as ours, per cell.</summary>
    public static string Sql(string path) =>
        $"SELECT arm, segment, surface, {Sums} FROM read_parquet('{path.Replace("'", "''", StringComparison.Ordinal)}') GROUP BY arm, segment, surface";

    /// <summary>DuckDB reading every column of the file (what <c>lift inspect</c> decodes), one aggregate per column.</summary>
    public static string FullScanSql(string path) =>
        "SELECT count(*), min(customer_id), min(arm), min(segment), min(surface), min(exposed::INT), min(conversions), min(revenue), min(pre_revenue) " +
        $"FROM read_parquet('{path.Replace("'", "''", StringComparison.Ordinal)}')";

    public static async Task<int> RunAsync(string[] args)
    {
        var sizes = new List<long> { DefaultRows, DefaultLargeRows };
        int runs = DefaultRuns;
        bool? writeResults = null;
        for (int i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--rows": sizes = [.. args[++i].Split(',').Select(r => long.Parse(r, CultureInfo.InvariantCulture))]; break;
                case "--runs": runs = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--results": writeResults = true; break;
                case "--no-results": writeResults = false; break;
                default:
                    Console.Error.WriteLine($"experiment-stats: unknown option '{args[i]}'");
                    return 2;
            }
        }
        bool write = writeResults ?? (sizes.SequenceEqual([DefaultRows, DefaultLargeRows]) && runs == DefaultRuns);
        string commandLine = "dotnet run -c Release --project bench/LiftPipeline.Bench -- experiment-stats" + (args.Length > 0 ? " " + string.Join(' ', args) : "");
#if DEBUG
        Console.Error.WriteLine("experiment-stats: built in Debug; run with -c Release for meaningful figures.");
#endif
        string root = IngestBenchmark.RepositoryRoot();
        string data = Path.Combine(root, "bench", ".data");
        var paths = new Dictionary<long, string>();
        foreach (long rows in sizes)
        {
            paths[rows] = await ExportGenerator.EnsureAsync(data, rows, dictionaryStrings: true);
        }
        int cores = Environment.ProcessorCount;
        var machine = IngestBenchmark.Machine();

        using var duck = new DuckDBConnection("Data Source=:memory:");
        duck.Open();
        Execute(duck, "SET threads=1");

        var time = new StringBuilder();
        time.AppendLine("| rows | contender | CPU s (median) | CPU s per run | wall s (median) | CPU ratio to DuckDB 1 thread | rows per CPU-second |");
        time.AppendLine("|---:|---|---:|---|---:|---:|---:|");
        var verdicts = new List<string>();
        foreach (long rows in sizes)
        {
            string path = paths[rows];
            string sql = Sql(path);
            Console.WriteLine($"Warm-up and check ({rows:N0} rows)...");
            var reference = DuckDb(duck, sql);
            var problems = Compare(await OursAsync(path, 1), reference);
            problems.AddRange(Compare(await OursAsync(path, cores), reference));
            if (problems.Count > 0)
            {
                Console.Error.WriteLine("FAIL: ours and DuckDB disagree:\n  " + string.Join("\n  ", problems.Take(20)));
                return 1;
            }
            Console.WriteLine(Inv($"  {reference.Count} cells agree (counts exact, sums within {Tolerance:E0} relative)"));
            var contenders = new (string Name, Func<Task> Run)[]
            {
                ("ours, 1 worker", () => OursAsync(path, 1)),
                ($"ours, {cores} workers", () => OursAsync(path, cores)),
                ("DuckDB, 1 thread", () => Task.FromResult(DuckDb(duck, sql))),
            };
            var (cpu, wall) = await TimeAsync(contenders, runs);
            for (int c = 0; c < contenders.Length; c++)
            {
                time.AppendLine(Inv($"| {rows:N0} | {contenders[c].Name} | {Median(cpu[c]):F2} | {string.Join(", ", cpu[c].Select(x => x.ToString("F2", CultureInfo.InvariantCulture)))} | {Median(wall[c]):F2} | {Median(cpu[c]) / Median(cpu[2]):F2}× | {rows / Median(cpu[c]) / 1e6:F1} M |"));
            }
            double ratio = Median(cpu[0]) / Median(cpu[2]);
            verdicts.Add(Inv($"{rows / 1e6:F0}M rows: ours at 1 worker takes {ratio:F2}× DuckDB single-thread's CPU (target ≤ 1.5×: {(ratio <= 1.5 ? "met" : "**missed**")})"));
        }

        // lift inspect: one pass over every column chunk, against DuckDB reading every column.
        long inspectRows = sizes.Max();
        string inspectPath = paths[inspectRows];
        Console.WriteLine($"lift inspect vs a DuckDB full scan ({inspectRows:N0} rows)...");
        var inspection = await ExportInspector.InspectAsync(inspectPath);
        if (!inspection.Valid)
        {
            Console.Error.WriteLine("FAIL: the export does not inspect as valid: " + string.Join("; ", inspection.Errors.Select(e => e.Message)));
            return 1;
        }
        string scan = FullScanSql(inspectPath);
        var inspectContenders = new (string Name, Func<Task> Run)[]
        {
            ("ours: `ExportInspector.InspectAsync` (lift inspect)", () => ExportInspector.InspectAsync(inspectPath)),
            ("DuckDB, 1 thread: full scan", () => Task.FromResult(DuckDb(duck, scan))),
        };
        var (inspectCpu, inspectWall) = await TimeAsync(inspectContenders, Math.Max(1, runs - 1));
        for (int c = 0; c < inspectContenders.Length; c++)
        {
            time.AppendLine(Inv($"| {inspectRows:N0} | {inspectContenders[c].Name} | {Median(inspectCpu[c]):F2} | {string.Join(", ", inspectCpu[c].Select(x => x.ToString("F2", CultureInfo.InvariantCulture)))} | {Median(inspectWall[c]):F2} | {Median(inspectCpu[c]) / Median(inspectCpu[1]):F2}× (to the scan) | {inspectRows / Median(inspectCpu[c]) / 1e6:F1} M |"));
        }
        verdicts.Add(Inv($"`lift inspect` at {inspectRows / 1e6:F0}M rows: {Median(inspectCpu[0]) / Median(inspectCpu[1]):F2}× one DuckDB full scan's CPU (one pass: every chunk decoded once)"));
        Console.WriteLine();
        Console.Write(time);

        Console.WriteLine("\nPeak memory (a fresh child process per case)...");
        var memory = new StringBuilder();
        memory.AppendLine("| rows | contender | GC | peak RSS (VmHWM) | GC allocated | allocated per row | gen0/gen1/gen2 | GC pauses s | wall s |");
        memory.AppendLine("|---:|---|---|---:|---:|---:|---|---:|---:|");
        var peaks = new Dictionary<(long Rows, string Case), long>();
        foreach (long rows in sizes)
        {
            var duckPeak = PeakMemory.Measure(paths[rows], 1, mode: PeakMemory.DuckDbMode);
            if (duckPeak.Rows != rows)
            {
                Console.Error.WriteLine($"FAIL: the DuckDB child counted {duckPeak.Rows} rows in {paths[rows]}, expected {rows}");
                return 1;
            }
            peaks[(rows, "duckdb")] = duckPeak.PeakHwmKb;
            memory.AppendLine(Inv($"| {rows:N0} | DuckDB, 1 thread | native | {duckPeak.PeakHwmKb / 1024.0:F0} MiB | – | – | – | – | {duckPeak.Seconds:F2} |"));
            foreach (int workers in new[] { 1, cores }.Distinct())
            {
                foreach (bool conserve in new[] { false, true })
                {
                    var environment = conserve ? new Dictionary<string, string> { ["DOTNET_GCConserveMemory"] = ConserveMemory } : null;
                    var f = PeakMemory.Measure(paths[rows], workers, mode: PeakMemory.StatisticsMode, environment: environment);
                    if (f.Rows != rows)
                    {
                        Console.Error.WriteLine($"FAIL: the child counted {f.Rows} rows in {paths[rows]}, expected {rows}");
                        return 1;
                    }
                    peaks[(rows, $"{workers}/{conserve}")] = f.PeakHwmKb;
                    string gc = conserve ? $"ConserveMemory={ConserveMemory} (as `lift` runs)" : "default";
                    memory.AppendLine(Inv($"| {rows:N0} | ours, {workers} worker{(workers == 1 ? "" : "s")} | {gc} | {f.PeakHwmKb / 1024.0:F0} MiB | {f.AllocatedBytes / 1048576.0:F0} MiB | {f.AllocatedBytes / (double)f.Rows:F1} B | {f.Gen0}/{f.Gen1}/{f.Gen2} | {f.PauseSeconds:F2} | {f.Seconds:F2} |"));
                }
            }
        }
        long small = sizes.Min();
        long large = sizes.Max();
        memory.AppendLine();
        foreach (int workers in new[] { 1, cores }.Distinct())
        {
            long ours = peaks[(large, $"{workers}/True")];
            double toDuck = ours / (double)peaks[(large, "duckdb")];
            double growth = ours / (double)peaks[(small, $"{workers}/True")];
            string line = Inv($"Ours at {workers} worker{(workers == 1 ? "" : "s")} as `lift` runs: {ours / 1024.0:F0} MiB at {large / 1e6:F0}M rows, ×{growth:F2} of {small / 1e6:F0}M ({(growth < 1.15 ? "flat in the rows" : "**grows with the rows**")}); {toDuck:F2}× DuckDB's peak (target ≤ 2×: {(toDuck <= 2 ? "met" : "**missed**")}).");
            memory.AppendLine(line);
            memory.AppendLine();
            verdicts.Add(line);
        }
        Console.Write(memory);
        string verdict = string.Join("\n", verdicts.Select(v => "- " + v));
        Console.WriteLine("\n" + verdict);

        if (write)
        {
            WriteSection(Path.Combine(root, "bench", "RESULTS.md"), commandLine, machine, sizes, paths, runs, time.ToString(), memory.ToString(), verdict);
            Console.WriteLine("\nWrote bench/RESULTS.md");
        }
        return 0;
    }

    // Process CPU time and wall time of each contender, interleaved, after a full GC each.
    private static async Task<(double[][] Cpu, double[][] Wall)> TimeAsync((string Name, Func<Task> Run)[] contenders, int runs)
    {
        var cpu = contenders.Select(_ => new double[runs]).ToArray();
        var wall = contenders.Select(_ => new double[runs]).ToArray();
        using var process = Process.GetCurrentProcess();
        for (int r = 0; r < runs; r++)
        {
            for (int c = 0; c < contenders.Length; c++)
            {
                GC.Collect();
                process.Refresh();
                var cpu0 = process.TotalProcessorTime;
                long start = Stopwatch.GetTimestamp();
                await contenders[c].Run();
                wall[c][r] = Stopwatch.GetElapsedTime(start).TotalSeconds;
                process.Refresh();
                cpu[c][r] = (process.TotalProcessorTime - cpu0).TotalSeconds;
            }
            Console.WriteLine($"  run {r + 1}/{runs}: " + string.Join(", ", contenders.Select((c, i) => Inv($"{c.Name} {cpu[i][r]:F2} s CPU ({wall[i][r]:F2} s wall)"))));
        }
        return (cpu, wall);
    }

    /// <summary>The child side of <see cref="PeakMemory.DuckDbMode"/>: DuckDB's pass at one thread; returns the rows it counted.</summary>
    public static long DuckDbRows(string path)
    {
        using var connection = new DuckDBConnection("Data Source=:memory:");
        connection.Open();
        Execute(connection, "SET threads=1");
        return (long)DuckDb(connection, Sql(path)).Sum(row => (double)row[3]!);
    }

    private static List<object?[]> DuckDb(DuckDBConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var rows = new List<object?[]>();
        while (reader.Read())
        {
            var row = new object?[reader.FieldCount];
            for (int c = 0; c < row.Length; c++)
            {
                row[c] = reader.IsDBNull(c) ? null : reader.GetValue(c) switch
                {
                    string s => s,
                    BigInteger big => (double)big,
                    var v => Convert.ToDouble(v, CultureInfo.InvariantCulture),
                };
            }
            rows.Add(row);
        }
        return rows;
    }

    private static List<string> Compare(ExperimentStatistics ours, List<object?[]> reference)
    {
        var problems = new List<string>();
        if (ours.Cells.Count != reference.Count)
        {
            problems.Add($"ours has {ours.Cells.Count} cells, DuckDB {reference.Count}");
        }
        foreach (var row in reference)
        {
            var key = new ExperimentCell((string)row[0]!, (string?)row[1], (string?)row[2], null);
            var cell = ours.Cell(key);
            var conversions = cell.Cuped("conversions", "pre_revenue");
            var revenue = cell.Cuped("revenue", "pre_revenue");
            double[] actual = [cell.N, conversions.SumY, conversions.SumY2, revenue.SumY, revenue.SumY2, revenue.SumX, revenue.SumX2,
                conversions.SumXY, revenue.SumXY, cell.Ratio("conversions", "revenue").SumXY, cell.Exposed];
            for (int k = 0; k < actual.Length; k++)
            {
                double expected = (double)row[3 + k]!;
                if (Math.Abs(expected - actual[k]) > Tolerance * Math.Max(1, Math.Abs(expected)))
                {
                    problems.Add(Inv($"{key} sum {k}: ours {actual[k]:R}, DuckDB {expected:R}"));
                }
            }
        }
        return problems;
    }

    private static void WriteSection(string results, string commandLine, List<(string Key, string Value)> machine, List<long> sizes, Dictionary<long, string> paths, int runs,
        string time, string memory, string verdict)
    {
        const string begin = "<!-- experiment-stats:begin (written by `LiftPipeline.Bench experiment-stats`; edits inside are overwritten) -->";
        const string end = "<!-- experiment-stats:end -->";
        var s = new StringBuilder();
        s.AppendLine(begin);
        s.AppendLine("## `experiment-stats`: per-cell sufficient statistics and `lift inspect` vs DuckDB");
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
        s.AppendLine("Data: the `ingest` exports " + string.Join(" and ", sizes.Select(r => Inv($"`bench/.data/{Path.GetFileName(paths[r])}` ({r:N0} rows)"))) +
            ", 1,000,000-row groups, Snappy, dictionary-encoded strings; 72 cells (3 arms × 6 segments × 4 surfaces; no market column).");
        s.AppendLine("Ours: `ExperimentStatisticsBuilder.ComputeAsync(path)` — every cell's n, Σy, Σy² for conversions and revenue, Σx, Σx², Σxy with pre_revenue, " +
            "Σ conversions·revenue, exposure counts, and an α = 1 % quantile sketch per (arm, outcome). DuckDB, one thread (`SET threads=1`):");
        s.AppendLine();
        s.AppendLine("```sql");
        s.AppendLine($"SELECT arm, segment, surface, {Sums} FROM read_parquet('…') GROUP BY arm, segment, surface");
        s.AppendLine("```");
        s.AppendLine();
        s.AppendLine("`lift inspect` (`ExportInspector.InspectAsync`: every column chunk decoded once, the experiment contract validated) is timed against DuckDB reading every column:");
        s.AppendLine();
        s.AppendLine("```sql");
        s.AppendLine("SELECT count(*), min(customer_id), min(arm), min(segment), min(surface), min(exposed::INT), min(conversions), min(revenue), min(pre_revenue) FROM read_parquet('…')");
        s.AppendLine("```");
        s.AppendLine();
        s.AppendLine(Inv($"One warm-up run each (answers checked cell by cell: counts exact, sums within {Tolerance:E0} relative; the bench exits 1 otherwise), then {runs} timed runs interleaved ({Math.Max(1, runs - 1)} for inspect); page cache warm. ") +
            "CPU is the process's CPU time over the run (all threads, GC included): the machine is shared, so wall times are noisy and the ratios use CPU.");
        s.AppendLine();
        s.AppendLine("### Time");
        s.AppendLine();
        s.Append(time);
        s.AppendLine();
        s.AppendLine("### Peak memory");
        s.AppendLine();
        s.AppendLine("Each case in a fresh child process (`LiftPipeline.Bench --measure-stats-peak FILE --workers W`, and `--measure-duckdb-peak FILE` for DuckDB at one thread), peak RSS = `VmHWM`, GC figures over the child's life; " +
            Inv($"ours with the default GC and with `System.GC.ConserveMemory={ConserveMemory}`, which `lift` and the Functions worker set in their runtimeconfig."));
        s.AppendLine();
        s.Append(memory);
        s.AppendLine("### Verdict");
        s.AppendLine();
        s.AppendLine(verdict);
        s.AppendLine(end);
        string text = File.Exists(results) ? File.ReadAllText(results) : "# Benchmark results\n";
        int from = text.IndexOf(begin, StringComparison.Ordinal);
        int to = text.IndexOf(end, StringComparison.Ordinal);
        text = from >= 0 && to > from
            ? text[..from] + s.ToString().TrimEnd('\n') + text[(to + end.Length)..]
            : text.TrimEnd('\n') + "\n\n" + s;
        File.WriteAllText(results, text);
    }

    private static double Median(double[] values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }

    private static void Execute(DuckDBConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private static string Inv(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
