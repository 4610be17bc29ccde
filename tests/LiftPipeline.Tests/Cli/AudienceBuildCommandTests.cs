using System.Globalization;
using LiftPipeline.Tests.Audiences;

namespace LiftPipeline.Tests.Cli;

/// <summary><c>lift audience build</c> in-process: the members file, one line per segment, and one-line errors with their exit codes.</summary>
public sealed class AudienceBuildCommandTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("audience-build-cli-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string Definition(string segments)
    {
        string path = Path.Combine(_folder, "audience.json");
        File.WriteAllText(path, $$"""{ "audience": "spring", "segments": [{{segments}}] }""");
        return path;
    }

    [Fact]
    public async Task Build_writes_the_members_and_prints_each_segment_and_the_stages()
    {
        string customers = CustomerExportKit.Write(_folder, "customers.parquet", CustomerExportKit.Rows(3_000), rowGroupSize: 1_000);
        string members = Path.Combine(_folder, "members.parquet");
        string definition = Definition("""{ "name": "young-adults", "rule": "age_band in ('18-24','25-34')" }, { "name": "top-f", "rule": "f = 5" }""");

        var (code, output, error) = await CliRunner.RunAsync(["audience", "build", customers, "--definition", definition, "--out", members]);

        Assert.Equal(0, code);
        Assert.Equal("", error);
        long young = Convert.ToInt64(CustomerExportKit.Scalar($"SELECT count(*) FROM '{customers}' WHERE age_band IN ('18-24','25-34')"), CultureInfo.InvariantCulture);
        long lapsed = Convert.ToInt64(CustomerExportKit.Scalar($"SELECT count(*) FROM '{customers}' WHERE as_of - last_order_date > 365"), CultureInfo.InvariantCulture);
        var lines = output.TrimEnd().Split('\n').Select(l => l.TrimEnd('\r')).ToArray();
        Assert.Equal(string.Create(CultureInfo.InvariantCulture, $"young-adults: {young:N0} of 3,000 customers ({100.0 * young / 3_000:F1} %)"), lines[0]);
        Assert.Equal("top-f: 600 of 3,000 customers (20.0 %)", lines[1]);
        Assert.Equal(string.Create(CultureInfo.InvariantCulture,
            $"lifecycle: none 300 (10.0 %), new 0 (0.0 %), active 0 (0.0 %), lapsing {2_700 - lapsed:N0} ({100.0 * (2_700 - lapsed) / 3_000:F1} %), lapsed {lapsed:N0} ({100.0 * lapsed / 3_000:F1} %), reactivated 0 (0.0 %)"), lines[2]);
        Assert.Equal("rfm (customers per score 1-5): R 600 / 600 / 600 / 600 / 600; F 600 / 600 / 600 / 600 / 600; M 600 / 600 / 600 / 600 / 600", lines[3]);
        Assert.Equal(string.Create(CultureInfo.InvariantCulture, $"spring as of 2026-06-30: wrote {young + 600:N0} memberships to {members}"), lines[4]);
        Assert.Equal(young + 600, Convert.ToInt64(CustomerExportKit.Scalar($"SELECT count(*) FROM '{members}'"), CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task Previous_export_makes_returning_lapsed_customers_reactivated()
    {
        // Now: as_of right after the last orders; before: the same customers 300 days further from them.
        string now = $"SELECT * REPLACE (DATE '2025-06-19' AS as_of) FROM ({CustomerExportKit.Rows(3_000)})";
        string customers = CustomerExportKit.Write(_folder, "customers.parquet", now, rowGroupSize: 1_000);
        string previous = CustomerExportKit.Write(_folder, "previous.parquet",
            $"SELECT * REPLACE (first_order_date - 300 AS first_order_date, last_order_date - 300 AS last_order_date) FROM ({now})");
        string definition = Definition("""{ "name": "back", "rule": "lifecycle = 'reactivated'" }""");

        var (code, output, _) = await CliRunner.RunAsync(["audience", "build", customers, "--definition", definition, "--out", Path.Combine(_folder, "m.parquet"), "--previous", previous]);

        long back = Convert.ToInt64(CustomerExportKit.Scalar(
            $"SELECT count(*) FROM '{customers}' WHERE as_of - first_order_date > 30 AND as_of - last_order_date BETWEEN 66 AND 90"), CultureInfo.InvariantCulture);
        Assert.Equal(0, code);
        Assert.True(back > 10, $"{back}");
        Assert.StartsWith(string.Create(CultureInfo.InvariantCulture, $"back: {back:N0} of 3,000 customers"), output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_rule_error_is_one_line_and_exit_code_2()
    {
        string customers = CustomerExportKit.Write(_folder, "customers.parquet", CustomerExportKit.Rows(100));
        string definition = Definition("""{ "name": "a", "rule": "orders >= 'two'" }""");

        var (code, output, error) = await CliRunner.RunAsync(["audience", "build", customers, "--definition", definition, "--out", Path.Combine(_folder, "m.parquet")]);

        Assert.Equal(2, code);
        Assert.Equal("", output);
        Assert.Equal($"{definition} has 1 problem: segments[0].rule (a) at 8 ('>='): cannot compare a number with text; compare a text column with a 'text' literal, a number with a number, a date with a date", error.TrimEnd());
    }

    [Fact]
    public async Task A_definition_problem_is_one_line_naming_the_field_and_exit_code_2()
    {
        string customers = CustomerExportKit.Write(_folder, "customers.parquet", CustomerExportKit.Rows(100));
        string definition = Definition("""{ "name": "Young Adults", "rule": "orders > 1" }""");

        var (code, _, error) = await CliRunner.RunAsync(["audience", "build", customers, "--definition", definition, "--out", Path.Combine(_folder, "m.parquet")]);

        Assert.Equal(2, code);
        Assert.Equal($"{definition} has 1 problem: segments[0].name: 'Young Adults' is not a segment name; use 1 to 64 of a-z, 0-9 and '-'", error.TrimEnd());
    }

    [Fact]
    public async Task A_missing_export_is_a_data_problem_and_exit_code_1()
    {
        string definition = Definition("""{ "name": "a", "rule": "orders > 1" }""");

        var (code, _, error) = await CliRunner.RunAsync(["audience", "build", Path.Combine(_folder, "nope.parquet"), "--definition", definition, "--out", Path.Combine(_folder, "m.parquet")]);

        Assert.Equal(1, code);
        Assert.Single(error.TrimEnd().Split('\n'));
        Assert.Contains("nope.parquet", error, StringComparison.Ordinal);
    }
}
