using LiftPipeline.Ingestion;
using LiftPipeline.Ingestion.Customers;
using LiftPipeline.Ingestion.Inspection;

namespace LiftPipeline.Tests.Audiences;

/// <summary>
/// A customer id in two rows of a customers export is one error naming the file, the column, an id and its rows (found
/// exactly: keys that repeat are confirmed on the ids), for text and integer ids, by <c>lift inspect</c>'s inspector and
/// the audience refresh's validation alike; an export without repeats passes.
/// </summary>
public sealed class CustomerIdDuplicatesTests : IDisposable
{
    private readonly TempDirectory _root = TestData.TempDirectory();

    public void Dispose() => _root.Dispose();

    private static async Task<ExportValidationException?> ScanAsync(string path)
    {
        await using var file = await ExportFile.OpenAsync(path);
        var reader = CustomerExportReader.Open(file, new CustomerExportOptions { IdsOnly = true });
        var duplicates = new CustomerIdDuplicates();
        for (int g = 0; g < reader.RowGroupCount; g++)
        {
            duplicates.Add(await reader.ReadRowGroupAsync(g));
        }
        return await Record.ExceptionAsync(() => duplicates.ThrowIfAnyAsync(reader)) as ExportValidationException;
    }

    [Fact]
    public async Task Repeated_text_ids_are_named_with_their_rows_across_row_groups()
    {
        // 3,000 customers, then rows 41 and 2,500 again: rows 3,000 and 3,001 repeat them, in another row group.
        string path = CustomerExportKit.Write(_root.FullName, "dup.parquet",
            $"SELECT * FROM ({CustomerExportKit.Rows(3_000)}) UNION ALL SELECT * FROM ({CustomerExportKit.Rows(3_000)}) WHERE customer_id IN ('c41', 'c2500')", rowGroupSize: 1_000);

        var error = await ScanAsync(path);

        Assert.NotNull(error);
        var problem = Assert.Single(error.Errors);
        Assert.Equal(ExportErrorCodes.DuplicateId, problem.Code);
        Assert.Equal("customer_id", problem.Column);
        Assert.Equal([41L, 2_500, 3_000, 3_001], problem.Rows.Order());
        Assert.Contains("dup.parquet: [duplicate-id] column 'customer_id': 2 customer ids repeat, e.g. 'c41' in rows 41, 3000; a customer is one row", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Integer_ids_repeat_by_value_and_distinct_ids_pass()
    {
        string repeated = CustomerExportKit.Write(_root.FullName, "int.parquet",
            $"SELECT * FROM ({CustomerExportKit.Rows(500, "i::BIGINT")}) UNION ALL SELECT * FROM ({CustomerExportKit.Rows(500, "i::BIGINT")}) WHERE customer_id = 7");
        string distinct = CustomerExportKit.Write(_root.FullName, "ok.parquet", CustomerExportKit.Rows(5_000));

        var error = await ScanAsync(repeated);

        Assert.Contains("1 customer ids repeat, e.g. '7' in rows 7, 500", Assert.IsType<ExportValidationException>(error).Message, StringComparison.Ordinal);
        Assert.Null(await ScanAsync(distinct));
    }

    [Fact]
    public async Task Inspect_reports_a_repeated_id_instead_of_a_valid_customers_export()
    {
        string path = CustomerExportKit.Write(_root.FullName, "dup.parquet",
            $"SELECT * FROM ({CustomerExportKit.Rows(200)}) UNION ALL SELECT * FROM ({CustomerExportKit.Rows(200)}) WHERE customer_id = 'c3'");

        var inspection = await ExportInspector.InspectAsync(path);

        Assert.Null(inspection.ValidFor);
        Assert.Contains(inspection.Errors, p => p.Code == ExportErrorCodes.DuplicateId && p.Rows.SequenceEqual([3L, 200]));
    }
}
