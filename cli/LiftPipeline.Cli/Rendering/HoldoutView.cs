using System.Globalization;
using LiftPipeline.Statistics.Guardrails;
using LiftPipeline.Statistics.Measurement;
using Spectre.Console;

namespace LiftPipeline.Cli.Rendering;

/// <summary>The human view of a holdout measurement: arms, overall contrasts, significant segments, tails and guardrails.</summary>
internal static class HoldoutView
{
    public static void Render(IAnsiConsole console, string file, HoldoutMeasurement m)
    {
        console.MarkupLine($"[bold]{Markup.Escape(file)}[/]: holdout, control [bold]{Markup.Escape(m.Control)}[/], {Percent(m.Level)} intervals");
        var arms = new Table().Border(TableBorder.Rounded).AddColumns("arm", "customers", "exposed", "spend");
        foreach (var arm in m.Arms)
        {
            arms.AddRow(Markup.Escape(arm.Arm), arm.N.ToString("N0", CultureInfo.InvariantCulture), arm.Exposed.ToString("N0", CultureInfo.InvariantCulture), Number(arm.Spend));
        }
        console.Write(arms);
        var table = new FittedTable(
            new FitColumn("comparison", WrapWidth: 18), new FitColumn("metric"), new FitColumn("absolute", 5, Right: true), new FitColumn("CI", 4),
            new FitColumn("relative", Right: true), new FitColumn("CI"), new FitColumn("always valid"), new FitColumn("p", Right: true),
            new FitColumn("incremental", 3, Right: true), new FitColumn("iROAS", 2, Right: true), new FitColumn("cost/incr. conv.", 1, Right: true));
        var harmedRows = new HashSet<int>();
        int row = 0;
        foreach (var c in m.Contrasts.Where(c => c.Segment is null && c.Surface is null && c.Market is null))
        {
            string kind = c.Kind switch { ContrastKind.OnTreated => " (on exposed)", ContrastKind.Ratio => " (ratio)", _ => c.Cuped ? " (CUPED)" : "" };
            // A guardrail metric an arm harms: the word on the row's second line and the row in red, so the mark does not rest on colour.
            bool harmed = m.Harms.Any(h => h.Contrast == c);
            if (harmed)
            {
                harmedRows.Add(row);
            }
            row++;
            table.AddRow(
                $"{c.Treatment} vs {c.Control}{kind}{(harmed ? "\n⚠ harmed" : "")}", c.Metric, Number(c.Absolute), Range(c.Ci, Number), Percent(c.Relative), Range(c.RelativeCi, Percent),
                Range(c.AlwaysValidRelativeCi, Percent), P(c.PValue), Number(c.Incremental), Number(c.Iroas ?? double.NaN), Number(c.CostPerIncrementalConversion ?? double.NaN));
        }
        table.Write(console, (r, _, text) => harmedRows.Contains(r) ? $"[red]{text}[/]" : text);
        var notable = m.Contrasts.Where(c => c.PAdjusted is { } p && p < 1 - m.Level).ToArray();
        foreach (var c in notable)
        {
            string where = c.Segment is not null ? $"segment {c.Segment}" : c.Surface is not null ? $"surface {c.Surface}" : $"market {c.Market}";
            console.MarkupLine(Markup.Escape($"  {c.Treatment} vs {c.Control}, {c.Metric}, {where}: {Percent(c.Relative)} {Range(c.RelativeCi, Percent)}, adjusted p {P(c.PAdjusted!.Value)}"));
        }
        foreach (var t in m.Tails)
        {
            console.MarkupLine(Markup.Escape($"tail of {t.Metric}: ξ = {Number(t.TailIndex)} ± {Number(t.StandardError)}{(t.TooHeavy ? " — too heavy for a normal interval; cap it (--cap-quantile)" : "")}{(t.Cap is { } cap ? $", capped at {Number(cap)}" : "")}"));
        }
        foreach (var g in m.Guardrails)
        {
            string color = g.Status switch { GuardrailStatus.Breach => "red", GuardrailStatus.Warn => "yellow", _ => "green" };
            console.MarkupLine($"[{color}]{Markup.Escape(g.Name)} {g.Status.ToString().ToLowerInvariant()}[/]: {Markup.Escape(g.Message)}");
        }
    }

    private static string Number(double v) => double.IsFinite(v) ? v.ToString("#,##0.####", CultureInfo.InvariantCulture) : "-";

    private static string Percent(double v) => double.IsFinite(v) ? (100 * v).ToString("0.00", CultureInfo.InvariantCulture) + "%" : "-";

    private static string P(double v) => double.IsFinite(v) ? (v < 0.0001 ? "<0.0001" : v.ToString("0.0000", CultureInfo.InvariantCulture)) : "-";

    private static string Range(Interval i, Func<double, string> format) =>
        double.IsFinite(i.Lower) || double.IsFinite(i.Upper) ? $"[{format(i.Lower)}, {format(i.Upper)}]" : "-";
}
