using System.Text.Json;
using LiftPipeline.Ingestion.Experiments;
using LiftPipeline.Statistics.Measurement;
using LiftPipeline.Tests.Experiments;

namespace LiftPipeline.Tests.Cli;

public sealed class MeasureHoldoutCommandTests : IDisposable
{
    private readonly TempDirectory _dir = TestData.TempDirectory();
    private readonly string _path;

    public MeasureHoldoutCommandTests()
    {
        _path = Path.Combine(_dir.FullName, "holdout.parquet");
        ExperimentExportKit.Write(_path, ExperimentExportKit.Rows(20_000), 5_000);
    }

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Json_output_has_the_documented_shape_and_the_measurers_numbers()
    {
        var (code, output, _) = await CliRunner.RunAsync("measure", _path, "--design", "holdout", "--metric", "revenue,conversions", "--contrast", "vbo_1p:vbo",
            "--allocation", "holdout=0.2,vbo=0.4,vbo_1p=0.4", "--json");

        Assert.Equal(0, code);
        using var json = JsonDocument.Parse(output);
        var root = json.RootElement;
        Assert.Equal("holdout", root.GetProperty("design").GetString());
        Assert.Equal(["holdout", "vbo", "vbo_1p"], root.GetProperty("arms").EnumerateArray().Select(a => a.GetProperty("arm").GetString()));
        Assert.Equal(20_000, root.GetProperty("arms").EnumerateArray().Sum(a => a.GetProperty("n").GetInt64()));
        var first = root.GetProperty("contrasts")[0];
        foreach (var key in new[] { "treatment", "control", "metric", "segment", "surface", "market", "absolute", "relative", "ci", "ciAlwaysValid", "pValue", "pAdjusted", "cuped", "iroas", "costPerIncrementalConversion" })
        {
            Assert.True(first.TryGetProperty(key, out _), key);
        }
        var statistics = await ExperimentStatisticsBuilder.ComputeAsync(_path);
        var expected = HoldoutMeasurer.Measure(statistics, new HoldoutMeasureOptions { Metrics = ["revenue", "conversions"], Settings = new HoldoutSettings { Contrasts = [new ArmContrast("vbo_1p", "vbo")] } });
        var c = expected.Contrasts[0];
        Assert.Equal((c.Treatment, c.Control, c.Metric), (first.GetProperty("treatment").GetString(), first.GetProperty("control").GetString(), first.GetProperty("metric").GetString()));
        Assert.Equal(c.Absolute, first.GetProperty("absolute").GetDouble(), 12);
        Assert.Equal(c.AlwaysValidCi.Lower, first.GetProperty("ciAlwaysValid")[0].GetDouble(), 12);
        Assert.True(first.GetProperty("cuped").GetBoolean());
        Assert.Contains(root.GetProperty("guardrails").EnumerateArray(), g => g.GetProperty("name").GetString() == "srm" && g.GetProperty("status").GetString() == "pass");
    }

    [Fact]
    public async Task An_experiment_export_is_measured_as_a_holdout_without_being_told_and_shows_tables()
    {
        var (code, output, _) = await CliRunner.RunAsync("measure", _path, "--metric", "revenue");

        Assert.Equal(0, code);
        Assert.Contains("control holdout", output);
        Assert.Contains("CUPED", output);
        Assert.Contains("vbo_1p", output);
        Assert.Contains("srm breach", output);   // no --allocation: equal shares are planned, and the export splits 20/40/40
    }

    [Theory]
    [InlineData("--contrast", "vbo_1p")]
    [InlineData("--allocation", "holdout=0.5,vbo=0.4")]
    [InlineData("--cap-quantile", "0.2")]
    [InlineData("--adjustment", "bonferroni")]
    public async Task Bad_holdout_options_are_usage_errors_that_say_what_is_expected(string option, string value)
    {
        var (code, _, error) = await CliRunner.RunAsync("measure", _path, "--design", "holdout", option, value);

        Assert.Equal(2, code);
        Assert.Contains(option, error);
    }

    [Fact]
    public async Task The_primary_contrast_drives_the_printed_recommendation_and_an_unknown_arm_is_a_data_problem()
    {
        var (code, output, _) = await CliRunner.RunAsync("measure", _path, "--design", "holdout", "--metric", "revenue", "--primary-contrast", "vbo_1p:vbo");
        var (missing, _, error) = await CliRunner.RunAsync("measure", _path, "--design", "holdout", "--metric", "revenue", "--primary-contrast", "vbo_2p:vbo");

        var (_, json, _) = await CliRunner.RunAsync("measure", _path, "--design", "holdout", "--metric", "revenue", "--primary-contrast", "vbo_1p:vbo", "--json");

        Assert.Equal(0, code);
        // Guardrails breach on this export (no --allocation, exposure in the holdout), so the line holds; the JSON names the contrast.
        Assert.Matches(@"recommendation: hold\. Guardrail breached: ", output);
        using var document = JsonDocument.Parse(json);
        Assert.Equal("vbo_1p:vbo", document.RootElement.GetProperty("primaryContrast").GetString());
        Assert.Equal(1, missing);
        Assert.Contains("The primary contrast vbo_2p:vbo names arm 'vbo_2p', which is not in the export; its arms are holdout, vbo, vbo_1p.", error);
    }

    [Fact]
    public async Task A_missing_control_arm_is_a_data_problem_naming_the_arms()
    {
        var (code, _, error) = await CliRunner.RunAsync("measure", _path, "--design", "holdout", "--control", "ghost");

        Assert.Equal(1, code);
        Assert.Contains("its arms are holdout, vbo, vbo_1p", error);
    }
}
