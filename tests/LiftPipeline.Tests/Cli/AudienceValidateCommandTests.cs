using System.Text.Json;
using LiftPipeline.Tests.Audiences;

namespace LiftPipeline.Tests.Cli;

/// <summary>
/// <c>lift audience validate</c> in-process: the summary table, JSON, exit 0 without a breach and 1 with one, usage errors
/// (exit 2) and data problems (exit 1) as one line.
/// </summary>
public sealed class AudienceValidateCommandTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("validate-cli-").FullName;
    private readonly string _customers;
    private readonly string _members;

    public AudienceValidateCommandTests()
    {
        _customers = CustomerExportKit.Write(_folder, "customers.parquet", CustomerExportKit.Rows(3_000), rowGroupSize: 1_000);
        _members = MembersFileKit.Write(_folder, "members.parquet", _customers, [("germans", "country = 'DE'"), ("tiny", "CAST(substr(customer_id, 2) AS INTEGER) < 150")]);
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task A_segment_below_tiktoks_minimum_breaches_with_exit_1_and_a_table_row_per_segment()
    {
        var (code, output, error) = await CliRunner.RunAsync("audience", "validate", _customers, "--members", _members);

        Assert.Equal(1, code);
        Assert.Equal("", error);
        var lines = output.Split('\n');
        Assert.Equal("bargain-hunters as of 2026-06-30: 2 segments over 3,000 customers — breach (2 breaches, 1 warning)", lines[0]);
        Assert.StartsWith("segment", lines[1], StringComparison.Ordinal);
        Assert.Matches(@"^germans\s+750\s+below tiktok\s+—\s+—\s+—\s+—\s+—\s+3 left out$", lines[2]);
        Assert.Matches(@"^tiny\s+150\s+below tiktok\s+—\s+—\s+—\s+—\s+—\s+ok$", lines[3]);
        Assert.All(lines.Skip(1).Take(3), line => Assert.True(line.Length <= 100, line));
        Assert.Contains("  size-tiktok breach: segment 'germans' has 750 members, below TikTok's minimum of 1,000", lines);
    }

    [Fact]
    public async Task A_segment_under_the_minimum_of_customers_is_printed_without_its_numbers()
    {
        var (code, output, error) = await CliRunner.RunAsync("audience", "validate", _customers, "--members", _members, "--minimum-customers", "200");

        Assert.Equal((1, ""), (code, error));
        var lines = output.Split('\n');
        Assert.Matches(@"^tiny\s+suppressed\s+below tiktok\s+—\s+—\s+—\s+—\s+—\s+suppressed$", lines[3]);
        Assert.Contains("  size-tiktok breach: segment 'tiny'; numbers withheld (a count under 200 customers)", lines);
        Assert.DoesNotContain("150", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_tiktok_nothing_breaches_and_the_json_says_so()
    {
        var (code, output, error) = await CliRunner.RunAsync("audience", "validate", _customers, "--members", _members, "--surfaces", "meta,google", "--json");

        Assert.Equal(0, code);
        Assert.Equal("", error);
        using var json = JsonDocument.Parse(output);
        Assert.Equal("warn", json.RootElement.GetProperty("status").GetString());
        Assert.Equal(0, json.RootElement.GetProperty("breaches").GetArrayLength());
        Assert.Equal(["meta", "google"], json.RootElement.GetProperty("thresholds").GetProperty("surfaces").EnumerateArray().Select(s => s.GetString()));
    }

    [Fact]
    public async Task A_refresh_built_by_lift_audience_build_on_the_sample_validates_with_the_sizes_build_printed()
    {
        string customers = TestData.Samples("customers", "customers-2026-11-30.parquet");
        string definition = Path.Combine(_folder, "audience.json");
        File.WriteAllText(definition, """
            { "audience": "spring", "segments": [
              { "name": "bargain-hunters", "rule": "discounted_share >= 0.5 and orders >= 2 and last_order_date >= as_of - 365" },
              { "name": "young-adults", "rule": "age_band in ('18-24', '25-34')" } ] }
            """);
        string members = Path.Combine(_folder, "spring.parquet");
        string assignment = Path.Combine(_folder, "assignment.parquet");
        var (built, buildOutput, _) = await CliRunner.RunAsync("audience", "build", customers, "--definition", definition, "--out", members);
        var (assigned, _, _) = await CliRunner.RunAsync("audience", "assign", customers, "--audience", "spring", "--salt", "spring-2026", "--allocation", "holdout=0.1,vbo=0.45,vbo_1p=0.45", "--out", assignment);

        var (code, output, error) = await CliRunner.RunAsync("audience", "validate", customers, "--members", members, "--assignment", assignment, "--surfaces", "meta,google", "--json");

        Assert.Equal((0, 0), (built, assigned));
        Assert.Equal("", error);
        using var json = JsonDocument.Parse(output);
        var root = json.RootElement;
        Assert.Equal(("spring", "2026-11-30"), (root.GetProperty("audience").GetString(), root.GetProperty("asOf").GetString()));
        foreach (var segment in root.GetProperty("segments").EnumerateArray())
        {
            string name = segment.GetProperty("segment").GetString()!;
            long count = segment.GetProperty("members").GetInt64();
            Assert.Contains($"{name}: {count:N0} of 20,000 customers", buildOutput, StringComparison.Ordinal);
            Assert.Equal(count, segment.GetProperty("inCustomers").GetInt64());
            Assert.Equal(count, segment.GetProperty("balance").GetProperty("arms").EnumerateArray().Sum(a => a.GetProperty("n").GetInt64()));
        }
        Assert.Equal(20_000, root.GetProperty("balance").GetProperty("arms").EnumerateArray().Sum(a => a.GetProperty("n").GetInt64()));
        // Nothing breaches: young-adults leaves the other age bands out by definition (a warning), balance holds.
        Assert.Equal(0, code);
        Assert.Equal("warn", root.GetProperty("status").GetString());
        Assert.Equal(0, root.GetProperty("breaches").GetArrayLength());
    }

    [Theory]
    [InlineData("--surfaces", "myspace", "--surfaces 'myspace' is not a surface; give meta, google, tiktok, comma separated.")]
    [InlineData("--jaccard-floor", "1.5", "--jaccard-floor 1.5 is not between 0 and 1.")]
    [InlineData("--max-smd", "0", "--max-smd 0 is not a positive number.")]
    [InlineData("--minimum-customers", "0", "--minimum-customers 0 is below 1.")]
    public async Task A_bad_option_is_a_usage_error_of_one_line(string option, string value, string message)
    {
        var (code, output, error) = await CliRunner.RunAsync("audience", "validate", _customers, "--members", _members, option, value);

        Assert.Equal(2, code);
        Assert.Equal("", output);
        Assert.Equal(message, error.TrimEnd('\n'));
    }

    [Fact]
    public async Task A_customers_file_given_as_members_is_a_data_problem_of_one_line()
    {
        var (code, _, error) = await CliRunner.RunAsync("audience", "validate", _customers, "--members", _customers);

        Assert.Equal(1, code);
        Assert.Single(error.TrimEnd('\n').Split('\n'));
        Assert.Contains("[missing-column]", error, StringComparison.Ordinal);
        Assert.Contains("segment", error, StringComparison.Ordinal);
    }
}
