using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using LiftPipeline.Pipeline.Reports;
using LiftPipeline.Statistics.Design;
using static LiftPipeline.Tests.Reports.DesignReportSamples;

namespace LiftPipeline.Tests.Reports;

/// <summary>design.json, design.html and design.md of a hand-built market selection.</summary>
public sealed partial class DesignReportWriterTests
{
    [Fact]
    public void Design_json_holds_the_candidates_curves_calibration_and_options_with_their_values()
    {
        using var json = JsonDocument.Parse(DesignJson.ToJson(Report()));
        var root = json.RootElement;

        Assert.Equal(1, root.GetProperty("schemaVersion").GetInt32());
        Assert.Equal("geo", root.GetProperty("design").GetString());
        Assert.Equal("geo-plan", root.GetProperty("campaign").GetString());
        Assert.Equal("2026-12-04T09:30:00.0000000Z", root.GetProperty("generatedAt").GetString());
        Assert.Equal("00112233445566778899aabbccddeeff", root.GetProperty("inputsHash").GetString());
        Assert.Equal(330, root.GetProperty("simulations").GetInt32());
        Assert.Equal(JsonValueKind.Null, root.GetProperty("cells").ValueKind);
        Assert.Equal(40, root.GetProperty("dataset").GetProperty("units").GetInt32());
        Assert.Equal("2021-03-31", root.GetProperty("dataset").GetProperty("lastPeriod").GetString());

        var options = root.GetProperty("options");
        Assert.Equal("conversions", options.GetProperty("metric").GetString());
        Assert.Equal([2, 3, 4, 5], options.GetProperty("sizes").EnumerateArray().Select(e => e.GetInt32()));
        Assert.Equal(7.5, options.GetProperty("cpic").GetDouble());
        Assert.Equal(100000, options.GetProperty("budget").GetDouble());
        Assert.Equal(["honolulu"], options.GetProperty("exclude").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal("iid", options.GetProperty("permutation").GetString());
        Assert.Equal("mde", options.GetProperty("ranking").GetString());
        Assert.Equal(JsonValueKind.Null, options.GetProperty("holdout").ValueKind);
        Assert.Equal([2, 4], root.GetProperty("resolved").GetProperty("sizes").EnumerateArray().Select(e => e.GetInt32()));
        Assert.Equal([10, 15], root.GetProperty("resolved").GetProperty("treatmentPeriods").EnumerateArray().Select(e => e.GetInt32()));

        var candidates = root.GetProperty("candidates").EnumerateArray().ToArray();
        Assert.Equal(3, candidates.Length);
        var best = candidates[0];
        Assert.Equal(1, best.GetProperty("rank").GetInt32());
        Assert.Equal(Four, best.GetProperty("locations").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(15, best.GetProperty("duration").GetInt32());
        Assert.Equal(0.05, best.GetProperty("effectSize").GetDouble());
        Assert.Equal(74118.38, best.GetProperty("investment").GetDouble());
        Assert.Equal(159.3627, best.GetProperty("avgAtt").GetDouble());
        Assert.Equal(0.04829913, best.GetProperty("averageMde").GetDouble());
        Assert.Equal(0.07576405, best.GetProperty("proportionTotalY").GetDouble());
        Assert.Equal(0.1971864, best.GetProperty("avgScaledL2Imbalance").GetDouble());
        Assert.Equal(0.1, best.GetProperty("falsePositiveRate").GetDouble());
        Assert.False(best.GetProperty("notCalibrated").GetBoolean());
        Assert.True(candidates[1].GetProperty("notCalibrated").GetBoolean());
        Assert.Equal(JsonValueKind.Null, candidates[2].GetProperty("falsePositiveRate").ValueKind);
        Assert.False(best.TryGetProperty("cell", out _));

        var curves = root.GetProperty("curves").EnumerateArray().ToArray();
        Assert.Equal(2, curves.Length);
        Assert.Equal(Two, curves[1].GetProperty("locations").EnumerateArray().Select(e => e.GetString()));
        var points = curves[1].GetProperty("points").EnumerateArray().ToArray();
        Assert.Equal(10, points.Length);
        var at = points.Single(p => p.GetProperty("duration").GetInt32() == 15 && p.GetProperty("effectSize").GetDouble() == 0.1);
        Assert.Equal(1.0, at.GetProperty("power").GetDouble());
        Assert.Equal(64563.75, at.GetProperty("investment").GetDouble(), 6);
        var calibration = curves[1].GetProperty("calibration").EnumerateArray().ToArray();
        Assert.Equal([(10, 0.1), (15, 0.3)], calibration.Select(c => (c.GetProperty("duration").GetInt32(), c.GetProperty("falsePositiveRate").GetDouble())));
    }

    [Fact]
    public void The_same_report_gives_the_same_bytes()
    {
        Assert.Equal(DesignJson.ToJson(Report()), DesignJson.ToJson(Report()));
        Assert.Equal(DesignHtml.ToHtml(Report()), DesignHtml.ToHtml(Report()));
        Assert.Equal(DesignMarkdown.ToMarkdown(Report()), DesignMarkdown.ToMarkdown(Report()));
    }

    private const string Engine = "fedcba9876543210";

    [Fact]
    public void The_inputs_hash_changes_with_the_dataset_the_metric_any_option_and_the_engine_version_and_only_with_them()
    {
        string hash = DesignJson.InputsHash(Dataset.Object, "conversions", Options, Engine);

        Assert.Matches("^[0-9a-f]{32}$", hash);
        Assert.Equal(hash, DesignJson.InputsHash(Dataset.Object, "conversions", Options with { }, Engine));
        Assert.NotEqual(hash, DesignJson.InputsHash("datasets/geo-plan/panel-ffff.parquet", "conversions", Options, Engine));
        Assert.NotEqual(hash, DesignJson.InputsHash(Dataset.Object, "revenue", Options, Engine));
        Assert.NotEqual(hash, DesignJson.InputsHash(Dataset.Object, "conversions", Options with { Cpic = 8 }, Engine));
        Assert.NotEqual(hash, DesignJson.InputsHash(Dataset.Object, "conversions", Options with { EffectSizes = [0, 0.1] }, Engine));
        Assert.NotEqual(hash, DesignJson.InputsHash(Dataset.Object, "conversions", Options with { Seed = 2 }, Engine));
        Assert.NotEqual(hash, DesignJson.InputsHash(Dataset.Object, "conversions", Options, "0123456789abcdef"));
    }

    [Fact]
    public void Html_charts_a_power_curve_per_top_candidate_and_duration_and_investment_against_mde()
    {
        var charts = Charts(DesignHtml.ToHtml(Report()));

        // Two distinct sets of markets × durations 10 and 15, then the scatter.
        Assert.Equal(["chart power", "chart power", "chart power", "chart power", "chart investment"], charts.Select(c => (string?)c.Root!.Attribute("class")));
        Assert.Equal("Power curve of chicago, cincinnati, houston, portland, 10 periods", charts[0].Root!.Element("title")!.Value);
        Assert.Equal("Power curve of chicago, portland, 15 periods", charts[3].Root!.Element("title")!.Value);
    }

    [Fact]
    public void A_power_curve_draws_power_by_effect_the_alpha_and_target_lines_and_marks_the_mde()
    {
        var chart = Charts(DesignHtml.ToHtml(Report()))[1].Root!;   // the four markets, 15 periods: MDE 5%
        var power = Points(chart.Elements("polyline").Single(p => (string?)p.Attribute("class") == "power"));
        double Y(string cls) => Attr(chart.Elements("line").Single(l => (string?)l.Attribute("class") == cls), "y1");

        // Plot area: x 56..680 over effects 0..0.2, y 260..28 over power 0..1.
        Assert.Equal([(56, 260), (212, 28), (368, 28), (524, 28), (680, 28)], power);
        Assert.Equal(236.8, Y("alpha"));
        Assert.Equal(74.4, Y("target"));
        var mde = chart.Elements("line").Single(l => (string?)l.Attribute("class") == "mde");
        Assert.Equal(212, Attr(mde, "x1"));
        Assert.Contains(chart.Elements("text"), t => t.Value == "MDE 5.0%");
        Assert.Equal(5, chart.Elements("circle").Count());
    }

    [Fact]
    public void A_duration_without_a_kept_design_has_no_mde_mark_and_its_caption_says_why()
    {
        string html = DesignHtml.ToHtml(Report());
        var chart = Charts(html)[0].Root!;   // the four markets at 10 periods reach the power at 10% but are not in the table

        Assert.DoesNotContain(chart.Elements("line"), l => (string?)l.Attribute("class") == "mde");
        Assert.Contains("chicago, cincinnati, houston, portland, 10 periods: share of 1 historical window whose test rejects at alpha 0.1, by true effect. Not in the candidate table: its MDE is over the budget or outside the holdout range. False-positive rate at effect 0 over 10 historical windows: 10.0%.", html);
        Assert.Contains("chicago, portland, 15 periods: share of 1 historical window whose test rejects at alpha 0.1, by true effect. MDE 10.0% (first effect with power over 0.8).", html);
    }

    [Fact]
    public void The_scatter_places_each_candidate_at_its_mde_and_investment_and_enlarges_the_chosen_one()
    {
        var chart = Charts(DesignHtml.ToHtml(Report()))[4].Root!;
        var circles = chart.Elements("circle").ToArray();

        Assert.Equal(["candidate", "candidate", "chosen"], circles.Select(c => (string?)c.Attribute("class")));
        Assert.StartsWith("#1 chicago, cincinnati, houston, portland, 15 periods: MDE 5.0%, investment 74,118", circles[2].Element("title")!.Value);
        Assert.Contains(chart.Elements("text"), t => (string?)t.Attribute("class") == "label" && t.Value == "chicago, cincinnati, houston, portland");
        // Cheaper designs sit lower: the 10-period pair (43,646) below the 15-period pair (64,564).
        Assert.True(Attr(circles[1], "cy") > Attr(circles[0], "cy"));
        Assert.Equal(Attr(circles[0], "cx"), Attr(circles[1], "cx"));
    }

    [Fact]
    public void Html_lists_the_chosen_markets_and_a_row_per_candidate_flagging_an_uncalibrated_test()
    {
        string html = DesignHtml.ToHtml(Report());
        var rows = Regex.Matches(html, "<tr><td>(\\d+)</td><td class=\"markets\">([^<]*)</td>").Select(m => (m.Groups[1].Value, m.Groups[2].Value)).ToArray();

        Assert.Equal([("1", "chicago, cincinnati, houston, portland"), ("2", "chicago, portland"), ("3", "chicago, portland")], rows);
        Assert.Contains("<li><strong>chicago, cincinnati, houston, portland</strong> for 15 periods: MDE 5.0%, power 0.9, investment 74,118, 7.6% of the outcome in the test, holdout 92.4%; false-positive rate 10.0% at effect 0 (alpha 0.1).</li>", html);
        Assert.Contains("<td class=\"not-calibrated\">30.0% (not calibrated)</td>", html);
        Assert.DoesNotContain("<script", html);
        Assert.DoesNotContain("http://", html, StringComparison.Ordinal);
        Assert.DoesNotContain("https://", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Html_flags_a_detected_lift_more_than_half_the_mde_away_from_it_as_biased()
    {
        var biased = new MarketCandidate(1, ["atlanta", "chicago"], 10, 0.05, 1, 0.4, 56061, 359, 0.1008, 0.086, 0.051, 0.914, 0.93, 0);
        var close = biased with { Rank = 2, Locations = ["chicago", "portland"], AverageMde = 0.07, AbsLiftInZero = 0.02 };

        string html = DesignHtml.ToHtml(Report(new MarketSelection([biased, close], [], 10, Options)));

        Assert.Contains("<td class=\"not-calibrated\">10.1% (biased)</td>", html);
        Assert.Contains("<td>7.0%</td>", html);
        Assert.Single(Regex.Matches(html, "\\(biased\\)"));
    }

    [Fact]
    public void Market_names_are_escaped_in_html_and_markdown()
    {
        var odd = new MarketCandidate(1, ["a<b>&c", "d|e"], 10, 0.1, 0.9, 0.2, 1000, 1, 0.1, 0.05, 0, 0.95, 0.9, 0.1);
        var report = Report(new MarketSelection([odd], [], 10, Options));

        Assert.Contains("a&lt;b&gt;&amp;c, d|e", DesignHtml.ToHtml(report));
        Assert.DoesNotContain("<b>", DesignHtml.ToHtml(report));
        Assert.Contains("a&lt;b&gt;&amp;c, d\\|e", DesignMarkdown.ToMarkdown(report));
    }

    [Fact]
    public void Markdown_summarises_the_chosen_design_the_best_candidates_and_its_power_by_effect()
    {
        string md = DesignMarkdown.ToMarkdown(Report());

        Assert.StartsWith("# Geo design: geo-plan\n\nCampaign geo-plan: test chicago, cincinnati, houston, portland for 15 periods: MDE 5.0% at power 0.9 (alpha 0.1), investment 74,118; 330 simulations on 40 markets × 90 periods of conversions.\n", md);
        Assert.Contains("**chicago, cincinnati, houston, portland** for 15 periods: MDE 5.0% at power 0.9, investment 74,118, detected lift at the MDE 4.8%, 7.6% of the outcome in the test (holdout 92.4%), scaled L2 imbalance 0.197; false-positive rate 10.0% at effect 0 (alpha 0.1).", md);
        Assert.Contains("| 2 | chicago, portland | 15 | 10.0% | 1 | 30.0% (not calibrated) | 64,564 | 10.1% | 96.7% | 0.174 |\n", md);
        Assert.Contains("| Effect | 10 periods | 15 periods |\n", md);
        Assert.Contains("| 5.0% | 0 | 1 |\n", md);
        Assert.Contains("include chicago; exclude honolulu; cpic 7.5; budget 100,000", md);
    }

    [Fact]
    public void A_selection_where_nothing_reaches_the_power_says_what_to_try()
    {
        var report = Report(new MarketSelection([], [Curve(Two, [0, 0, 0, 0.5, 0.7], [0, 0, 0, 0.2, 0.5])], 10, Options));

        string headline = "Campaign geo-plan: no design reaches power 0.8 at the effect sizes simulated; try larger effect sizes, longer durations or more markets.";
        Assert.StartsWith(headline, DesignText.Headline(report));
        Assert.Contains("No candidate reaches the target power", DesignHtml.ToHtml(report));
        Assert.Contains("No design reaches power 0.8", DesignMarkdown.ToMarkdown(report));
        using var json = JsonDocument.Parse(DesignJson.ToJson(report));
        Assert.Empty(json.RootElement.GetProperty("candidates").EnumerateArray());
    }

    [Fact]
    public void A_multi_cell_design_numbers_its_cells_in_json_and_lists_each_cells_choice()
    {
        var cellTwo = new MarketCandidate(1, ["austin", "boston"], 15, 0.1, 0.9, 0.2, 50000, 100, 0.1, 0.04, 0.001, 0.96, 0.9, 0.1);
        var multi = new MultiCellSelection([["chicago", "portland", "houston"], ["austin", "boston", "denver"]],
            [Selection(), new MarketSelection([cellTwo], [], 100, Options)], 430);
        var report = DesignReport.Create("geo-plan", DateTimeOffset.UnixEpoch, "ab", Dataset, Options with { Cells = 2 }, multi);

        using var json = JsonDocument.Parse(DesignJson.ToJson(report));
        var root = json.RootElement;
        Assert.Equal(430, root.GetProperty("simulations").GetInt32());
        Assert.Equal(["austin", "boston", "denver"], root.GetProperty("cells")[1].EnumerateArray().Select(e => e.GetString()));
        Assert.Equal([1, 1, 1, 2], root.GetProperty("candidates").EnumerateArray().Select(c => c.GetProperty("cell").GetInt32()));
        Assert.Contains("cell 2: test austin, boston for 15 periods: MDE 10.0%", DesignText.Headline(report));
        Assert.Contains("## Cell 2\n\nMarkets of the cell: austin, boston, denver.", DesignMarkdown.ToMarkdown(report));
    }

    private static double Attr(XElement e, string name) => double.Parse((string)e.Attribute(name)!, CultureInfo.InvariantCulture);

    private static List<XDocument> Charts(string html) => SvgElement().Matches(html).Select(m => XDocument.Parse(m.Value)).ToList();

    private static List<(double X, double Y)> Points(XElement element) => ((string)element.Attribute("points")!)
        .Split(' ', StringSplitOptions.RemoveEmptyEntries)
        .Select(p => p.Split(','))
        .Select(p => (double.Parse(p[0], CultureInfo.InvariantCulture), double.Parse(p[1], CultureInfo.InvariantCulture)))
        .ToList();

    [GeneratedRegex("<svg[\\s\\S]*?</svg>")]
    private static partial Regex SvgElement();
}
