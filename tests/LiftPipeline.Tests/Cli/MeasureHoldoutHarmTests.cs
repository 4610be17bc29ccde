using System.Text.Json;

namespace LiftPipeline.Tests.Cli;

/// <summary>
/// <c>lift measure --harm</c> on the shipped vbo-holdout sample: vbo_1p raises unsubscribes by 9.6% with the always-valid
/// interval 0.7% to 18.4%, so a 0.5% margin marks that row harmed and breaches the harm guardrail, and the 5% margin of
/// the sample's campaign.json does not.
/// </summary>
public sealed class MeasureHoldoutHarmTests
{
    private static readonly string Export = TestData.Samples("exports", "vbo-holdout", "customers.parquet");

    private static Task<(int ExitCode, string Output, string Error)> Measure(params string[] extra) =>
        CliRunner.RunAsync(["measure", Export, "--metric", "revenue,unsubscribes", "--allocation", "holdout=0.2,vbo=0.4,vbo_1p=0.4", "--tuning-n", "50000", .. extra]);

    [Fact]
    public async Task A_margin_the_always_valid_interval_lies_beyond_marks_the_row_harmed_and_breaches()
    {
        var (code, output, _) = await Measure("--harm", "unsubscribes=0.005:up");

        Assert.Equal(0, code);
        var lines = output.Split('\n');
        int row = Array.FindIndex(lines, l => l.Contains("│ vbo_1p vs holdout ", StringComparison.Ordinal) && l.Contains("│ unsubscribes", StringComparison.Ordinal));
        Assert.StartsWith("│ ⚠ harmed ", lines[row + 1]);
        Assert.Single(lines, l => l.Contains("⚠ harmed", StringComparison.Ordinal));
        Assert.Contains("harm breach: vbo cannot yet rule out harm to unsubscribes beyond 0.5%", output);
        Assert.Contains("recommendation: hold. Guardrail breached: harm", output);
    }

    [Fact]
    public async Task The_json_flags_the_harmed_contrast_only()
    {
        var (code, output, _) = await Measure("--harm", "unsubscribes=0.005:up", "--json");

        Assert.Equal(0, code);
        using var json = JsonDocument.Parse(output);
        var harmed = json.RootElement.GetProperty("contrasts").EnumerateArray().Where(c => c.GetProperty("harmed").GetBoolean()).ToArray();
        var c = Assert.Single(harmed);
        Assert.Equal(("vbo_1p", "holdout", "unsubscribes", "mean"), (c.GetProperty("treatment").GetString(), c.GetProperty("control").GetString(),
            c.GetProperty("metric").GetString(), c.GetProperty("kind").GetString()));
        Assert.Equal(0.0073, c.GetProperty("ciAlwaysValidRelative")[0].GetDouble(), 4);
    }

    [Theory]
    [InlineData("unsubscribes=0.05:up")]     // the sample campaign's margin: harm cannot be ruled out, not shown
    [InlineData("unsubscribes=0.005")]       // a fall would be the harm; unsubscribes rose
    public async Task A_margin_the_interval_does_not_lie_beyond_marks_nothing(string harm)
    {
        var (code, output, _) = await Measure("--harm", harm);

        Assert.Equal(0, code);
        Assert.DoesNotContain("⚠ harmed", output);
        Assert.DoesNotContain("harm breach", output);
    }

    [Theory]
    [InlineData("unsubscribes:0.05", "--harm 'unsubscribes:0.05' is not metric=margin with an optional :up (e.g. unsubscribes=0.05:up).")]
    [InlineData("unsubscribes=0.05:sideways", "--harm 'unsubscribes=0.05:sideways' is not metric=margin with an optional :up (e.g. unsubscribes=0.05:up).")]
    [InlineData("unsubscribes=1.5", "--harm unsubscribes: the margin is 1.5; give a relative margin from 0 to 1, such as 0.02 for 2%.")]
    [InlineData("conversions=0.02", "--harm conversions is not among --metric (revenue, unsubscribes); add it there.")]
    public async Task A_malformed_harm_is_a_usage_error_naming_the_flag(string harm, string message)
    {
        var (code, _, error) = await Measure("--harm", harm);

        Assert.Equal(2, code);
        Assert.Equal(message, error.Trim());
    }

    [Fact]
    public async Task A_harm_metric_that_is_not_an_outcome_of_the_export_is_a_data_problem()
    {
        var (code, _, error) = await CliRunner.RunAsync("measure", Export, "--harm", "returns=0.02");

        Assert.Equal(1, code);
        Assert.Equal("customers.parquet: --harm names 'returns', which is not an outcome of the export; it has conversions, revenue, unsubscribes.", error.Trim());
    }

    [Fact]
    public async Task Harm_on_a_panel_export_is_a_usage_error()
    {
        var (code, _, error) = await CliRunner.RunAsync("measure", TestData.Samples("exports", "prop99", "california-1970-2000.parquet"), "--harm", "y=0.02");

        Assert.Equal(2, code);
        Assert.StartsWith("--harm applies to holdouts", error.Trim());
    }
}
