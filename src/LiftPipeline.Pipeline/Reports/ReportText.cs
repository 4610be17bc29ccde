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

    /// <summary>What the always-valid column means, under every panel estimates table.</summary>
    public static string AlwaysValidNote(double level) =>
        $"Always-valid: the {Level(level)} interval that stays valid however often the nightly run looks (the recommendation reads it for the primary estimate); " +
        "it is wider than the fixed-horizon CI and narrows as post-treatment periods accrue.";

    /// <summary>"a to b", or "n/a" without an always-valid interval.</summary>
    public static string AlwaysValidText(RecommendationBasis? basis) =>
        basis is { IsFinite: true } ? $"{Number(basis.Lower)} to {Number(basis.Upper)}" : "n/a";

    /// <summary>A money ratio's value, "n/a" when it has none.</summary>
    public static string RatioValue(Statistics.Measurement.MoneyRatio? ratio) => ratio is null ? "n/a" : Number(ratio.Value);

    /// <summary>A money ratio's interval "a to b", "undefined" when it has none, or "n/a" when the ratio is not measured.</summary>
    public static string RatioInterval(Statistics.Measurement.MoneyRatio? ratio) => ratio switch
    {
        null => "n/a",
        { Undefined: not null } => "undefined",
        _ => $"{Number(ratio.Ci.Lower)} to {Number(ratio.Ci.Upper)}",
    };

    /// <summary>
    /// The note under a spend table: how incremental spend and the ratio intervals are computed, and why any ratio is
    /// undefined.
    /// </summary>
    public static string MoneyNote(IReadOnlyList<Statistics.Measurement.MeasuredEstimate> rows)
    {
        var sb = new StringBuilder("iROAS = incremental revenue ÷ incremental spend; cost per incremental conversion = incremental spend ÷ incremental conversions, " +
            "both totals over the treated units' test window. Incremental spend is the treated spend minus its counterfactual by the same estimator " +
            "(the treated spend itself when the controls and pre-periods spend nothing; otherwise its CI follows in brackets). Intervals are Fieller's, from the same replications as the ATT's " +
            "standard error; undefined when the denominator's interval contains 0.");
        foreach (var e in rows)
        {
            foreach (var (name, ratio) in new[] { ("iROAS", e.Money!.Iroas), ("cost per incremental conversion", e.Money.CostPerIncrementalConversion) })
            {
                if (ratio?.Undefined is { } why)
                {
                    sb.Append($" {(e.Cell is null ? e.Estimator : $"{e.Estimator} in {e.Cell}")}: {name} undefined, {why}.");
                }
            }
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
