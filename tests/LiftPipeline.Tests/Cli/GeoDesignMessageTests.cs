using System.Text.RegularExpressions;

namespace LiftPipeline.Tests.Cli;

/// <summary>
/// Every problem <c>lift design</c> and <c>lift power --design geo</c> report names the flag to change and its value,
/// as one line with the exit code of its kind (2 for options that do not fit the data).
/// </summary>
public sealed class GeoDesignMessageTests
{
    private static string PreTest => TestData.Panel("GeoLift_PreTest.parquet");

    public static TheoryData<string[], string> Design => new()
    {
        { ["--include", "chicago,atlantis", "--sizes", "2"], "--include names 'atlantis', which is not one of the panel's 40 markets." },
        { ["--exclude", "gotham"], "--exclude names 'gotham', which is not one of the panel's 40 markets." },
        { ["--include", "chicago", "--exclude", "chicago"], "Market 'chicago' is in both --include and --exclude." },
        { ["--include", "chicago,portland,houston", "--sizes", "2"], "--sizes has 2, which cannot hold the 3 markets of --include; give sizes of at least 3." },
        { ["--sizes", "40"], "--sizes has 40, more than the 39 markets that can be tested (the rest must stay as donors); give sizes up to 39." },
        { ["--treatment-periods", "89"], "--treatment-periods 89 with --lookback 1 leaves 1 pre-test periods of the history's 90; at least 2 are needed: shorten --treatment-periods or --lookback." },
        { ["--treatment-periods", "0"], "--treatment-periods has 0; give durations of at least 1 period." },
        { ["--alpha", "1"], "--alpha is 1; give a significance level strictly between 0 and 1, such as 0.05." },
        { ["--power", "0"], "--power is 0; give a power strictly between 0 and 1, such as 0.8." },
        { ["--permutations", "0"], "--permutations is 0; give at least 1 (GeoLift uses 1000)." },
        { ["--permutations", "100"], "--permutations 100 cannot reach the always-valid test level 0.00240369 (--alpha 0.05): the smallest p-value is 1/101; give --permutations 416 or more, or plan a fixed-horizon test (--fixed-horizon)." },
        { ["--permutation", "block"], "--permutation block cannot reach the always-valid test level 0.00240369 (--alpha 0.05): with 90 periods the smallest p-value is 1/90; use --permutation iid, or plan a fixed-horizon test (--fixed-horizon)." },
        { ["--effect-sizes=-1"], "--effect-sizes has -1; give finite effects above −1 (a lift of −100% or less is impossible)." },
        { ["--cpic", "-2"], "--cpic is -2; give a cost per incremental conversion of 0 or more." },
        { ["--lookback", "0"], "--lookback is 0; give at least 1 window." },
        { ["--calibration-windows", "-1"], "--calibration-windows is -1; give 0 (no calibration) or more windows." },
        { ["--holdout", "0.6,0.4"], "--holdout is 0.6,0.4; give two shares 0 ≤ min < max ≤ 1, such as 0.7,0.95." },
        { ["--cells", "2", "--sizes", "20"], "--sizes is 20; --cells 2 of 40 markets hold 20 markets each, so give sizes below 20." },
        { ["--metric", "revenue"], "--metric 'revenue' is not a metric of the export; give one of conversions." },
    };

    [Theory]
    [MemberData(nameof(Design))]
    public async Task Design_names_the_flag_and_value_to_change(string[] options, string line)
    {
        var (code, output, error) = await CliRunner.RunAsync(["design", PreTest, .. options]);

        Assert.Equal(2, code);
        Assert.Equal("", output);
        Assert.Equal(line + Environment.NewLine, error);
    }

    public static TheoryData<string[], string> Power => new()
    {
        { ["--locations", "chicago,atlantis"], "--locations names 'atlantis', which is not one of the panel's 40 markets." },
        { ["--locations", "chicago,chicago"], "--locations lists 'chicago' twice." },
        { ["--locations", "chicago,portland", "--controls", "portland,houston"], "Market 'portland' is in both --locations and --controls." },
        { ["--locations", "chicago", "--controls", "chicago"], "Market 'chicago' is in both --locations and --controls." },
        { ["--locations", "chicago,portland", "--locations", "portland,houston", "--treatment-periods", "15"], "Market 'portland' is in the --locations of more than one cell." },
        { ["--locations", "chicago", "--locations", "houston", "--treatment-periods", "15", "--effect-sizes", "0"], "Comparing cells needs a non-zero effect in --effect-sizes, such as 0,0.05,0.1." },
        { ["--locations", "chicago", "--locations", "houston", "--controls", "chicago,houston", "--treatment-periods", "15"], "--controls applies to one test cell; with several --locations each cell is measured against the markets in no cell." },
        { ["--locations", "chicago", "--locations", "houston", "--treatment-periods", "95"], "--treatment-periods 95 does not fit the history of 90 periods; give durations from 1 to 88." },
    };

    [Theory]
    [MemberData(nameof(Power))]
    public async Task Geo_power_names_the_flag_and_value_to_change(string[] options, string line)
    {
        var (code, output, error) = await CliRunner.RunAsync(["power", PreTest, .. options]);

        Assert.Equal(2, code);
        Assert.Equal("", output);
        Assert.Equal(line + Environment.NewLine, error);
    }

    [Fact]
    [Trait("Category", "Simulation")]
    public async Task A_design_with_no_candidate_names_the_flags_that_would_find_one()
    {
        var (code, output, error) = await CliRunner.RunAsync("design", PreTest, "--include", "chicago", "--sizes", "2", "--treatment-periods", "5", "--effect-sizes", "0,0.01", "--budget", "1000");

        Assert.True(code == 0, error);
        Assert.Contains(
            "no candidate reaches --power 0.8 at any of --effect-sizes 0,0.01 within --budget 1000; add larger --effect-sizes, longer --treatment-periods or larger --sizes, raise --budget, or lower --power.",
            Regex.Replace(output, @"\s+", " "));
    }

    [Fact]
    public async Task A_power_curve_with_no_effect_at_the_power_names_the_flags_that_would_reach_it()
    {
        var (code, output, error) = await CliRunner.RunAsync("power", PreTest, "--locations", "chicago,portland", "--treatment-periods", "15", "--effect-sizes", "0,0.01");

        Assert.True(code == 0, error);
        Assert.Contains("no effect of --effect-sizes reaches --power 0.8 (add larger --effect-sizes or longer --treatment-periods)", Regex.Replace(output, @"\s+", " "));
    }
}
