using System.Globalization;
using System.Text;
using DuckDB.NET.Data;
using LiftPipeline.Pipeline.Audiences;

namespace LiftPipeline.Bench;

/// <summary>
/// <c>audience-build</c>: an audience refresh of a customers export — the Bargain hunters and Young adults rules and an RFM
/// segment (NTILE(5) with the customer id tie-break) — against DuckDB running the same SQL on the same file, both on one
/// thread, in process CPU time, each writing its members Parquet file. Per-segment counts must agree before timing.
/// </summary>
internal static class AudienceBuildBenchmark
{
    private const long DefaultRows = 10_000_000;
    private const int DefaultRuns = 3;

    private const string Definition = """
        {
          "audience": "bench",
          "segments": [
            { "name": "bargain-hunters", "rule": "discounted_share >= 0.5 and orders >= 2 and last_order_date >= as_of - 365" },
            { "name": "young-adults", "rule": "age_band in ('18-24', '25-34')" },
            { "name": "champions", "rule": "r >= 4 and f >= 4 and m >= 4" }
          ]
        }
        """;

    private static string SegmentsSql(string path) => $"""
        WITH c AS (
          SELECT customer_id, orders, discounted_orders, last_order_date, as_of, age_band,
            NTILE(5) OVER (ORDER BY last_order_date ASC NULLS FIRST, customer_id) AS r,
            NTILE(5) OVER (ORDER BY orders, customer_id) AS f,
            NTILE(5) OVER (ORDER BY revenue, customer_id) AS m
          FROM read_parquet('{path}'))
        SELECT customer_id, 'bargain-hunters' AS segment FROM c
          WHERE CASE WHEN orders > 0 THEN discounted_orders / orders ELSE 0 END >= 0.5 AND orders >= 2 AND last_order_date >= as_of - 365
        UNION ALL SELECT customer_id, 'young-adults' FROM c WHERE age_band IN ('18-24', '25-34')
        UNION ALL SELECT customer_id, 'champions' FROM c WHERE r >= 4 AND f >= 4 AND m >= 4
        """;

    public static async Task<int> RunAsync(string[] args)
    {
        if (AudienceAssignBenchmark.Options(args, "audience-build", DefaultRows, DefaultRuns) is not { } options)
        {
            return 2;
        }
        var (rows, runs, data) = options;
        string path = Path.Combine(data, Inv($"audience-customers-{rows}.parquet"));
        using var duck = new DuckDBConnection("Data Source=:memory:");
        duck.Open();
        AudienceAssignBenchmark.Execute(duck, "SET threads=1");
        if (!File.Exists(path))
        {
            Console.WriteLine(Inv($"writing {rows:N0} customers to {path}..."));
            AudienceAssignBenchmark.Execute(duck, $"COPY ({CustomersSql(rows)}) TO '{path}' (FORMAT parquet, ROW_GROUP_SIZE 1048576)");
        }
        var definition = AudienceDefinitionReader.Read("bench audience.json", Encoding.UTF8.GetBytes(Definition));
        string oursOut = Path.Combine(data, "members-ours.parquet");
        string duckOut = Path.Combine(data, "members-duckdb.parquet");
        string countSql = $"SELECT segment, count(*) FROM ({SegmentsSql(path)}) GROUP BY segment";
        string copySql = $"COPY ({SegmentsSql(path)}) TO '{duckOut}' (FORMAT parquet, COMPRESSION snappy)";

        var ours = await AudienceBuilder.BuildAsync(path, definition, oursOut);
        var reference = AudienceAssignBenchmark.Query(duck, countSql).ToDictionary(r => (string)r[0]!, r => Convert.ToInt64(r[1], CultureInfo.InvariantCulture));
        foreach (var segment in ours.Segments)
        {
            if (reference.GetValueOrDefault(segment.Segment) != segment.Members)
            {
                Console.Error.WriteLine($"FAIL: segment {segment.Segment}: ours {segment.Members}, DuckDB {reference.GetValueOrDefault(segment.Segment)}");
                return 1;
            }
        }
        string counts = string.Join(", ", ours.Segments.Select(s => Inv($"{s.Segment} {s.Members:N0}")));
        Console.WriteLine($"counts agree: {counts}");

        var contenders = new (string Name, Func<Task> Run)[]
        {
            ("ours: build members file", () => AudienceBuilder.BuildAsync(path, definition, oursOut)),
            ("DuckDB 1 thread: COPY members", () => { AudienceAssignBenchmark.Execute(duck, copySql); return Task.CompletedTask; }),
        };
        var cpu = await AudienceAssignBenchmark.TimeAsync(contenders, runs);
        double duckMedian = AudienceAssignBenchmark.Median(cpu[1]);
        var table = new StringBuilder();
        table.AppendLine(Inv($"| {rows:N0} customers | CPU s (median of {runs}) | CPU s per run | ratio to DuckDB |"));
        table.AppendLine("|---|---|---|---|");
        for (int c = 0; c < contenders.Length; c++)
        {
            double median = AudienceAssignBenchmark.Median(cpu[c]);
            table.AppendLine(Inv($"| {contenders[c].Name} | {median:F2} | {string.Join(", ", cpu[c].Select(s => s.ToString("F2", CultureInfo.InvariantCulture)))} | {median / duckMedian:F2}× |"));
        }
        Console.WriteLine();
        Console.Write(table);
        File.Delete(oursOut);
        File.Delete(duckOut);
        if (rows == DefaultRows && runs == DefaultRuns)
        {
            ResultsFile.WriteSection("audience-build", "dotnet run -c Release --project bench/LiftPipeline.Bench -- audience-build",
                "## `audience-build`: segment rules and RFM over a customers export vs DuckDB's SQL (issue target: within 2×)\n\n" +
                Inv($"Bargain hunters (`discounted_share >= 0.5 and orders >= 2 and last_order_date >= as_of - 365`), Young adults (`age_band in ('18-24','25-34')`) and champions (`r >= 4 and f >= 4 and m >= 4`, RFM by NTILE(5) with the customer id tie-break), each side reading the export and writing a members Parquet file; one thread each, process CPU time; per-segment counts checked equal first ({counts}). Run {DateTime.UtcNow:yyyy-MM-dd} on {Environment.ProcessorCount} shared cores.\n\n") +
                table);
        }
        return 0;
    }

    /// <summary>A customers export: text ids, every contract column, discount shares from 0 to 1, some customers without orders.</summary>
    private static string CustomersSql(long rows) => $"""
        SELECT 'cust-' || i AS customer_id, DATE '2026-06-30' AS as_of,
          CASE WHEN i % 10 = 0 THEN NULL ELSE DATE '2024-01-01' + CAST(i % 700 AS INTEGER) END AS first_order_date,
          CASE WHEN i % 10 = 0 THEN NULL ELSE DATE '2024-01-01' + CAST(i % 700 + i % 211 AS INTEGER) END AS last_order_date,
          CASE WHEN i % 10 = 0 THEN 0 ELSE 1 + i % 7 END AS orders,
          CASE WHEN i % 10 = 0 THEN 0.0 ELSE round((i * 7919 % 100000) * 0.0137, 2) END AS revenue,
          CASE WHEN i % 10 = 0 THEN 0 ELSE (i % 13) % (2 + i % 7) END AS discounted_orders,
          CASE i % 5 WHEN 0 THEN '18-24' WHEN 1 THEN '25-34' WHEN 2 THEN '35-44' WHEN 3 THEN '45+' ELSE NULL END AS age_band,
          CASE i % 3 WHEN 0 THEN 'DE' WHEN 1 THEN 'FR' ELSE 'NL' END AS country
        FROM range({rows.ToString(CultureInfo.InvariantCulture)}) t(i)
        """;

    private static string Inv(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
