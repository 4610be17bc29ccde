using System.Text;
using static LiftPipeline.Pipeline.Reports.Svg.Markup;

namespace LiftPipeline.Pipeline.Reports.Svg;

/// <summary>
/// A small SVG writer for inline charts: lines, polylines, polygons, rectangles, circles and text, styled by CSS class
/// (the HTML page's stylesheet), coordinates with at most two decimals, all text escaped. The output is well-formed
/// XML and has no namespace URL, since inline SVG in HTML needs none.
/// </summary>
internal sealed class SvgDocument(double width, double height, string title, string cssClass)
{
    private readonly StringBuilder _body = new();

    public double Width { get; } = width;

    public double Height { get; } = height;

    public void Line(double x1, double y1, double x2, double y2, string cssClass) =>
        _body.Append($"<line class=\"{Html(cssClass)}\" x1=\"{Pixel(x1)}\" y1=\"{Pixel(y1)}\" x2=\"{Pixel(x2)}\" y2=\"{Pixel(y2)}\"/>\n");

    /// <summary>A polyline through the finite points (non-finite ones are left out).</summary>
    public void Polyline(IEnumerable<(double X, double Y)> points, string cssClass) =>
        _body.Append($"<polyline class=\"{Html(cssClass)}\" points=\"{Points(points)}\"/>\n");

    public void Polygon(IEnumerable<(double X, double Y)> points, string cssClass) =>
        _body.Append($"<polygon class=\"{Html(cssClass)}\" points=\"{Points(points)}\"/>\n");

    public void Rect(double x, double y, double w, double h, string cssClass) =>
        _body.Append($"<rect class=\"{Html(cssClass)}\" x=\"{Pixel(x)}\" y=\"{Pixel(y)}\" width=\"{Pixel(Math.Max(0, w))}\" height=\"{Pixel(Math.Max(0, h))}\"/>\n");

    /// <summary>A circle of radius <paramref name="r"/> at (cx, cy), with a tooltip <paramref name="title"/> when given.</summary>
    public void Circle(double cx, double cy, double r, string cssClass, string? title = null) =>
        _body.Append($"<circle class=\"{Html(cssClass)}\" cx=\"{Pixel(cx)}\" cy=\"{Pixel(cy)}\" r=\"{Pixel(r)}\"")
            .Append(title is null ? "/>\n" : $"><title>{Html(title)}</title></circle>\n");

    /// <summary>Text at (x, y) anchored "start", "middle" or "end".</summary>
    public void Text(double x, double y, string text, string cssClass, string anchor = "start") =>
        _body.Append($"<text class=\"{Html(cssClass)}\" x=\"{Pixel(x)}\" y=\"{Pixel(y)}\" text-anchor=\"{anchor}\">{Html(text)}</text>\n");

    /// <summary>Text centred on (x, y) and turned a quarter left, reading upwards (a y-axis title).</summary>
    public void VerticalText(double x, double y, string text, string cssClass) =>
        _body.Append($"<text class=\"{Html(cssClass)}\" x=\"{Pixel(x)}\" y=\"{Pixel(y)}\" text-anchor=\"middle\" transform=\"rotate(-90 {Pixel(x)} {Pixel(y)})\">{Html(text)}</text>\n");

    /// <summary>The complete &lt;svg&gt; element.</summary>
    public override string ToString() =>
        $"<svg class=\"{Html(cssClass)}\" width=\"{Pixel(Width)}\" height=\"{Pixel(Height)}\" viewBox=\"0 0 {Pixel(Width)} {Pixel(Height)}\" role=\"img\" aria-label=\"{Html(title)}\">\n" +
        $"<title>{Html(title)}</title>\n{_body}</svg>";

    private static string Points(IEnumerable<(double X, double Y)> points) => string.Join(" ",
        points.Where(p => double.IsFinite(p.X) && double.IsFinite(p.Y)).Select(p => Pixel(p.X) + "," + Pixel(p.Y)));
}
