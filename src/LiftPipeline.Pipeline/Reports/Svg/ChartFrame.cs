namespace LiftPipeline.Pipeline.Reports.Svg;

/// <summary>
/// The plot area of a chart inside an <see cref="SvgDocument"/> (margins left for tick labels) and its axes:
/// a left axis with value ticks and gridlines, a bottom axis with labelled ticks.
/// </summary>
internal sealed class ChartFrame
{
    public ChartFrame(SvgDocument svg, double left, double top, double right, double bottom)
    {
        Svg = svg;
        Left = left;
        Top = top;
        Right = svg.Width - right;
        Bottom = svg.Height - bottom;
    }

    public SvgDocument Svg { get; }

    public double Left { get; }

    public double Top { get; }

    public double Right { get; }

    public double Bottom { get; }

    /// <summary>A y axis line with a gridline and label per tick.</summary>
    public void LeftAxis(LinearScale y, IReadOnlyList<double> ticks, Func<double, string> label)
    {
        foreach (var tick in ticks)
        {
            double py = y.Map(tick);
            Svg.Line(Left, py, Right, py, "grid");
            Svg.Text(Left - 6, py + 4, label(tick), "tick", "end");
        }
        Svg.Line(Left, Top, Left, Bottom, "axis");
    }

    /// <summary>An x axis line with a tick mark and label at each pixel position.</summary>
    public void BottomAxis(IReadOnlyList<(double X, string Label)> ticks)
    {
        Svg.Line(Left, Bottom, Right, Bottom, "axis");
        foreach (var (x, label) in ticks)
        {
            Svg.Line(x, Bottom, x, Bottom + 5, "axis");
            Svg.Text(x, Bottom + 18, label, "tick", "middle");
        }
    }

    /// <summary>About <paramref name="count"/> evenly spread indices of 0..<paramref name="n"/>−1, always the first and last.</summary>
    public static int[] SpreadIndices(int n, int count)
    {
        if (n <= count)
        {
            return Enumerable.Range(0, n).ToArray();
        }
        return Enumerable.Range(0, count).Select(i => (int)Math.Round(i * (n - 1) / (double)(count - 1))).Distinct().ToArray();
    }
}
