using LiftPipeline.Pipeline.Reports.Svg;
using LiftPipeline.Statistics.Estimators;
using LiftPipeline.Statistics.Measurement;
using LiftPipeline.Statistics.Panels;
using MathNet.Numerics.Distributions;
using static LiftPipeline.Pipeline.Reports.ReportText;

namespace LiftPipeline.Pipeline.Reports;

/// <summary>
/// The three inline SVG charts of an HTML report, each a complete &lt;svg&gt; element (a chart without the data it
/// needs says so inside its frame): the observed and counterfactual paths, the effect per post period with its
/// band, and the top unit weights.
/// </summary>
internal static class ReportCharts
{
    private const double Width = 720, Height = 300;
    private const int TopWeights = 10;

    /// <summary>
    /// Observed vs counterfactual path of the average treated unit over all periods, x by period index, with a
    /// vertical <c>treatment-start</c> line at the first post period.
    /// </summary>
    public static string Paths(MeasuredEstimate e)
    {
        var svg = new SvgDocument(Width, Height, $"Observed and counterfactual {e.Estimator} path of the average treated unit", "chart paths");
        var frame = new ChartFrame(svg, 64, 28, 40, 40);
        if (e.Periods is not { Count: > 0 } periods || e.Observed is null || e.Counterfactual is null)
        {
            return Empty(frame, "This estimate has no single counterfactual path (for example staggered cohorts).");
        }
        var values = e.Observed.Concat(e.Counterfactual).Where(double.IsFinite).DefaultIfEmpty(0).ToArray();
        var (y, ticks) = LinearScale.Nice(values.Min(), values.Max(), frame.Bottom, frame.Top);
        var x = new LinearScale(0, periods.Count - 1, frame.Left, frame.Right);
        frame.LeftAxis(y, ticks, Number);
        frame.BottomAxis(ChartFrame.SpreadIndices(periods.Count, 6).Select(i => (x.Map(i), periods[i].ToString())).ToArray());
        int start = e.Effects.Count > 0 ? IndexOf(periods, e.Effects[0].Period) : -1;
        if (start >= 0)
        {
            svg.Line(x.Map(start), frame.Top, x.Map(start), frame.Bottom, "treatment-start");
            svg.Text(x.Map(start) - 4, frame.Top + 12, $"treatment start {periods[start]}", "marker", "end");
        }
        svg.Polyline(e.Counterfactual.Select((v, t) => (x.Map(t), y.Map(v))), "counterfactual");
        svg.Polyline(e.Observed.Select((v, t) => (x.Map(t), y.Map(v))), "observed");
        svg.Text(frame.Left, 16, "observed", "legend observed-label");
        svg.Text(frame.Left + 80, 16, "counterfactual", "legend counterfactual-label");
        return svg.ToString();
    }

    /// <summary>
    /// Effect per post period with the band effect ± z·se_t, z the normal quantile of <paramref name="level"/> and se_t
    /// that period's standard error from the ATT's replications (<see cref="Statistics.Inference.Uncertainty.PeriodStandardErrors"/>); no band without them.
    /// </summary>
    public static string Effects(MeasuredEstimate e, double level)
    {
        var svg = new SvgDocument(Width, Height, $"Effect per post period ({e.Estimator}) with its band", "chart effects");
        var frame = new ChartFrame(svg, 64, 28, 40, 40);
        if (e.Effects.Count == 0)
        {
            return Empty(frame, "This estimate has no per-period effects.");
        }
        double z = Normal.InvCDF(0, 1, 0.5 + level / 2);
        var ses = e.Uncertainty?.PeriodStandardErrors;
        var halves = e.Effects.Select((_, k) => ses is not null && double.IsFinite(ses[k]) ? z * ses[k] : double.NaN).ToArray();
        double half = halves.All(double.IsFinite) ? halves.Max() : double.NaN;
        var effects = e.Effects.Select(p => p.Effect).ToArray();
        var values = effects.Concat(effects.Select((v, k) => v - halves[k])).Concat(effects.Select((v, k) => v + halves[k])).Append(0).Append(e.Att)
            .Where(double.IsFinite).ToArray();
        var (y, ticks) = LinearScale.Nice(values.Min(), values.Max(), frame.Bottom, frame.Top);
        var x = new LinearScale(0, effects.Length - 1, frame.Left, frame.Right);
        frame.LeftAxis(y, ticks, Number);
        frame.BottomAxis(ChartFrame.SpreadIndices(effects.Length, 6).Select(i => (x.Map(i), e.Effects[i].Period.ToString())).ToArray());
        if (double.IsFinite(half))
        {
            var upper = effects.Select((v, k) => (x.Map(k), y.Map(v + halves[k])));
            var lower = effects.Select((v, k) => (x.Map(k), y.Map(v - halves[k]))).Reverse();
            svg.Polygon(upper.Concat(lower), "band");
        }
        svg.Line(frame.Left, y.Map(0), frame.Right, y.Map(0), "zero");
        svg.Line(frame.Left, y.Map(e.Att), frame.Right, y.Map(e.Att), "att");
        svg.Polyline(effects.Select((v, k) => (x.Map(k), y.Map(v))), "effect");
        svg.Text(frame.Left, 16, "effect", "legend effect-label");
        svg.Text(frame.Left + 60, 16, $"ATT {Number(e.Att)}", "legend att-label");
        if (double.IsFinite(half))
        {
            svg.Text(frame.Left + 200, 16, $"band ± up to {Number(half)} ({Level(level)}, per period)", "legend band-label");
        }
        return svg.ToString();
    }

    /// <summary>The <see cref="TopWeights"/> largest control unit weights as horizontal bars, largest first.</summary>
    public static string Weights(MeasuredEstimate e)
    {
        var svg = new SvgDocument(Width, Height, $"Top {TopWeights} unit weights ({e.Estimator})", "chart weights");
        var frame = new ChartFrame(svg, 180, 12, 56, 40);
        var top = TopUnitWeights(e);
        if (top.Count == 0)
        {
            return Empty(frame, "This estimator has no unit weights.");
        }
        var (x, ticks) = LinearScale.Nice(Math.Min(0, top.Min(w => w.Weight)), top.Max(w => w.Weight), frame.Left, frame.Right);
        double row = (frame.Bottom - frame.Top) / TopWeights;
        frame.BottomAxis(ticks.Select(t => (x.Map(t), Number(t))).ToArray());
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
