using System.Globalization;
using System.Text;
using LiftPipeline.Statistics.Inference;

namespace LiftPipeline.Pipeline.Reports;

/// <summary>Number formats, Markdown escaping and the headline sentence shared by the HTML and Markdown writers (HTML escaping: <see cref="Svg.Markup"/>).</summary>
internal static class ReportText
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <summary>A measurement: up to three decimals, thousands separated; "n/a" when not finite.</summary>
    public static string Number(double value) => double.IsFinite(value) ? Unsigned(value.ToString("#,##0.###", Invariant)) : "n/a";

    /// <summary>A count-like total, no decimals.</summary>
    public static string Whole(double value) => double.IsFinite(value) ? value.ToString("#,##0", Invariant) : "n/a";

    /// <summary>
    /// A ratio as a percentage with one decimal; a value that would round to 0.0 but is not zero gets up to three decimals
    /// (so a bound just below zero reads "-0.04%", not "0.0%"), and one still zero then prints unsigned.
    /// </summary>
    public static string Percent(double ratio)
    {
        if (!double.IsFinite(ratio))
        {
            return "n/a";
        }
        string text = Unsigned((100 * ratio).ToString("0.0", Invariant));
        return (text == "0.0" ? Unsigned((100 * ratio).ToString("0.0##", Invariant)) : text) + "%";
    }

    /// <summary>A formatted number that rounded to zero loses its minus sign ("-0.0" reads as a negative effect).</summary>
    private static string Unsigned(string formatted) =>
        formatted.StartsWith('-') && formatted.AsSpan(1).IndexOfAnyExcept("0.,") < 0 ? formatted[1..] : formatted;

    /// <summary>A p-value with three decimals.</summary>
    public static string PValue(double p) => double.IsFinite(p) ? (p < 0.001 ? "<0.001" : p.ToString("0.000", Invariant)) : "n/a";

    /// <summary>The confidence level as a percentage label, for example "95%".</summary>
    public static string Level(double level) => (100 * level).ToString("0.##", Invariant) + "%";

    /// <summary>Text that Markdown renders literally: its punctuation backslash-escaped, and no raw HTML.</summary>
    public static string Markdown(string text)
    {
        var sb = new StringBuilder(text.Length);
        foreach (char c in text)
        {
            sb.Append(c switch
            {
                '\\' or '`' or '*' or '_' or '[' or ']' or '|' or '#' => "\\" + c,
                '&' => "&amp;",
                '<' => "&lt;",
                '>' => "&gt;",
                '\r' or '\n' => " ",
                _ => c.ToString(),
            });
        }
        return sb.ToString();
    }

    /// <summary>"ci-low to ci-high", or "no interval".</summary>
    public static string Interval(LiftReport report, Uncertainty? u) => u is null
        ? "no interval"
        : $"{Level(report.Level)} CI {Number(u.CiLow)} to {Number(u.CiHigh)}";

    /// <summary>
    /// "Campaign X: ATT 155.556 (95% CI a to b), lift 5.4%, incremental 4,667; recommendation scale." for the
    /// primary estimate; unescaped (callers escape for their format).
    /// </summary>
    public static string Headline(LiftReport report)
    {
        var e = report.Primary;
        string action = report.Recommendation.ToString().ToLowerInvariant();
        if (e is null)
        {
            return $"Campaign {report.Campaign}: no estimate of {report.Metric}; recommendation {action}.";
        }
        return $"Campaign {report.Campaign}: ATT {Number(e.Att)} ({Interval(report, e.Uncertainty)}), lift {Percent(e.Lift)}, " +
            $"incremental {Whole(e.Incremental)}; recommendation {action}.";
    }
}
