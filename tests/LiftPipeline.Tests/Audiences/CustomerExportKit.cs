using System.Globalization;
using DuckDB.NET.Data;
using LiftPipeline.Ingestion;
using LiftPipeline.Ingestion.Customers;

namespace LiftPipeline.Tests.Audiences;

/// <summary>
/// Writes <c>customers</c> exports with DuckDB (another writer than ours) from deterministic per-row formulas: customers
/// without orders (null order dates), discounted order counts, null age bands and countries, raw emails and phones (some
/// null), and two extra columns (a number and a text tier). Also asks DuckDB questions about the files it wrote.
/// </summary>
internal static class CustomerExportKit
{
    /// <summary>The customers query: <paramref name="id"/> is the SQL of the id column over <c>i</c>.</summary>
    public static string Rows(int rows, string id = "'c' || i") => $"""
        SELECT {id} AS customer_id,
          DATE '2026-06-30' AS as_of,
          CASE WHEN i % 10 = 0 THEN NULL ELSE DATE '2024-01-01' + CAST(i % 500 AS INTEGER) END AS first_order_date,
          CASE WHEN i % 10 = 0 THEN NULL ELSE DATE '2024-01-01' + CAST(i % 500 + i % 37 AS INTEGER) END AS last_order_date,
          CASE WHEN i % 10 = 0 THEN 0 ELSE 1 + i % 7 END AS orders,
          CASE WHEN i % 10 = 0 THEN 0.0 ELSE round((i % 1000) * 1.37, 2) END AS revenue,
          CASE WHEN i % 10 = 0 THEN 0 ELSE (i % 7) // 2 END AS discounted_orders,
          CASE i % 5 WHEN 0 THEN '18-24' WHEN 1 THEN '25-34' WHEN 2 THEN '35-44' WHEN 3 THEN '45+' ELSE NULL END AS age_band,
          CASE i % 4 WHEN 0 THEN 'DE' WHEN 1 THEN 'FR' WHEN 2 THEN 'NL' ELSE NULL END AS country,
          CASE WHEN i % 6 = 0 THEN NULL ELSE '  User.' || i || '@Example.COM ' END AS email,
          CASE WHEN i % 9 = 0 THEN NULL ELSE '+49 (151) ' || lpad(CAST(i % 10000000 AS VARCHAR), 7, '0') END AS phone,
          (i % 13) * 1.5 AS basket_size,
          'tier' || (i % 3) AS tier
        FROM range({rows.ToString(CultureInfo.InvariantCulture)}) t(i)
        """;

    /// <summary>Writes the rows of <paramref name="select"/> to a new file under <paramref name="folder"/> with row groups of about <paramref name="rowGroupSize"/> rows.</summary>
    public static string Write(string folder, string name, string select, int rowGroupSize = 100_000)
    {
        string path = Path.Combine(folder, name);
        using var connection = Open();
        Execute(connection, $"COPY ({select}) TO '{path}' (FORMAT parquet, ROW_GROUP_SIZE {rowGroupSize.ToString(CultureInfo.InvariantCulture)})");
        return path;
    }

    /// <summary>The single value of <paramref name="sql"/>.</summary>
    public static object? Scalar(string sql)
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }

    /// <summary>Every row of <paramref name="sql"/> as objects (DBNull as null).</summary>
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
                row[c] = reader.IsDBNull(c) ? null : reader.GetValue(c);
            }
            rows.Add(row);
        }
        return rows;
    }

    /// <summary>Opens <paramref name="path"/> and reads it whole; the exception of the first bad batch escapes.</summary>
    public static async Task<List<CustomerBatchCopy>> ReadAllAsync(string path, CustomerExportOptions? options = null)
    {
        await using var file = await ExportFile.OpenAsync(path);
        var reader = CustomerExportReader.Open(file, options);
        var rows = new List<CustomerBatchCopy>();
        var id = new byte[64];
        await foreach (var batch in reader.ReadBatchesAsync())
        {
            for (int i = 0; i < batch.Count; i++)
            {
                string customer = System.Text.Encoding.UTF8.GetString(id, 0, batch.WriteId(i, id));
                rows.Add(reader.HasEmail || options?.IdsOnly == true
                    ? new CustomerBatchCopy(customer, 0, 0, 0, 0, 0, 0, null, null,
                        batch.Emails.IsEmpty ? null : Text(batch.Emails[i]), batch.Phones.IsEmpty ? null : Text(batch.Phones[i]), [])
                    : new CustomerBatchCopy(customer, batch.AsOf[i], batch.FirstOrder[i], batch.LastOrder[i], batch.Orders[i], batch.Revenue[i], batch.DiscountedShare[i],
                        batch.AgeBands[i] < 0 ? null : reader.AgeBands.Names[batch.AgeBands[i]],
                        batch.Countries[i] < 0 ? null : reader.Countries.Names[batch.Countries[i]], null, null,
                        Enumerable.Range(0, reader.Extras.Count).Select(e => reader.ExtraCategories[e] is { } names
                            ? (object?)(batch.ExtraCodes(e)[i] < 0 ? null : names.Names[batch.ExtraCodes(e)[i]])
                            : batch.ExtraNumbers(e)[i]).ToArray()));
            }
        }
        return rows;
    }

    private static string? Text(ReadOnlyMemory<byte> value) => value.IsEmpty ? null : System.Text.Encoding.UTF8.GetString(value.Span);

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

/// <summary>One row as the reader gave it, copied out of its batch.</summary>
internal sealed record CustomerBatchCopy(string Id, int AsOf, int FirstOrder, int LastOrder, double Orders, double Revenue, double DiscountedShare,
    string? AgeBand, string? Country, string? Email, string? Phone, object?[] Extras);
