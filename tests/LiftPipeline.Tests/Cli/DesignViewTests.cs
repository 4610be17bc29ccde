using System.Text.Json;
using LiftPipeline.Cli.Rendering;
using LiftPipeline.Statistics.Design;
using LiftPipeline.Statistics.Panels;

namespace LiftPipeline.Tests.Cli;

/// <summary>The design table, power-curve view and JSON writers on hand-built results (no simulation).</summary>
public sealed class DesignViewTests
{
    private static readonly GeoDesignOptions Options = new() { Alpha = 0.1, Power = 0.8 };

    private static MarketCandidate Candidate(int rank, string[] locations, double mde, double? falsePositiveRate) =>
        new(rank, locations, 15, mde, 0.9, 0.1738778, 64563.75, 290.0071, 0.10117316, 0.03306537, 0.001, 0.96693463, 0.9512, falsePositiveRate);

    private static string Render(MarketSelection selection, int top)
    {
        var output = new StringWriter();
        DesignView.Render(ConsoleFactory.Create(output), selection, top);
        return output.ToString();
    }

    [Fact]
    public void A_false_positive_rate_above_twice_alpha_is_flagged_as_not_calibrated()
    {
        var selection = new MarketSelection([Candidate(1, ["chicago", "portland"], 0.1, 0.1), Candidate(2, ["chicago", "houston"], 0.05, 0.4)], [], 330, Options);

        string text = Render(selection, top: 10);

        var portland = text.Split('\n').Single(l => l.Contains("portland", StringComparison.Ordinal));
        var houston = text.Split('\n').Single(l => l.Contains("houston", StringComparison.Ordinal));
        Assert.Contains("0.10", portland);
        Assert.DoesNotContain("!", portland);
        Assert.Contains("0.40 !", houston);
        Assert.Contains("! test not calibrated: rejects in more than 2 × 0.1 = 20% of windows with no effect", text);
    }

    [Fact]
    public void Candidate_rows_show_percentages_money_and_imbalance_in_fixed_formats()
    {
        var selection = new MarketSelection([Candidate(1, ["chicago", "portland"], 0.1, null)], [], 330, Options);

        string row = Render(selection, top: 10).Split('\n').Single(l => l.Contains("portland", StringComparison.Ordinal));

        foreach (var cell in new[] { "chicago, portland", "15", "10%", "0.90", "64,564", "290.0", "10.12%", "3.31%", "96.69%", "0.1739", "0.951" })
        {
            Assert.Contains(cell, row);
        }
        Assert.Matches(@"│\s+-\s+│", row);   // no false-positive rate measured
    }

    [Fact]
    public void Top_limits_the_rows_and_says_how_many_there_are()
    {
        var candidates = Enumerable.Range(1, 5).Select(i => Candidate(i, ["chicago", $"m{i}"], 0.1, 0.1)).ToArray();

        string text = Render(new MarketSelection(candidates, [], 330, Options), top: 2);

        Assert.Equal(2, text.Split('\n').Count(l => l.Contains("chicago", StringComparison.Ordinal)));
        Assert.Contains("top 2 of 5 candidates (--top, or --json for all).", text);
    }

    [Fact]
    public void A_narrow_console_leaves_out_the_least_needed_columns_and_says_which()
    {
        var output = new StringWriter();
        var console = ConsoleFactory.Create(output);
        console.Profile.Width = 80;
        var selection = new MarketSelection([Candidate(1, ["chicago", "portland"], 0.1, 0.4)], [], 330, Options);

        DesignView.Render(console, selection, top: 10);

        string text = output.ToString();
        Assert.All(text.Split('\n'), line => Assert.True(line.TrimEnd().Length <= 80, line));
        Assert.Contains("0.40 !", text);
        Assert.Contains("64,564", text);
        Assert.Contains("Left out to fit 80 columns:", text);
        Assert.Contains("corr", text);
        Assert.DoesNotContain("0.951", text);
    }

    [Fact]
    public void No_candidate_says_what_to_change()
    {
        string text = Render(new MarketSelection([], [], 330, Options), top: 10);

        Assert.Contains("no candidate reaches --power 0.8 at any of --effect-sizes 0,0.05,0.1,0.15,0.2,0.25; add larger --effect-sizes, longer --treatment-periods or larger --sizes, or lower --power.",
            System.Text.RegularExpressions.Regex.Replace(text, @"\s+", " "));
    }

    [Fact]
    public void Selection_json_has_the_contract_fields_in_order_with_unrounded_numbers()
    {
        var selection = new MarketSelection([Candidate(1, ["chicago", "portland"], 0.1, null)], [], 330, Options);

        using var json = JsonDocument.Parse(DesignJson.Selection(selection));

        var candidate = Assert.Single(json.RootElement.GetProperty("candidates").EnumerateArray());
        Assert.Equal(
            ["rank", "locations", "duration", "effectSize", "power", "avgScaledL2Imbalance", "investment", "avgAtt", "averageMde", "proportionTotalY", "absLiftInZero", "holdout", "correlation", "falsePositiveRate", "notCalibrated"],
            candidate.EnumerateObject().Select(p => p.Name));
        Assert.Equal(0.10117316, candidate.GetProperty("averageMde").GetDouble());
        Assert.Equal(JsonValueKind.Null, candidate.GetProperty("falsePositiveRate").ValueKind);
        Assert.False(candidate.GetProperty("notCalibrated").GetBoolean());
        Assert.Equal(330, json.RootElement.GetProperty("simulations").GetInt32());
    }

    [Fact]
    public void Multi_cell_json_numbers_each_candidate_by_cell_and_lists_the_cell_pools()
    {
        var a = new MarketSelection([Candidate(1, ["chicago", "portland"], 0.1, 0.1)], [], 100, Options);
        var b = new MarketSelection([Candidate(1, ["houston", "miami"], 0.05, 0.1), Candidate(2, ["houston", "tampa"], 0.1, 0.1)], [], 100, Options);
        var selection = new MultiCellSelection([["chicago", "portland", "reno"], ["houston", "miami", "tampa"]], [a, b], 200);

        using var json = JsonDocument.Parse(DesignJson.MultiCell(selection));

        var root = json.RootElement;
        Assert.Equal(["design", "candidates", "simulations", "cells", "test"], root.EnumerateObject().Select(p => p.Name));
        Assert.Equal([1, 2, 2], root.GetProperty("candidates").EnumerateArray().Select(c => c.GetProperty("cell").GetInt32()));
        Assert.Equal("cell", root.GetProperty("candidates")[0].EnumerateObject().First().Name);
        Assert.Equal(["houston", "miami", "tampa"], root.GetProperty("cells")[1].EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(200, root.GetProperty("simulations").GetInt32());
    }

    [Fact]
    public void Power_view_draws_a_bar_per_effect_names_the_smallest_detectable_effect_and_flags_calibration()
    {
        var data = new GeoDesignPanel(["a", "b", "c"], Enumerable.Range(0, 4).Select(d => Period.FromDate(new DateOnly(2021, 1, 1).AddDays(d))).ToArray(), new double[12]);
        var curve = new GeoPowerCurve(
            ["a"],
            [
                new GeoPowerPoint(15, 0, 0.5, 0, 0.001, 0.17, 0, 1),
                new GeoPowerPoint(15, 0.05, 0.75, 150, 0.05, 0.17, 30000, 1),
                new GeoPowerPoint(15, 0.1, 1, 290, 0.1012, 0.17, 64563.75, 1),
            ],
            [new GeoCalibration(15, 0.5, 10)],
            3);
        var output = new StringWriter();

        GeoPowerView.Render(ConsoleFactory.Create(output), "pre.parquet", data, curve, ["b"], Options);

        string text = output.ToString();
        Assert.Contains("pre.parquet: test markets a against b; 3 markets × 4 periods, 3 simulations", text);
        Assert.Contains(new string('█', 20), text);                              // power 1
        Assert.Contains(new string('█', 15) + new string('·', 5), text);         // power 0.75
        Assert.Contains("smallest effect with power above 0.8: 10%", text);
        Assert.Contains("false-positive rate at effect 0: 0.50 over 10 windows (alpha 0.1) ! test not calibrated", text);
    }

    [Fact]
    public void Cell_view_shows_each_cells_curve_and_the_multiple_one_cell_needs_to_beat_another()
    {
        var data = new GeoDesignPanel(["a", "b", "c", "d", "e"], Enumerable.Range(0, 4).Select(d => Period.FromDate(new DateOnly(2021, 1, 1).AddDays(d))).ToArray(), new double[20]);
        GeoPowerCurve Curve(string market) => new([market], [new GeoPowerPoint(15, 0.1, 1, 290, 0.1, 0.17, 8608.5, 1)], [new GeoCalibration(15, 0.1, 10)], 1);
        var comparison = new CellComparisons(15, [Curve("a"), Curve("b")], [new CellComparison(["a"], ["b"], 15, 0.1, 2.4), new CellComparison(["b"], ["a"], 15, 0.1, null)]);
        var output = new StringWriter();

        GeoPowerView.RenderCells(ConsoleFactory.Create(output), "pre.parquet", data, [comparison], Options);

        string text = output.ToString();
        Assert.Contains("pre.parquet: 2 test cells, each against the markets in no cell; 5 markets × 4 periods", text);
        Assert.Contains("cell 1 (a), 15 periods", text);
        Assert.Contains("cell 2 (b), 15 periods", text);
        Assert.Matches(@"│ 1\s+│ 2\s+│\s+10% │ 2.40 × │\s+24% │", text);
        Assert.Matches(@"│ 2\s+│ 1\s+│\s+10% │\s+> 5 × │\s+- │", text);
    }

    [Fact]
    public void Cells_json_numbers_cells_from_one_and_writes_null_when_no_multiple_wins()
    {
        GeoPowerCurve Curve(string market) => new([market], [new GeoPowerPoint(15, 0.1, 1, 290, 0.1, 0.17, 8608.5, 1)], [new GeoCalibration(15, 0.1, 10)], 3);
        var comparison = new CellComparisons(15, [Curve("a"), Curve("b")], [new CellComparison(["a"], ["b"], 15, 0.1, 2.4), new CellComparison(["b"], ["a"], 15, 0.1, null)]);

        using var json = JsonDocument.Parse(DesignJson.Cells([["a"], ["b"]], [comparison], Options));

        var root = json.RootElement;
        Assert.Equal(6, root.GetProperty("simulations").GetInt32());
        Assert.Equal(["b"], root.GetProperty("curves")[1].GetProperty("locations").EnumerateArray().Select(e => e.GetString()));
        var pairs = root.GetProperty("comparisons").EnumerateArray().ToArray();
        Assert.Equal(2.4, pairs[0].GetProperty("winningMultiple").GetDouble());
        Assert.Equal(JsonValueKind.Null, pairs[1].GetProperty("winningMultiple").ValueKind);
        Assert.Equal([2, 1], pairs.Select(p => p.GetProperty("cellB").GetInt32()));
    }

    [Fact]
    public void Power_json_writes_controls_curve_and_calibration()
    {
        var curve = new GeoPowerCurve(["a"], [new GeoPowerPoint(15, 0.1, 1, 290, 0.1012, 0.17, 64563.75, 1)], [new GeoCalibration(15, 0.1, 10)], 1);

        using var json = JsonDocument.Parse(DesignJson.Curve(curve, ["b", "c"], Options with { AlwaysValid = true, Alpha = 0.05 }));

        var root = json.RootElement;
        Assert.Equal(["b", "c"], root.GetProperty("controls").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(64563.75, root.GetProperty("curve")[0].GetProperty("investment").GetDouble());
        Assert.Equal(["duration", "falsePositiveRate", "windows"], root.GetProperty("calibration")[0].EnumerateObject().Select(p => p.Name));
        var test = root.GetProperty("test");
        Assert.Equal("always-valid", test.GetProperty("interval").GetString());
        Assert.Equal(0.05, test.GetProperty("alpha").GetDouble());
        Assert.Equal(0.0024, test.GetProperty("testAlpha").GetDouble(), 4);
        Assert.StartsWith("At the test's end the always-valid interval at alpha 0.05, which the nightly decisions read, excludes 0 exactly when a fixed-horizon test at 0.0024 rejects", test.GetProperty("reason").GetString());
    }
}
