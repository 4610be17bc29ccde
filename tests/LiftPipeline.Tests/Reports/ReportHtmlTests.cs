using System.Globalization;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using LiftPipeline.Pipeline.Reports;
using LiftPipeline.Statistics.Estimators;

namespace LiftPipeline.Tests.Reports;

public sealed partial class ReportHtmlTests
{
    private static readonly Lazy<string> Page = new(() => ReportHtml.ToHtml(ReportSamples.Report()));

    [Fact]
    public void Html_has_three_well_formed_svg_charts()
    {
        var charts = Charts(Page.Value);

        Assert.Equal(3, charts.Count);
        Assert.Equal(["chart paths", "chart effects", "chart weights"], charts.Select(c => (string?)c.Root!.Attribute("class")));
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
    public void Effect_chart_band_is_each_effect_plus_minus_z_times_its_own_period_standard_error()
    {
        var report = ReportSamples.Report();
        var effects = Charts(Page.Value)[1].Root!;
        var band = Points(effects.Elements("polygon").Single(p => (string?)p.Attribute("class") == "band"));
        var effect = Points(effects.Elements("polyline").Single(p => (string?)p.Attribute("class") == "effect"));
        var ses = report.Primary!.Uncertainty!.PeriodStandardErrors!;

        Assert.Equal(15, effect.Count);
        Assert.Equal(30, band.Count);
        // The band's edges at each period are symmetric around the effect line and their gap is proportional to that
        // period's standard error (pixels per unit constant), not one width for all periods.
        double pixelsPerUnit = (band[29].Y - band[0].Y) / ses[0];
        for (int k = 0; k < 15; k++)
        {
            Assert.Equal(effect[k].X, band[k].X);
            Assert.Equal(effect[k].Y, (band[k].Y + band[29 - k].Y) / 2, 0.02);   // pixels are written to 2 decimals
            Assert.Equal(pixelsPerUnit * ses[k], band[29 - k].Y - band[k].Y, 0.05 * pixelsPerUnit * ses.Max());
        }
        Assert.True(ses.Max() > 1.2 * ses.Min());
        double half = 1.959964 * ses.Max();
        string legend = effects.Elements("text").Single(t => t.Value.StartsWith("band ± up to ", StringComparison.Ordinal)).Value;
        Assert.EndsWith(" (95%, per period)", legend, StringComparison.Ordinal);
        Assert.Equal(half, double.Parse(legend["band ± up to ".Length..legend.IndexOf(" (", StringComparison.Ordinal)], NumberStyles.Number, CultureInfo.InvariantCulture), 0.01);
        Assert.Contains("own standard error, from the same replications as the ATT", Page.Value, StringComparison.Ordinal);
    }

    [Fact]
    public void Weight_chart_shows_the_ten_largest_weights_largest_first()
    {
        var weights = Charts(Page.Value)[2].Root!;
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
        Assert.Equal(crafted, charts[2].Root!.Elements("text").First(t => (string?)t.Attribute("class") == "unit").Value);
    }

    [Fact]
    public void An_estimate_without_paths_weights_or_interval_still_renders_three_charts_with_notes()
    {
        var measurement = ReportSamples.Measurement;
        var bare = measurement.Estimates[0] with { Observed = null, Counterfactual = null, Periods = null, UnitWeights = null, Uncertainty = null };
        var report = LiftReport.Create("geo-test", "run-2", ReportSamples.GeneratedAt, measurement with { Estimates = [bare] }, []);

        var charts = Charts(ReportHtml.ToHtml(report));

        Assert.Equal(Recommendation.Extend, report.Recommendation);
        Assert.Equal(3, charts.Count);
        Assert.Contains(charts[0].Root!.Elements("text"), t => t.Value.StartsWith("This estimate has no single counterfactual path", StringComparison.Ordinal));
        Assert.DoesNotContain(charts[1].Root!.Elements("polygon"), p => (string?)p.Attribute("class") == "band");
        Assert.Contains(charts[2].Root!.Elements("text"), t => t.Value == "This estimator has no unit weights.");
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
