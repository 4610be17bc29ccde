using System.Globalization;
using System.Text;
using LiftPipeline.Pipeline.Reports;
using LiftPipeline.Pipeline.Reports.Svg;
using LiftPipeline.Statistics.Decisions.Evidence;
using MathNet.Numerics.Distributions;
using static LiftPipeline.Pipeline.Reports.ReportText;
using static LiftPipeline.Pipeline.Reports.Svg.Markup;

namespace LiftPipeline.Pipeline.Evidence;

/// <summary>
/// <c>evidence/index.html</c>: per pooled contrast the business-case sentence, the pooled numbers, a forest plot (one row per
/// campaign, the pooled diamond, the prediction interval) and the subgroups; the campaigns (running ones marked) and the
/// budget across campaigns. Self-contained and deterministic (no clock).
/// </summary>
public static class EvidenceHtml
{
    private const string EvidenceStyle = """
        svg .diamond{fill:#1b7f3b}svg .prediction{stroke:#1b7f3b;stroke-width:2;stroke-dasharray:4 3}svg .running{fill:#9a6700}
        table.budget td,table.budget th{padding:.25rem .35rem}
        """;

    /// <summary>The page as text.</summary>
    public static string ToHtml(EvidenceSummary summary)
    {
        ArgumentNullException.ThrowIfNull(summary);
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>Evidence across campaigns</title>\n<style>\n{ReportHtml.Style}\n{EvidenceStyle}\n</style>\n</head>\n<body>\n");
        sb.Append("<h1>Evidence across campaigns</h1>\n");
        int running = summary.Contributions.Count(c => !c.Concluded);
        sb.Append(CultureInfo.InvariantCulture, $"<p class=\"meta\">Holdout campaigns: {summary.Contributions.Count}, of which {running} still running. Each contrast measured in two or more campaigns is pooled by a random-effects meta-analysis (REML τ², modified Hartung–Knapp interval below 40 campaigns) of ln(1 + relative lift); the pooled values are shown back as relative lifts.</p>\n");
        if (running > 0)
        {
            sb.Append("<p class=\"meta\">Campaigns marked “running” have not concluded: their estimates are the latest measurement and will change, and a running test stopped early tends to overstate its effect. Read the pooled numbers as provisional until they conclude.</p>\n");
        }
        if (summary.Contrasts.Count == 0)
        {
            sb.Append("<p>No contrast has been measured in two or more campaigns yet.</p>\n");
        }
        foreach (var p in summary.Contrasts)
        {
            Contrast(sb, p);
        }
        sb.Append("<h2>Campaigns</h2>\n<table class=\"index\">\n<thead><tr><th>Campaign</th><th>Name</th><th>Run</th><th>Status</th></tr></thead>\n<tbody>\n");
        foreach (var c in summary.Contributions)
        {
            sb.Append(CultureInfo.InvariantCulture, $"<tr><td><a href=\"{Html("../" + c.Report)}\">{Html(c.Campaign)}</a></td><td>{Html(c.Name)}</td><td>{Html(c.RunId)}</td><td>{Html(c.ConcludedBy is { } why ? $"concluded ({why})" : "running")}</td></tr>\n");
        }
        sb.Append("</tbody>\n</table>\n");
        summary.Budget?.WriteHtml(sb, "Budget across campaigns");
        sb.Append("</body>\n</html>\n");
        return sb.ToString();
    }

    private static void Contrast(StringBuilder sb, PooledContrast p)
    {
        var r = p.Result;
        sb.Append(CultureInfo.InvariantCulture, $"<h2>{Html($"{p.Treatment} vs {p.Control} on {p.Metric}")}</h2>\n<p class=\"headline\">{Html(p.Sentence)}</p>\n");
        sb.Append("<dl>\n");
        Item(sb, "Pooled lift", $"{EvidencePooling.WithInterval(r)}, p {PValue(r.PValue)} ({Method(r.IntervalMethod)} interval, k = {r.Studies})");
        Item(sb, "Prediction interval", double.IsFinite(r.PredictionLower) ? $"[{EvidencePooling.SignedLift(r.PredictionLower)}, {EvidencePooling.SignedLift(r.PredictionUpper)}]: where a new campaign's true lift is expected" : "n/a (needs 3 or more campaigns)");
        Item(sb, "Heterogeneity", $"τ² = {Small(r.Tau2)}, I² = {Percent(r.I2)}, Q = {Number(r.Heterogeneity.Q)} on {r.Heterogeneity.DegreesOfFreedom} df (p {PValue(r.Heterogeneity.PValue)})");
        if (p.Excluded > 0)
        {
            Item(sb, "Left out", $"{p.Excluded} campaign rows (lift of −100% or below, or no standard error)");
        }
        sb.Append("</dl>\n");
        double level = 1 - r.Options.Alpha;
        ReportHtml.Figure(sb, ForestPlot(p, level),
            $"Relative lift of {p.Treatment} against {p.Control} on {p.Metric}: one row per campaign with its {Level(level)} interval (running campaigns in amber), the pooled estimate as a diamond spanning its interval, and the dashed prediction interval for a new campaign.");
        foreach (var d in p.Dimensions)
        {
            sb.Append(CultureInfo.InvariantCulture, $"<h3>By {Html(d.Dimension)}</h3>\n<table>\n<thead><tr><th>{Html(d.Dimension)}</th><th>Campaigns</th><th>Pooled lift</th><th>τ²</th><th>I²</th><th>Verdict</th></tr></thead>\n<tbody>\n");
            foreach (var g in d.Groups)
            {
                var gr = g.Result;
                sb.Append(CultureInfo.InvariantCulture, $"<tr><td>{Html(g.Level)}</td><td>{g.Studies.Count}</td><td>{Html(EvidencePooling.WithInterval(gr))}</td>");
                sb.Append(CultureInfo.InvariantCulture, $"<td>{Small(gr.Tau2)}</td><td>{Percent(gr.I2)}</td><td>{Html(g.Verdict)}</td></tr>\n");
            }
            sb.Append("</tbody>\n</table>\n");
            sb.Append(CultureInfo.InvariantCulture, $"<p class=\"meta\">Do the {Html(d.Dimension)}s differ? Q-between {Number(d.Between.Q)} on {d.Between.DegreesOfFreedom} df, p {PValue(d.Between.PValue)}.{(d.Excluded > 0 ? $" {d.Excluded} rows left out." : "")}</p>\n");
        }
    }

    private static string Method(PooledIntervalMethod method) => method switch
    {
        PooledIntervalMethod.ModifiedHartungKnapp => "modified Hartung–Knapp",
        PooledIntervalMethod.HartungKnapp => "Hartung–Knapp",
        _ => "normal",
    };

    private static void Item(StringBuilder sb, string term, string text) => sb.Append(CultureInfo.InvariantCulture, $"<dt>{Html(term)}</dt><dd>{Html(text)}</dd>\n");

    private static string Small(double value) => double.IsFinite(value) ? value.ToString("0.#####", CultureInfo.InvariantCulture) : "n/a";

    /// <summary>Campaign rows with their intervals, the pooled diamond and the prediction interval, on the relative scale.</summary>
    private static string ForestPlot(PooledContrast p, double level)
    {
        const double width = 720, rowHeight = 22, left = 190, right = 40, top = 24, bottom = 36;
        var r = p.Result;
        int rows = p.Studies.Count + 2;
        double z = Normal.InvCDF(0, 1, 0.5 + level / 2);
        var svg = new SvgDocument(width, top + bottom + rowHeight * rows, $"Relative lift of {p.Treatment} against {p.Control} by campaign and pooled", "chart forest");
        var frame = new ChartFrame(svg, left, top, right, bottom);
        var values = new List<double> { 0, r.Lower, r.Upper, r.PredictionLower, r.PredictionUpper };
        foreach (var s in p.Studies)
        {
            values.Add(s.Effect - z * Math.Sqrt(s.Variance));
            values.Add(s.Effect + z * Math.Sqrt(s.Variance));
        }
        var finite = values.Where(double.IsFinite).Select(EvidencePooling.Lift).ToArray();
        var (x, ticks) = LinearScale.Nice(finite.Min(), finite.Max(), frame.Left, frame.Right);
        frame.BottomAxis([.. ticks.Select(t => (x.Map(t), Percent(t)))]);
        svg.Line(x.Map(0), frame.Top, x.Map(0), frame.Bottom, "zero");
        for (int i = 0; i < p.Studies.Count; i++)
        {
            var s = p.Studies[i];
            double y = top + rowHeight * (i + 0.5), half = z * Math.Sqrt(s.Variance);
            svg.Text(left - 8, y + 4, s.Running ? $"{s.Campaign} (running)" : s.Campaign, s.Running ? "label running" : "label", "end");
            svg.Line(x.Map(EvidencePooling.Lift(s.Effect - half)), y, x.Map(EvidencePooling.Lift(s.Effect + half)), y, "ci");
            svg.Rect(x.Map(s.Relative) - 3, y - 3, 6, 6, "point");
        }
        double pooledY = top + rowHeight * (p.Studies.Count + 0.5);
        svg.Text(left - 8, pooledY + 4, $"pooled (k = {r.Studies})", "label significant", "end");
        svg.Polygon([(x.Map(EvidencePooling.Lift(r.Lower)), pooledY), (x.Map(EvidencePooling.Lift(r.Estimate)), pooledY - 7),
            (x.Map(EvidencePooling.Lift(r.Upper)), pooledY), (x.Map(EvidencePooling.Lift(r.Estimate)), pooledY + 7)], "diamond");
        if (double.IsFinite(r.PredictionLower))
        {
            double predictionY = pooledY + rowHeight;
            svg.Text(left - 8, predictionY + 4, "prediction interval", "label", "end");
            svg.Line(x.Map(EvidencePooling.Lift(r.PredictionLower)), predictionY, x.Map(EvidencePooling.Lift(r.PredictionUpper)), predictionY, "prediction");
        }
        return svg.ToString();
    }
}
