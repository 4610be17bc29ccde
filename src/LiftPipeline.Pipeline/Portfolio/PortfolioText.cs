using System.Globalization;
using System.Text;
using LiftPipeline.Pipeline.Reports;
using static LiftPipeline.Pipeline.Reports.ReportText;
using static LiftPipeline.Pipeline.Reports.Svg.Markup;

namespace LiftPipeline.Pipeline.Portfolio;

/// <summary>A portfolio digest for people: <c>portfolio/{runId}.md</c> and <c>.html</c> (links relative to <c>portfolio/</c>).</summary>
public static class PortfolioText
{
    /// <summary>The digest as Markdown: one table of live campaigns, the guardrails that fired, and the campaigns concluded since the last digest.</summary>
    public static string ToMarkdown(PortfolioDigest digest)
    {
        ArgumentNullException.ThrowIfNull(digest);
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"# Portfolio, run {digest.RunId}\n\n");
        sb.Append(CultureInfo.InvariantCulture, $"{Summary(digest)} As of {Day(digest.GeneratedAt)}; intervals are always-valid.\n\n");
        if (digest.Live.Count > 0)
        {
            sb.Append("| Campaign | Status | Days running | Decision so far | Headline (always-valid interval) | Guardrails |\n|---|---|---|---|---|---|\n");
            foreach (var l in digest.Live)
            {
                sb.Append(CultureInfo.InvariantCulture,
                    $"| {Markdown(l.Name)} (`{l.Campaign}`) | {Markdown(Status(l))} | {Days(l.DaysRunning)} | {l.Decision ?? "—"} | {Markdown(Headline(l))} | {Markdown(Fired(l))} |\n");
            }
            sb.Append('\n');
        }
        foreach (var l in digest.Live.Where(l => l.Guardrails.Count > 0))
        {
            sb.Append(CultureInfo.InvariantCulture, $"**{Markdown(l.Name)}:**\n\n");
            sb.Append(string.Concat(l.Guardrails.Select(g => $"- {Markdown(g)}\n"))).Append('\n');
        }
        if (digest.Concluded.Count > 0)
        {
            sb.Append("## Concluded since the last digest\n\n");
            foreach (var c in digest.Concluded)
            {
                sb.Append(CultureInfo.InvariantCulture,
                    $"- {Markdown(c.Name)} (`{c.Campaign}`): {c.Decision}, concluded by {c.ConcludedBy} on {Day(c.ConcludedAt)}; learnings: [{c.Learnings}](../{c.Learnings})\n");
            }
            sb.Append('\n');
        }
        return sb.ToString();
    }

    /// <summary>The digest as one HTML page.</summary>
    public static string ToHtml(PortfolioDigest digest)
    {
        ArgumentNullException.ThrowIfNull(digest);
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>Portfolio {Html(digest.RunId)}</title>\n<style>\n{ReportHtml.Style}\n</style>\n</head>\n<body>\n");
        sb.Append(CultureInfo.InvariantCulture, $"<h1>Portfolio, run {Html(digest.RunId)}</h1>\n<p class=\"meta\">{Html(Summary(digest))} As of {Day(digest.GeneratedAt)}; intervals are always-valid.</p>\n");
        sb.Append("<table class=\"index\">\n<thead><tr><th>Campaign</th><th>Status</th><th>Days running</th><th>Decision so far</th><th>Headline (always-valid interval)</th><th>Guardrails</th></tr></thead>\n<tbody>\n");
        foreach (var l in digest.Live)
        {
            string name = l.Report is null ? Html(l.Name) : $"<a href=\"../{Html(l.Report)}\">{Html(l.Name)}</a>";
            string decision = l.Decision is null ? "—" : $"<span class=\"recommendation rec-{Html(l.Decision)}\">{Html(l.Decision)}</span>";
            sb.Append(CultureInfo.InvariantCulture, $"<tr><td>{name}</td><td>{Html(Status(l))}</td><td>{Days(l.DaysRunning)}</td><td>{decision}</td><td>{Html(Headline(l))}</td>");
            sb.Append(CultureInfo.InvariantCulture, $"<td>{(l.Guardrails.Count == 0 ? "none fired" : string.Join("<br>", l.Guardrails.Select(Html)))}</td></tr>\n");
        }
        sb.Append("</tbody>\n</table>\n");
        if (digest.Live.Count == 0)
        {
            sb.Append("<p>No live campaign.</p>\n");
        }
        if (digest.Concluded.Count > 0)
        {
            sb.Append("<h2>Concluded since the last digest</h2>\n<ul>\n");
            foreach (var c in digest.Concluded)
            {
                sb.Append(CultureInfo.InvariantCulture,
                    $"<li>{Html(c.Name)}: {Html(c.Decision)}, concluded by {Html(c.ConcludedBy)} on {Day(c.ConcludedAt)}; <a href=\"../{Html(c.Learnings)}\">learnings</a>, <a href=\"../{Html(c.Report)}\">report</a></li>\n");
            }
            sb.Append("</ul>\n");
        }
        sb.Append("</body>\n</html>\n");
        return sb.ToString();
    }

    /// <summary>One sentence: how many campaigns are live, by status, and how many concluded.</summary>
    public static string Summary(PortfolioDigest digest)
    {
        ArgumentNullException.ThrowIfNull(digest);
        var counts = digest.Live.GroupBy(l => l.Status).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Count()} {g.Key}");
        string live = digest.Live.Count == 0 ? "No live campaign" : $"{digest.Live.Count} live campaign{(digest.Live.Count == 1 ? "" : "s")} ({string.Join(", ", counts)})";
        return $"{live}; {digest.Concluded.Count} concluded since the last digest.";
    }

    /// <summary>The headline number with its always-valid interval, e.g. <c>vbo_1p vs vbo on revenue (relative): 4.1% [1.2%, 7.0%]</c>.</summary>
    public static string Headline(PortfolioLine line)
    {
        ArgumentNullException.ThrowIfNull(line);
        if (line.Decision is null)
        {
            return line.Planning ? "design only" : "no report yet";
        }
        Func<double, string> format = line.Design == HoldoutReport.Design ? Percent : Number;
        string interval = double.IsFinite(line.Lower) || double.IsFinite(line.Upper) ? $" [{format(line.Lower)}, {format(line.Upper)}]" : " (no interval)";
        return $"{line.Subject ?? "estimate"}: {format(line.Estimate)}{interval}";
    }

    private static string Status(PortfolioLine l) => (l.Planning ? "planning, " : "") + l.Status + (l.Note is null ? "" : $" ({l.Note})");

    private static string Fired(PortfolioLine l) => l.Guardrails.Count == 0 ? "none fired" : string.Join("; ", l.Guardrails.Select(g => g[..Math.Max(0, g.IndexOf(':'))]));

    private static string Days(int? days) => days switch
    {
        null => "—",
        < 0 => $"starts in {-days}",
        _ => days.Value.ToString(CultureInfo.InvariantCulture),
    };

    private static string Day(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
