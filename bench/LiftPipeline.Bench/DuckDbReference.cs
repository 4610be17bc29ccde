using System.Globalization;
using System.Numerics;
using DuckDB.NET.Data;

namespace LiftPipeline.Bench;

/// <summary>DuckDB running the same per-arm sums on the same file, on a connection pinned to a thread count.</summary>
internal sealed class DuckDbReference : IDisposable
{
    private readonly DuckDBConnection _connection;
    private readonly string _sql;

    public DuckDbReference(string path, int threads)
    {
        Threads = threads;
        _connection = new DuckDBConnection("Data Source=:memory:");
        _connection.Open();
        using (var command = _connection.CreateCommand())
        {
            command.CommandText = $"SET threads={threads.ToString(CultureInfo.InvariantCulture)}";
            command.ExecuteNonQuery();
        }
        _sql = Query(path);
    }

    public int Threads { get; }

    public static string Query(string path) =>
        $"SELECT arm, count(*), sum(conversions), sum(revenue), sum(pre_revenue) FROM read_parquet('{path.Replace("'", "''", StringComparison.Ordinal)}') GROUP BY arm ORDER BY arm";

    public static string Version()
    {
        using var connection = new DuckDBConnection("Data Source=:memory:");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT version()";
        return Convert.ToString(command.ExecuteScalar(), CultureInfo.InvariantCulture) ?? "?";
    }

    public IReadOnlyList<ArmTotal> Run()
    {
        using var command = _connection.CreateCommand();
        command.CommandText = _sql;
        using var reader = command.ExecuteReader();
        var totals = new List<ArmTotal>();
        while (reader.Read())
        {
            totals.Add(new ArmTotal(reader.GetString(0), Convert.ToInt64(reader.GetValue(1), CultureInfo.InvariantCulture),
                ToDouble(reader.GetValue(2)), ToDouble(reader.GetValue(3)), ToDouble(reader.GetValue(4))));
        }
        return totals;
    }

    // sum(BIGINT) is HUGEINT in DuckDB, which DuckDB.NET hands back as a BigInteger.
    private static double ToDouble(object value) => value switch
    {
        BigInteger big => (double)big,
        decimal d => (double)d,
        _ => Convert.ToDouble(value, CultureInfo.InvariantCulture),
    };

    public void Dispose() => _connection.Dispose();
}
