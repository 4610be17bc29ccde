using System.Text;
using LiftPipeline.Statistics.Guardrails;
using static LiftPipeline.Pipeline.Reports.ReportText;
using static LiftPipeline.Pipeline.Reports.Svg.Markup;

namespace LiftPipeline.Pipeline.Reports;

/// <summary>
/// Writes a <see cref="LiftReport"/> as one self-contained HTML page: inline CSS, no scripts, no external URLs,
/// every text from the data HTML-escaped, and inline SVG charts of the primary estimator, once per test cell (observed
/// vs counterfactual path, the same over the test window, effect per post period, cumulative incremental outcome, top
/// unit weights and, for SDID, time weights). A multi-cell report adds a headline per cell, the units of each cell and
/// the cell-vs-cell comparison. Deterministic; thread-safe.
/// </summary>
public static class ReportHtml
{
    internal const string Style = """
        body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;margin:2rem auto;max-width:60rem;color:#1f2933;line-height:1.45}
        h1{font-size:1.6rem;margin-bottom:.2rem}h2{font-size:1.2rem;margin-top:2rem;border-bottom:1px solid #d9dee3}
        .headline{font-size:1.1rem}.meta{color:#5f6b76;font-size:.9rem}
        .recommendation{display:inline-block;padding:.3rem .7rem;border-radius:.3rem;font-weight:600}
        .rec-scale{background:#dcf3e3}.rec-hold{background:#fde2e1}.rec-extend{background:#fff3cd}.rec-stop{background:#e8e8e8}
        table{border-collapse:collapse;font-size:.9rem}th,td{padding:.25rem .5rem;border-bottom:1px solid #e4e7eb;text-align:right;white-space:nowrap}
        th:first-child,td:first-child,th:nth-child(2),td:nth-child(2){text-align:left}
        dl{display:grid;grid-template-columns:max-content auto;gap:.2rem 1rem}dt{font-weight:600}dd{margin:0}
        figure{margin:1.5rem 0}figcaption{color:#5f6b76;font-size:.85rem}
        .status-pass{color:#1b7f3b}.status-warn{color:#9a6700;background:#fff3cd}.status-breach{color:#b42318;font-weight:600;background:#fde2e1}
        svg .significant{font-weight:600;fill:#b42318}
        svg{font-size:11px;background:#fff}svg .axis{stroke:#52606d;stroke-width:1}svg .grid{stroke:#e4e7eb;stroke-width:1}
        svg .tick,svg .unit,svg .value,svg .legend,svg .marker,svg .empty{fill:#3e4c59}
        svg .observed{fill:none;stroke:#1f6feb;stroke-width:2}svg .counterfactual{fill:none;stroke:#e8590c;stroke-width:2;stroke-dasharray:6 4}
        svg .observed-label{fill:#1f6feb}svg .counterfactual-label{fill:#e8590c}
        svg .treatment-start{stroke:#7b8794;stroke-width:1.5;stroke-dasharray:3 3}
        svg .effect{fill:none;stroke:#1f6feb;stroke-width:2}svg .band{fill:#1f6feb;fill-opacity:.15;stroke:none}
        svg .zero{stroke:#52606d;stroke-width:1}svg .att{stroke:#1b7f3b;stroke-width:1.5;stroke-dasharray:6 4}
        svg .zero-dashed{stroke:#7b8794;stroke-width:1;stroke-dasharray:3 3}svg .cumulative{fill:none;stroke:#1b7f3b;stroke-width:2}svg .axis-title{fill:#52606d;font-size:11px}
        .cells li{margin:.2rem 0}table.contrasts,table.spend{font-size:.8rem}table.contrasts td,table.spend td,table.contrasts th,table.spend th{padding:.25rem .4rem}
        table.money,table.estimates{font-size:.85rem}table.estimates td,table.estimates th{padding:.25rem .4rem}
        svg .bar{fill:#1f6feb}svg .ci{stroke:#1f6feb;stroke-width:2}svg .ci-valid{stroke:#9aa5b1;stroke-width:6;stroke-opacity:.5}svg .point{fill:#1f6feb}svg .label{fill:#3e4c59}
        """;

    /// <summary>The HTML page of <paramref name="report"/>.</summary>
    public static string ToHtml(LiftReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var sb = new StringBuilder();
        sb.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
        sb.Append($"<title>Lift report: {Html(report.Campaign)}</title>\n<style>\n{Style}\n</style>\n</head>\n<body>\n");
        sb.Append($"<h1>Lift report: {Html(report.Campaign)}</h1>\n");
        sb.Append($"<p class=\"meta\">Run {Html(report.RunId)}, generated {Html(report.GeneratedAt.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture))}, ");
        sb.Append($"{LiftReport.Design} design, metric {Html(report.Metric)}, report schema {LiftReport.SchemaVersion}.</p>\n");
        sb.Append($"<p class=\"headline\">{Html(Headline(report))}</p>\n");
        ReportCells.Headlines(sb, report);
        string action = report.Recommendation.ToString().ToLowerInvariant();
        sb.Append($"<p><span class=\"recommendation rec-{action}\">Recommendation: {action}</span> {Html(report.RecommendationReason)}</p>\n");
        Dataset(sb, report.Dataset);
        Estimates(sb, report);
        Money(sb, report);
        Charts(sb, report);
        Guardrails(sb, report.Guardrails);
        sb.Append("</body>\n</html>\n");
        return sb.ToString();
    }

    /// <summary>Writes the page as UTF-8 (no byte-order mark) to <paramref name="stream"/>, which stays open.</summary>
    public static void Write(LiftReport report, Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var bytes = new UTF8Encoding(false).GetBytes(ToHtml(report));
        stream.Write(bytes);
    }

    private static void Dataset(StringBuilder sb, ReportDataset d)
    {
        sb.Append("<h2>Data</h2>\n<dl>\n");
        sb.Append($"<dt>Units</dt><dd>{d.Units}</dd>\n<dt>Periods</dt><dd>{d.Periods}");
        if (d.FirstPeriod is not null && d.LastPeriod is not null)
        {
            sb.Append($" ({Html(d.FirstPeriod)} to {Html(d.LastPeriod)})");
        }
        sb.Append("</dd>\n");
        sb.Append($"<dt>Treated units</dt><dd>{Html(string.Join(", ", d.TreatedUnits))}</dd>\n");
        sb.Append($"<dt>Treatment start</dt><dd>{Html(d.TreatmentStart ?? "n/a")}</dd>\n</dl>\n");
    }

    /// <summary>The metric as an axis title: its name and, when campaign.json gives one, its unit in brackets.</summary>
    internal static string MetricTitle(LiftReport report) => report.Unit is { Length: > 0 } unit ? $"{report.Metric} ({unit})" : report.Metric;

    private static void Estimates(StringBuilder sb, LiftReport report)
    {
        // One inference description for every row goes under the table, so the table stays narrow enough not to wrap.
        var descriptions = report.Estimates.Select(e => e.Uncertainty?.Description ?? "none").Distinct(StringComparer.Ordinal).ToArray();
        bool column = descriptions.Length > 1;
        sb.Append("<h2>Estimates</h2>\n<table class=\"estimates\">\n<thead><tr><th>Estimator</th><th>Cell</th><th>ATT</th><th>SE</th>");
        sb.Append($"<th>{Level(report.Level)} CI</th><th>Always-valid</th><th>p</th><th>Lift</th><th>Incremental</th><th>Pre-fit RMSE</th>{(column ? "<th>Inference</th>" : "")}</tr></thead>\n<tbody>\n");
        foreach (var e in report.Estimates)
        {
            var u = e.Uncertainty;
            string ci = u is null ? "n/a" : $"{Number(u.CiLow)} to {Number(u.CiHigh)}";
            sb.Append($"<tr><td>{Html(e.Estimator)}</td><td>{Html(e.Cell ?? "all")}</td><td>{Number(e.Att)}</td>");
            sb.Append($"<td>{Number(u?.StandardError ?? double.NaN)}</td><td>{Html(ci)}</td><td>{Html(AlwaysValidText(report.AlwaysValid(e)))}</td><td>{Html(PValue(u?.PValue ?? double.NaN))}</td>");
            sb.Append($"<td>{Percent(e.Lift)}</td><td>{Whole(e.Incremental)}</td><td>{Number(e.Fit.Rmse)}</td>");
            sb.Append(column ? $"<td>{Html(u is null ? "none" : u.Description)}</td></tr>\n" : "</tr>\n");
        }
        sb.Append("</tbody>\n</table>\n");
        if (!column && descriptions.Length == 1)
        {
            sb.Append($"<p class=\"meta\">Inference: {Html(descriptions[0])}. ATT is the average effect per treated unit and period; incremental is its total over the treated units and post periods.</p>\n");
        }
        sb.Append($"<p class=\"meta\">{Html(AlwaysValidNote(report.Level))}</p>\n");
    }

    /// <summary>The spend table: per cell of the primary estimator, treated and incremental spend, iROAS and cost per incremental conversion; nothing without spend.</summary>
    private static void Money(StringBuilder sb, LiftReport report)
    {
        var rows = report.Estimates.Where(e => e.Money is not null).ToArray();
        if (rows.Length == 0)
        {
            return;
        }
        string level = Level(report.Level);
        sb.Append("<h2>Spend and return</h2>\n<table class=\"money\">\n<thead><tr><th>Estimator</th><th>Cell</th><th>Treated spend</th>");
        sb.Append($"<th>Incremental spend</th><th>iROAS</th><th>{level} CI</th><th>Cost per incr. conversion</th><th>{level} CI</th></tr></thead>\n<tbody>\n");
        foreach (var e in rows)
        {
            var m = e.Money!;
            string spend = m.Estimated ? $"{Whole(m.IncrementalSpend)} ({Whole(m.IncrementalSpendCi.Lower)} to {Whole(m.IncrementalSpendCi.Upper)})" : Whole(m.IncrementalSpend);
            sb.Append($"<tr><td>{Html(e.Estimator)}</td><td>{Html(e.Cell ?? "all")}</td><td>{Whole(m.TreatedSpend)}</td><td>{Html(spend)}</td>");
            sb.Append($"<td>{Html(RatioValue(m.Iroas))}</td><td>{Html(RatioInterval(m.Iroas))}</td>");
            sb.Append($"<td>{Html(RatioValue(m.CostPerIncrementalConversion))}</td><td>{Html(RatioInterval(m.CostPerIncrementalConversion))}</td></tr>\n");
        }
        sb.Append("</tbody>\n</table>\n");
        sb.Append($"<p class=\"meta\">{Html(MoneyNote(rows))}</p>\n");
    }

    private static void Charts(StringBuilder sb, LiftReport report)
    {
        var primary = report.Primary;
        if (primary is null)
        {
            return;
        }
        string metric = MetricTitle(report);
        foreach (var e in report.Estimates.Where(e => string.Equals(e.Estimator, primary.Estimator, StringComparison.Ordinal)))
        {
            string which = $"{e.Estimator}{(e.Cell is null ? "" : ", cell " + e.Cell)}";
            sb.Append($"<h2>Charts ({Html(which)})</h2>\n");
            Figure(sb, ReportCharts.Paths(e, metric),
                "Observed and counterfactual path of the average treated unit; the dashed vertical line marks the treatment start.");
            Figure(sb, ReportCharts.RecentPaths(e, metric),
                "The same paths over the test window and the periods just before it.");
            Figure(sb, ReportCharts.Effects(e, metric, report.Level),
                e.Uncertainty?.PeriodStandardErrors is { Count: > 0 }
                    ? $"Effect per post period (observed minus counterfactual) and the ATT (dashed). The band is effect ± z·se with each period's own standard error, from the same replications as the ATT's, and z for {Level(report.Level)}."
                    : "Effect per post period (observed minus counterfactual) and the ATT (dashed). No band: this estimate has no per-period standard errors.");
            Figure(sb, ReportCharts.Cumulative(e, metric),
                "Cumulative incremental outcome over the post periods: the running sum of the per-period effects times the treated units.");
            Figure(sb, ReportCharts.Weights(e), "The ten largest control unit weights of the synthetic control.");
            if (ReportCharts.TimeWeights(e) is { } time)
            {
                Figure(sb, time, "Time weights of the pre-periods: how much each pre-period counts in the before-after comparison.");
            }
        }
    }

    internal static void Figure(StringBuilder sb, string svg, string caption) =>
        sb.Append($"<figure>\n{svg}\n<figcaption>{Html(caption)}</figcaption>\n</figure>\n");

    internal static void Guardrails(StringBuilder sb, IReadOnlyList<GuardrailResult> guardrails)
    {
        sb.Append("<h2>Guardrails</h2>\n");
        if (guardrails.Count == 0)
        {
            sb.Append("<p>No guardrails were checked.</p>\n");
            return;
        }
        sb.Append("<ul>\n");
        foreach (var g in guardrails)
        {
            string status = g.Status.ToString().ToLowerInvariant();
            string evidence = string.Join(", ", g.Evidence.Keys.Order(StringComparer.Ordinal).Select(k => $"{k} = {Number(g.Evidence[k])}"));
            sb.Append($"<li class=\"status-{status}\"><strong>{Html(g.Name)}</strong>: {status}. {Html(g.Message)}");
            sb.Append(evidence.Length > 0 ? $" <span class=\"meta\">({Html(evidence)})</span></li>\n" : "</li>\n");
        }
        sb.Append("</ul>\n");
    }
}
