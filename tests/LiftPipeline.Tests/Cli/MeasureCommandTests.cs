using System.Text.Json;

namespace LiftPipeline.Tests.Cli;

public sealed class MeasureCommandTests
{
    [Fact]
    public async Task Measure_json_prints_one_object_with_the_published_did_estimate()
    {
        var (code, output, _) = await CliRunner.RunAsync("measure", TestData.Panel("california_prop99.parquet"), "--estimator", "did", "--se", "none", "--json");

        Assert.Equal(0, code);
        using var json = JsonDocument.Parse(output);
        var root = json.RootElement;
        Assert.Equal("panel", root.GetProperty("design").GetString());
        Assert.Equal("packs_per_capita", root.GetProperty("metric").GetString());
        Assert.Equal(39, root.GetProperty("units").GetInt32());
        Assert.Equal(31, root.GetProperty("periods").GetInt32());
        Assert.Equal(["California"], root.GetProperty("treatedUnits").EnumerateArray().Select(e => e.GetString()));
        var estimate = Assert.Single(root.GetProperty("estimates").EnumerateArray());
        Assert.Equal("did", estimate.GetProperty("estimator").GetString());
        Assert.Equal(-27.3491110836, estimate.GetProperty("att").GetDouble(), 8);
        Assert.Equal(JsonValueKind.Null, estimate.GetProperty("uncertainty").ValueKind);
        Assert.Equal(38, estimate.GetProperty("unitWeights").GetArrayLength());
        Assert.Equal(19, estimate.GetProperty("timeWeights").GetArrayLength());
        var effects = estimate.GetProperty("effects").EnumerateArray().ToArray();
        Assert.Equal(12, effects.Length);
        Assert.Equal("1989", effects[0].GetProperty("period").GetString());
        Assert.Equal(-27.3491110836, effects.Average(e => e.GetProperty("effect").GetDouble()), 8);
    }

    [Fact]
    public async Task Measure_on_a_multi_cell_export_reports_each_cell_against_the_controls()
    {
        var (code, output, _) = await CliRunner.RunAsync("measure", TestData.Panel("GeoLift_Test_MultiCell.parquet"), "--estimator", "did", "--se", "none", "--json");

        Assert.Equal(0, code);
        using var json = JsonDocument.Parse(output);
        var estimates = json.RootElement.GetProperty("estimates").EnumerateArray().ToArray();
        Assert.Equal(["cell1", "cell2"], estimates.Select(e => e.GetProperty("cell").GetString()));
        Assert.Equal(["chicago", "cincinnati"], estimates[0].GetProperty("treatedUnits").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(36, estimates[0].GetProperty("unitWeights").GetArrayLength());
    }

    [Fact]
    public async Task Measure_table_shows_the_estimate_and_an_effect_row_per_post_period()
    {
        var (code, output, _) = await CliRunner.RunAsync("measure", TestData.Panel("california_prop99.parquet"), "--estimator", "did", "--se", "none");

        Assert.Equal(0, code);
        Assert.Contains("-27.349", output);
        Assert.Contains("unit weights: equal, 1/38 on each control", output);
        Assert.Equal(12, output.Split('\n').Count(line => line.TrimEnd().EndsWith('|') || line.Contains("|█")));
    }

    [Fact]
    public async Task Unknown_estimator_is_a_usage_error_naming_the_choices()
    {
        var (code, _, error) = await CliRunner.RunAsync("measure", TestData.Panel("california_prop99.parquet"), "--estimator", "magic");

        Assert.Equal(2, code);
        Assert.Contains("Unknown estimator 'magic'", error);
        Assert.Contains("did", error);
    }

    [Fact]
    public async Task Unknown_metric_is_a_usage_error_listing_the_metrics()
    {
        var (code, _, error) = await CliRunner.RunAsync("measure", TestData.Panel("california_prop99.parquet"), "--metric", "sales", "--estimator", "did", "--se", "none");

        Assert.Equal(2, code);
        Assert.Contains("no metric 'sales'", error);
        Assert.Contains("packs_per_capita", error);
    }

    [Fact]
    public async Task An_invalid_export_exits_1_with_the_file_and_problem()
    {
        var (code, _, error) = await CliRunner.RunAsync("measure", TestData.Corpus("parquet-testing", "bad_data", "PARQUET-1481.parquet"), "--estimator", "did", "--se", "none");

        Assert.Equal(1, code);
        Assert.Contains("PARQUET-1481.parquet", error);
        Assert.Contains("[corrupt-file]", error);
    }

    [Fact]
    public async Task Measure_with_the_synthdid_solver_reproduces_the_published_sdid_estimate_and_time_weights()
    {
        var (code, output, _) = await CliRunner.RunAsync("measure", TestData.Panel("california_prop99.parquet"), "--estimator", "sdid", "--solver", "synthdid", "--se", "none", "--json");

        Assert.Equal(0, code);
        using var json = JsonDocument.Parse(output);
        var estimate = Assert.Single(json.RootElement.GetProperty("estimates").EnumerateArray());
        Assert.Equal(-15.6038278727, estimate.GetProperty("att").GetDouble(), 6);
        double Weight(string array, string key, string name) =>
            estimate.GetProperty(array).EnumerateArray().Single(w => w.GetProperty(key).GetString() == name).GetProperty("weight").GetDouble();
        Assert.Equal(0.366, Weight("timeWeights", "period", "1986"), 3);
        Assert.Equal(0.427, Weight("timeWeights", "period", "1988"), 3);
        Assert.Equal(0.124, Weight("unitWeights", "unit", "Nevada"), 3);
    }

    [Fact]
    public async Task Measure_with_jackknife_on_a_single_treated_unit_shows_the_estimates_and_says_why_there_is_no_se()
    {
        var (code, output, error) = await CliRunner.RunAsync("measure", TestData.Panel("california_prop99.parquet"), "--estimator", "did", "--se", "jackknife");

        Assert.Equal(0, code);
        Assert.Empty(error);
        Assert.Contains("-27.349", output);   // the DiD estimate on Prop99 still stands
        Assert.Contains("warning (did): The jackknife is undefined with a single treated unit", output);
    }

    [Fact]
    public async Task An_unknown_cohort_se_is_a_usage_error_naming_the_flag()
    {
        var (code, output, error) = await CliRunner.RunAsync("measure", TestData.Panel("california_prop99.parquet"), "--cohort-se", "separate");

        Assert.Equal(2, code);
        Assert.Empty(output);
        Assert.Equal("Unknown --cohort-se 'separate'; expected joint or independent.", error.Trim());
    }

    [Fact]
    public async Task Placebo_standard_errors_are_reproducible_from_the_seed()
    {
        var first = await CliRunner.RunAsync("measure", TestData.Panel("california_prop99.parquet"), "--estimator", "sc", "--reps", "50", "--seed", "7", "--json");
        var second = await CliRunner.RunAsync("measure", TestData.Panel("california_prop99.parquet"), "--estimator", "sc", "--reps", "50", "--seed", "7", "--json");
        var other = await CliRunner.RunAsync("measure", TestData.Panel("california_prop99.parquet"), "--estimator", "sc", "--reps", "50", "--seed", "8", "--json");

        double Se(string output) => JsonDocument.Parse(output).RootElement.GetProperty("estimates")[0].GetProperty("uncertainty").GetProperty("standardError").GetDouble();
        Assert.Equal(Se(first.Output), Se(second.Output));
        Assert.NotEqual(Se(first.Output), Se(other.Output));
        Assert.InRange(Se(first.Output), 5, 15);
    }

    [Fact]
    public async Task Measure_json_estimates_are_the_report_json_estimates_of_the_same_panel()
    {
        using var dir = TestData.TempDirectory();
        LocalStoreKit.WriteCampaign(dir.FullName);
        LocalStoreKit.DropPanel(dir.FullName);
        var run = await CliRunner.RunAsync("run", "--store", dir.FullName, "--run-id", "same");
        var (code, output, error) = await CliRunner.RunAsync("measure", TestData.Panel("GeoLift_Test.parquet"), "--metric", "conversions", "--estimator", "sdid,did", "--se", "none", "--json");

        Assert.True(run.ExitCode == 0 && code == 0, run.Error + error);
        using var measured = JsonDocument.Parse(output);
        using var report = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(dir.FullName, "reports", LocalStoreKit.Campaign, "same", "report.json")));
        var fromCli = measured.RootElement.GetProperty("estimates").EnumerateArray().Select(Compact).ToArray();
        var fromReport = report.RootElement.GetProperty("estimates").EnumerateArray().Select(Compact).ToArray();
        Assert.Equal(2, fromCli.Length);
        Assert.Equal(fromReport, fromCli);
    }

    private static string Compact(JsonElement element)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            element.WriteTo(writer);
        }
        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }
}
