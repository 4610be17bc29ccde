using System.Globalization;
using System.Text;
using LiftPipeline.Statistics.Design;
using static LiftPipeline.Pipeline.Reports.ReportText;
using static LiftPipeline.Pipeline.Reports.Svg.Markup;

namespace LiftPipeline.Pipeline.Reports;

/// <summary>
/// Writes a <see cref="DesignReport"/> as one self-contained HTML page (the lift report's stylesheet and conventions:
/// no scripts, no external URLs, every text from the data escaped): the chosen markets, the candidate table, the power
/// curve of each top candidate at each duration, investment against MDE, and the settings. Deterministic; thread-safe.
/// </summary>
public static class DesignHtml
{
    private const string Style = """
        svg .alpha{stroke:#b42318;stroke-width:1.5;stroke-dasharray:4 3}svg .target{stroke:#1b7f3b;stroke-width:1.5;stroke-dasharray:6 4}
        svg .mde{stroke:#7b8794;stroke-width:1.5;stroke-dasharray:3 3}svg .power{fill:none;stroke:#1f6feb;stroke-width:2}
        svg .candidate{fill:#1f6feb;fill-opacity:.45}svg .chosen{fill:#e8590c;stroke:#1f2933;stroke-width:1}
        .not-calibrated{color:#b42318;font-weight:600}table.candidates{font-size:.8rem}table.candidates th,table.candidates td{padding:.2rem .4rem}
        td.markets{text-align:left;min-width:13rem;max-width:22rem}
        """;

    /// <summary>The HTML page of <paramref name="report"/>.</summary>
    public static string ToHtml(DesignReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var sb = new StringBuilder();
        sb.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
        sb.Append($"<title>Geo design: {Html(report.Campaign)}</title>\n<style>\n{ReportHtml.Style}\n{Style}\n</style>\n</head>\n<body>\n");
        sb.Append($"<h1>Geo design: {Html(report.Campaign)}</h1>\n");
        var d = report.Dataset;
        sb.Append($"<p class=\"meta\">Generated {Html(report.GeneratedAt.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture))} from {Html(d.Object)}: ");
        sb.Append($"{d.Units} markets × {d.Periods} periods ({Html(d.FirstPeriod)} to {Html(d.LastPeriod)}) of {Html(d.Metric)}; ");
        sb.Append($"{report.Simulations:N0} simulations; design schema {DesignJson.SchemaVersion}, inputs {Html(report.InputsHash)}.</p>\n");
        sb.Append($"<p class=\"headline\">{Html(DesignText.Headline(report))}</p>\n");
        Chosen(sb, report);
        Candidates(sb, report);
        Curves(sb, report);
        sb.Append("<h2>Investment against MDE</h2>\n");
        ReportHtml.Figure(sb, DesignCharts.InvestmentVsMde(report.Cells.SelectMany(c => c.Selection.Candidates).ToArray(), report.Chosen),
            "Each candidate at its minimum detectable effect (x) and the investment that effect costs (y: cpic × the test markets' outcome in the window × MDE). The chosen designs are the larger dots.");
        sb.Append($"<h2>Settings</h2>\n<p>{Html(DesignText.Settings(report))}.</p>\n");
        sb.Append("</body>\n</html>\n");
        return sb.ToString();
    }

    /// <summary>Writes the page as UTF-8 (no byte-order mark) to <paramref name="stream"/>, which stays open.</summary>
    public static void Write(DesignReport report, Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        stream.Write(new UTF8Encoding(false).GetBytes(ToHtml(report)));
    }

    private static void Chosen(StringBuilder sb, DesignReport report)
    {
        sb.Append("<h2>Chosen markets</h2>\n<ul class=\"chosen\">\n");
        var chosen = report.Chosen;
        for (int i = 0; i < chosen.Count; i++)
        {
            string cell = report.IsMultiCell ? $"Cell {i + 1}: " : "";
            if (chosen[i] is not { } c)
            {
                sb.Append($"<li>{cell}no design reaches power {Number(report.Options.Power)} at the effect sizes simulated.</li>\n");
                continue;
            }
            string calibration = DesignText.Calibration(report, c);
            sb.Append($"<li>{cell}<strong>{Html(DesignText.Markets(c.Locations))}</strong> for {c.Duration} periods: MDE {Percent(c.EffectSize)}, power {Number(c.Power)}, ");
            sb.Append($"investment {Whole(c.Investment)}, {Percent(c.ProportionTotalY)} of the outcome in the test, holdout {Percent(c.Holdout)}; ");
            sb.Append(report.NotCalibrated(c.FalsePositiveRate) ? $"<span class=\"not-calibrated\">{Html(calibration)}</span>" : Html(calibration));
            sb.Append(".</li>\n");
        }
        sb.Append("</ul>\n");
    }

    private static void Candidates(StringBuilder sb, DesignReport report)
    {
        var rows = report.Cells.SelectMany((cell, i) => cell.Selection.Candidates.Select(c => (Cell: i + 1, Candidate: c))).ToArray();
        sb.Append("<h2>Candidates</h2>\n");
        if (rows.Length == 0)
        {
            sb.Append("<p>No candidate reaches the target power at the effect sizes simulated.</p>\n");
            return;
        }
        sb.Append("<table class=\"candidates\">\n<thead><tr><th>Rank</th><th>Markets</th>");
        sb.Append(report.IsMultiCell ? "<th>Cell</th>" : "");
        sb.Append("<th>Duration</th><th>MDE</th><th>Power</th><th>False positives</th><th>Investment</th><th>Avg ATT</th><th>Detected lift</th><th>Share of outcome</th><th>Holdout</th><th>Scaled L2</th><th>Correlation</th></tr></thead>\n<tbody>\n");
        foreach (var (cell, c) in rows.Take(DesignText.TableRows * report.Cells.Count))
        {
            string fpr = c.FalsePositiveRate is { } rate ? Percent(rate) : "n/a";
            sb.Append($"<tr><td>{c.Rank}</td><td class=\"markets\">{Html(DesignText.Markets(c.Locations))}</td>");
            sb.Append(report.IsMultiCell ? $"<td>{cell}</td>" : "");
            sb.Append($"<td>{c.Duration}</td><td>{Percent(c.EffectSize)}</td><td>{Number(c.Power)}</td>");
            sb.Append(report.NotCalibrated(c.FalsePositiveRate) ? $"<td class=\"not-calibrated\">{fpr} (not calibrated)</td>" : $"<td>{fpr}</td>");
            sb.Append($"<td>{Whole(c.Investment)}</td><td>{Number(c.AvgAtt)}</td>");
            sb.Append(DesignTrust.TracksEffect(c) ? $"<td>{Percent(c.AverageMde)}</td>" : $"<td class=\"not-calibrated\">{Percent(c.AverageMde)} (biased)</td>");
            sb.Append($"<td>{Percent(c.ProportionTotalY)}</td>");
            sb.Append($"<td>{Percent(c.Holdout)}</td><td>{Number(c.AvgScaledL2Imbalance)}</td><td>{Number(c.Correlation)}</td></tr>\n");
        }
        sb.Append("</tbody>\n</table>\n");
        if (rows.Length > DesignText.TableRows * report.Cells.Count)
        {
            sb.Append($"<p class=\"meta\">The first {DesignText.TableRows * report.Cells.Count} of {rows.Length} candidates; design.json lists them all.</p>\n");
        }
    }

    private static string Windows(int n) => n == 1 ? "1 historical window" : $"{n} historical windows";

    private static void Curves(StringBuilder sb, DesignReport report)
    {
        sb.Append("<h2>Power curves</h2>\n");
        for (int i = 0; i < report.Cells.Count; i++)
        {
            var cell = report.Cells[i];
            foreach (var locations in DesignText.Charted(cell))
            {
                if (report.CurveOf(cell, locations) is not { } curve)
                {
                    continue;
                }
                foreach (int duration in DesignText.Durations(curve))
                {
                    double? mde = DesignText.MdeOf(cell, locations, duration);
                    var calibration = curve.Calibration.FirstOrDefault(k => k.Duration == duration);
                    int windows = curve.Points.FirstOrDefault(p => p.Duration == duration)?.Windows ?? 0;
                    bool reached = curve.Points.Any(p => p.Duration == duration && p.EffectSize != 0 && p.Power > report.Options.Power);
                    string caption = $"{(report.IsMultiCell ? $"Cell {i + 1}: " : "")}{DesignText.Markets(locations)}, {duration} periods: share of {Windows(windows)} whose test rejects at {DesignText.TestLevel(report.Options)}, by true effect. "
                        + (mde is { } m ? $"MDE {Percent(m)} (first effect with power over {Number(report.Options.Power)}). "
                            : reached ? "Not in the candidate table: its MDE is over the budget or outside the holdout range. "
                            : $"No effect simulated reaches power {Number(report.Options.Power)} at this duration. ")
                        + (calibration is null ? "" : $"False-positive rate at effect 0 over {Windows(calibration.Windows)}: {Percent(calibration.FalsePositiveRate)}.");
                    ReportHtml.Figure(sb, DesignCharts.PowerCurve(curve, duration, report.Options.TestAlpha, report.Options.Power, mde), caption);
                }
            }
        }
    }
}
