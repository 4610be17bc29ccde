using System.Text;
using static LiftPipeline.Pipeline.Reports.ReportText;

namespace LiftPipeline.Pipeline.Reports;

/// <summary>
/// Writes the learnings summary of a <see cref="DesignReport"/> as Markdown: the headline, the chosen markets with their
/// calibration, the ten best candidates, the chosen design's power by effect size, and the settings. Text from the data
/// is escaped. Deterministic; thread-safe.
/// </summary>
public static class DesignMarkdown
{
    private const int Rows = 10;

    /// <summary>The Markdown of <paramref name="report"/>.</summary>
    public static string ToMarkdown(DesignReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var sb = new StringBuilder();
        sb.Append($"# Geo design: {Markdown(report.Campaign)}\n\n{Markdown(DesignText.Headline(report))}\n");
        for (int i = 0; i < report.Cells.Count; i++)
        {
            var cell = report.Cells[i];
            string title = report.IsMultiCell ? $"Cell {i + 1}" : "Chosen markets";
            sb.Append($"\n## {title}\n\n");
            if (cell.Markets is { } pool)
            {
                sb.Append($"Markets of the cell: {Markdown(DesignText.Markets(pool))}.\n\n");
            }
            if (cell.Selection.Candidates.Count == 0)
            {
                sb.Append($"No design reaches power {Number(report.Options.Power)} at the effect sizes simulated.\n");
                continue;
            }
            var c = cell.Selection.Candidates[0];
            sb.Append($"**{Markdown(DesignText.Markets(c.Locations))}** for {c.Duration} periods: MDE {Percent(c.EffectSize)} at power {Number(c.Power)}, ");
            sb.Append($"investment {Whole(c.Investment)}, detected lift at the MDE {Percent(c.AverageMde)}, {Percent(c.ProportionTotalY)} of the outcome in the test ");
            sb.Append($"(holdout {Percent(c.Holdout)}), scaled L2 imbalance {Number(c.AvgScaledL2Imbalance)}; {Markdown(DesignText.Calibration(report, c))}.\n\n");
            Candidates(sb, report, cell);
            Curve(sb, report, cell, c.Locations);
        }
        sb.Append($"\n## Settings\n\n{Markdown(DesignText.Settings(report))}. Dataset {Markdown(report.Dataset.Object)}, inputs {report.InputsHash}.\n");
        if (report.LiveExclusions.Count > 0)
        {
            sb.Append($"\nExcluded because other live geo tests use them: {Markdown(string.Join(", ", report.LiveExclusions.Select(x => $"{x.Market} ({x.Role} in {x.Campaign})")))}.\n");
        }
        return sb.ToString();
    }

    /// <summary>Writes the Markdown as UTF-8 (no byte-order mark) to <paramref name="stream"/>, which stays open.</summary>
    public static void Write(DesignReport report, Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        stream.Write(new UTF8Encoding(false).GetBytes(ToMarkdown(report)));
    }

    private static void Candidates(StringBuilder sb, DesignReport report, DesignCell cell)
    {
        sb.Append("| Rank | Markets | Duration | MDE | Power | False positives | Investment | Detected lift | Holdout | Scaled L2 |\n");
        sb.Append("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        foreach (var c in cell.Selection.Candidates.Take(Rows))
        {
            string fpr = c.FalsePositiveRate is { } rate ? Percent(rate) + (report.NotCalibrated(rate) ? " (not calibrated)" : "") : "n/a";
            sb.Append($"| {c.Rank} | {Markdown(DesignText.Markets(c.Locations))} | {c.Duration} | {Percent(c.EffectSize)} | {Number(c.Power)} | {fpr} | ");
            sb.Append($"{Whole(c.Investment)} | {Percent(c.AverageMde)} | {Percent(c.Holdout)} | {Number(c.AvgScaledL2Imbalance)} |\n");
        }
        if (cell.Selection.Candidates.Count > Rows)
        {
            sb.Append($"\nThe first {Rows} of {cell.Selection.Candidates.Count} candidates; design.json lists them all.\n");
        }
    }

    /// <summary>The chosen markets' power by effect size, one column per duration.</summary>
    private static void Curve(StringBuilder sb, DesignReport report, DesignCell cell, IReadOnlyList<string> locations)
    {
        if (report.CurveOf(cell, locations) is not { } curve)
        {
            return;
        }
        var durations = DesignText.Durations(curve);
        sb.Append($"\nPower of {Markdown(DesignText.Markets(locations))} by true effect (share of historical windows whose test rejects at {DesignText.TestLevel(report.Options)}):\n\n");
        sb.Append("| Effect |").Append(string.Concat(durations.Select(d => $" {d} periods |"))).Append('\n');
        sb.Append("|---:|").Append(string.Concat(durations.Select(_ => "---:|"))).Append('\n');
        foreach (var effect in curve.Points.Select(p => p.EffectSize).Distinct().Order())
        {
            sb.Append($"| {Percent(effect)} |");
            foreach (int d in durations)
            {
                var point = curve.Points.FirstOrDefault(p => p.Duration == d && p.EffectSize == effect);
                sb.Append($" {(point is null ? "n/a" : Number(point.Power))} |");
            }
            sb.Append('\n');
        }
    }
}
