using System.Globalization;
using System.Text;
using LiftPipeline.Ingestion;
using LiftPipeline.Ingestion.Audiences;
using LiftPipeline.Pipeline.Audiences;

namespace LiftPipeline.Tests.Audiences;

/// <summary>
/// Audience refreshes checked against DuckDB running the same definitions in SQL on the same file: every segment's
/// members exactly (rules, lifecycle with overridden thresholds, RFM as NTILE with the id tie-break, extra columns),
/// reactivation from a previous export, and the members file's contract.
/// </summary>
public sealed class AudienceBuilderTests : IDisposable
{
    private const string Definition = """
        {
          "audience": "spring",
          "description": "test audience",
          "segments": [
            { "name": "bargain-hunters", "rule": "discounted_share >= 0.5 and orders >= 2 and last_order_date >= as_of - 365" },
            { "name": "young-adults", "rule": "age_band in ('18-24', '25-34')" },
            { "name": "champions", "rule": "r = 5 and f >= 4 and m >= 3" },
            { "name": "rfm-555", "rule": "rfm = 555" },
            { "name": "big-baskets", "rule": "basket_size > 10 and tier != 'tier0'" },
            { "name": "lapsing", "rule": "lifecycle = 'lapsing' or lifecycle = 'new'" },
            { "name": "quiet-unknown", "rule": "country is null and not (orders > 3)" },
            { "name": "reactivated", "rule": "lifecycle = 'reactivated'" }
          ],
          "lifecycle": { "newDays": 40, "activeDays": 90, "lapsingDays": 365 }
        }
        """;

    // The same segments in DuckDB's SQL over the export (discounted_orders read as a share, as the contract says).
    private const string Expected = """
        WITH c AS (
          SELECT *, CASE WHEN orders > 0 THEN discounted_orders / orders ELSE 0 END AS discounted_share,
            as_of - last_order_date AS recency,
            NTILE(5) OVER (ORDER BY last_order_date ASC NULLS FIRST, customer_id) AS r,
            NTILE(5) OVER (ORDER BY orders, customer_id) AS f,
            NTILE(5) OVER (ORDER BY revenue, customer_id) AS m,
            CASE WHEN last_order_date IS NULL THEN 'none' WHEN as_of - first_order_date <= 40 THEN 'new'
                 WHEN as_of - last_order_date <= 90 THEN 'active' WHEN as_of - last_order_date <= 365 THEN 'lapsing' ELSE 'lapsed' END AS stage
          FROM '{0}')
        SELECT customer_id, 'bargain-hunters' AS segment FROM c WHERE discounted_share >= 0.5 AND orders >= 2 AND last_order_date >= as_of - 365
        UNION ALL SELECT customer_id, 'young-adults' FROM c WHERE age_band IN ('18-24', '25-34')
        UNION ALL SELECT customer_id, 'champions' FROM c WHERE r = 5 AND f >= 4 AND m >= 3
        UNION ALL SELECT customer_id, 'rfm-555' FROM c WHERE r * 100 + f * 10 + m = 555
        UNION ALL SELECT customer_id, 'big-baskets' FROM c WHERE basket_size > 10 AND tier <> 'tier0'
        UNION ALL SELECT customer_id, 'lapsing' FROM c WHERE stage IN ('lapsing', 'new')
        UNION ALL SELECT customer_id, 'quiet-unknown' FROM c WHERE country IS NULL AND NOT (orders > 3)
        UNION ALL SELECT customer_id, 'reactivated' FROM c WHERE {1}
        """;

    private readonly string _folder = Directory.CreateTempSubdirectory("audience-build-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    // The kit's rows at an as_of right after their last orders, so every lifecycle stage occurs, and a third of the
    // repeat buyers with all but one order discounted, so bargain hunters exist.
    private static string Customers(int rows, string id) => $"""
        SELECT * REPLACE (DATE '2025-06-19' AS as_of,
          CASE WHEN orders >= 2 AND revenue % 3 < 1 THEN orders - 1 ELSE discounted_orders END AS discounted_orders)
        FROM ({CustomerExportKit.Rows(rows, id)})
        """;

    [Theory]
    [InlineData("'c' || i")]
    [InlineData("CAST((i * 7919) % 100003 AS BIGINT)")]
    public async Task Every_segment_holds_exactly_the_customers_duckdb_selects(string id)
    {
        string customers = CustomerExportKit.Write(_folder, "customers.parquet", Customers(20_000, id), rowGroupSize: 7_000);
        string members = Path.Combine(_folder, "members.parquet");
        var definition = AudienceDefinitionReader.Read("audience.json", Encoding.UTF8.GetBytes(Definition));

        var result = await AudienceBuilder.BuildAsync(customers, definition, members);

        string expected = string.Format(CultureInfo.InvariantCulture, Expected, customers, "false");
        Assert.Equal(0L, Count($"SELECT * FROM '{members}' EXCEPT ALL SELECT * FROM ({expected})"));
        Assert.Equal(0L, Count($"SELECT * FROM ({expected}) EXCEPT ALL SELECT * FROM '{members}'"));
        var perSegment = CustomerExportKit.Query($"SELECT segment, count(*) FROM ({expected}) GROUP BY segment")
            .ToDictionary(r => (string)r[0]!, r => Convert.ToInt64(r[1], CultureInfo.InvariantCulture));
        Assert.All(result.Segments, s => Assert.Equal(perSegment.GetValueOrDefault(s.Segment), s.Members));
        Assert.All(result.Segments.Where(s => s.Segment != "reactivated"), s => Assert.True(s.Members > 0, s.Segment));
        Assert.Equal(20_000, result.Customers);
        Assert.Equal(result.Segments.Sum(s => s.Members), result.MemberRows);
        var stages = CustomerExportKit.Query($"""
            SELECT count(*) FILTER (last_order_date IS NULL), count(*) FILTER (as_of - first_order_date <= 40),
              count(*) FILTER (as_of - first_order_date > 40 AND as_of - last_order_date <= 90),
              count(*) FILTER (as_of - first_order_date > 40 AND as_of - last_order_date BETWEEN 91 AND 365),
              count(*) FILTER (as_of - last_order_date > 365 AND as_of - first_order_date > 40) FROM '{customers}'
            """)[0].Select(v => Convert.ToInt64(v, CultureInfo.InvariantCulture));
        Assert.Equal([.. stages, 0L], result.Stages);
        Assert.Equal([4_000L, 4_000, 4_000, 4_000, 4_000], result.Rfm![0].Skip(1));
        Assert.Equal(new DateOnly(2025, 6, 19), result.AsOf);
    }

    [Fact]
    public async Task Customers_lapsed_in_the_previous_export_and_active_now_are_reactivated()
    {
        string customers = CustomerExportKit.Write(_folder, "customers.parquet", Customers(20_000, "'c' || i"), rowGroupSize: 7_000);
        // The previous export: the same customers 300 days further from their orders, so lapsed there when recency > 65 now.
        string previous = CustomerExportKit.Write(_folder, "previous.parquet",
            $"SELECT * REPLACE (first_order_date - 300 AS first_order_date, last_order_date - 300 AS last_order_date) FROM ({Customers(20_000, "'c' || i")})");
        string members = Path.Combine(_folder, "members.parquet");
        var definition = AudienceDefinitionReader.Read("audience.json", Encoding.UTF8.GetBytes(Definition));

        var result = await AudienceBuilder.BuildAsync(customers, definition, members, new AudienceBuildOptions { PreviousExport = previous });

        string expected = string.Format(CultureInfo.InvariantCulture, Expected, customers, "stage = 'active' AND recency > 65");
        Assert.Equal(0L, Count($"SELECT * FROM '{members}' WHERE segment = 'reactivated' EXCEPT ALL SELECT * FROM ({expected}) WHERE segment = 'reactivated'"));
        long reactivated = Count($"SELECT * FROM ({expected}) WHERE segment = 'reactivated'");
        Assert.True(reactivated > 100, $"{reactivated}");
        Assert.Equal(reactivated, result.Segments.Single(s => s.Segment == "reactivated").Members);
        Assert.Equal(reactivated, result.Stages[5]);
    }

    [Fact]
    public async Task The_members_file_carries_its_contract_audience_and_as_of()
    {
        string customers = CustomerExportKit.Write(_folder, "customers.parquet", Customers(1_000, "CAST(i AS BIGINT)"));
        string members = Path.Combine(_folder, "members.parquet");
        var definition = AudienceDefinitionReader.Read("audience.json", Encoding.UTF8.GetBytes(Definition));

        await AudienceBuilder.BuildAsync(customers, definition, members);

        var metadata = CustomerExportKit.Query($"SELECT decode(key), decode(value) FROM parquet_kv_metadata('{members}')")
            .ToDictionary(r => (string)r[0]!, r => (string)r[1]!);
        Assert.Equal("members", metadata["liftpipeline.contract"]);
        Assert.Equal("spring", metadata[SegmentMembersWriter.AudienceKey]);
        Assert.Equal("2025-06-19", metadata[SegmentMembersWriter.AsOfKey]);
        Assert.Equal("BIGINT", CustomerExportKit.Scalar($"SELECT typeof(customer_id) FROM '{members}' LIMIT 1"));
        Assert.False(File.Exists(members + ".partial"));
    }

    [Fact]
    public async Task A_rule_error_names_the_definition_the_segment_the_position_and_the_token()
    {
        string customers = CustomerExportKit.Write(_folder, "customers.parquet", Customers(100, "'c' || i"));
        var definition = AudienceDefinitionReader.Read("audience.json", Encoding.UTF8.GetBytes(
            """{ "audience": "spring", "segments": [{ "name": "a", "rule": "orders >= 2" }, { "name": "b", "rule": "basket >= 2" }] }"""));

        var e = await Assert.ThrowsAsync<AudienceDefinitionException>(() => AudienceBuilder.BuildAsync(customers, definition, Path.Combine(_folder, "m.parquet")));

        Assert.StartsWith("audiences/spring/audience.json has 1 problem: segments[1].rule (b) at 1 ('basket'): is not a column; columns: as_of,", e.Message, StringComparison.Ordinal);
        Assert.EndsWith("basket_size, tier", e.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_folder, "m.parquet")));
    }

    [Fact]
    public async Task A_bad_export_is_a_validation_error_and_leaves_no_file()
    {
        string customers = CustomerExportKit.Write(_folder, "customers.parquet",
            $"SELECT * REPLACE (CASE WHEN customer_id = 'c11' THEN -1 ELSE orders END AS orders) FROM ({Customers(100, "'c' || i")})");
        var definition = AudienceDefinitionReader.Read("audience.json", Encoding.UTF8.GetBytes(Definition));
        string members = Path.Combine(_folder, "members.parquet");

        var e = await Assert.ThrowsAsync<ExportValidationException>(() => AudienceBuilder.BuildAsync(customers, definition, members));

        Assert.Contains("[negative-count] column 'orders'", e.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(members));
        Assert.False(File.Exists(members + ".partial"));
    }

    [Fact]
    public async Task The_documented_definition_on_the_sample_gives_duckdbs_counts_and_the_documented_ones()
    {
        string markdown = File.ReadAllText(LiftPipeline.Tests.Pipeline.CampaignDocsTests.Docs("audiences.md"));
        int at = markdown.IndexOf("## Audience definitions", StringComparison.Ordinal);
        int start = markdown.IndexOf("```json\n", at, StringComparison.Ordinal) + 8;
        var definition = AudienceDefinitionReader.Read("audience.json", Encoding.UTF8.GetBytes(markdown[start..markdown.IndexOf("```", start, StringComparison.Ordinal)]));
        string sample = Path.Combine(Path.GetDirectoryName(LiftPipeline.Tests.Pipeline.CampaignDocsTests.Docs("audiences.md"))!, "..", "samples", "customers", "customers-2026-11-30.parquet");

        var result = await AudienceBuilder.BuildAsync(sample, definition, Path.Combine(_folder, "members.parquet"));

        var counts = CustomerExportKit.Query($"""
            WITH c AS (SELECT *, NTILE(5) OVER (ORDER BY last_order_date ASC NULLS FIRST, customer_id) AS r,
                NTILE(5) OVER (ORDER BY orders, customer_id) AS f, NTILE(5) OVER (ORDER BY revenue, customer_id) AS m,
                CASE WHEN orders > 0 THEN discounted_orders / orders ELSE 0 END AS share, as_of - last_order_date AS recency FROM '{sample}')
            SELECT count(*) FILTER (share >= 0.5 AND orders >= 2 AND last_order_date >= as_of - 365),
              count(*) FILTER (age_band IN ('18-24', '25-34')), count(*) FILTER (r >= 4 AND f >= 4 AND m >= 4),
              count(*) FILTER (as_of - first_order_date > 30 AND recency > 90 AND revenue > 100)
            FROM c
            """)[0].Select(v => Convert.ToInt64(v, CultureInfo.InvariantCulture));
        Assert.Equal(counts, result.Segments.Select(s => s.Members));
        Assert.Equal([3_598L, 6_838, 3_790, 5_486], result.Segments.Select(s => s.Members));
        Assert.Equal([1_429L, 371, 5_475, 4_991, 7_734, 0], result.Stages);
    }

    [Fact]
    public async Task A_cancelled_build_leaves_no_file()
    {
        string customers = CustomerExportKit.Write(_folder, "customers.parquet", Customers(10_000, "'c' || i"), rowGroupSize: 2_048);
        var definition = AudienceDefinitionReader.Read("audience.json", Encoding.UTF8.GetBytes(Definition));
        string members = Path.Combine(_folder, "members.parquet");
        using var cancel = new CancellationTokenSource();
        var progress = new SynchronousProgress(fraction => { if (fraction >= 0.5) { cancel.Cancel(); } });

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => AudienceBuilder.BuildAsync(customers, definition, members, null, progress, cancel.Token));

        Assert.False(File.Exists(members));
        Assert.False(File.Exists(members + ".partial"));
    }

    private sealed class SynchronousProgress(Action<double> report) : IProgress<double>
    {
        public void Report(double value) => report(value);
    }

    private static long Count(string sql) => Convert.ToInt64(CustomerExportKit.Scalar($"SELECT count(*) FROM ({sql})"), CultureInfo.InvariantCulture);
}
