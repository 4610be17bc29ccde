using System.Globalization;
using LiftPipeline.Ingestion;
using LiftPipeline.Ingestion.Audiences;

namespace LiftPipeline.Tests.Audiences;

/// <summary>
/// Export rows checked against an assignment written by DuckDB (another writer than ours) with known disagreements:
/// the counts are exact, match DuckDB's own join of the two files, and the example ids are the first in export order.
/// </summary>
public sealed class AssignmentAuditTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("assignment-audit-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private const string Arm = "CASE i % 3 WHEN 0 THEN 'holdout' WHEN 1 THEN 'vbo' ELSE 'vbo_1p' END";

    // 3,000 customers in three arms; holdout customers i % 50 = 0 exposed, every treated one exposed.
    private static string Export(string id) => $"""
        SELECT {id} AS customer_id, {Arm} AS arm, (i % 3 <> 0 OR i % 50 = 0) AS exposed, (i % 7) * 1.0 AS revenue
        FROM range(3000) t(i)
        """;

    // Customers 0-2,899 assigned (2,900 onwards are not); i % 97 = 1 assigned to another arm than the export reports.
    private static string Assignment(string id) => $"""
        SELECT {id} AS customer_id,
          CASE WHEN i % 97 = 1 THEN (CASE i % 3 WHEN 0 THEN 'vbo' ELSE 'holdout' END) ELSE {Arm} END AS arm,
          'everyone' AS audience, NULL::VARCHAR AS layer, 'sha256-be64-mod10000-v1:s' AS salt_version
        FROM range(2900) t(i)
        """;

    private async Task<Statistics.Measurement.AssignmentAgreement> AuditAsync(string exportId, string assignmentId = "'c' || i")
    {
        string assignment = CustomerExportKit.Write(_folder, "assignment.parquet", Assignment(assignmentId), rowGroupSize: 1_000);
        string export = CustomerExportKit.Write(_folder, "export.parquet", Export(exportId), rowGroupSize: 700);
        await using var assigned = await ExportFile.OpenAsync(assignment);
        var audit = new AssignmentAudit(await AssignmentIndex.ReadAsync(assigned), "holdout");
        await using var file = await ExportFile.OpenAsync(export);
        await audit.AddAsync(file, ColumnMapping.Default);
        return audit.Result;
    }

    private long DuckDb(string where) => Convert.ToInt64(CustomerExportKit.Scalar($"""
        SELECT count(*) FROM '{Path.Combine(_folder, "export.parquet")}' e
        LEFT JOIN '{Path.Combine(_folder, "assignment.parquet")}' a ON a.customer_id = CAST(e.customer_id AS VARCHAR)
        WHERE {where}
        """), CultureInfo.InvariantCulture);

    [Fact]
    public async Task Wrong_arms_unassigned_customers_and_exposed_holdout_customers_are_counted_exactly()
    {
        var result = await AuditAsync("'c' || i");

        // i % 97 = 1 below 2,900: i = 1, 98, …, 2,814 → 30 customers; unassigned: 2,900-2,999 → 100.
        Assert.Equal((3000L, 30L, 100L), (result.Customers, result.WrongArm, result.NotAssigned));
        Assert.Equal(DuckDb("a.arm <> e.arm"), result.WrongArm);
        Assert.Equal(DuckDb("a.customer_id IS NULL"), result.NotAssigned);
        Assert.Equal(DuckDb("a.arm = 'holdout'"), result.HoldoutAssigned);
        Assert.Equal(DuckDb("a.arm = 'holdout' AND e.exposed"), result.HoldoutExposed);
        // Assigned to holdout and exposed: treated in the export but assigned to holdout (i % 97 = 1, i % 3 <> 0: 20), and
        // holdout in both with i % 150 = 0 (20, less i = 1,650, which is i % 97 = 1 and so assigned to vbo).
        Assert.Equal(20L + 19L, result.HoldoutExposed);
        Assert.Equal(["c1", "c98", "c195", "c292", "c389"], result.FirstWrongArm);
        Assert.Equal(["c2900", "c2901", "c2902", "c2903", "c2904"], result.FirstNotAssigned);
        Assert.Equal(["c0", "c1", "c98", "c150", "c292"], result.FirstHoldoutExposed);
        Assert.Equal(30.0 / 3000, result.WrongArmShare, 12);
        Assert.Equal(39.0 / result.HoldoutAssigned, result.HoldoutExposedShare, 12);
    }

    [Fact]
    public async Task Integer_ids_in_the_export_match_the_same_digits_assigned_as_text()
    {
        var integerExport = await AuditAsync("CAST(i AS BIGINT)", "CAST(i AS VARCHAR)");
        var integerBoth = await AuditAsync("CAST(i AS BIGINT)", "CAST(i AS BIGINT)");
        var textExport = await AuditAsync("CAST(i AS VARCHAR)", "CAST(i AS BIGINT)");
        var prefixed = await AuditAsync("CAST(i AS BIGINT)");

        Assert.All(new[] { integerExport, integerBoth, textExport }, r => Assert.Equal((3000L, 30L, 100L, 39L), (r.Customers, r.WrongArm, r.NotAssigned, r.HoldoutExposed)));
        Assert.Equal(["1", "98", "195", "292", "389"], integerBoth.FirstWrongArm);
        // Text ids 'c0', 'c1', … are not the integers 0, 1, …: none is assigned.
        Assert.Equal((3000L, 3000L, 0L), (prefixed.Customers, prefixed.NotAssigned, prefixed.WrongArm));
    }

    [Fact]
    public async Task A_customer_assigned_twice_is_an_invalid_assignment()
    {
        string path = CustomerExportKit.Write(_folder, "twice.parquet", "SELECT 'c' || (i % 5) AS customer_id, 'vbo' AS arm FROM range(6) t(i)");
        await using var file = await ExportFile.OpenAsync(path);

        var e = await Assert.ThrowsAsync<ExportValidationException>(() => AssignmentIndex.ReadAsync(file));

        Assert.Contains("customer 'c0' is assigned twice", e.Message, StringComparison.Ordinal);
    }
}
