using System.Globalization;
using System.Text;
using LiftPipeline.Pipeline.Reports.Svg;
using LiftPipeline.Statistics.Guardrails;
using LiftPipeline.Statistics.Measurement;
using static LiftPipeline.Pipeline.Reports.ReportText;
using static LiftPipeline.Pipeline.Reports.Svg.Markup;

namespace LiftPipeline.Pipeline.Reports;

/// <summary>
/// The report of one measurement of a customer-level holdout: the measurement, and a recommendation from the primary
/// contrast (<see cref="HoldoutMeasurement.Primary"/>: <c>holdout.primaryContrast</c>, by default the first arm against the
/// control, on the primary metric) read off its always-valid interval, because the
/// nightly run looks every day. Renders to JSON (<see cref="ReportJson"/>, the envelope every report shares), self-contained
/// HTML (with a forest plot) and Markdown, deterministically.
/// </summary>
/// <param name="Campaign">Campaign id.</param>
/// <param name="RunId">The run that produced the report.</param>
/// <param name="GeneratedAt">When the report was made, from the injected clock.</param>
/// <param name="Measurement">The arms, contrasts, tails and guardrails.</param>
/// <param name="Decision">The recommendation, its reason and evidence; see <see cref="RecommendationRule"/>.</param>
public sealed record HoldoutReport(string Campaign, string RunId, DateTimeOffset GeneratedAt, HoldoutMeasurement Measurement,
    RecommendationDecision Decision) : IReportEnvelope
{
    /// <summary>Version of the report JSON, shared by every design.</summary>
    public const int SchemaVersion = ReportJson.SchemaVersion;

    /// <summary>The study design the report covers.</summary>
    public const string Design = "holdout";

    string IReportEnvelope.Design => Design;

    /// <summary>
    /// The report's "Privacy" line when the aggregate table is released with noise (the minimum cell size, the mechanism,
    /// ε per table, ρ spent of the budget and its ε), or why this run's table was refused; null: no line.
    /// </summary>
    public string? PrivacyNote { get; init; }

    /// <summary>The guardrail results of the measurement.</summary>
    public IReadOnlyList<GuardrailResult> Guardrails => Measurement.Guardrails;

    /// <summary>What to do next: <see cref="RecommendationDecision.Action"/> of <see cref="Decision"/>.</summary>
    public Recommendation Recommendation => Decision.Action;

    /// <summary>One sentence explaining the recommendation.</summary>
    public string RecommendationReason => Decision.Reason;

    /// <summary>The contrast the recommendation follows: <see cref="HoldoutMeasurement.Primary"/>, or null.</summary>
    public HoldoutContrast? Primary => Measurement.Primary;

    /// <summary>
    /// Builds the report: <see cref="RecommendationRule"/> on the primary contrast's always-valid relative interval, with
    /// the progress to a decision when <paramref name="daysSoFar"/> (days since the treatment start) is known.
    /// </summary>
    /// <param name="campaign">Campaign id.</param>
    /// <param name="runId">Run id.</param>
    /// <param name="generatedAt">The time to stamp, from the caller's clock.</param>
    /// <param name="measurement">The holdout measurement.</param>
    /// <param name="daysSoFar">Days since the treatment start, counting the first; null: no progress sentence.</param>
    /// <param name="plannedDays">Days of the planned window (start to end); null: <see cref="RecommendationBasis.DefaultPlannedLooks"/>.</param>
    /// <exception cref="ArgumentException">An empty campaign or run id.</exception>
    public static HoldoutReport Create(string campaign, string runId, DateTimeOffset generatedAt, HoldoutMeasurement measurement, int? daysSoFar = null, int? plannedDays = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(campaign);
        ArgumentException.ThrowIfNullOrWhiteSpace(runId);
        ArgumentNullException.ThrowIfNull(measurement);
        return new HoldoutReport(campaign, runId, generatedAt, measurement, RecommendationRule.Decide(
            RecommendationBasis.Of(measurement.Primary, daysSoFar, plannedDays, measurement.SequentialTuningN, 1 - measurement.Level), measurement.Guardrails));
    }

    internal static bool IsOverall(HoldoutContrast c) => c.Segment is null && c.Surface is null && c.Market is null;

    /// <summary>The HTML page.</summary>
    public static void WriteHtml(HoldoutReport report, Stream stream) => stream.Write(new UTF8Encoding(false).GetBytes(ToHtml(report)));

    /// <summary>The Markdown summary.</summary>
    public static void WriteMarkdown(HoldoutReport report, Stream stream) => stream.Write(new UTF8Encoding(false).GetBytes(ToMarkdown(report)));

    /// <summary>The HTML page as text.</summary>
    public static string ToHtml(HoldoutReport report)
    {
        var m = report.Measurement;
        var sb = new StringBuilder();
        sb.Append($"<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>Lift report: {Html(report.Campaign)}</title>\n<style>\n{ReportHtml.Style}\n{HarmStyle}\n</style>\n</head>\n<body>\n");
        sb.Append($"<h1>Lift report: {Html(report.Campaign)}</h1>\n");
        sb.Append($"<p class=\"meta\">Run {Html(report.RunId)}, generated {Html(report.GeneratedAt.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture))}, holdout design, control arm {Html(m.Control)}, report schema {SchemaVersion}.</p>\n");
        string action = report.Recommendation.ToString().ToLowerInvariant();
        sb.Append($"<p class=\"headline\">{Html(Headline(report))}</p>\n");
        sb.Append($"<p><span class=\"recommendation rec-{action}\">Recommendation: {action}</span> {Html(report.RecommendationReason)}</p>\n");
        sb.Append("<h2>Arms</h2>\n<table>\n<thead><tr><th>Arm</th><th>Customers</th><th>Exposed</th><th>Spend</th></tr></thead>\n<tbody>\n");
        foreach (var arm in m.Arms)
        {
            sb.Append(arm.Suppressed
                ? $"<tr class=\"suppressed\"><td>{Html(arm.Arm)}</td><td colspan=\"3\">{Html(SuppressedText(m))}</td></tr>\n"
                : $"<tr><td>{Html(arm.Arm)}</td><td>{Whole(arm.N)}</td><td>{Whole(arm.Exposed)}</td><td>{Number(arm.Spend)}</td></tr>\n");
        }
        sb.Append("</tbody>\n</table>\n");
        sb.Append($"<h2>Contrasts</h2>\n<table class=\"contrasts\">\n<thead><tr><th>Comparison</th><th>Metric</th><th>Absolute ({Level(m.Level)} CI)</th><th>Relative ({Level(m.Level)} CI)</th><th>Always valid</th><th>p</th></tr></thead>\n<tbody>\n");
        foreach (var c in m.Contrasts.Where(IsOverall))
        {
            if (c.Suppressed)
            {
                sb.Append($"<tr class=\"suppressed\"><td>{Html(Label(c))}</td><td>{Html(c.Metric)}</td><td colspan=\"4\">{Html(SuppressedText(m))}</td></tr>\n");
                continue;
            }
            // A harmed guardrail metric: the row in red and the word "harmed" beside the metric, so it does not rest on colour.
            bool harmed = IsHarmed(m, c);
            sb.Append(harmed ? "<tr class=\"harm\">" : "<tr>");
            sb.Append($"<td>{Html(Label(c))}</td><td>{Html(c.Metric)}{(harmed ? " <strong class=\"harm-flag\">harmed</strong>" : "")}</td><td>{Html(WithRange(c.Absolute, c.Ci, Number))}</td>");
            sb.Append($"<td>{Html(WithRange(c.Relative, c.RelativeCi, Percent))}</td><td>{Html(Range(c.AlwaysValidRelativeCi, Percent))}</td><td>{Html(PValue(c.PValue))}</td></tr>\n");
        }
        sb.Append("</tbody>\n</table>\n");
        sb.Append("<p class=\"meta\">Rows marked “effect on exposed” divide the effect on everyone assigned by the difference in exposure shares: the effect on a customer who saw the ads.");
        sb.Append(m.Harms.Count > 0 ? " Rows marked “harmed” are guardrail metrics whose always-valid interval lies entirely beyond the harm margin." : "");
        sb.Append(SuppressionNote(m) is { Length: > 0 } note ? $" {Html(note)}</p>\n" : "</p>\n");
        var spend = m.Contrasts.Where(c => IsOverall(c) && double.IsFinite(c.Incremental)).ToArray();
        if (spend.Length > 0)
        {
            sb.Append($"<h2>Incremental outcome and spend</h2>\n<table class=\"spend\">\n<thead><tr><th>Comparison</th><th>Metric</th><th>Incremental ({Level(m.Level)} CI)</th><th>iROAS ({Level(m.Level)} CI)</th><th>Cost / incr. conv. ({Level(m.Level)} CI)</th></tr></thead>\n<tbody>\n");
            foreach (var c in spend)
            {
                sb.Append($"<tr><td>{Html(Label(c))}</td><td>{Html(c.Metric)}</td><td>{Html(WithRange(c.Incremental, c.IncrementalCi, Whole))}</td>");
                sb.Append($"<td>{Html(WithRange(c.Iroas ?? double.NaN, c.IroasCi, Number))}</td><td>{Html(WithRange(c.CostPerIncrementalConversion ?? double.NaN, c.CostPerIncrementalConversionCi, Number))}</td></tr>\n");
            }
            sb.Append("</tbody>\n</table>\n");
        }
        foreach (var group in m.Contrasts.Where(c => c.Kind == ContrastKind.Mean).GroupBy(c => (c.Treatment, c.Control, c.Metric)))
        {
            if (group.Count() < 2)
            {
                continue;
            }
            var harm = m.Harms.FirstOrDefault(h => group.Contains(h.Contrast));
            ReportHtml.Figure(sb, ForestPlot(group.ToArray(), m.Level, harm?.Contrast, m),
                $"Relative lift of {group.Key.Treatment} against {group.Key.Control} on {group.Key.Metric}, overall and per segment, surface and market: dot and thin line the estimate and its {Level(m.Level)} interval, the wide grey bar the always-valid interval. Rows marked ★ differ significantly after adjustment for the many comparisons; the adjusted p-value of each row is at the right."
                + (harm is null ? "" : $" The row marked “harm” is a guardrail metric whose always-valid interval lies beyond the {Percent(harm.Check.Margin)} margin."));
        }
        FairnessSection.WriteHtml(sb, m);
        if (m.Tails.Count > 0)
        {
            sb.Append("<h2>Tails</h2>\n<ul>\n");
            foreach (var t in m.Tails)
            {
                sb.Append($"<li>{Html(t.Metric)}: tail index ξ = {Number(t.TailIndex)} (se {Number(t.StandardError)}){(t.TooHeavy ? ": too heavy for a normal interval; read the capped metric" : "")}{(t.Cap is { } cap ? $", capped at {Number(cap)}" : "")}.</li>\n");
            }
            sb.Append("</ul>\n");
        }
        BudgetComparison.Of(m)?.WriteHtml(sb);
        ReportHtml.Guardrails(sb, m.Guardrails);
        sb.Append(report.PrivacyNote is { } privacy ? $"<p class=\"meta\">{Html(privacy)}</p>\n" : "");
        sb.Append("</body>\n</html>\n");
        return sb.ToString();
    }

    /// <summary>The Markdown summary as text.</summary>
    public static string ToMarkdown(HoldoutReport report)
    {
        var m = report.Measurement;
        var sb = new StringBuilder();
        sb.Append($"# Lift report: {Markdown(report.Campaign)}\n\nRun {Markdown(report.RunId)}, holdout design, control arm {Markdown(m.Control)}.\n\n");
        sb.Append($"**Recommendation: {report.Recommendation.ToString().ToLowerInvariant()}.** {Markdown(report.RecommendationReason)}\n\n");
        if (m.Harms.Count > 0)
        {
            sb.Append($"**Guardrail harm:** {Markdown(string.Join("; ", m.Harms.Select(h => h.Describe(Percent))))}.\n\n");
        }
        sb.Append($"| comparison | metric | absolute | relative | {Level(m.Level)} CI (relative) | always valid | p | iROAS |\n|---|---|---|---|---|---|---|---|\n");
        foreach (var c in m.Contrasts.Where(IsOverall))
        {
            if (c.Suppressed)
            {
                sb.Append($"| {Markdown($"{c.Treatment} vs {c.Control}")} | {Markdown(c.Metric)} | {Markdown(SuppressedText(m))} | | | | | |\n");
                continue;
            }
            string metric = Markdown(c.Metric) + (IsHarmed(m, c) ? " **⚠ harmed**" : "");
            sb.Append($"| {Markdown($"{c.Treatment} vs {c.Control}")} | {metric} | {Number(c.Absolute)} | {Percent(c.Relative)} | {Range(c.RelativeCi, Percent)} | {Range(c.AlwaysValidRelativeCi, Percent)} | {PValue(c.PValue)} | {Number(c.Iroas ?? double.NaN)} |\n");
        }
        if (SuppressionNote(m) is { Length: > 0 } note)
        {
            sb.Append($"\n{Markdown(note)}\n");
        }
        var significant = m.Contrasts.Where(c => !IsOverall(c) && c.PAdjusted < 1 - m.Level).ToArray();
        sb.Append(significant.Length == 0 ? "\nNo segment, surface or market differs significantly after adjustment.\n" : "\nSignificant after adjustment:\n\n");
        foreach (var c in significant)
        {
            sb.Append($"- {Markdown($"{c.Treatment} vs {c.Control}, {c.Metric}, {Where(c)}")}: {Percent(c.Relative)} (adjusted p {PValue(c.PAdjusted!.Value)})\n");
        }
        FairnessSection.WriteMarkdown(sb, m);
        BudgetComparison.Of(m)?.WriteMarkdown(sb);
        sb.Append("\n## Guardrails\n\n");
        foreach (var g in m.Guardrails)
        {
            sb.Append($"- **{Markdown(g.Name)}**: {g.Status.ToString().ToLowerInvariant()}. {Markdown(g.Message)}\n");
        }
        sb.Append(report.PrivacyNote is { } privacy ? $"\n{Markdown(privacy)}\n" : "");
        return sb.ToString();
    }

    /// <summary>"Campaign X: vbo_1p vs holdout on revenue: +3.8% (95% CI a to b; always valid c to d); recommendation extend."</summary>
    internal static string Headline(HoldoutReport report)
    {
        string action = report.Recommendation.ToString().ToLowerInvariant();
        if (report.Primary is not { } c)
        {
            return $"Campaign {report.Campaign}: no overall contrast; recommendation {action}.";
        }
        if (c.Suppressed)
        {
            return $"Campaign {report.Campaign}: {c.Treatment} vs {c.Control} on {c.Metric}: {SuppressedText(report.Measurement)}; recommendation {action}.";
        }
        return $"Campaign {report.Campaign}: {c.Treatment} vs {c.Control} on {c.Metric}: relative lift {Percent(c.Relative)} " +
            $"({Level(report.Measurement.Level)} CI {Range(c.RelativeCi, Percent)}; always valid {Range(c.AlwaysValidRelativeCi, Percent)}); recommendation {action}." + HarmSentence(report.Measurement);
    }

    /// <summary>" Guardrail harm: vbo_1p harms unsubscribes: … margin." for each harmed guardrail metric; empty when none.</summary>
    internal static string HarmSentence(HoldoutMeasurement m) =>
        m.Harms.Count == 0 ? "" : $" Guardrail harm: {string.Join("; ", m.Harms.Select(h => h.Describe(Percent)))}.";

    /// <summary>"suppressed (&lt; 50 customers)": what a suppressed arm or row shows instead of its numbers (<see cref="HoldoutMeasurement.SuppressedBelow"/>).</summary>
    public static string SuppressedText(HoldoutMeasurement m) =>
        m.SuppressedBelow is { } minimum ? $"suppressed (< {minimum.ToString(CultureInfo.InvariantCulture)} customers)" : "suppressed";

    /// <summary>The sentence explaining suppressed rows, or empty when nothing is suppressed.</summary>
    internal static string SuppressionNote(HoldoutMeasurement m) =>
        !m.Arms.Any(a => a.Suppressed) && !m.Contrasts.Any(c => c.Suppressed) ? ""
            : $"Rows marked “suppressed” describe fewer than {m.SuppressedBelow?.ToString(CultureInfo.InvariantCulture) ?? "the minimum number of"} customers in an arm, or would let such a row be recomputed from the released totals; their numbers are not released.";

    /// <summary>Whether <paramref name="c"/> is a guardrail metric an arm harms (<see cref="HoldoutMeasurement.Harms"/>).</summary>
    internal static bool IsHarmed(HoldoutMeasurement m, HoldoutContrast c) => m.Harms.Any(h => h.Contrast == c);

    /// <summary>The holdout page's styles beyond <see cref="ReportHtml.Style"/>: harmed guardrail rows in red, with the word as well.</summary>
    private const string HarmStyle = """
        tr.harm td{background:#fde2e1;color:#b42318}.harm-flag{color:#b42318;font-weight:600}
        svg .label.harm,svg .value.harm{fill:#b42318;font-weight:600}svg .point.harm{fill:#b42318}svg .ci.harm{stroke:#b42318}
        """;

    /// <summary>The comparison as a row label, saying when the row is CUPED-adjusted, a ratio or the effect on exposed customers.</summary>
    private static string Label(HoldoutContrast c) => $"{c.Treatment} vs {c.Control}" + c.Kind switch
    {
        ContrastKind.OnTreated => " (effect on exposed)",
        ContrastKind.Ratio => " (ratio)",
        _ => c.Cuped ? " (CUPED)" : "",
    };

    private static string Where(HoldoutContrast c) =>
        c.Segment is not null ? $"segment {c.Segment}" : c.Surface is not null ? $"surface {c.Surface}" : c.Market is not null ? $"market {c.Market}" : "overall";

    /// <summary>"value (low to high)", the value alone when the interval is not defined, "n/a" when neither is.</summary>
    private static string WithRange(double value, Interval i, Func<double, string> format) =>
        !double.IsFinite(value) ? "n/a" : double.IsFinite(i.Lower) || double.IsFinite(i.Upper) ? $"{format(value)} ({Range(i, format)})" : format(value);

    private static string Range(Interval i, Func<double, string> format) =>
        double.IsFinite(i.Lower) || double.IsFinite(i.Upper) ? $"{format(i.Lower)} to {format(i.Upper)}" : "n/a";

    /// <summary>A forest plot of relative lift: one row per contrast, point estimate with its interval and the always-valid bar.</summary>
    private static string ForestPlot(IReadOnlyList<HoldoutContrast> rows, double level, HoldoutContrast? harmed, HoldoutMeasurement m)
    {
        const double width = 720, rowHeight = 22, left = 150, right = 110, top = 24, bottom = 36;
        double height = top + bottom + rowHeight * rows.Count;
        var svg = new SvgDocument(width, height, $"Relative lift with {Level(level)} and always-valid intervals", "chart forest");
        var frame = new ChartFrame(svg, left, top, right, bottom);
        var bounds = rows.SelectMany(r => new[] { r.RelativeCi.Lower, r.RelativeCi.Upper, r.AlwaysValidRelativeCi.Lower, r.AlwaysValidRelativeCi.Upper, r.Relative, 0 })
            .Where(double.IsFinite).DefaultIfEmpty(0).ToArray();
        var (x, ticks) = LinearScale.Nice(bounds.Min(), bounds.Max(), frame.Left, frame.Right);
        frame.BottomAxis(ticks.Select(t => (x.Map(t), Percent(t))).ToArray());
        svg.Line(x.Map(0), frame.Top, x.Map(0), frame.Bottom, "zero");
        for (int i = 0; i < rows.Count; i++)
        {
            var r = rows[i];
            double y = top + rowHeight * (i + 0.5);
            bool significant = r.PAdjusted is { } adjusted && adjusted < 1 - level;
            bool harm = harmed is not null && r == harmed;
            string label = (harm ? "harm: " : "") + (significant ? "★ " : "") + Where(r);
            if (r.Suppressed)
            {
                svg.Text(left - 8, y + 4, label, "label", "end");
                svg.Text(frame.Left + 4, y + 4, SuppressedText(m), "value");
                continue;
            }
            svg.Text(left - 8, y + 4, label, harm ? "label harm" : significant ? "label significant" : "label", "end");
            if (r.PAdjusted is { } p)
            {
                svg.Text(frame.Right + 10, y + 4, $"adj. p {PValue(p)}", significant ? "value significant" : "value");
            }
            if (double.IsFinite(r.AlwaysValidRelativeCi.Lower) && double.IsFinite(r.AlwaysValidRelativeCi.Upper))
            {
                svg.Line(x.Map(Clamp(r.AlwaysValidRelativeCi.Lower, x)), y, x.Map(Clamp(r.AlwaysValidRelativeCi.Upper, x)), y, "ci-valid");
            }
            if (double.IsFinite(r.RelativeCi.Lower) && double.IsFinite(r.RelativeCi.Upper))
            {
                svg.Line(x.Map(r.RelativeCi.Lower), y, x.Map(r.RelativeCi.Upper), y, harm ? "ci harm" : "ci");
            }
            if (double.IsFinite(r.Relative))
            {
                svg.Rect(x.Map(r.Relative) - 3, y - 3, 6, 6, harm ? "point harm" : "point");
            }
        }
        return svg.ToString();
    }

    private static double Clamp(double value, LinearScale x) => Math.Clamp(value, x.Min, x.Max);
}
