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

    /// <summary>Axis titles: <paramref name="x"/> centred under the bottom tick labels, <paramref name="y"/> upright along the left edge.</summary>
    public void Titles(string x, string y)
    {
        Svg.Text((Left + Right) / 2, Bottom + 34, x, "axis-title", "middle");
        Svg.VerticalText(12, (Top + Bottom) / 2, y, "axis-title");
    }

    /// <summary>
    /// A legend entry at (x, y): a short sample of the series' line (<paramref name="lineClass"/>) or, for an area, a small
    /// box (<paramref name="area"/>), then its label. Returns the x where the next entry can start.
    /// </summary>
    public double Legend(double x, double y, string lineClass, string label, bool area = false)
    {
        if (area)
        {
            Svg.Rect(x, y - 8, 18, 10, lineClass + " legend-sample");
        }
        else
        {
            Svg.Line(x, y - 4, x + 18, y - 4, lineClass + " legend-sample");
        }
        Svg.Text(x + 22, y, label, "legend");
        return x + 22 + 6.5 * label.Length + 18;
    }

    /// <summary>
    /// Indices of 0..<paramref name="n"/>−1 at one even step (the smallest whole step giving at most <paramref name="count"/>
    /// ticks), starting at 0, so tick labels are equally far apart in periods.
    /// </summary>
    public static int[] SpreadIndices(int n, int count)
    {
        if (n <= count)
        {
            return Enumerable.Range(0, n).ToArray();
        }
        int step = (int)Math.Ceiling((n - 1) / (double)(count - 1));
        return Enumerable.Range(0, (n - 1) / step + 1).Select(i => i * step).ToArray();
    }
}
