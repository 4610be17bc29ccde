using System.Text.Json;
using System.Text.RegularExpressions;
using LiftPipeline.Ingestion;

namespace LiftPipeline.Tests.Ingestion;

/// <summary>
/// Every file of the Parquet corpus (tests/data/parquet-corpus, written by parquet-mr, Spark, Impala, Arrow C++,
/// parquet-rs, DuckDB and others) either reads to the rows DuckDB reads from it, or is listed in
/// corpus-expectations.json as unreadable and fails with our clear error. Adding a case means adding a file.
/// </summary>
public sealed partial class ParquetCorpusTests
{
    private static readonly Lazy<CorpusExpectations> Expectations = new(() =>
        JsonSerializer.Deserialize<CorpusExpectations>(File.ReadAllText(TestData.Corpus("corpus-expectations.json")), JsonOptions)!);

    private static readonly JsonSerializerOptions JsonOptions = new() { PropertyNameCaseInsensitive = true };

    public static TheoryData<string> CorpusFiles()
    {
        var data = new TheoryData<string>();
        foreach (var path in Directory.EnumerateFiles(TestData.Corpus(), "*.parquet", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            var relative = Path.GetRelativePath(TestData.Corpus(), path).Replace('\\', '/');
            if (!relative.Contains("bad_data/", StringComparison.Ordinal))
            {
                data.Add(relative);
            }
        }
        return data;
    }

    public static TheoryData<string> BadDataFiles()
    {
        var data = new TheoryData<string>();
        foreach (var path in Directory.EnumerateFiles(TestData.Corpus("parquet-testing", "bad_data"), "*.parquet").Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetFileName(path));
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(CorpusFiles))]
    public async Task Corpus_file_reads_to_the_expected_rows_or_fails_with_a_listed_clear_error(string relative)
    {
        string name = Path.GetFileName(relative);
        var expectations = Expectations.Value;
        bool listedUnreadable = expectations.Unreadable.ContainsKey(name);
        List<(string Column, List<object?> Values)> columns;
        long rows;
        try
        {
            await using var file = await ExportFile.OpenAsync(TestData.Corpus(relative));
            rows = file.Rows;
            columns = [];
            var unreadableColumns = expectations.UnreadableColumns.GetValueOrDefault(name) ?? [];
            foreach (var column in file.Columns)
            {
                if (unreadableColumns.ContainsKey(column.Name))
                {
                    var error = await Assert.ThrowsAsync<ExportValidationException>(() => CorpusColumnReader.ReadAsync(file, column));
                    Assert.Equal(ExportErrorCodes.CorruptFile, error.Code);
                    Assert.Equal(column.Name, error.Errors[0].Column);
                    continue;
                }
                if (await CorpusColumnReader.ReadAsync(file, column) is { } values)
                {
                    Assert.Equal(file.Rows, values.Count);
                    columns.Add((column.Name, values));
                }
            }
        }
        catch (ExportValidationException e) when (listedUnreadable)
        {
            Assert.Equal(ExportErrorCodes.CorruptFile, e.Code);
            Assert.Contains(relative, e.Message, StringComparison.Ordinal);
            return;
        }
        Assert.False(listedUnreadable, $"{name} is listed as unreadable but now reads; update corpus-expectations.json and the README");
        if (ExpectedRows(relative) is { } expected)
        {
            Assert.Equal(expected.Count, rows);
            CompareWithExpected(name, columns, expected, expectations.WrongExpected.GetValueOrDefault(name));
        }
    }

    [Theory]
    [MemberData(nameof(BadDataFiles))]
    public async Task Malformed_file_is_rejected_with_a_clear_error_naming_it(string name)
    {
        string path = TestData.Corpus("parquet-testing", "bad_data", name);
        if (Expectations.Value.BadDataReadable.ContainsKey(name))
        {
            await using var readable = await ExportFile.OpenAsync(path);
            await readable.VerifyAsync();
            return;
        }
        var error = await Assert.ThrowsAsync<ExportValidationException>(async () =>
        {
            await using var file = await ExportFile.OpenAsync(path);
            await file.VerifyAsync();
        });
        Assert.Equal(ExportErrorCodes.CorruptFile, error.Code);
        Assert.StartsWith(path + ": [corrupt-file]", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Dictionary_indices_of_bit_width_zero_decode_as_index_zero()
    {
        await using var file = await ExportFile.OpenAsync(TestData.Corpus("parquet-testing", "bad_data", "ARROW-GH-43605.parquet"));
        var values = await CorpusColumnReader.ReadAsync(file, file.Columns[0]);
        Assert.Equal(21186, values!.Count);
        Assert.All(values, v => Assert.Equal(0.0, v));
    }

    private static List<Dictionary<string, JsonElement>>? ExpectedRows(string relative)
    {
        string name = Path.GetFileName(relative);
        string? expectedPath = Expectations.Value.ExpectedFile.TryGetValue(name, out var mapped)
            ? (mapped is null ? null : TestData.Corpus(mapped))
            : relative.StartsWith("duckdb-generated/", StringComparison.Ordinal)
                ? TestData.Corpus("duckdb-generated", "duckdb_expected.jsonl")
                : TestData.Corpus("parquet-testing", "expected", Path.GetFileNameWithoutExtension(name) + ".duckdb.jsonl");
        if (expectedPath is null || !File.Exists(expectedPath))
        {
            return null;
        }
        return File.ReadLines(expectedPath)
            .Where(line => line.Length > 0)
            .Select(line => JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(BareFloatLiteral().Replace(line, m => $"{m.Groups[1].Value}\"{m.Groups[2].Value}\""))!)
            .ToList();
    }

    private static void CompareWithExpected(string name, List<(string Column, List<object?> Values)> columns, List<Dictionary<string, JsonElement>> expected, Dictionary<string, int[]>? wrongExpected)
    {
        int compared = 0;
        foreach (var (column, values) in columns)
        {
            if (expected.Count == 0 || !expected[0].ContainsKey(column))
            {
                continue;
            }
            var skipRows = wrongExpected?.GetValueOrDefault(column) ?? [];
            for (int row = 0; row < expected.Count; row++)
            {
                if (!skipRows.Contains(row))
                {
                    AssertValue(expected[row][column], values[row], $"{name} column '{column}' row {row}");
                    compared++;
                }
            }
        }
        Assert.True(compared > 0 || expected.Count == 0, $"{name}: no column could be compared");
    }

    private static void AssertValue(JsonElement expected, object? actual, string where)
    {
        switch (expected.ValueKind)
        {
            case JsonValueKind.Null:
                Assert.True(actual is null, $"{where}: expected null, read {actual}");
                break;
            case JsonValueKind.True or JsonValueKind.False:
                Assert.True(actual is bool b && b == expected.GetBoolean(), $"{where}: expected {expected}, read {actual}");
                break;
            case JsonValueKind.Number:
                double want = expected.GetDouble();
                Assert.True(actual is double d && Math.Abs(d - want) <= 1e-12 * Math.Max(1, Math.Abs(want)), $"{where}: expected {want}, read {actual}");
                break;
            case JsonValueKind.String when actual is double number:
                Assert.True(double.IsNaN(number) && expected.GetString() == "NaN" || number.ToString() == expected.GetString(), $"{where}: expected {expected}, read {number}");
                break;
            case JsonValueKind.String:
                Assert.Equal(expected.GetString(), actual as string);
                break;
            default:
                break;
        }
    }

    [GeneratedRegex(@"(:\s*)(-?NaN|-?Infinity)(?=[,}])")]
    private static partial Regex BareFloatLiteral();

    private sealed record CorpusExpectations(
        Dictionary<string, string> Unreadable,
        Dictionary<string, Dictionary<string, string>> UnreadableColumns,
        Dictionary<string, string> BadDataReadable,
        Dictionary<string, string?> ExpectedFile,
        Dictionary<string, Dictionary<string, int[]>> WrongExpected);
}
