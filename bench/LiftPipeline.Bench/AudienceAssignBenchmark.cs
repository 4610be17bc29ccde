using System.Diagnostics;
using System.Globalization;
using DuckDB.NET.Data;
using LiftPipeline.Ingestion;
using LiftPipeline.Ingestion.Audiences;
using LiftPipeline.Ingestion.Customers;
using LiftPipeline.Statistics.Audiences;

namespace LiftPipeline.Bench;

/// <summary>
/// <c>audience-assign</c>: holdout assignment of every customer in a customers export — SHA-256 of <c>salt.customer_id</c>,
/// first 8 bytes big-endian mod 10,000, arm by cumulative basis points — against DuckDB running the same definition in SQL
/// on the same file, both on one thread, in process CPU time. Two passes each: counting customers per arm, and writing
/// the assignment Parquet file. The counts must agree exactly before anything is timed.
/// </summary>
internal static class AudienceAssignBenchmark
{
    private const long DefaultRows = 10_000_000;
    private const int DefaultRuns = 3;
    private const string Salt = "bench-2026";

    private static readonly BucketAllocation Allocation = BucketAllocation.FromShares([new("holdout", 0.1), new("vbo", 0.45), new("vbo_1p", 0.45)]);

    private static string Bucket => $"(('0x' || substr(sha256('{Salt}.' || customer_id), 1, 16))::UBIGINT % 10000)";

    // The bucket is computed once per row in a subquery, so DuckDB hashes each id once as we do.
    private const string ArmSql = "CASE WHEN bucket < 1000 THEN 'holdout' WHEN bucket < 5500 THEN 'vbo' ELSE 'vbo_1p' END";

    private static string Buckets(string path) => $"(SELECT customer_id, {Bucket} AS bucket FROM read_parquet('{path}'))";

    /// <summary>
    /// The options of an audience benchmark (<c>--rows N --runs K</c>) and the folder of its generated files, or null (after
    /// one line on standard error) for an unknown option.
    /// </summary>
    internal static (long Rows, int Runs, string Data)? Options(string[] args, string name, long defaultRows, int defaultRuns)
    {
        long rows = defaultRows;
        int runs = defaultRuns;
        for (int i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--rows": rows = long.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--runs": runs = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                default:
                    Console.Error.WriteLine($"{name}: unknown option '{args[i]}'");
                    return null;
            }
        }
#if DEBUG
        Console.Error.WriteLine($"{name}: built in Debug; run with -c Release for meaningful figures.");
#endif
        string data = Path.Combine(IngestBenchmark.RepositoryRoot(), "bench", ".data");
        Directory.CreateDirectory(data);
        return (rows, runs, data);
    }

    public static async Task<int> RunAsync(string[] args)
    {
        if (Options(args, "audience-assign", DefaultRows, DefaultRuns) is not { } options)
        {
            return 2;
        }
        var (rows, runs, data) = options;
        string path = Path.Combine(data, Inv($"customers-{rows}.parquet"));
        using var duck = new DuckDBConnection("Data Source=:memory:");
        duck.Open();
        Execute(duck, "SET threads=1");
        if (!File.Exists(path))
        {
            Console.WriteLine(Inv($"writing {rows:N0} customers to {path}..."));
            Execute(duck, $"COPY ({CustomersSql(rows)}) TO '{path}' (FORMAT parquet, ROW_GROUP_SIZE 1048576)");
        }
        string oursOut = Path.Combine(data, "assignment-ours.parquet");
        string duckOut = Path.Combine(data, "assignment-duckdb.parquet");
        string countSql = $"SELECT {ArmSql} AS arm, count(*) FROM {Buckets(path)} GROUP BY arm ORDER BY arm";
        string copySql = $"COPY (SELECT customer_id, {ArmSql} AS arm, 'everyone' AS audience, NULL::VARCHAR AS layer, " +
            $"'{HoldoutHash.Version}:{Salt}' AS salt_version FROM {Buckets(path)}) TO '{duckOut}' (FORMAT parquet, COMPRESSION snappy)";

        var ours = await CountAsync(path);
        var reference = Query(duck, countSql);
        for (int a = 0; a < Allocation.Arms.Count; a++)
        {
            if ((string)reference[a][0]! != Allocation.Arms[a] || Convert.ToInt64(reference[a][1], CultureInfo.InvariantCulture) != ours[a])
            {
                Console.Error.WriteLine($"FAIL: arm {Allocation.Arms[a]}: ours {ours[a]}, DuckDB {reference[a][0]} {reference[a][1]}");
                return 1;
            }
        }
        Console.WriteLine(Inv($"counts agree: {string.Join(", ", Allocation.Arms.Select((arm, a) => $"{arm} {ours[a]:N0}"))}"));

        var contenders = new (string Name, Func<Task> Run)[]
        {
            ("ours: count per arm", () => CountAsync(path)),
            ("DuckDB 1 thread: count per arm", () => { Query(duck, countSql); return Task.CompletedTask; }),
            ("ours: write assignment", () => WriteAsync(path, oursOut)),
            ("DuckDB 1 thread: COPY assignment", () => { Execute(duck, copySql); return Task.CompletedTask; }),
        };
        var cpu = await TimeAsync(contenders, runs);
        var table = new System.Text.StringBuilder();
        table.AppendLine(Inv($"| {rows:N0} customers | CPU s (median of {runs}) | CPU s per run | ratio to DuckDB |"));
        table.AppendLine("|---|---|---|---|");
        for (int c = 0; c < contenders.Length; c++)
        {
            double duckMedian = Median(cpu[c % 2 == 0 ? c + 1 : c]);
            table.AppendLine(Inv($"| {contenders[c].Name} | {Median(cpu[c]):F2} | {string.Join(", ", cpu[c].Select(s => s.ToString("F2", CultureInfo.InvariantCulture)))} | {Median(cpu[c]) / duckMedian:F2}× |"));
        }
        Console.WriteLine();
        Console.Write(table);
        File.Delete(oursOut);
        File.Delete(duckOut);
        if (rows == DefaultRows && runs == DefaultRuns)
        {
            ResultsFile.WriteSection("audience-assign", "dotnet run -c Release --project bench/LiftPipeline.Bench -- audience-assign",
                "## `audience-assign`: holdout assignment hashing of a customers export vs DuckDB's `sha256` (issue target: within 2×)\n\n" +
                Inv($"SHA-256 of `salt.customer_id`, first 8 bytes big-endian mod 10,000, arms holdout/vbo/vbo_1p at 10/45/45; both sides on one thread, process CPU time; per-arm counts checked equal first ({string.Join(", ", Allocation.Arms.Select((arm, a) => $"{arm} {ours[a]:N0}"))}). Run {DateTime.UtcNow:yyyy-MM-dd} on {Environment.ProcessorCount} shared cores.\n\n") +
                table);
        }
        return 0;
    }

    /// <summary>A customers export: text ids, every contract column, no contacts.</summary>
    private static string CustomersSql(long rows) => $"""
        SELECT 'cust-' || i AS customer_id, DATE '2026-06-30' AS as_of,
          DATE '2024-01-01' + CAST(i % 500 AS INTEGER) AS first_order_date, DATE '2024-01-01' + CAST(i % 500 + i % 37 AS INTEGER) AS last_order_date,
          1 + i % 7 AS orders, round((i % 1000) * 1.37, 2) AS revenue, (i % 7) // 2 AS discounted_orders,
          CASE i % 4 WHEN 0 THEN '18-24' WHEN 1 THEN '25-34' WHEN 2 THEN '35-44' ELSE '45+' END AS age_band,
          CASE i % 3 WHEN 0 THEN 'DE' WHEN 1 THEN 'FR' ELSE 'NL' END AS country
        FROM range({rows.ToString(CultureInfo.InvariantCulture)}) t(i)
        """;

    private static async Task<long[]> CountAsync(string path)
    {
        await using var file = await ExportFile.OpenAsync(path);
        var reader = CustomerExportReader.Open(file, new CustomerExportOptions { IdsOnly = true });
        var assigner = new HoldoutAssigner("everyone", Salt, Allocation);
        var counts = new long[Allocation.Arms.Count];
        for (int g = 0; g < reader.RowGroupCount; g++)
        {
            var batch = await reader.ReadRowGroupAsync(g);
            Count(batch, assigner, counts);
        }
        return counts;
    }

    private static void Count(CustomerBatch batch, HoldoutAssigner assigner, long[] counts)
    {
        var ids = batch.TextIds;
        for (int i = 0; i < ids.Length; i++)
        {
            counts[assigner.ArmOf(ids[i].Span)]++;
        }
    }

    private static async Task WriteAsync(string path, string output)
    {
        await using var file = await ExportFile.OpenAsync(path);
        var reader = CustomerExportReader.Open(file, new CustomerExportOptions { IdsOnly = true });
        await using var stream = File.Create(output);
        await HoldoutAssignmentWriter.WriteAsync(reader, new HoldoutAssigner("everyone", Salt, Allocation), stream);
    }

    internal static async Task<double[][]> TimeAsync((string Name, Func<Task> Run)[] contenders, int runs)
    {
        var cpu = contenders.Select(_ => new double[runs]).ToArray();
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
                double wall = Stopwatch.GetElapsedTime(start).TotalSeconds;
                process.Refresh();
                cpu[c][r] = (process.TotalProcessorTime - cpu0).TotalSeconds;
                Console.WriteLine(Inv($"  run {r + 1}/{runs}: {contenders[c].Name} {cpu[c][r]:F2} s CPU ({wall:F2} s wall)"));
            }
        }
        return cpu;
    }

    internal static List<object?[]> Query(DuckDBConnection connection, string sql)
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
                row[c] = reader.IsDBNull(c) ? null : reader.GetValue(c);
            }
            rows.Add(row);
        }
        return rows;
    }

    internal static void Execute(DuckDBConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    internal static double Median(double[] values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }

    private static string Inv(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
