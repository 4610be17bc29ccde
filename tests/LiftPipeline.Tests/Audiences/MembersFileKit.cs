using System.Globalization;

namespace LiftPipeline.Tests.Audiences;

/// <summary>
/// Writes members files (the contract in docs/audiences.md: customer_id, segment, key-value metadata) with DuckDB from SQL
/// over a customers export, until <c>lift audience build</c> writes them.
/// </summary>
internal static class MembersFileKit
{
    /// <summary>
    /// Writes the union of <paramref name="segments"/> (segment name → SQL condition over the customers export's columns) as
    /// a members file of <paramref name="audience"/> as of <paramref name="asOf"/>.
    /// </summary>
    public static string Write(string folder, string name, string customers, IReadOnlyList<(string Segment, string Where)> segments,
        string audience = "bargain-hunters", string asOf = "2026-06-30", int rowGroupSize = 3_000)
    {
        string select = string.Join(" UNION ALL ", segments.Select(s => $"SELECT customer_id, '{s.Segment}' AS segment FROM '{customers}' WHERE {s.Where}"));
        return WriteRows(folder, name, select, "members", audience, asOf, rowGroupSize);
    }

    /// <summary>Writes the rows of <paramref name="select"/> with the members metadata (or another <paramref name="contract"/>).</summary>
    public static string WriteRows(string folder, string name, string select, string contract = "members", string audience = "bargain-hunters",
        string asOf = "2026-06-30", int rowGroupSize = 3_000)
    {
        string path = Path.Combine(folder, name);
        string metadata = $"KV_METADATA {{'liftpipeline.contract': '{contract}', 'liftpipeline.members.audience': '{audience}', 'liftpipeline.members.as_of': '{asOf}'}}";
        CustomerExportKit.Scalar($"COPY ({select}) TO '{path}' (FORMAT parquet, ROW_GROUP_SIZE {rowGroupSize.ToString(CultureInfo.InvariantCulture)}, {metadata})");
        return path;
    }

    /// <summary>Writes the rows of <paramref name="select"/> (customer_id, arm, …) as an assignment file planned as <paramref name="allocation"/>.</summary>
    public static string WriteAssignment(string folder, string name, string select, string allocation)
    {
        string path = Path.Combine(folder, name);
        CustomerExportKit.Scalar($"COPY ({select}) TO '{path}' (FORMAT parquet, KV_METADATA {{'liftpipeline.contract': 'assignment', 'liftpipeline.assignment.allocation': '{allocation}'}})");
        return path;
    }
}
