using System.Globalization;
using LiftPipeline.Ingestion;
using LiftPipeline.Ingestion.Audiences;
using LiftPipeline.Ingestion.Customers;
using LiftPipeline.Statistics.Audiences;

namespace LiftPipeline.Tests.Audiences;

/// <summary>
/// The assignment file, read back by DuckDB: one row per customer taking part, and every arm the one DuckDB's own
/// <c>sha256</c> puts the customer in under the documented scheme.
/// </summary>
public sealed class HoldoutAssignmentWriterTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("assignment-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    // DuckDB's bucket of customer_id under a salt: first 16 hex digits of the digest as an unsigned 64-bit integer, mod 10,000.
    private static string Bucket(string salt) => $"(('0x' || substr(sha256('{salt}.' || CAST(customer_id AS VARCHAR)), 1, 16))::UBIGINT % 10000)";

    [Theory]
    [InlineData("'c' || i")]
    [InlineData("CAST(i * 7919 AS BIGINT)")]
    public async Task Every_customer_gets_the_arm_duckdb_computes_from_the_definition(string id)
    {
        string customers = CustomerExportKit.Write(_folder, "customers.parquet", CustomerExportKit.Rows(20_000, id), rowGroupSize: 7_000);
        var assigner = new HoldoutAssigner("everyone", "spring-2026", BucketAllocation.FromShares([new("holdout", 0.1), new("vbo", 0.45), new("vbo_1p", 0.45)]));
        string path = Path.Combine(_folder, "assignment.parquet");

        var summary = await AssignAsync(customers, assigner, path);

        var mismatches = CustomerExportKit.Scalar($"""
            SELECT count(*) FROM '{path}' a
            WHERE a.arm <> CASE WHEN {Bucket("spring-2026")} < 1000 THEN 'holdout' WHEN {Bucket("spring-2026")} < 5500 THEN 'vbo' ELSE 'vbo_1p' END
            """);
        var rows = CustomerExportKit.Query($"SELECT count(*), count(DISTINCT customer_id), min(audience), max(salt_version), count(layer) FROM '{path}'")[0];
        var fromFile = CustomerExportKit.Query($"SELECT arm, count(*) FROM '{path}' GROUP BY arm ORDER BY arm");
        Assert.Equal(0L, Convert.ToInt64(mismatches, CultureInfo.InvariantCulture));
        Assert.Equal(20_000L, Convert.ToInt64(rows[0], CultureInfo.InvariantCulture));
        Assert.Equal(20_000L, Convert.ToInt64(rows[1], CultureInfo.InvariantCulture));
        Assert.Equal("everyone", rows[2]);
        Assert.Equal("sha256-be64-mod10000-v1:spring-2026", rows[3]);
        Assert.Equal(0L, Convert.ToInt64(rows[4], CultureInfo.InvariantCulture));
        Assert.Equal(20_000, summary.Customers);
        Assert.Equal(summary.Counts, fromFile.Select(r => Convert.ToInt64(r[1], CultureInfo.InvariantCulture)));
    }

    [Fact]
    public async Task Ids_keep_the_exports_type()
    {
        string customers = CustomerExportKit.Write(_folder, "customers.parquet", CustomerExportKit.Rows(100, "CAST(i AS BIGINT)"));
        var assigner = new HoldoutAssigner("a", "s", BucketAllocation.FromShares([new("holdout", 0.5), new("vbo", 0.5)]));
        string path = Path.Combine(_folder, "assignment.parquet");

        await AssignAsync(customers, assigner, path);

        Assert.Equal("BIGINT", CustomerExportKit.Scalar($"SELECT typeof(customer_id) FROM '{path}' LIMIT 1"));
        Assert.Equal(HoldoutHash.Version, CustomerExportKit.Scalar(
            $"SELECT decode(value) FROM parquet_kv_metadata('{path}') WHERE decode(key) = '{HoldoutAssignmentWriter.HashVersionKey}'"));
    }

    [Fact]
    public async Task Two_tests_of_a_layer_write_disjoint_customers_that_together_are_everyone()
    {
        string customers = CustomerExportKit.Write(_folder, "customers.parquet", CustomerExportKit.Rows(20_000), rowGroupSize: 6_000);
        var allocation = BucketAllocation.FromShares([new("holdout", 0.2), new("treated", 0.8)]);
        string first = Path.Combine(_folder, "first.parquet");
        string second = Path.Combine(_folder, "second.parquet");

        var a = await AssignAsync(customers, new HoldoutAssigner("bargain-hunters", "test-a", allocation, new AudienceLayer("q2", "layer-q2", 0, 4_000)), first);
        var b = await AssignAsync(customers, new HoldoutAssigner("young-adults", "test-b", allocation, new AudienceLayer("q2", "layer-q2", 4_000, 10_000)), second);

        Assert.Equal(0L, Convert.ToInt64(CustomerExportKit.Scalar($"SELECT count(*) FROM '{first}' JOIN '{second}' USING (customer_id)"), CultureInfo.InvariantCulture));
        Assert.Equal(20_000L, a.Counts.Sum() + b.Counts.Sum());
        Assert.Equal(a.OutsideLayerRange, b.Counts.Sum());
        Assert.Equal(0L, Convert.ToInt64(CustomerExportKit.Scalar($"SELECT count(*) FROM '{first}' WHERE {Bucket("layer-q2")} >= 4000 OR layer <> 'q2'"), CultureInfo.InvariantCulture));
    }

    private static async Task<AssignmentSummary> AssignAsync(string customers, HoldoutAssigner assigner, string path)
    {
        await using var file = await ExportFile.OpenAsync(customers);
        var reader = CustomerExportReader.Open(file, new CustomerExportOptions { IdsOnly = true });
        await using var output = File.Create(path);
        return await HoldoutAssignmentWriter.WriteAsync(reader, assigner, output);
    }
}
