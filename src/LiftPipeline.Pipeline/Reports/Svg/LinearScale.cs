namespace LiftPipeline.Pipeline.Reports.Svg;

/// <summary>
/// Maps a data interval [<see cref="Min"/>, <see cref="Max"/>] linearly onto a pixel interval [from, to]
/// (to &lt; from for a y axis, whose pixels grow downwards). A degenerate domain is widened so nothing divides by zero.
/// </summary>
internal sealed class LinearScale
{
    private readonly double _from;
    private readonly double _to;

    public LinearScale(double min, double max, double from, double to)
    {
        if (!double.IsFinite(min) || !double.IsFinite(max))
        {
            (min, max) = (0, 1);
        }
        if (max <= min)
        {
            double pad = Math.Abs(min) > 0 ? Math.Abs(min) * 0.1 : 1;
            (min, max) = (min - pad, max + pad);
        }
        Min = min;
        Max = max;
        _from = from;
        _to = to;
    }

    public double Min { get; }

    public double Max { get; }

    /// <summary>The pixel position of <paramref name="value"/>.</summary>
    public double Map(double value) => _from + (value - Min) / (Max - Min) * (_to - _from);

    /// <summary>
    /// A scale over [<paramref name="min"/>, <paramref name="max"/>] widened to round tick steps (1, 2 or 5 × 10^k),
    /// with about <paramref name="count"/> ticks, and those ticks.
    /// </summary>
    public static (LinearScale Scale, double[] Ticks) Nice(double min, double max, double from, double to, int count = 5)
    {
        var raw = new LinearScale(min, max, from, to);
        double step = NiceStep((raw.Max - raw.Min) / Math.Max(1, count));
        double lo = Math.Floor(raw.Min / step) * step, hi = Math.Ceiling(raw.Max / step) * step;
        int n = (int)Math.Round((hi - lo) / step);
        var ticks = new double[n + 1];
        for (int i = 0; i <= n; i++)
        {
            ticks[i] = Math.Round(lo + i * step, 12);
        }
        return (new LinearScale(lo, hi, from, to), ticks);
    }

    /// <summary>The smallest of 1, 2, 5 × 10^k not below <paramref name="rough"/>.</summary>
    private static double NiceStep(double rough)
    {
        double magnitude = Math.Pow(10, Math.Floor(Math.Log10(rough)));
        double f = rough / magnitude;
        return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * magnitude;
    }
}
