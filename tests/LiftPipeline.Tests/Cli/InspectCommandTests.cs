using System.Text.Json;
using LiftPipeline.Cli;

namespace LiftPipeline.Tests.Cli;

public sealed class InspectCommandTests
{
    [Fact]
    public async Task Inspect_json_prints_one_object_describing_a_valid_panel()
    {
        var (code, output, _) = await CliRunner.RunAsync("inspect", TestData.Panel("GeoLift_Test.parquet"), "--json");

        Assert.Equal(LiftApp.Ok, code);
        using var json = JsonDocument.Parse(output);
        var root = json.RootElement;
        Assert.Equal(
            ["file", "rows", "rowGroups", "createdBy", "compression", "columns", "contract", "valid", "errors", "validFor"],
            root.EnumerateObject().Select(p => p.Name));
        Assert.EndsWith("GeoLift_Test.parquet", root.GetProperty("file").GetString(), StringComparison.Ordinal);
        Assert.Equal(4200, root.GetProperty("rows").GetInt64());
        Assert.Equal(1, root.GetProperty("rowGroups").GetInt32());
        Assert.StartsWith("DuckDB", root.GetProperty("createdBy").GetString(), StringComparison.Ordinal);
        Assert.Equal("panel", root.GetProperty("contract").GetString());
        Assert.True(root.GetProperty("valid").GetBoolean());
        Assert.Equal(0, root.GetProperty("errors").GetArrayLength());
        var columns = root.GetProperty("columns").EnumerateArray()
            .Select(c => (c.GetProperty("name").GetString(), c.GetProperty("physicalType").GetString(), c.GetProperty("logicalType").GetString(), c.GetProperty("nullCount").GetInt64()))
            .ToArray();
        Assert.Equal(
            [("unit", "BYTE_ARRAY", "STRING", 0L), ("period", "INT32", "DATE", 0L), ("treated", "BOOLEAN", null, 0L), ("conversions", "INT64", "INT(64,signed)", 0L)],
            columns);
    }

    [Fact]
    public async Task Inspect_json_lists_the_problems_of_an_invalid_export_and_exits_1()
    {
        using var temp = TestData.TempDirectory();
        string path = temp.File("bad.parquet");
        using (var json = JsonDocument.Parse(File.ReadAllText(TestData.Path("export-cases", "panel-treatment-switches-off.json"))))
        {
            await Ingestion.ExportCaseWriter.WriteAsync(path, json.RootElement.GetProperty("columns"), json.RootElement.GetProperty("rows"));
        }

        var (code, output, _) = await CliRunner.RunAsync("inspect", path, "--json");

        Assert.Equal(LiftApp.DataProblem, code);
        using var result = JsonDocument.Parse(output);
        Assert.False(result.RootElement.GetProperty("valid").GetBoolean());
        var error = Assert.Single(result.RootElement.GetProperty("errors").EnumerateArray());
        Assert.Equal("treatment-switches-off", error.GetProperty("code").GetString());
        Assert.Equal("treated", error.GetProperty("column").GetString());
        Assert.Equal([3L], error.GetProperty("rows").EnumerateArray().Select(r => r.GetInt64()));
    }

    [Fact]
    public async Task Inspect_reports_a_truncated_file_as_corrupt_without_a_stack_trace()
    {
        using var temp = TestData.TempDirectory();
        string path = temp.File("truncated.parquet");
        var bytes = await File.ReadAllBytesAsync(TestData.Panel("california_prop99.parquet"));
        await File.WriteAllBytesAsync(path, bytes[..(bytes.Length / 2)]);

        var (code, output, error) = await CliRunner.RunAsync("inspect", path, "--json");

        Assert.Equal(LiftApp.DataProblem, code);
        Assert.Equal("", error);
        using var json = JsonDocument.Parse(output);
        Assert.Equal("unknown", json.RootElement.GetProperty("contract").GetString());
        var problem = Assert.Single(json.RootElement.GetProperty("errors").EnumerateArray());
        Assert.Equal("corrupt-file", problem.GetProperty("code").GetString());
        Assert.Contains("PAR1", problem.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Inspect_says_when_the_columns_match_no_contract()
    {
        var (code, output, _) = await CliRunner.RunAsync("inspect", TestData.Corpus("parquet-testing", "alltypes_plain.parquet"), "--json");

        Assert.Equal(LiftApp.DataProblem, code);
        using var json = JsonDocument.Parse(output);
        Assert.Equal("unknown", json.RootElement.GetProperty("contract").GetString());
        Assert.Equal(11, json.RootElement.GetProperty("columns").GetArrayLength());
        Assert.Equal("unknown-contract", json.RootElement.GetProperty("errors")[0].GetProperty("code").GetString());
    }

    [Fact]
    public async Task Inspect_without_json_prints_the_summary_and_column_table()
    {
        var (code, output, _) = await CliRunner.RunAsync("inspect", TestData.Panel("california_prop99.parquet"));

        Assert.Equal(LiftApp.Ok, code);
        Assert.Contains("1,209 in 1 row group", output, StringComparison.Ordinal);
        Assert.Contains("SNAPPY", output, StringComparison.Ordinal);
        Assert.Matches(@"packs_per_capita\s+│\s+DOUBLE", output);
        Assert.Contains("valid panel export", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Help_describes_inspect_and_its_options()
    {
        var (code, output, _) = await CliRunner.RunAsync("inspect", "--help");

        Assert.Equal(LiftApp.Ok, code);
        Assert.Contains("--json", output, StringComparison.Ordinal);
        Assert.Contains("Exit code 0 when valid, 1 when not", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_file_argument_is_a_usage_error()
    {
        var (code, _, error) = await CliRunner.RunAsync("inspect");

        Assert.Equal(LiftApp.UsageError, code);
        Assert.Contains("lift --help", error, StringComparison.Ordinal);
    }
}
