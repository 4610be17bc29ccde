using System.Text.Json;
using LiftPipeline.Ingestion.Panels;
using LiftPipeline.Statistics.Design;
using LiftPipeline.Statistics.Experiments.Contrasts;

namespace LiftPipeline.Tests.Cli;

/// <summary><c>lift power FILE --design geo --locations …</c>: GeoLift's power curve of chosen test markets.</summary>
public sealed class GeoPowerCommandTests
{
    private static string PreTest => TestData.Panel("GeoLift_PreTest.parquet");

    [Fact]
    public async Task Geo_power_json_gives_one_point_per_effect_with_the_published_chicago_portland_numbers()
    {
        var (code, output, error) = await CliRunner.RunAsync(
            "power", PreTest, "--design", "geo", "--locations", "chicago,portland", "--treatment-periods", "15", "--effect-sizes", "0,0.1", "--cpic", "7.5", "--fixed-horizon", "--json");

        Assert.True(code == 0, error);
        using var json = JsonDocument.Parse(output);
        var root = json.RootElement;
        Assert.Equal(["design", "locations", "controls", "curve", "calibration", "simulations", "test"], root.EnumerateObject().Select(p => p.Name));
        var test = root.GetProperty("test");
        Assert.Equal(["interval", "alpha", "testAlpha", "reason"], test.EnumerateObject().Select(p => p.Name));
        Assert.Equal("fixed-horizon", test.GetProperty("interval").GetString());
        Assert.Equal(0.1, test.GetProperty("alpha").GetDouble());
        Assert.Equal(0.1, test.GetProperty("testAlpha").GetDouble());
        Assert.Equal("geo", root.GetProperty("design").GetString());
        Assert.Equal(["chicago", "portland"], root.GetProperty("locations").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(JsonValueKind.Null, root.GetProperty("controls").ValueKind);
        var curve = root.GetProperty("curve").EnumerateArray().ToArray();
        Assert.Equal(2, curve.Length);
        Assert.Equal(["duration", "effectSize", "power", "avgAtt", "avgDetectedLift", "avgScaledL2Imbalance", "investment", "windows"], curve[0].EnumerateObject().Select(p => p.Name));
        var lifted = Assert.Single(curve, p => p.GetProperty("effectSize").GetDouble() == 0.1);
        Assert.Equal(15, lifted.GetProperty("duration").GetInt32());
        // GeoLift's published walkthrough: AvgATT 290.0071, Investment 64563.75, AvgScaledL2Imbalance 0.1738778, detected lift 0.10117316.
        Assert.Equal(290.0071, lifted.GetProperty("avgAtt").GetDouble(), 4);
        Assert.Equal(64563.75, lifted.GetProperty("investment").GetDouble(), 2);
        Assert.Equal(0.1738778, lifted.GetProperty("avgScaledL2Imbalance").GetDouble(), 7);
        Assert.Equal(0.10117316, lifted.GetProperty("avgDetectedLift").GetDouble(), 8);
        var none = Assert.Single(curve, p => p.GetProperty("effectSize").GetDouble() == 0);
        Assert.Equal(0, none.GetProperty("investment").GetDouble());
        var calibration = Assert.Single(root.GetProperty("calibration").EnumerateArray());
        Assert.Equal(15, calibration.GetProperty("duration").GetInt32());
        Assert.InRange(calibration.GetProperty("falsePositiveRate").GetDouble(), 0, 1);
    }

    [Fact]
    public async Task Geo_power_json_by_default_equals_the_always_valid_power_analysis_at_the_decisions_alpha()
    {
        var (code, output, error) = await CliRunner.RunAsync(
            "power", PreTest, "--locations", "chicago,portland", "--treatment-periods", "10,15", "--effect-sizes=-0.1,0,0.1", "--seed", "7", "--json");

        Assert.True(code == 0, error);
        var panel = await PanelExportReader.ReadAsync(PreTest);
        var expected = GeoPowerAnalysis.Curve(GeoDesignPanel.FromPanel(panel, "conversions"), ["chicago", "portland"],
            new GeoDesignOptions { TreatmentPeriods = [10, 15], EffectSizes = [-0.1, 0, 0.1], Seed = 7, AlwaysValid = true, Alpha = 0.05 });
        using var json = JsonDocument.Parse(output);
        var curve = json.RootElement.GetProperty("curve").EnumerateArray().ToArray();
        Assert.Equal(expected.Points.Count, curve.Length);
        for (int i = 0; i < curve.Length; i++)
        {
            var (p, actual) = (expected.Points[i], curve[i]);
            Assert.Equal(p.Duration, actual.GetProperty("duration").GetInt32());
            Assert.Equal(p.EffectSize, actual.GetProperty("effectSize").GetDouble());
            Assert.Equal(p.Power, actual.GetProperty("power").GetDouble());
            Assert.Equal(p.AvgAtt, actual.GetProperty("avgAtt").GetDouble());
            Assert.Equal(p.AvgDetectedLift, actual.GetProperty("avgDetectedLift").GetDouble());
            Assert.Equal(p.Investment, actual.GetProperty("investment").GetDouble());
        }
        Assert.Equal(expected.Calibration.Select(c => c.FalsePositiveRate), json.RootElement.GetProperty("calibration").EnumerateArray().Select(c => c.GetProperty("falsePositiveRate").GetDouble()));
        Assert.Equal(expected.Simulations, json.RootElement.GetProperty("simulations").GetInt32());
        var test = json.RootElement.GetProperty("test");
        Assert.Equal("always-valid", test.GetProperty("interval").GetString());
        Assert.Equal(0.05, test.GetProperty("alpha").GetDouble());
        Assert.Equal(InformationTimeSequence.HorizonAlpha(0.05), test.GetProperty("testAlpha").GetDouble());
        Assert.Equal("At the test's end the always-valid interval at alpha 0.05, which the nightly decisions read, excludes 0 exactly when a fixed-horizon test at 0.0024 rejects (--fixed-horizon plans GeoLift's test at --alpha instead).",
            test.GetProperty("reason").GetString());
    }

    [Fact]
    public async Task Geo_power_table_names_the_level_each_simulated_test_rejects_at_and_why()
    {
        var (code, output, error) = await CliRunner.RunAsync("power", PreTest, "--locations", "chicago,portland", "--treatment-periods", "15", "--effect-sizes", "0,0.1");
        var (fixedCode, fixedOutput, fixedError) = await CliRunner.RunAsync("power", PreTest, "--locations", "chicago,portland", "--treatment-periods", "15", "--effect-sizes", "0,0.1", "--fixed-horizon");

        Assert.True(code == 0, error);
        Assert.True(fixedCode == 0, fixedError);
        Assert.Contains("Planned for the always-valid interval at alpha 0.05: each simulated test rejects at 0.0024.\n", output);
        Assert.Contains("false-positive rate at effect 0: 0.00 over 10 windows (alpha 0.0024)", output);
        Assert.Contains("Planned for GeoLift's fixed-horizon test at alpha 0.1, read once at the end.\n", fixedOutput);
    }

    [Fact]
    public async Task Controls_restrict_the_donor_pool_as_the_power_analysis_does_and_are_echoed_in_the_json()
    {
        string[] controls = ["cincinnati", "houston", "miami", "baton rouge"];
        var (code, output, error) = await CliRunner.RunAsync(
            "power", PreTest, "--locations", "chicago,portland", "--controls", string.Join(",", controls), "--treatment-periods", "15", "--effect-sizes", "0.1", "--json");

        Assert.True(code == 0, error);
        var data = GeoDesignPanel.FromPanel(await PanelExportReader.ReadAsync(PreTest), "conversions");
        var options = new GeoDesignOptions { TreatmentPeriods = [15], EffectSizes = [0.1] };
        var restricted = GeoPowerAnalysis.Curve(data, ["chicago", "portland"], options with { Controls = controls });
        var everyOther = GeoPowerAnalysis.Curve(data, ["chicago", "portland"], options);
        using var json = JsonDocument.Parse(output);
        Assert.Equal(controls, json.RootElement.GetProperty("controls").EnumerateArray().Select(e => e.GetString()!));
        double att = json.RootElement.GetProperty("curve")[0].GetProperty("avgAtt").GetDouble();
        Assert.Equal(restricted.Points[0].AvgAtt, att);
        Assert.NotEqual(everyOther.Points[0].AvgAtt, att, 3);
    }

    [Fact]
    [Trait("Category", "Simulation")]
    public async Task Locations_given_per_cell_compare_the_cells_as_the_multi_cell_comparison_does()
    {
        var (code, output, error) = await CliRunner.RunAsync(
            "power", PreTest, "--locations", "chicago,portland", "--locations", "cincinnati,houston", "--treatment-periods", "15", "--effect-sizes", "0,0.1", "--permutations", "200", "--fixed-horizon", "--json");

        Assert.True(code == 0, error);
        var data = GeoDesignPanel.FromPanel(await PanelExportReader.ReadAsync(PreTest), "conversions");
        IReadOnlyList<IReadOnlyList<string>> cells = [["chicago", "portland"], ["cincinnati", "houston"]];
        var (curves, pairs) = MultiCellMarketSelection.Compare(data, cells, 15, new GeoDesignOptions { TreatmentPeriods = [15], EffectSizes = [0, 0.1], Permutations = 200 });
        using var json = JsonDocument.Parse(output);
        var root = json.RootElement;
        Assert.Equal(["design", "cells", "curves", "comparisons", "simulations", "test"], root.EnumerateObject().Select(p => p.Name));
        var jsonCurves = root.GetProperty("curves").EnumerateArray().ToArray();
        Assert.Equal([1, 2], jsonCurves.Select(c => c.GetProperty("cell").GetInt32()));
        for (int c = 0; c < 2; c++)
        {
            Assert.Equal(curves[c].Points.Select(p => p.AvgAtt), jsonCurves[c].GetProperty("curve").EnumerateArray().Select(p => p.GetProperty("avgAtt").GetDouble()));
            Assert.Equal(curves[c].Points.Select(p => p.Power), jsonCurves[c].GetProperty("curve").EnumerateArray().Select(p => p.GetProperty("power").GetDouble()));
        }
        var comparisons = root.GetProperty("comparisons").EnumerateArray().ToArray();
        Assert.Equal(pairs.Count, comparisons.Length);
        Assert.Equal([(1, 2), (2, 1)], comparisons.Select(p => (p.GetProperty("cellA").GetInt32(), p.GetProperty("cellB").GetInt32())));
        Assert.Equal(pairs.Select(p => p.BaseLift), comparisons.Select(p => p.GetProperty("baseLift").GetDouble()));
        Assert.Equal(pairs.Select(p => p.WinningMultiple), comparisons.Select(p => p.GetProperty("winningMultiple") is { ValueKind: JsonValueKind.Number } m ? m.GetDouble() : (double?)null));
    }

    [Theory]
    [InlineData("--controls", "miami", "--controls applies to one test cell; with several --locations each cell is measured against the markets in no cell.")]
    [InlineData("--seed", "1", "Comparing cells needs --treatment-periods (e.g. 15).")]
    public async Task Comparing_cells_takes_no_controls_and_needs_a_duration(string option, string value, string message)
    {
        var (code, output, error) = await CliRunner.RunAsync("power", PreTest, "--locations", "chicago,portland", "--locations", "cincinnati,houston", option, value);

        Assert.Equal(2, code);
        Assert.Equal("", output);
        Assert.Equal(message, error.Trim());
    }

    [Fact]
    public async Task Geo_power_table_shows_a_curve_per_duration_with_bars_and_the_smallest_detectable_effect()
    {
        var (code, output, error) = await CliRunner.RunAsync(
            "power", PreTest, "--locations", "chicago,portland", "--treatment-periods", "15", "--effect-sizes", "0,0.1", "--cpic", "7.5");

        Assert.True(code == 0, error);
        Assert.Contains("GeoLift_PreTest.parquet: test markets chicago, portland against every other market; 40 markets × 90 periods", output);
        Assert.Contains("15 periods", output);
        Assert.Contains("290.0", output);
        Assert.Contains("64,564", output);
        Assert.Contains("false-positive rate at effect 0:", output);
    }

    [Fact]
    public async Task A_file_makes_geo_the_default_design_and_geo_needs_locations()
    {
        var (code, output, error) = await CliRunner.RunAsync("power", PreTest);

        Assert.Equal(2, code);
        Assert.Equal("", output);
        Assert.Contains("Option '--locations' is required for --design geo", error);
    }

    [Fact]
    public async Task An_unknown_design_is_a_usage_error_listing_geo_and_holdout()
    {
        var (code, _, error) = await CliRunner.RunAsync("power", "--design", "panel");

        Assert.Equal(2, code);
        Assert.Contains("Unknown --design 'panel'; expected geo or holdout.", error);
    }

    [Fact]
    public async Task Geo_without_a_file_and_holdout_with_one_are_usage_errors()
    {
        var (geoCode, _, geoError) = await CliRunner.RunAsync("power", "--design", "geo", "--locations", "chicago");
        var (holdoutCode, _, holdoutError) = await CliRunner.RunAsync("power", PreTest, "--design", "holdout", "--baseline-mean", "1", "--sd", "1", "--relative-mde", "0.1");

        Assert.Equal(2, geoCode);
        Assert.Contains("--design geo needs FILE", geoError);
        Assert.Equal(2, holdoutCode);
        Assert.Contains("--design holdout plans from --baseline-mean and --sd and reads no FILE", holdoutError);
    }

    [Fact]
    public async Task Holdout_still_requires_its_baseline_and_sd()
    {
        var (code, _, error) = await CliRunner.RunAsync("power", "--relative-mde", "0.05");

        Assert.Equal(2, code);
        Assert.Contains("Option '--baseline-mean' is required for --design holdout.", error);
        Assert.Contains("Option '--sd' is required for --design holdout.", error);
    }

    [Fact]
    public async Task An_unknown_test_market_is_a_usage_error_naming_it()
    {
        var (code, output, error) = await CliRunner.RunAsync("power", PreTest, "--locations", "chicago,atlantis", "--treatment-periods", "10", "--effect-sizes", "0");

        Assert.Equal(2, code);
        Assert.Equal("", output);
        Assert.Contains("atlantis", error);
    }

    [Fact]
    public async Task A_bad_effect_size_list_is_a_usage_error()
    {
        var (code, _, error) = await CliRunner.RunAsync("power", PreTest, "--locations", "chicago", "--effect-sizes", "0,ten");

        Assert.Equal(2, code);
        Assert.Contains("--effect-sizes '0,ten': 'ten' is not a number", error);
    }

    [Fact]
    public async Task Power_help_shows_the_geo_options_and_examples()
    {
        var (code, output, _) = await CliRunner.RunAsync("power", "--help");

        Assert.Equal(0, code);
        foreach (var option in new[] { "--locations", "--controls", "--treatment-periods", "--effect-sizes", "--cpic", "--lookback", "--calibration-windows", "--estimator", "--permutations", "--permutation", "--side", "--seed", "--metric" })
        {
            Assert.Contains(option, output);
        }
        Assert.Contains("lift power GeoLift_PreTest.parquet --locations chicago,portland", output);
        Assert.Contains("the default with FILE", output);
    }
}
