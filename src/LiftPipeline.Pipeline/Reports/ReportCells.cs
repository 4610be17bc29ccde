using System.Text;
using LiftPipeline.Statistics.Measurement;
using static LiftPipeline.Pipeline.Reports.ReportText;
using static LiftPipeline.Pipeline.Reports.Svg.Markup;

namespace LiftPipeline.Pipeline.Reports;

/// <summary>
/// The multi-cell part of a panel report: one headline per test cell with the units of that cell, and the
/// cell-vs-cell comparison by GeoLift's winner rule (a cell wins when its interval's lower bound lies above every other
/// cell's upper bound). A report of one cell gets none of this.
/// </summary>
internal static class ReportCells
{
    /// <summary>The primary estimator's estimate of each cell, in report order; empty unless there are two cells or more.</summary>
    public static IReadOnlyList<MeasuredEstimate> Of(LiftReport report)
    {
        var primary = report.Primary;
        if (primary?.Cell is null)
        {
            return [];
        }
        var cells = report.Estimates.Where(e => e.Cell is not null && string.Equals(e.Estimator, primary.Estimator, StringComparison.Ordinal)).ToArray();
        return cells.Length > 1 ? cells : [];
    }

    /// <summary>Appends the per-cell headlines and the comparison as HTML.</summary>
    public static void Headlines(StringBuilder sb, LiftReport report)
    {
        var cells = Of(report);
        if (cells.Count == 0)
        {
            return;
        }
        sb.Append("<ul class=\"cells\">\n");
        foreach (var e in cells)
        {
            sb.Append($"<li>{Html(Headline(report, e))}</li>\n");
        }
        sb.Append("</ul>\n");
        sb.Append($"<p class=\"headline\">{Html(Comparison(report, cells))}</p>\n");
    }

    /// <summary>"Cell cell1 (chicago, cincinnati): ATT 1 (95% CI a to b), lift 2%, incremental 3."</summary>
    public static string Headline(LiftReport report, MeasuredEstimate e) =>
        $"Cell {e.Cell} ({string.Join(", ", e.TreatedUnits)}): ATT {Number(e.Att)} ({Interval(report, e.Uncertainty)}), lift {Percent(e.Lift)}, incremental {Whole(e.Incremental)}.";

    /// <summary>
    /// The winner by GeoLift's rule on the ATT intervals: the cell whose lower bound is above every other cell's upper
    /// bound; otherwise a sentence saying the intervals overlap and no cell wins.
    /// </summary>
    public static string Comparison(LiftReport report, IReadOnlyList<MeasuredEstimate> cells)
    {
        if (cells.Any(c => c.Uncertainty is null || !double.IsFinite(c.Uncertainty.CiLow) || !double.IsFinite(c.Uncertainty.CiHigh)))
        {
            return "Cells compared: not every cell has an interval, so no cell can be called the winner.";
        }
        foreach (var winner in cells)
        {
            if (cells.All(other => ReferenceEquals(other, winner) || winner.Uncertainty!.CiLow > other.Uncertainty!.CiHigh))
            {
                return $"Cells compared: cell {winner.Cell} wins — its {Level(report.Level)} interval's lower bound ({Number(winner.Uncertainty!.CiLow)}) lies above every other cell's upper bound.";
            }
        }
        return $"Cells compared: no winner — no cell's {Level(report.Level)} interval lies entirely above the others' (GeoLift's rule: a cell wins when its lower bound is above every other cell's upper bound).";
    }
}
