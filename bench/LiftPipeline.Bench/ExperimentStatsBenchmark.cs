using System.Diagnostics;
using System.Globalization;
using System.Numerics;
using System.Text;
using DuckDB.NET.Data;
using LiftPipeline.Ingestion.Experiments;
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
    private const long HeapLimitMiB = 320;

    private const long DefaultRows = 10_000_000;
    private const long DefaultSmallRows = 2_000_000;
    private const int DefaultRuns = 3;
    private const double Tolerance = 1e-9;

    private static readonly ExperimentExportOptions Export = new() { CountOutcomes = new HashSet<string> { "conversions" } };

    private const string Sums = "count(*), sum(conversions::DOUBLE), sum((conversions * conversions)::DOUBLE), sum(revenue), sum(revenue * revenue), " +
        "sum(pre_revenue), sum(pre_revenue * pre_revenue), sum(conversions * pre_revenue), sum(revenue * pre_revenue), sum(conversions * revenue), count_if(exposed)";

    /// <summary>Our pass over <paramref name="path"/> with <paramref name="workers"/> workers, each with its own file handle.</summary>
    public static Task<ExperimentStatistics> OursAsync(string path, int workers) =>
        ExperimentStatisticsBuilder.ComputeAsync(path, Export, new ExperimentStatisticsOptions { MaxDegreeOfParallelism = workers });

    public static async Task<int> RunAsync(string[] args)
    {
        long rows = DefaultRows;
        long small = DefaultSmallRows;
        int runs = DefaultRuns;
        bool? writeResults = null;
        for (int i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--rows": rows = long.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--small-rows": small = long.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--runs": runs = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--results": writeResults = true; break;
                case "--no-results": writeResults = false; break;
                default:
                    Console.Error.WriteLine($"experiment-stats: unknown option '{args[i]}'");
                    return 2;
            }
        }
        bool write = writeResults ?? (rows == DefaultRows && small == DefaultSmallRows);
        string commandLine = "dotnet run -c Release --project bench/LiftPipeline.Bench -- experiment-stats" + (args.Length > 0 ? " " + string.Join(' ', args) : "");
#if DEBUG
        Console.Error.WriteLine("experiment-stats: built in Debug; run with -c Release for meaningful figures.");
#endif
        string root = IngestBenchmark.RepositoryRoot();
        string data = Path.Combine(root, "bench", ".data");
        string path = await ExportGenerator.EnsureAsync(data, rows, dictionaryStrings: true);
        string smallPath = await ExportGenerator.EnsureAsync(data, small, dictionaryStrings: true);
        int cores = Environment.ProcessorCount;
        var machine = IngestBenchmark.Machine();

        using var duck = new DuckDBConnection("Data Source=:memory:");
        duck.Open();
        Execute(duck, "SET threads=1");
        string sql = $"SELECT arm, segment, surface, {Sums} FROM read_parquet('{path.Replace("'", "''", StringComparison.Ordinal)}') GROUP BY arm, segment, surface";

        // Warm-up and check.
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
        var seconds = contenders.Select(_ => new double[runs]).ToArray();
        for (int r = 0; r < runs; r++)
        {
            for (int c = 0; c < contenders.Length; c++)
            {
                GC.Collect();
                long start = Stopwatch.GetTimestamp();
                await contenders[c].Run();
                seconds[c][r] = Stopwatch.GetElapsedTime(start).TotalSeconds;
            }
            Console.WriteLine($"  run {r + 1}/{runs}: " + string.Join(", ", contenders.Select((c, i) => Inv($"{c.Name} {seconds[i][r]:F3} s"))));
        }
        double[] medians = seconds.Select(Median).ToArray();
        var table = new StringBuilder();
        table.AppendLine("| contender | median s | runs s | ratio to DuckDB 1 thread | rows/s |");
        table.AppendLine("|---|---:|---|---:|---:|");
        for (int c = 0; c < contenders.Length; c++)
        {
            table.AppendLine(Inv($"| {contenders[c].Name} | {medians[c]:F3} | {string.Join(", ", seconds[c].Select(s => s.ToString("F3", CultureInfo.InvariantCulture)))} | {medians[c] / medians[2]:F2}× | {rows / medians[c] / 1e6:F1} M |"));
        }
        Console.WriteLine();
        Console.Write(table);

        Console.WriteLine("\nPeak memory (fresh child process per size, all workers)...");
        var memory = new StringBuilder();
        memory.AppendLine("| rows | workers | GC heap limit | peak RSS (VmHWM) | GC allocated | allocated per row | gen0/gen1/gen2 | seconds |");
        memory.AppendLine("|---:|---:|---:|---:|---:|---:|---|---:|");
        var peaks = new Dictionary<(long Rows, long? Limit), long>();
        foreach (long? limit in new long?[] { null, HeapLimitMiB })
        {
            foreach (var (file, expected) in new[] { (smallPath, small), (path, rows) })
            {
                var f = PeakMemory.Measure(file, cores, limit, PeakMemory.StatisticsMode);
                if (f.Rows != expected)
                {
                    Console.Error.WriteLine($"FAIL: the child counted {f.Rows} rows in {file}, expected {expected}");
                    return 1;
                }
                peaks[(expected, limit)] = f.PeakHwmKb;
                memory.AppendLine(Inv($"| {f.Rows:N0} | {f.Workers} | {(limit is { } l ? $"{l} MiB" : "none")} | {f.PeakHwmKb / 1024.0:F0} MiB | {f.AllocatedBytes / 1048576.0:F0} MiB | {f.AllocatedBytes / (double)f.Rows:F1} B | {f.Gen0}/{f.Gen1}/{f.Gen2} | {f.Seconds:F3} |"));
            }
        }
        double growth = peaks[(rows, null)] / (double)peaks[(small, null)];
        double limited = peaks[(rows, HeapLimitMiB)] / (double)peaks[(small, HeapLimitMiB)];
        memory.AppendLine();
        memory.AppendLine(Inv($"{rows / (double)small:F0}× the rows: peak RSS ×{growth:F2} with the default GC (it collects lazily, so RSS follows garbage, not need); ×{limited:F2} under a {HeapLimitMiB} MiB heap limit, where both sizes complete — ") +
            (limited < 1.25 ? "live memory is flat in the number of rows (it follows the row-group size and the cells)." : "live memory still grows with the rows: **not flat**."));
        Console.Write(memory);
        string verdict = Inv($"Ours at 1 worker takes {medians[0] / medians[2]:F2}× DuckDB single-thread (target: within 2×); with {cores} workers {medians[1] / medians[2]:F2}×.");
        Console.WriteLine("\n" + verdict);

        if (write)
        {
            WriteSection(Path.Combine(root, "bench", "RESULTS.md"), commandLine, machine, path, rows, runs, reference.Count, table.ToString(), memory.ToString(), verdict);
            Console.WriteLine("\nWrote bench/RESULTS.md");
        }
        return 0;
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

    private static void WriteSection(string results, string commandLine, List<(string Key, string Value)> machine, string path, long rows, int runs, int cells,
        string table, string memory, string verdict)
    {
        const string begin = "<!-- experiment-stats:begin (written by `LiftPipeline.Bench experiment-stats`; edits inside are overwritten) -->";
        const string end = "<!-- experiment-stats:end -->";
        var s = new StringBuilder();
        s.AppendLine(begin);
        s.AppendLine("## `experiment-stats`: per-cell sufficient statistics vs DuckDB GROUP BY");
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
        s.AppendLine(Inv($"Data: the `ingest` export `bench/.data/{Path.GetFileName(path)}`, {rows:N0} rows, {cells} cells (3 arms × 6 segments × 4 surfaces; no market column). "));
        s.AppendLine("Ours: `ExperimentStatisticsBuilder.ComputeAsync(path)` — every cell's n, Σy, Σy² for conversions and revenue, Σx, Σx², Σxy with pre_revenue, " +
            "Σ conversions·revenue, exposure counts, and an α = 1 % quantile sketch per (arm, outcome). DuckDB, one thread (`SET threads=1`):");
        s.AppendLine();
        s.AppendLine("```sql");
        s.AppendLine($"SELECT arm, segment, surface, {Sums} FROM read_parquet('…') GROUP BY arm, segment, surface");
        s.AppendLine("```");
        s.AppendLine();
        s.AppendLine(Inv($"One warm-up run each (answers checked cell by cell: counts exact, sums within {Tolerance:E0} relative), then {runs} timed runs interleaved; page cache warm."));
        s.AppendLine();
        s.AppendLine("### Time");
        s.AppendLine();
        s.Append(table);
        s.AppendLine();
        s.AppendLine(verdict);
        s.AppendLine();
        s.AppendLine("### Peak memory");
        s.AppendLine();
        s.AppendLine("Ours in a fresh child process (`LiftPipeline.Bench --measure-stats-peak FILE`), peak RSS = `VmHWM`, GC allocated over the child's life; each size with the default GC and with the GC heap capped (`DOTNET_GCHeapHardLimit`), which shows what the pass needs live rather than what the GC leaves uncollected.");
        s.AppendLine();
        s.Append(memory);
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
