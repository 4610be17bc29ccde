using System.Globalization;
using System.Text;

namespace LiftPipeline.Pipeline.Reports.Svg;

/// <summary>Escaping and coordinates for HTML and SVG markup.</summary>
internal static class Markup
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <summary>A pixel coordinate with at most two decimals.</summary>
    public static string Pixel(double value) => Math.Round(value, 2).ToString("0.##", Invariant);

    /// <summary>Text safe inside HTML and XML element content and quoted attributes.</summary>
    public static string Html(string text)
    {
        var sb = new StringBuilder(text.Length);
        foreach (char c in text)
        {
            sb.Append(c switch
            {
                '&' => "&amp;",
                '<' => "&lt;",
                '>' => "&gt;",
                '"' => "&quot;",
                '\'' => "&#39;",
                _ => c.ToString(),
            });
        }
        return sb.ToString();
    }
}
