using System.Globalization;
using System.Numerics;
using DuckDB.NET.Data;

namespace LiftPipeline.Tests.Experiments;

/// <summary>
/// Writes small experiment exports with DuckDB from deterministic hash-based values, and asks DuckDB for reference sums
/// on the same files. Arms, segments, surfaces and markets (with some null segments and markets), exposure, a count
/// outcome, a skewed revenue outcome with zeros, a pre-period covariate and spend.
/// </summary>
internal static class ExperimentExportKit
{
    // u(i, k): a deterministic uniform in [0, 1) per row and stream.
    private static string U(int k) => $"((hash(i * 7919 + {k}) % 1000003) / 1000003.0)";

    public static string Rows(int rows, string where = "true") => $"""
        SELECT i AS customer_id,
          CASE WHEN {U(1)} < 0.2 THEN 'holdout' WHEN {U(1)} < 0.6 THEN 'vbo' ELSE 'vbo_1p' END AS arm,
          CASE WHEN {U(2)} < 0.05 THEN NULL WHEN {U(2)} < 0.4 THEN 'new' WHEN {U(2)} < 0.8 THEN 'regular' ELSE 'vip' END AS segment,
          CASE WHEN {U(3)} < 0.5 THEN 'web' ELSE 'app' END AS surface,
          CASE WHEN {U(4)} < 0.1 THEN NULL WHEN {U(4)} < 0.6 THEN 'de' ELSE 'fr' END AS market,
          {U(5)} < 0.6 AS exposed,
          CAST(floor({U(6)} * {U(6)} * 4) AS BIGINT) AS conversions,
          CASE WHEN {U(7)} < 0.4 THEN 0.0 ELSE round(exp(3 + 2 * ({U(8)} - 0.5) * 3), 2) END AS revenue,
          CASE WHEN {U(9)} < 0.3 THEN 0.0 ELSE round(exp(2.5 + 2 * ({U(10)} - 0.5) * 2), 2) END AS pre_revenue,
          round({U(11)} * 0.5, 4) AS spend
        FROM range({rows}) t(i) WHERE {where}
        """;

    /// <summary>Writes the rows of <paramref name="select"/> to <paramref name="path"/> with row groups of about <paramref name="rowGroupSize"/> rows.</summary>
    public static void Write(string path, string select, int rowGroupSize)
    {
        using var connection = Open();
        Execute(connection, $"COPY ({select}) TO '{path}' (FORMAT parquet, ROW_GROUP_SIZE {rowGroupSize.ToString(CultureInfo.InvariantCulture)})");
    }

    /// <summary>Rows of a query, each column converted to double (null stays null for text, NaN never appears).</summary>
    public static List<object?[]> Query(string sql)
    {
        using var connection = Open();
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
                    decimal d => (double)d,
                    var v => Convert.ToDouble(v, CultureInfo.InvariantCulture),
                };
            }
            rows.Add(row);
        }
        return rows;
    }

    public static double Double(object? value) => (double)value!;

    public static void AssertClose(double expected, double actual, string what, double relative = 1e-9)
    {
        double tolerance = relative * Math.Max(1.0, Math.Abs(expected));
        Assert.True(Math.Abs(expected - actual) <= tolerance, $"{what}: expected {expected:R}, got {actual:R}");
    }

    private static DuckDBConnection Open()
    {
        var connection = new DuckDBConnection("Data Source=:memory:");
        connection.Open();
        Execute(connection, "SET threads=1");
        return connection;
    }

    private static void Execute(DuckDBConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
