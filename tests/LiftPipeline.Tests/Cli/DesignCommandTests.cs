using System.Text.Json;
using LiftPipeline.Ingestion.Panels;
using LiftPipeline.Statistics.Design;
using LiftPipeline.Statistics.Panels;

namespace LiftPipeline.Tests.Cli;

/// <summary><c>lift design FILE --design geo</c>: GeoLift's market selection from the command line.</summary>
public sealed class DesignCommandTests : IDisposable
{
    /// <summary>GeoLift's published market-selection walkthrough on GeoLift_PreTest (the issue lists its rows).</summary>
    private static readonly string[] Walkthrough =
    [
        "--include", "chicago", "--exclude", "honolulu", "--sizes", "2,3,4,5", "--treatment-periods", "10,15",
        "--effect-sizes", "0,0.05,0.1,0.15,0.2", "--lookback", "1", "--cpic", "7.5", "--budget", "100000", "--alpha", "0.1", "--fixed-horizon",
    ];

    private static readonly GeoDesignOptions WalkthroughOptions = new()
    {
        Include = ["chicago"],
        Exclude = ["honolulu"],
        Sizes = [2, 3, 4, 5],
        TreatmentPeriods = [10, 15],
        EffectSizes = [0, 0.05, 0.1, 0.15, 0.2],
        Lookback = 1,
        Cpic = 7.5,
        Budget = 100000,
        Alpha = 0.1,
    };

    private readonly TempDirectory _root = TestData.TempDirectory();

    public void Dispose() => _root.Dispose();

    private static string PreTest => TestData.Panel("GeoLift_PreTest.parquet");

    [Fact]
    public async Task Design_json_on_the_walkthrough_is_one_object_equal_to_the_market_selection_with_the_published_rows()
    {
        var (code, output, error) = await CliRunner.RunAsync(["design", PreTest, "--design", "geo", .. Walkthrough, "--json"]);

        Assert.True(code == 0, error);
        using var json = JsonDocument.Parse(output);
        var root = json.RootElement;
        Assert.Equal(["design", "candidates", "simulations", "test"], root.EnumerateObject().Select(p => p.Name));
        Assert.Equal("fixed-horizon", root.GetProperty("test").GetProperty("interval").GetString());
        Assert.Equal("geo", root.GetProperty("design").GetString());
        Assert.Equal(330, root.GetProperty("simulations").GetInt32());

        var panel = await PanelExportReader.ReadAsync(PreTest);
        var expected = GeoMarketSelection.Select(GeoDesignPanel.FromPanel(panel, "conversions"), WalkthroughOptions);
        var candidates = root.GetProperty("candidates").EnumerateArray().ToArray();
        Assert.Equal(expected.Candidates.Count, candidates.Length);
        for (int i = 0; i < candidates.Length; i++)
        {
            AssertCandidate(expected.Candidates[i], candidates[i]);
        }

        // GeoLift's published chicago+portland rows (AvgATT, Average_MDE, Investment, AvgScaledL2Imbalance at MDE 0.10).
        var fifteen = Row(candidates, ["chicago", "portland"], 15);
        Assert.Equal(0.10, fifteen.GetProperty("effectSize").GetDouble(), 10);
        Assert.Equal(290.0071, fifteen.GetProperty("avgAtt").GetDouble(), 4);
        Assert.Equal(0.10117316, fifteen.GetProperty("averageMde").GetDouble(), 8);
        Assert.Equal(64563.75, fifteen.GetProperty("investment").GetDouble(), 2);
        Assert.Equal(0.1738778, fifteen.GetProperty("avgScaledL2Imbalance").GetDouble(), 7);
        Assert.Equal(0.03306537, fifteen.GetProperty("proportionTotalY").GetDouble(), 8);
        Assert.Equal(0.001, fifteen.GetProperty("absLiftInZero").GetDouble(), 10);
        var ten = Row(candidates, ["chicago", "portland"], 10);
        Assert.Equal(300.9401, ten.GetProperty("avgAtt").GetDouble(), 4);
        Assert.Equal(43646.25, ten.GetProperty("investment").GetDouble(), 2);
    }

    [Fact]
    public async Task Design_table_on_the_walkthrough_ranks_designs_with_mde_investment_and_the_false_positive_rate()
    {
        var (code, output, error) = await CliRunner.RunAsync(["design", PreTest, .. Walkthrough, "--top", "3"]);

        Assert.True(code == 0, error);
        Assert.Contains("GeoLift_PreTest.parquet: 40 markets × 90 periods; 330 simulations (geolift, 1,000 iid permutations, alpha 0.1, seed 1)", output);
        foreach (var header in new[] { "rank", "locations", "periods", "MDE", "power", "FPR", "investment", "avg ATT", "lift at MDE", "share", "holdout", "sL2", "corr" })
        {
            Assert.Contains(header, output);
        }
        Assert.Matches(@"top 3 of \d+ candidates", output);
        var ranks = output.Split('\n').Select(line => System.Text.RegularExpressions.Regex.Match(line, @"^│ (\d+)\s+│")).Where(m => m.Success);
        Assert.Equal(["1", "2", "3"], ranks.Select(m => m.Groups[1].Value));
    }

    [Fact]
    public async Task Design_with_two_cells_prints_each_cells_candidates_and_pools_as_the_multi_cell_selection()
    {
        string[] args = ["--cells", "2", "--sizes", "2", "--treatment-periods", "10", "--effect-sizes", "0,0.1,0.2", "--permutations", "200", "--fixed-horizon"];
        var (code, output, error) = await CliRunner.RunAsync(["design", PreTest, .. args, "--json"]);

        Assert.True(code == 0, error);
        var data = GeoDesignPanel.FromPanel(await PanelExportReader.ReadAsync(PreTest), "conversions");
        var expected = MultiCellMarketSelection.Select(data, new GeoDesignOptions { Cells = 2, Sizes = [2], TreatmentPeriods = [10], EffectSizes = [0, 0.1, 0.2], Permutations = 200 });
        using var json = JsonDocument.Parse(output);
        var root = json.RootElement;
        Assert.Equal(["design", "candidates", "simulations", "cells", "test"], root.EnumerateObject().Select(p => p.Name));
        Assert.Equal(expected.Simulations, root.GetProperty("simulations").GetInt32());
        var cells = root.GetProperty("cells").EnumerateArray().Select(c => c.EnumerateArray().Select(e => e.GetString()!).ToArray()).ToArray();
        Assert.Equal(expected.CellMarkets.Select(c => c.ToArray()), cells);
        var candidates = root.GetProperty("candidates").EnumerateArray().ToArray();
        var flat = expected.Cells.SelectMany((cell, c) => cell.Candidates.Select(candidate => (Cell: c + 1, Candidate: candidate))).ToArray();
        Assert.Equal(flat.Length, candidates.Length);
        for (int i = 0; i < flat.Length; i++)
        {
            Assert.Equal(flat[i].Cell, candidates[i].GetProperty("cell").GetInt32());
            AssertCandidate(flat[i].Candidate, candidates[i]);
        }
    }

    [Fact]
    public async Task An_unknown_market_in_include_is_a_usage_error_naming_it()
    {
        var (code, output, error) = await CliRunner.RunAsync("design", PreTest, "--include", "chicago,atlantis", "--sizes", "2", "--treatment-periods", "10");

        Assert.Equal(2, code);
        Assert.Equal("", output);
        Assert.Contains("atlantis", error);
        Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Theory]
    [InlineData("--sizes", "2,three", "--sizes '2,three': 'three' is not a whole number; give a comma list such as 2,3,4,5.")]
    [InlineData("--effect-sizes", "0,0.05,x", "--effect-sizes '0,0.05,x': 'x' is not a number; give a comma list such as 0,0.05,0.1.")]
    [InlineData("--treatment-periods", "10,,15", "--treatment-periods '10,,15' has an empty item; give a comma list such as 10,15.")]
    [InlineData("--holdout", "0.7", "--holdout takes two shares, min,max (e.g. 0.7,0.95); got 1.")]
    [InlineData("--design", "panel", "Unknown --design 'panel'; expected geo (a holdout is planned with lift power --design holdout).")]
    [InlineData("--top", "0", "--top must be at least 1; got 0.")]
    [InlineData("--cells", "0", "--cells must be at least 1; got 0.")]
    [InlineData("--permutation", "random", "'random'")]
    public async Task A_bad_option_is_a_usage_error_with_one_line_saying_what_to_give(string option, string value, string message)
    {
        var (code, output, error) = await CliRunner.RunAsync("design", PreTest, option, value);

        Assert.Equal(2, code);
        Assert.Equal("", output);
        Assert.Contains(message, error);
    }

    [Fact]
    public async Task An_unknown_estimator_is_a_usage_error_listing_the_registered_ones_without_all()
    {
        var (code, _, error) = await CliRunner.RunAsync("design", PreTest, "--estimator", "magic");

        Assert.Equal(2, code);
        Assert.StartsWith("Unknown --estimator 'magic'; expected one of did, sc, difp, sdid,", error);
        Assert.Contains("geolift", error);
        Assert.DoesNotContain("or all", error);
    }

    [Fact]
    public async Task A_panel_treated_after_two_periods_has_too_little_history_and_exits_1_naming_the_file()
    {
        string path = await WritePanelAsync("treated.parquet", markets: 4, treatedFrom: 2);

        var (code, output, error) = await CliRunner.RunAsync("design", path);

        Assert.Equal(1, code);
        Assert.Equal("", output);
        Assert.StartsWith("treated.parquet: A geo design needs at least 4 periods before any market is treated; this panel has 2.", error);
    }

    [Fact]
    public async Task A_panel_of_two_markets_cannot_carry_a_design_and_exits_1()
    {
        string path = await WritePanelAsync("two.parquet", markets: 2, treatedFrom: 8);

        var (code, _, error) = await CliRunner.RunAsync("design", path);

        Assert.Equal(1, code);
        Assert.StartsWith("two.parquet: A geo design needs at least 3 markets and 4 periods (got 2 and 8).", error);
    }

    [Fact]
    public async Task A_metric_the_export_does_not_have_is_a_usage_error_naming_the_ones_it_has()
    {
        var (code, _, error) = await CliRunner.RunAsync("design", PreTest, "--metric", "revenue");

        Assert.Equal(2, code);
        Assert.Equal("--metric 'revenue' is not a metric of the export; give one of conversions.", error.Trim());
    }

    [Fact]
    public async Task Design_help_describes_every_option_with_its_default_and_shows_examples()
    {
        var (code, output, _) = await CliRunner.RunAsync("design", "--help");

        Assert.Equal(0, code);
        foreach (var option in new[] { "--design", "--metric", "--sizes", "--treatment-periods", "--effect-sizes", "--include", "--exclude", "--cpic", "--budget", "--alpha", "--power", "--lookback", "--calibration-windows", "--estimator", "--permutations", "--permutation", "--side", "--rank", "--holdout", "--cells", "--seed", "--top", "--max-rows", "--fixed-horizon", "--json" })
        {
            Assert.Matches(option + @" [<\[]?.*\S", output);
        }
        Assert.Contains("[default: geo]", output);
        Assert.Matches(@"--alpha <alpha>\s+Significance level of the always-valid interval planned for, or with --fixed-horizon of each simulated test \(default 0\.1, GeoLift's\)\.\s+\[default: 0\.05\]", output);
        Assert.Contains("[default: 1000]", output);
        Assert.Contains("Default: 0,0.05,0.1,0.15,0.2,0.25.", output);
        Assert.Contains("lift design GeoLift_PreTest.parquet --include chicago --exclude honolulu", output);
    }

    private static JsonElement Row(JsonElement[] candidates, string[] locations, int duration) =>
        Assert.Single(candidates, c => c.GetProperty("duration").GetInt32() == duration
            && c.GetProperty("locations").EnumerateArray().Select(e => e.GetString()).SequenceEqual(locations));

    private static void AssertCandidate(MarketCandidate expected, JsonElement actual)
    {
        Assert.Equal(expected.Rank, actual.GetProperty("rank").GetInt32());
        Assert.Equal(expected.Locations, actual.GetProperty("locations").EnumerateArray().Select(e => e.GetString()!));
        Assert.Equal(expected.Duration, actual.GetProperty("duration").GetInt32());
        Assert.Equal(expected.EffectSize, actual.GetProperty("effectSize").GetDouble());
        Assert.Equal(expected.Power, actual.GetProperty("power").GetDouble());
        Assert.Equal(expected.AvgScaledL2Imbalance, actual.GetProperty("avgScaledL2Imbalance").GetDouble());
        Assert.Equal(expected.Investment, actual.GetProperty("investment").GetDouble());
        Assert.Equal(expected.AvgAtt, actual.GetProperty("avgAtt").GetDouble());
        Assert.Equal(expected.AverageMde, actual.GetProperty("averageMde").GetDouble());
        Assert.Equal(expected.ProportionTotalY, actual.GetProperty("proportionTotalY").GetDouble());
        Assert.Equal(expected.AbsLiftInZero, actual.GetProperty("absLiftInZero").GetDouble());
        Assert.Equal(expected.Holdout, actual.GetProperty("holdout").GetDouble());
        Assert.Equal(expected.Correlation, actual.GetProperty("correlation").GetDouble());
        Assert.Equal(expected.FalsePositiveRate, actual.GetProperty("falsePositiveRate") is { ValueKind: JsonValueKind.Number } rate ? rate.GetDouble() : null);
    }

    /// <summary>A small panel export: <paramref name="markets"/> markets × 8 days, every market treated from <paramref name="treatedFrom"/> on (8 = never).</summary>
    private async Task<string> WritePanelAsync(string name, int markets, int treatedFrom)
    {
        const int T = 8;
        var periods = Enumerable.Range(0, T).Select(d => Period.FromDate(new DateOnly(2021, 1, 1).AddDays(d))).ToArray();
        var values = new double[markets * T];
        var treated = new bool[markets * T];
        for (int u = 0; u < markets; u++)
        {
            for (int t = 0; t < T; t++)
            {
                values[u * T + t] = 100 + 10 * u + (u * 7 + t * 3) % 5;
                treated[u * T + t] = u == 0 && t >= treatedFrom;
            }
        }
        var units = Enumerable.Range(0, markets).Select(u => $"market{u}").ToArray();
        var panel = new Panel(units, periods, [new PanelMatrix("conversions", markets, T, values)], treated, null);
        string path = _root.File(name);
        await using (var file = File.Create(path))
        {
            await PanelParquetWriter.WriteAsync(panel, file);
        }
        return path;
    }
}
