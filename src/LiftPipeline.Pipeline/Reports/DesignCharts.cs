using LiftPipeline.Pipeline.Reports.Svg;
using LiftPipeline.Statistics.Design;
using static LiftPipeline.Pipeline.Reports.ReportText;

namespace LiftPipeline.Pipeline.Reports;

/// <summary>
/// The inline SVG charts of a design report, each a complete &lt;svg&gt; element: the power curve of one set of markets
/// at one duration (power against effect size, with the alpha and target-power lines and the MDE marked), and the
/// investment each candidate needs against its MDE.
/// </summary>
internal static class DesignCharts
{
    private const double Width = 720, Height = 300;

    /// <summary>
    /// Power against effect size of <paramref name="curve"/> at <paramref name="duration"/>: a <c>power</c> polyline with a
    /// <c>point</c> per effect size, a horizontal <c>alpha</c> line (what power at effect 0 should be) and <c>target</c>
    /// line, and a vertical <c>mde</c> line at <paramref name="mde"/> when given.
    /// </summary>
    public static string PowerCurve(GeoPowerCurve curve, int duration, double alpha, double target, double? mde)
    {
        string markets = string.Join(", ", curve.Locations);
        var svg = new SvgDocument(Width, Height, $"Power curve of {markets}, {duration} periods", "chart power");
        var frame = new ChartFrame(svg, 56, 28, 40, 40);
        var points = curve.Points.Where(p => p.Duration == duration && double.IsFinite(p.EffectSize)).OrderBy(p => p.EffectSize).ToArray();
        if (points.Length == 0)
        {
            return Empty(frame, "No simulations at this duration.");
        }
        double lo = Math.Min(0, points[0].EffectSize), hi = Math.Max(0, points[^1].EffectSize);
        var x = new LinearScale(lo, hi, frame.Left, frame.Right);
        var y = new LinearScale(0, 1, frame.Bottom, frame.Top);
        frame.LeftAxis(y, [0, 0.2, 0.4, 0.6, 0.8, 1], v => v.ToString("0.0", System.Globalization.CultureInfo.InvariantCulture));
        frame.BottomAxis(points.Select(p => (x.Map(p.EffectSize), Percent(p.EffectSize))).ToArray());
        svg.Line(frame.Left, y.Map(alpha), frame.Right, y.Map(alpha), "alpha");
        svg.Text(frame.Right, y.Map(alpha) - 4, $"alpha {Number(alpha)}", "marker", "end");
        svg.Line(frame.Left, y.Map(target), frame.Right, y.Map(target), "target");
        svg.Text(frame.Right, y.Map(target) - 4, $"target power {Number(target)}", "marker", "end");
        if (mde is { } m && double.IsFinite(m))
        {
            svg.Line(x.Map(m), frame.Top, x.Map(m), frame.Bottom, "mde");
            svg.Text(x.Map(m) + 4, frame.Top + 12, $"MDE {Percent(m)}", "marker");
        }
        svg.Polyline(points.Select(p => (x.Map(p.EffectSize), y.Map(p.Power))), "power");
        foreach (var p in points)
        {
            svg.Circle(x.Map(p.EffectSize), y.Map(p.Power), 3.5, "point", $"effect {Percent(p.EffectSize)}: power {Number(p.Power)}, detected lift {Percent(p.AvgDetectedLift)}");
        }
        svg.Text(frame.Left, 16, $"power of {Shorten(markets)}, {duration} periods", "legend");
        return svg.ToString();
    }

    /// <summary>
    /// Investment against MDE, one <c>candidate</c> circle per candidate (the chosen ones, rank 1 of each cell, as
    /// <c>chosen</c> and labelled), so cheap designs that still see small effects stand out at the bottom left.
    /// </summary>
    public static string InvestmentVsMde(IReadOnlyList<MarketCandidate> candidates, IReadOnlyList<MarketCandidate?> chosen)
    {
        var svg = new SvgDocument(Width, Height, "Investment against minimum detectable effect, one point per candidate", "chart investment");
        var frame = new ChartFrame(svg, 80, 28, 40, 40);
        var shown = candidates.Where(c => double.IsFinite(c.EffectSize) && double.IsFinite(c.Investment)).ToArray();
        if (shown.Length == 0)
        {
            return Empty(frame, "No candidate reaches the target power at the effect sizes simulated.");
        }
        var (x, xTicks) = LinearScale.Nice(Math.Min(0, shown.Min(c => c.EffectSize)), Math.Max(0, shown.Max(c => c.EffectSize)), frame.Left, frame.Right);
        var (y, yTicks) = LinearScale.Nice(Math.Min(0, shown.Min(c => c.Investment)), Math.Max(0, shown.Max(c => c.Investment)), frame.Bottom, frame.Top);
        frame.LeftAxis(y, yTicks, Whole);
        frame.BottomAxis(xTicks.Select(t => (x.Map(t), Percent(t))).ToArray());
        foreach (var c in shown.Where(c => !chosen.Contains(c)))
        {
            svg.Circle(x.Map(c.EffectSize), y.Map(c.Investment), 3.5, "candidate", Describe(c));
        }
        foreach (var c in chosen.OfType<MarketCandidate>().Where(c => shown.Contains(c)))
        {
            double cx = x.Map(c.EffectSize);
            svg.Circle(cx, y.Map(c.Investment), 5.5, "chosen", Describe(c));
            // Labels right of the dot, or left of it in the right half, so they stay inside the chart.
            bool left = cx > (frame.Left + frame.Right) / 2;
            svg.Text(left ? cx - 8 : cx + 8, y.Map(c.Investment) - 6, Shorten(string.Join(", ", c.Locations)), "label", left ? "end" : "start");
        }
        svg.Text(frame.Left, 16, "investment (y) against MDE (x); larger dots are the chosen designs", "legend");
        return svg.ToString();
    }

    private static string Describe(MarketCandidate c) =>
        $"#{c.Rank} {string.Join(", ", c.Locations)}, {c.Duration} periods: MDE {Percent(c.EffectSize)}, investment {Whole(c.Investment)}";

    private static string Empty(ChartFrame frame, string message)
    {
        frame.Svg.Text((frame.Left + frame.Right) / 2, (frame.Top + frame.Bottom) / 2, message, "empty", "middle");
        return frame.Svg.ToString();
    }

    private static string Shorten(string text) => text.Length <= 48 ? text : text[..47] + "…";
}
