using System.Text;
using static LiftPipeline.Pipeline.Reports.ReportText;

namespace LiftPipeline.Pipeline.Reports;

/// <summary>
/// Writes the learnings summary of a <see cref="LiftReport"/> as Markdown: the headline sentence, the
/// recommendation and its reason, one table per estimate, and the guardrail list. Text from the data is escaped.
/// Deterministic; thread-safe.
/// </summary>
public static class ReportMarkdown
{
    /// <summary>The Markdown of <paramref name="report"/>.</summary>
    public static string ToMarkdown(LiftReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var sb = new StringBuilder();
        sb.Append($"# Lift report: {Markdown(report.Campaign)}\n\n");
        sb.Append($"{Markdown(Headline(report))}\n\n");
        sb.Append($"**Recommendation: {report.Recommendation.ToString().ToLowerInvariant()}.** {Markdown(report.RecommendationReason)}\n\n");
        var d = report.Dataset;
        sb.Append($"Metric {Markdown(report.Metric)}; {d.Units} units, {d.Periods} periods; treated: {Markdown(string.Join(", ", d.TreatedUnits))}; ");
        sb.Append($"treatment start {Markdown(d.TreatmentStart ?? "n/a")}. Run {Markdown(report.RunId)}.\n");
        foreach (var e in report.Estimates)
        {
            var u = e.Uncertainty;
            sb.Append($"\n## {Markdown(e.Estimator)}{(e.Cell is null ? "" : " (cell " + Markdown(e.Cell) + ")")}\n\n");
            sb.Append("| Quantity | Value |\n|---|---|\n");
            sb.Append($"| ATT | {Number(e.Att)} |\n");
            sb.Append($"| Standard error | {Number(u?.StandardError ?? double.NaN)} |\n");
            sb.Append($"| {Level(report.Level)} CI | {(u is null ? "n/a" : $"{Number(u.CiLow)} to {Number(u.CiHigh)}")} |\n");
            sb.Append($"| Always-valid interval | {AlwaysValidText(report.AlwaysValid(e))} |\n");
            sb.Append($"| p-value | {Markdown(PValue(u?.PValue ?? double.NaN))} |\n");
            sb.Append($"| Lift | {Percent(e.Lift)} |\n");
            sb.Append($"| Incremental | {Whole(e.Incremental)} |\n");
            sb.Append($"| Pre-fit RMSE | {Number(e.Fit.Rmse)} |\n");
            sb.Append($"| Inference | {(u is null ? "none" : Markdown(u.Description))} |\n");
            if (e.Money is { } m)
            {
                string level = Level(report.Level);
                sb.Append($"| Treated spend | {Whole(m.TreatedSpend)} |\n");
                sb.Append($"| Incremental spend | {Whole(m.IncrementalSpend)}{(m.Estimated ? $" ({level} CI {Whole(m.IncrementalSpendCi.Lower)} to {Whole(m.IncrementalSpendCi.Upper)})" : "")} |\n");
                sb.Append($"| iROAS | {RatioValue(m.Iroas)} ({level} CI {RatioInterval(m.Iroas)}) |\n");
                sb.Append($"| Cost per incremental conversion | {RatioValue(m.CostPerIncrementalConversion)} ({level} CI {RatioInterval(m.CostPerIncrementalConversion)}) |\n");
            }
        }
        if (report.Estimates.Any(e => e.Money is not null))
        {
            sb.Append($"\n{Markdown(MoneyNote(report.Estimates.Where(e => e.Money is not null).ToArray()))}\n");
        }
        sb.Append($"\n{Markdown(AlwaysValidNote(report.Level))}\n");
        sb.Append("\n## Guardrails\n\n");
        if (report.Guardrails.Count == 0)
        {
            sb.Append("No guardrails were checked.\n");
        }
        foreach (var g in report.Guardrails)
        {
            sb.Append($"- **{Markdown(g.Name)}**: {g.Status.ToString().ToLowerInvariant()}. {Markdown(g.Message)}\n");
        }
        return sb.ToString();
    }

    /// <summary>Writes the Markdown as UTF-8 (no byte-order mark) to <paramref name="stream"/>, which stays open.</summary>
    public static void Write(LiftReport report, Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        stream.Write(new UTF8Encoding(false).GetBytes(ToMarkdown(report)));
    }
}
