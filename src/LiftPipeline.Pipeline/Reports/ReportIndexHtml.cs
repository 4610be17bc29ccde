using System.Globalization;
using System.Text;
using LiftPipeline.Pipeline.Reports.Svg;
using static LiftPipeline.Pipeline.Reports.ReportText;
using static LiftPipeline.Pipeline.Reports.Svg.Markup;

namespace LiftPipeline.Pipeline.Reports;

/// <summary>
/// <c>reports/index.html</c>: one row per campaign with its latest decision, the deciding estimate and interval, and a
/// small chart of that estimate over the campaign's reports (dot the estimate, vertical line the deciding interval,
/// zero dashed); links are relative, so the page works from a folder or a static website. Same styling as the reports.
/// </summary>
public static class ReportIndexHtml
{
    private const double TrendWidth = 260, TrendHeight = 56;

    /// <summary>The page for <paramref name="campaigns"/>, stamped <paramref name="generatedAt"/>.</summary>
    public static string ToHtml(IReadOnlyList<IndexCampaign> campaigns, DateTimeOffset generatedAt)
    {
        ArgumentNullException.ThrowIfNull(campaigns);
        var sb = new StringBuilder();
        sb.Append($"<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>Lift reports</title>\n<style>\n{ReportHtml.Style}\n</style>\n</head>\n<body>\n");
        sb.Append("<h1>Lift reports</h1>\n");
        sb.Append($"<p class=\"meta\">Every campaign's latest decision and how its estimate moved over the nightly runs; updated {Html(generatedAt.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture))}.</p>\n");
        if (campaigns.Count == 0)
        {
            sb.Append("<p>No campaign has a report yet.</p>\n</body>\n</html>\n");
            return sb.ToString();
        }
        sb.Append("<table class=\"index\">\n<thead><tr><th>Campaign</th><th>Design</th><th>Latest run</th><th>Decision</th><th>Estimate (deciding interval)</th><th>Trend</th></tr></thead>\n<tbody>\n");
        foreach (var c in campaigns)
        {
            if (c.Runs.Count == 0)
            {
                continue;
            }
            var last = c.Runs[^1];
            Func<double, string> format = c.Design == HoldoutReport.Design ? Percent : Number;
            string estimate = double.IsFinite(last.Lower) || double.IsFinite(last.Upper)
                ? $"{format(last.Estimate)} ({format(last.Lower)} to {format(last.Upper)})"
                : format(last.Estimate);
            sb.Append($"<tr><td><a href=\"{Html(last.Html)}\">{Html(c.Campaign)}</a></td><td>{Html(c.Design)}</td><td>{Html(last.RunId)}</td>");
            sb.Append($"<td><span class=\"recommendation rec-{Html(last.Action)}\">{Html(last.Action)}</span></td><td>{Html(estimate)}</td><td>{Trend(c)}</td></tr>\n");
        }
        sb.Append("</tbody>\n</table>\n");
        sb.Append("<p class=\"meta\">Trend: each dot is one report's estimate (a panel's ATT, a holdout's relative lift), its vertical line the interval the decision read; the dashed line is zero.</p>\n");
        sb.Append("</body>\n</html>\n");
        return sb.ToString();
    }

    /// <summary>The campaign's estimates over its runs as a small SVG chart.</summary>
    internal static string Trend(IndexCampaign c)
    {
        var svg = new SvgDocument(TrendWidth, TrendHeight, $"Estimate of {c.Campaign} over {c.Runs.Count} runs", "chart trend");
        var values = c.Runs.SelectMany(r => new[] { r.Estimate, r.Lower, r.Upper }).Append(0).Where(double.IsFinite).ToArray();
        var y = new LinearScale(values.Min(), values.Max(), TrendHeight - 6, 6);
        double step = c.Runs.Count > 1 ? (TrendWidth - 16) / (c.Runs.Count - 1) : 0;
        svg.Line(4, y.Map(0), TrendWidth - 4, y.Map(0), "zero-dashed");
        for (int i = 0; i < c.Runs.Count; i++)
        {
            var r = c.Runs[i];
            double x = c.Runs.Count > 1 ? 8 + step * i : TrendWidth / 2;
            if (double.IsFinite(r.Lower) && double.IsFinite(r.Upper))
            {
                svg.Line(x, y.Map(r.Lower), x, y.Map(r.Upper), "ci");
            }
            if (double.IsFinite(r.Estimate))
            {
                svg.Circle(x, y.Map(r.Estimate), 2.5, "point", $"{r.RunId}: {Number(r.Estimate)} ({r.Action})");
            }
        }
        return svg.ToString();
    }
}
