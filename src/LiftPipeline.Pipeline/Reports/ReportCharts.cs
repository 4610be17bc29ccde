using LiftPipeline.Pipeline.Reports.Svg;
using LiftPipeline.Statistics.Estimators;
using LiftPipeline.Statistics.Measurement;
using LiftPipeline.Statistics.Panels;
using static LiftPipeline.Pipeline.Reports.ReportText;

namespace LiftPipeline.Pipeline.Reports;

/// <summary>
/// The inline SVG charts of an HTML report, each a complete &lt;svg&gt; element with axis titles and a legend of line
/// samples (a chart without the data it needs says so inside its frame): the observed and counterfactual paths, the
/// same over the test window, the effect per post period, the cumulative incremental outcome, the top unit weights and
/// the time weights.
/// </summary>
internal static class ReportCharts
{
    private const double Width = 720, Height = 320;
    private const int TopWeights = 10;

    /// <summary>
    /// Observed vs counterfactual path of the average treated unit over all periods, x by period index, with a
    /// vertical <c>treatment-start</c> line at the first post period; <paramref name="metric"/> titles the y axis.
    /// </summary>
    public static string Paths(MeasuredEstimate e, string metric) =>
        PathChart(e, metric, 0, "chart paths", $"Observed and counterfactual {e.Estimator} path of the average treated unit");

    /// <summary>
    /// The same paths over the test window and the periods just before it (the last <see cref="RecentFactor"/> × the post
    /// periods, at least four weeks of days), so the weeks that decide the estimate are readable.
    /// </summary>
    public static string RecentPaths(MeasuredEstimate e, string metric)
    {
        int count = e.Periods?.Count ?? 0;
        int from = Math.Max(0, count - Math.Max(RecentFactor * e.Effects.Count, 28));
        return PathChart(e, metric, from, "chart paths-recent", $"Observed and counterfactual {e.Estimator} path over the test window");
    }

    /// <summary>Periods shown by <see cref="RecentPaths"/>, as a multiple of the post periods.</summary>
    public const int RecentFactor = 3;

    private static string PathChart(MeasuredEstimate e, string metric, int from, string cssClass, string title)
    {
        var svg = new SvgDocument(Width, Height, title, cssClass);
        var frame = new ChartFrame(svg, 64, 28, 40, 48);
        if (e.Periods is not { Count: > 0 } periods || e.Observed is null || e.Counterfactual is null)
        {
            return Empty(frame, "This estimate has no single counterfactual path (for example staggered cohorts).");
        }
        int n = periods.Count - from;
        var values = e.Observed.Skip(from).Concat(e.Counterfactual.Skip(from)).Where(double.IsFinite).DefaultIfEmpty(0).ToArray();
        var (y, ticks) = LinearScale.Nice(values.Min(), values.Max(), frame.Bottom, frame.Top);
        var x = new LinearScale(0, n - 1, frame.Left, frame.Right);
        frame.LeftAxis(y, ticks, Number);
        frame.BottomAxis(ChartFrame.SpreadIndices(n, 6).Select(i => (x.Map(i), periods[from + i].ToString())).ToArray());
        frame.Titles("period", metric);
        int start = e.Effects.Count > 0 ? IndexOf(periods, e.Effects[0].Period) - from : -1;
        if (start >= 0)
        {
            svg.Line(x.Map(start), frame.Top, x.Map(start), frame.Bottom, "treatment-start");
            svg.Text(x.Map(start) - 4, frame.Top + 12, $"treatment start {periods[from + start]}", "marker", "end");
        }
        svg.Polyline(e.Counterfactual.Skip(from).Select((v, t) => (x.Map(t), y.Map(v))), "counterfactual");
        svg.Polyline(e.Observed.Skip(from).Select((v, t) => (x.Map(t), y.Map(v))), "observed");
        double next = frame.Legend(frame.Left, 16, "observed", "observed");
        next = frame.Legend(next, 16, "counterfactual", "counterfactual");
        frame.Legend(next, 16, "treatment-start", "treatment start");
        return svg.ToString();
    }

    /// <summary>
    /// Effect per post period and the ATT. No band is drawn: a band of ± z·se(ATT) around each period would be too narrow,
    /// and per-period standard errors are not part of the estimate.
    /// </summary>
    public static string Effects(MeasuredEstimate e, string metric)
    {
        var svg = new SvgDocument(Width, Height, $"Effect per post period ({e.Estimator})", "chart effects");
        var frame = new ChartFrame(svg, 64, 28, 40, 48);
        if (e.Effects.Count == 0)
        {
            return Empty(frame, "This estimate has no per-period effects.");
        }
        var effects = e.Effects.Select(p => p.Effect).ToArray();
        var values = effects.Append(0).Append(e.Att).Where(double.IsFinite).ToArray();
        var (y, ticks) = LinearScale.Nice(values.Min(), values.Max(), frame.Bottom, frame.Top);
        var x = new LinearScale(0, effects.Length - 1, frame.Left, frame.Right);
        frame.LeftAxis(y, ticks, Number);
        frame.BottomAxis(ChartFrame.SpreadIndices(effects.Length, 6).Select(i => (x.Map(i), e.Effects[i].Period.ToString())).ToArray());
        frame.Titles("period", $"effect, {metric}");
        svg.Line(frame.Left, y.Map(0), frame.Right, y.Map(0), "zero");
        svg.Line(frame.Left, y.Map(e.Att), frame.Right, y.Map(e.Att), "att");
        svg.Polyline(effects.Select((v, k) => (x.Map(k), y.Map(v))), "effect");
        double next = frame.Legend(frame.Left, 16, "effect", "effect");
        frame.Legend(next, 16, "att", $"ATT {Number(e.Att)}");
        return svg.ToString();
    }

    /// <summary>
    /// Cumulative incremental outcome over the post periods: the treated units' count times the running sum of the
    /// per-period effects, whose last value is the estimate's incremental total.
    /// </summary>
    public static string Cumulative(MeasuredEstimate e, string metric)
    {
        var svg = new SvgDocument(Width, Height, $"Cumulative incremental {metric} ({e.Estimator})", "chart cumulative");
        var frame = new ChartFrame(svg, 64, 28, 40, 48);
        if (e.Effects.Count == 0 || e.TreatedUnits.Count == 0)
        {
            return Empty(frame, "This estimate has no per-period effects.");
        }
        var running = new double[e.Effects.Count];
        double sum = 0;
        for (int k = 0; k < running.Length; k++)
        {
            sum += e.TreatedUnits.Count * e.Effects[k].Effect;
            running[k] = sum;
        }
        var values = running.Append(0).Where(double.IsFinite).ToArray();
        var (y, ticks) = LinearScale.Nice(values.Min(), values.Max(), frame.Bottom, frame.Top);
        var x = new LinearScale(0, running.Length - 1, frame.Left, frame.Right);
        frame.LeftAxis(y, ticks, Whole);
        frame.BottomAxis(ChartFrame.SpreadIndices(running.Length, 6).Select(i => (x.Map(i), e.Effects[i].Period.ToString())).ToArray());
        frame.Titles("period", $"incremental, {metric}");
        svg.Line(frame.Left, y.Map(0), frame.Right, y.Map(0), "zero");
        svg.Polyline(running.Select((v, k) => (x.Map(k), y.Map(v))), "cumulative");
        frame.Legend(frame.Left, 16, "cumulative", $"cumulative incremental, {Whole(running[^1])} by {e.Effects[^1].Period}");
        return svg.ToString();
    }

    /// <summary>
    /// The time weights λ of the pre-periods (SDID), one bar per pre-period; null when the estimator has none, so the page
    /// leaves the chart out.
    /// </summary>
    public static string? TimeWeights(MeasuredEstimate e)
    {
        if (e.TimeWeights is not { Count: > 0 } weights || !weights.Any(w => w.Weight != 0))
        {
            return null;
        }
        var svg = new SvgDocument(Width, 220, $"Time weights of the pre-periods ({e.Estimator})", "chart time-weights");
        var frame = new ChartFrame(svg, 64, 28, 40, 48);
        var (y, ticks) = LinearScale.Nice(0, weights.Max(w => w.Weight), frame.Bottom, frame.Top, 4);
        double slot = (frame.Right - frame.Left) / weights.Count;
        frame.LeftAxis(y, ticks, Number);
        frame.BottomAxis(ChartFrame.SpreadIndices(weights.Count, 6).Select(i => (frame.Left + slot * (i + 0.5), weights[i].Period.ToString())).ToArray());
        frame.Titles("pre-period", "time weight λ");
        for (int t = 0; t < weights.Count; t++)
        {
            double w = Math.Max(0, weights[t].Weight);
            svg.Rect(frame.Left + slot * t + slot * 0.1, y.Map(w), slot * 0.8, y.Map(0) - y.Map(w), "bar");
        }
        return svg.ToString();
    }

    /// <summary>The <see cref="TopWeights"/> largest control unit weights as horizontal bars, largest first.</summary>
    public static string Weights(MeasuredEstimate e)
    {
        var svg = new SvgDocument(Width, Height, $"Top {TopWeights} unit weights ({e.Estimator})", "chart weights");
        var frame = new ChartFrame(svg, 180, 12, 56, 48);
        var top = TopUnitWeights(e);
        if (top.Count == 0)
        {
            return Empty(frame, "This estimator has no unit weights.");
        }
        var (x, ticks) = LinearScale.Nice(Math.Min(0, top.Min(w => w.Weight)), top.Max(w => w.Weight), frame.Left, frame.Right);
        double row = (frame.Bottom - frame.Top) / TopWeights;
        frame.BottomAxis(ticks.Select(t => (x.Map(t), Number(t))).ToArray());
        svg.Text((frame.Left + frame.Right) / 2, frame.Bottom + 34, "unit weight ω", "axis-title", "middle");
        for (int i = 0; i < top.Count; i++)
        {
            var (unit, weight) = top[i];
            double y0 = frame.Top + i * row;
            double a = x.Map(Math.Min(0, weight)), b = x.Map(Math.Max(0, weight));
            svg.Rect(a, y0 + row * 0.15, b - a, row * 0.7, "bar");
            svg.Text(frame.Left - 6, y0 + row * 0.65, Shorten(unit), "unit", "end");
            svg.Text(b + 4, y0 + row * 0.65, Number(weight), "value");
        }
        svg.Line(x.Map(0), frame.Top, x.Map(0), frame.Bottom, "axis");
        return svg.ToString();
    }

    /// <summary>Up to ten weights by size, ties by unit name, so the chart is the same on every run.</summary>
    public static IReadOnlyList<UnitWeight> TopUnitWeights(MeasuredEstimate e) => (e.UnitWeights ?? [])
        .Where(w => double.IsFinite(w.Weight) && w.Weight != 0)
        .OrderByDescending(w => Math.Abs(w.Weight)).ThenBy(w => w.Unit, StringComparer.Ordinal)
        .Take(TopWeights).ToArray();

    private static string Empty(ChartFrame frame, string message)
    {
        frame.Svg.Text((frame.Left + frame.Right) / 2, (frame.Top + frame.Bottom) / 2, message, "empty", "middle");
        return frame.Svg.ToString();
    }

    private static int IndexOf(IReadOnlyList<Period> periods, Period period)
    {
        for (int i = 0; i < periods.Count; i++)
        {
            if (periods[i] == period)
            {
                return i;
            }
        }
        return -1;
    }

    private static string Shorten(string unit) => unit.Length <= 28 ? unit : unit[..27] + "…";
}
