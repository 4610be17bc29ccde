using System.Globalization;
using LiftPipeline.Ingestion;
using LiftPipeline.Ingestion.Customers;

namespace LiftPipeline.Tests.Audiences;

/// <summary>
/// The <c>customers</c> contract read from files DuckDB wrote: every value as DuckDB reads it back, over several row
/// groups, with text and integer ids, mapped column names, and every kind of broken file as one clear error.
/// </summary>
public sealed class CustomerExportReaderTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("customers-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task Every_value_matches_what_duckdb_reads_from_the_same_file()
    {
        string path = CustomerExportKit.Write(_folder, "customers.parquet", CustomerExportKit.Rows(25_000), rowGroupSize: 10_000);

        var rows = await CustomerExportKit.ReadAllAsync(path);
        var expected = CustomerExportKit.Query($"""
            SELECT customer_id, date_diff('day', DATE '1970-01-01', as_of), date_diff('day', DATE '1970-01-01', first_order_date),
              date_diff('day', DATE '1970-01-01', last_order_date), orders, revenue,
              CASE WHEN orders = 0 THEN 0.0 ELSE discounted_orders / orders END, age_band, country, basket_size, tier
            FROM '{path}'
            """);

        Assert.Equal(25_000, rows.Count);
        Assert.Equal(expected.Count, rows.Count);
        for (int i = 0; i < rows.Count; i++)
        {
            var row = rows[i];
            var want = expected[i];
            Assert.Equal((string)want[0]!, row.Id);
            Assert.Equal(Convert.ToInt32(want[1], CultureInfo.InvariantCulture), row.AsOf);
            Assert.Equal(want[2] is null ? CustomerBatch.NoDate : Convert.ToInt32(want[2], CultureInfo.InvariantCulture), row.FirstOrder);
            Assert.Equal(want[3] is null ? CustomerBatch.NoDate : Convert.ToInt32(want[3], CultureInfo.InvariantCulture), row.LastOrder);
            Assert.Equal(Convert.ToDouble(want[4], CultureInfo.InvariantCulture), row.Orders);
            Assert.Equal(Convert.ToDouble(want[5], CultureInfo.InvariantCulture), row.Revenue);
            Assert.Equal(Convert.ToDouble(want[6], CultureInfo.InvariantCulture), row.DiscountedShare, 12);
            Assert.Equal((string?)want[7], row.AgeBand);
            Assert.Equal((string?)want[8], row.Country);
            Assert.Equal(Convert.ToDouble(want[9], CultureInfo.InvariantCulture), (double)row.Extras[0]!);
            Assert.Equal((string?)want[10], (string?)row.Extras[1]);
        }
        Assert.Equal(20_634, rows[1].AsOf);   // 2026-06-30
        Assert.Equal(CustomerBatch.NoDate, rows[10].FirstOrder);
    }

    [Fact]
    public async Task Extras_are_the_columns_outside_the_contract_and_contacts_are_not_among_them()
    {
        string path = CustomerExportKit.Write(_folder, "customers.parquet", CustomerExportKit.Rows(50));
        await using var file = await ExportFile.OpenAsync(path);

        var reader = CustomerExportReader.Open(file);

        Assert.Equal(["basket_size", "tier"], reader.Extras);
        Assert.Null(reader.ExtraCategories[0]);
        Assert.NotNull(reader.ExtraCategories[1]);
        Assert.False(reader.HasEmail);
        Assert.False(reader.HasPhone);
    }

    [Fact]
    public async Task Integer_ids_read_as_their_decimal_text()
    {
        string path = CustomerExportKit.Write(_folder, "customers.parquet", CustomerExportKit.Rows(3_000, id: "CAST(i * 1000003 AS BIGINT)"), rowGroupSize: 1_000);

        var rows = await CustomerExportKit.ReadAllAsync(path);

        Assert.Equal(3_000, rows.Count);
        Assert.Equal("0", rows[0].Id);
        Assert.Equal("2999008997", rows[^1].Id);
        Assert.Equal(Enumerable.Range(0, 3_000).Select(i => (i * 1_000_003L).ToString(CultureInfo.InvariantCulture)), rows.Select(r => r.Id));
    }

    [Fact]
    public async Task Contacts_are_read_only_when_asked_and_ids_survive_reading_them()
    {
        string path = CustomerExportKit.Write(_folder, "customers.parquet", CustomerExportKit.Rows(12_000), rowGroupSize: 5_000);

        var rows = await CustomerExportKit.ReadAllAsync(path, new CustomerExportOptions { IdsOnly = true, ReadContacts = true });
        var expected = CustomerExportKit.Query($"SELECT customer_id, email, phone FROM '{path}'");

        Assert.Equal(expected.Select(r => (string)r[0]!), rows.Select(r => r.Id));
        Assert.Equal(expected.Select(r => (string?)r[1]), rows.Select(r => r.Email));
        Assert.Equal(expected.Select(r => (string?)r[2]), rows.Select(r => r.Phone));
        Assert.Equal("  User.1@Example.COM ", rows[1].Email);
        Assert.Null(rows[0].Email);
    }

    [Fact]
    public async Task Mapped_column_names_are_read_as_their_contract_columns()
    {
        string path = CustomerExportKit.Write(_folder, "customers.parquet",
            $"SELECT * EXCLUDE (customer_id, orders) RENAME (revenue AS net_sales), customer_id AS cid, orders AS order_count FROM ({CustomerExportKit.Rows(100)})");
        var map = ColumnMapping.Default.With(CustomerColumns.CustomerId, "cid").With(CustomerColumns.Orders, "order_count").With(CustomerColumns.Revenue, "net_sales");

        var rows = await CustomerExportKit.ReadAllAsync(path, new CustomerExportOptions { Columns = map });

        Assert.Equal("c7", rows[7].Id);
        Assert.Equal(1 + 7 % 7, rows[7].Orders);
        Assert.Equal(Math.Round(7 * 1.37, 2), rows[7].Revenue, 10);
    }

    [Fact]
    public async Task Text_dates_and_timestamps_read_as_days()
    {
        string path = CustomerExportKit.Write(_folder, "customers.parquet",
            $"SELECT * REPLACE (strftime(as_of, '%Y-%m-%d') AS as_of, CAST(first_order_date AS TIMESTAMP) + INTERVAL 13 HOUR AS first_order_date) FROM ({CustomerExportKit.Rows(40)})");

        var rows = await CustomerExportKit.ReadAllAsync(path);

        Assert.All(rows, r => Assert.Equal(20_634, r.AsOf));
        Assert.Equal(new DateOnly(2024, 1, 2).DayNumber - new DateOnly(1970, 1, 1).DayNumber, rows[1].FirstOrder);
    }

    public static TheoryData<string, string, string, string, long> Broken => new()
    {
        { "missing id", "SELECT * EXCLUDE (customer_id) FROM ({0})", ExportErrorCodes.MissingColumn, "customer_id", -1 },
        { "missing discount", "SELECT * EXCLUDE (discounted_orders) FROM ({0})", ExportErrorCodes.MissingColumn, "discounted_share", -1 },
        { "orders as text", "SELECT * REPLACE (CAST(orders AS VARCHAR) AS orders) FROM ({0})", ExportErrorCodes.WrongType, "orders", -1 },
        { "as_of as a number", "SELECT * REPLACE (20000 AS as_of) FROM ({0})", ExportErrorCodes.WrongType, "as_of", -1 },
        { "id as a double", "SELECT * REPLACE (CAST(i AS DOUBLE) AS customer_id) FROM (SELECT *, row_number() OVER () AS i FROM ({0}))", ExportErrorCodes.WrongType, "customer_id", -1 },
        { "null id", "SELECT * REPLACE (CASE WHEN customer_id = 'c13' THEN NULL ELSE customer_id END AS customer_id) FROM ({0})", ExportErrorCodes.NullValue, "customer_id", 13 },
        { "null as_of", "SELECT * REPLACE (CASE WHEN customer_id = 'c5' THEN NULL ELSE as_of END AS as_of) FROM ({0})", ExportErrorCodes.NullValue, "as_of", 5 },
        { "bad text date", "SELECT * REPLACE (CASE WHEN customer_id = 'c8' THEN '30/06/2026' ELSE strftime(as_of, '%Y-%m-%d') END AS as_of) FROM ({0})", ExportErrorCodes.InvalidValue, "as_of", 8 },
        { "orders without dates", "SELECT * REPLACE (CASE WHEN customer_id = 'c11' THEN NULL ELSE first_order_date END AS first_order_date) FROM ({0})", ExportErrorCodes.NullValue, "first_order_date", 11 },
        { "last before first", "SELECT * REPLACE (CASE WHEN customer_id = 'c12' THEN DATE '2020-01-01' ELSE last_order_date END AS last_order_date) FROM ({0})", ExportErrorCodes.InvalidValue, "last_order_date", 12 },
        { "negative orders", "SELECT * REPLACE (CASE WHEN customer_id = 'c3' THEN -1 ELSE orders END AS orders) FROM ({0})", ExportErrorCodes.NegativeCount, "orders", 3 },
        { "null revenue", "SELECT * REPLACE (CASE WHEN customer_id = 'c4' THEN NULL ELSE revenue END AS revenue) FROM ({0})", ExportErrorCodes.NullValue, "revenue", 4 },
        { "nan revenue", "SELECT * REPLACE (CASE WHEN customer_id = 'c4' THEN 'nan'::DOUBLE ELSE revenue END AS revenue) FROM ({0})", ExportErrorCodes.NonFinite, "revenue", 4 },
        { "discounted above orders", "SELECT * REPLACE (CASE WHEN customer_id = 'c6' THEN 99 ELSE discounted_orders END AS discounted_orders) FROM ({0})", ExportErrorCodes.InvalidValue, "discounted_orders", 6 },
        { "share above 1", "SELECT * EXCLUDE (discounted_orders), CASE WHEN customer_id = 'c9' THEN 1.5 ELSE 0.25 END AS discounted_share FROM ({0})", ExportErrorCodes.InvalidValue, "discounted_share", 9 },
        { "empty", "SELECT * FROM ({0}) WHERE false", ExportErrorCodes.EmptyFile, "", -1 },
    };

    [Theory]
    [MemberData(nameof(Broken))]
    public async Task A_broken_export_is_one_clear_error_naming_file_column_and_row(string name, string select, string code, string column, long row)
    {
        string path = CustomerExportKit.Write(_folder, "broken.parquet", string.Format(CultureInfo.InvariantCulture, select, CustomerExportKit.Rows(20)));

        var error = await Assert.ThrowsAsync<ExportValidationException>(() => CustomerExportKit.ReadAllAsync(path));

        Assert.True(error.Code == code, $"{name}: {error.Message}");
        Assert.Contains("broken.parquet", error.Message, StringComparison.Ordinal);
        if (column.Length > 0)
        {
            Assert.Equal(column, error.Errors[0].Column);
        }
        if (row >= 0)
        {
            Assert.Equal([row], error.Errors[0].Rows);
        }
        Assert.DoesNotContain("\n", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Raw_contacts_never_appear_in_an_error()
    {
        string path = CustomerExportKit.Write(_folder, "broken.parquet",
            $"SELECT * REPLACE (CASE WHEN customer_id = 'c1' THEN -5 ELSE orders END AS orders) FROM ({CustomerExportKit.Rows(20)})");

        var error = await Assert.ThrowsAsync<ExportValidationException>(() => CustomerExportKit.ReadAllAsync(path));

        Assert.DoesNotContain("@", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("+49", error.Message, StringComparison.Ordinal);
    }
}
