using System.Globalization;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using LiftPipeline.Pipeline.Reports;
using LiftPipeline.Statistics.Estimators;
using LiftPipeline.Statistics.Measurement;

namespace LiftPipeline.Tests.Reports;

public sealed partial class ReportHtmlTests
{
    private static readonly Lazy<string> Page = new(() => ReportHtml.ToHtml(ReportSamples.Report()));

    [Fact]
    public void Html_has_five_well_formed_svg_charts_with_axis_titles()
    {
        var charts = Charts(Page.Value);

        Assert.Equal(5, charts.Count);
        Assert.Equal(["chart paths", "chart paths-recent", "chart effects", "chart cumulative", "chart weights"], charts.Select(c => (string?)c.Root!.Attribute("class")));
        Assert.Equal(["period", "conversions"], charts[0].Root!.Elements("text").Where(t => (string?)t.Attribute("class") == "axis-title").Select(t => t.Value));
        Assert.All(charts, c => Assert.Contains(c.Root!.Elements("text"), t => (string?)t.Attribute("class") == "tick"));
    }

    [Fact]
    public void Treatment_start_line_sits_at_the_x_of_2021_04_01()
    {
        var report = ReportSamples.Report();
        var paths = Charts(Page.Value)[0].Root!;
        int index = report.Primary!.Periods!.Select(p => p.ToString()).ToList().IndexOf("2021-04-01");
        var marker = paths.Elements("line").Single(l => (string?)l.Attribute("class") == "treatment-start");
        var observed = Points(paths.Elements("polyline").Single(l => (string?)l.Attribute("class") == "observed"));

        Assert.Equal(90, index);
        Assert.Equal(105, observed.Count);
        double x = double.Parse((string)marker.Attribute("x1")!, CultureInfo.InvariantCulture);
        Assert.Equal(x, double.Parse((string)marker.Attribute("x2")!, CultureInfo.InvariantCulture));
        Assert.Equal(observed[index].X, x);
        // Plot area 64..680 px over period indices 0..104: 64 + 90/104·616.
        Assert.Equal(597.08, x);
        Assert.Contains(paths.Elements("text"), t => t.Value == "treatment start 2021-04-01");
    }

    [Fact]
    public void Effect_chart_draws_no_band_without_per_period_standard_errors()
    {
        var effects = Charts(Page.Value)[2].Root!;
        var effect = Points(effects.Elements("polyline").Single(p => (string?)p.Attribute("class") == "effect"));

        Assert.Equal(15, effect.Count);
        Assert.Empty(effects.Elements("polygon"));
        Assert.Contains("No band is drawn: per-period standard errors are not estimated", Page.Value, StringComparison.Ordinal);
    }

    [Fact]
    public void Cumulative_chart_ends_at_the_incremental_total()
    {
        var e = ReportSamples.Report().Primary!;
        var cumulative = Charts(Page.Value)[3].Root!;

        // 2 treated units × the sum of the 15 per-period effects is the estimate's incremental total (4,667).
        Assert.Equal(e.Incremental, 2 * e.Effects.Sum(p => p.Effect), 6);
        Assert.Contains(cumulative.Elements("text"), t => t.Value == $"cumulative incremental, {e.Incremental.ToString("#,##0", CultureInfo.InvariantCulture)} by 2021-04-15");
    }

    [Fact]
    public void Period_ticks_are_evenly_spaced()
    {
        var ticks = Charts(Page.Value)[0].Root!.Elements("text").Where(t => (string?)t.Attribute("class") == "tick" && (string?)t.Attribute("text-anchor") == "middle")
            .Select(t => DateOnly.Parse(t.Value, CultureInfo.InvariantCulture)).ToArray();

        Assert.Equal([new DateOnly(2021, 1, 1), new DateOnly(2021, 1, 22), new DateOnly(2021, 2, 12), new DateOnly(2021, 3, 5), new DateOnly(2021, 3, 26)], ticks);
    }

    [Fact]
    public void A_unit_from_the_campaign_titles_the_axes_and_no_number_prints_as_negative_zero()
    {
        var html = ReportHtml.ToHtml(ReportSamples.Report() with { Unit = "orders" });

        Assert.Contains(">conversions (orders)</text>", html, StringComparison.Ordinal);
        Assert.Equal("-0.01%", ReportText.Percent(-0.0001));
        Assert.Equal("0.0%", ReportText.Percent(-0.0000001));
        Assert.Equal("0.0%", ReportText.Percent(0));
        Assert.Equal("0", ReportText.Number(-0.0001));
        Assert.Equal("-0.1%", ReportText.Percent(-0.001));
    }

    [Fact]
    public void Multi_cell_report_has_a_headline_per_cell_and_names_a_winner_only_when_intervals_separate()
    {
        var report = ReportSamples.Report();
        var geolift = report.Primary!;
        MeasuredEstimate Cell(string cell, double low, double high) => geolift with
        {
            Cell = cell, TreatedUnits = [cell + "-city"], Uncertainty = geolift.Uncertainty! with { CiLow = low, CiHigh = high },
        };
        var separate = report with { Estimates = [Cell("a", 50, 90), Cell("b", -10, 40)] };
        var overlapping = report with { Estimates = [Cell("a", 30, 90), Cell("b", -10, 40)] };

        var html = ReportHtml.ToHtml(separate);

        Assert.Contains("<li>Cell a (a-city): ATT 155.556 (95% CI 50 to 90)", html, StringComparison.Ordinal);
        Assert.Contains("<li>Cell b (b-city): ATT 155.556 (95% CI -10 to 40)", html, StringComparison.Ordinal);
        Assert.Contains("Cells compared: cell a wins", html, StringComparison.Ordinal);
        Assert.Equal(2, Charts(html).Count(c => (string?)c.Root!.Attribute("class") == "chart paths"));
        Assert.Contains("Cells compared: no winner", ReportHtml.ToHtml(overlapping), StringComparison.Ordinal);
        Assert.DoesNotContain("Cells compared", Page.Value, StringComparison.Ordinal);
    }

    [Fact]
    public void Weight_chart_shows_the_ten_largest_weights_largest_first()
    {
        var weights = Charts(Page.Value)[4].Root!;
        var units = weights.Elements("text").Where(t => (string?)t.Attribute("class") == "unit").Select(t => t.Value).ToArray();

        Assert.Equal(10, weights.Elements("rect").Count());
        Assert.Equal(["cincinnati", "miami", "baton rouge", "minneapolis", "dallas", "nashville", "honolulu", "austin", "san diego", "reno"], units);
    }

    [Fact]
    public void Html_is_self_contained_with_no_urls_or_scripts()
    {
        var html = Page.Value;

        Assert.StartsWith("<!DOCTYPE html>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("http", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<link", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("src=", html, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("<style>", html, StringComparison.Ordinal);
        Assert.Equal(html, ReportHtml.ToHtml(ReportSamples.Report()));
    }

    [Fact]
    public void Unit_names_with_markup_are_escaped_everywhere()
    {
        const string crafted = "<script>x</script>&co";
        var report = ReportSamples.Report();
        var primary = report.Primary!;
        var weights = primary.UnitWeights!.Select(w => w.Unit == "cincinnati" ? new UnitWeight(crafted, w.Weight) : w).ToArray();
        var tampered = report with
        {
            Dataset = report.Dataset with { TreatedUnits = [crafted, "portland"] },
            Estimates = [primary with { UnitWeights = weights, Cell = "\"cell\" & 'arm'" }],
        };

        var html = ReportHtml.ToHtml(tampered);
        var charts = Charts(html);

        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("&co", html.Replace("&amp;co", "", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;x&lt;/script&gt;&amp;co, portland", html, StringComparison.Ordinal);
        Assert.Contains("&quot;cell&quot; &amp; &#39;arm&#39;", html, StringComparison.Ordinal);
        Assert.Equal(crafted, charts[4].Root!.Elements("text").First(t => (string?)t.Attribute("class") == "unit").Value);
    }

    [Fact]
    public void An_estimate_without_paths_weights_or_interval_still_renders_five_charts_with_notes()
    {
        var measurement = ReportSamples.Measurement;
        var bare = measurement.Estimates[0] with { Observed = null, Counterfactual = null, Periods = null, UnitWeights = null, Uncertainty = null };
        var report = LiftReport.Create("geo-test", "run-2", ReportSamples.GeneratedAt, measurement with { Estimates = [bare] }, []);

        var charts = Charts(ReportHtml.ToHtml(report));

        Assert.Equal(Recommendation.Extend, report.Recommendation);
        Assert.Equal(5, charts.Count);
        Assert.Contains(charts[0].Root!.Elements("text"), t => t.Value.StartsWith("This estimate has no single counterfactual path", StringComparison.Ordinal));
        Assert.DoesNotContain(charts[1].Root!.Elements("polygon"), p => (string?)p.Attribute("class") == "band");
        Assert.Contains(charts[4].Root!.Elements("text"), t => t.Value == "This estimator has no unit weights.");
        Assert.Contains("\"paths\": null", ReportJson.ToJson(report), StringComparison.Ordinal);
        Assert.Contains("\"uncertainty\": null", ReportJson.ToJson(report), StringComparison.Ordinal);
    }

    /// <summary>Each &lt;svg&gt;…&lt;/svg&gt; of the page, parsed as XML (which fails on anything unescaped or unclosed).</summary>
    private static List<XDocument> Charts(string html) => SvgElement().Matches(html).Select(m => XDocument.Parse(m.Value)).ToList();

    private static List<(double X, double Y)> Points(XElement element) => ((string)element.Attribute("points")!)
        .Split(' ', StringSplitOptions.RemoveEmptyEntries)
        .Select(p => p.Split(','))
        .Select(p => (double.Parse(p[0], CultureInfo.InvariantCulture), double.Parse(p[1], CultureInfo.InvariantCulture)))
        .ToList();

    [GeneratedRegex("<svg[\\s\\S]*?</svg>")]
    private static partial Regex SvgElement();
}
