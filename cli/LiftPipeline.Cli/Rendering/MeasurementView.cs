using System.Globalization;
using LiftPipeline.Pipeline.Reports;
using LiftPipeline.Statistics.Measurement;
using Spectre.Console;

namespace LiftPipeline.Cli.Rendering;

/// <summary>
/// The human view of <c>lift measure</c>: one row per estimate, the primary estimate's always-valid interval and days to a
/// decision, spend and its returns when the export has spend, then weights and an effect chart per estimate.
/// </summary>
internal static class MeasurementView
{
    private const int MaxChartWidth = 40;
    private const int ChartMargin = 28;   // indent, period and effect columns, and the two axis characters
    private const int WeightsShown = 8;

    /// <param name="level">The intervals' confidence level (1 − <c>--alpha</c>), for the column title.</param>
    public static void Render(IAnsiConsole console, string file, PanelMeasurement measurement, double level = 0.95)
    {
        console.MarkupLine($"[bold]{Markup.Escape(file)}[/]: metric [bold]{Markup.Escape(measurement.Metric)}[/], {measurement.Units} units × {measurement.Periods} periods, treated: {Markup.Escape(string.Join(", ", measurement.TreatedUnits))}");
        bool cells = measurement.Estimates.Any(e => e.Cell is not null);
        var table = new FittedTable(
            new FitColumn("cell"), new FitColumn("estimator"), new FitColumn("ATT", Right: true), new FitColumn("se", 4, Right: true),
            new FitColumn($"{(level * 100).ToString("0.##", CultureInfo.InvariantCulture)}% CI", Right: true), new FitColumn("p", 5, Right: true), new FitColumn("lift", Right: true),
            new FitColumn("incremental", 3, Right: true), new FitColumn("pre-fit RMSE", 2, Right: true), new FitColumn("scaled L2", 1, Right: true));
        foreach (var estimate in measurement.Estimates)
        {
            var u = estimate.Uncertainty;
            table.AddRow(
                estimate.Cell ?? "-",
                estimate.Estimator,
                Format(estimate.Att),
                u is null ? "-" : Format(u.StandardError),
                u is null ? "-" : $"[{Format(u.CiLow)}, {Format(u.CiHigh)}]",
                u is null ? "-" : Format(u.PValue, "0.000"),
                Format(estimate.Lift * 100, "0.0") + "%",
                Format(estimate.Incremental, "N0"),
                Format(estimate.Fit.Rmse),
                Format(estimate.Fit.ScaledL2Imbalance, "0.0000"));
        }
        if (!cells)
        {
            table.Without("cell");
        }
        table.Write(console);
        var method = measurement.Estimates.Select(e => e.Uncertainty).FirstOrDefault(u => u is not null);
        if (method is not null)
        {
            console.MarkupLine($"se: {Markup.Escape(method.Description)}");
        }
        foreach (var estimate in measurement.Estimates)
        {
            foreach (var warning in estimate.Uncertainty?.Warnings ?? [])
            {
                string who = estimate.Cell is null ? estimate.Estimator : $"{estimate.Estimator} in {estimate.Cell}";
                console.MarkupLine($"[yellow]warning[/] ({Markup.Escape(who)}): {Markup.Escape(warning)}");
            }
        }
        RenderDecision(console, measurement, level);
        foreach (var estimate in measurement.Estimates.Where(e => e.Money is not null))
        {
            RenderMoney(console, estimate, level);
        }
        foreach (var estimate in measurement.Estimates)
        {
            RenderDetail(console, estimate);
        }
    }

    /// <summary>
    /// The primary estimate's always-valid interval (the one a campaign's nightly recommendation reads, by the report's own
    /// rule) and, while it contains 0, the days-to-decision sentence.
    /// </summary>
    private static void RenderDecision(IAnsiConsole console, PanelMeasurement measurement, double level)
    {
        var primary = measurement.Estimates.Count > 0 ? measurement.Estimates[0] : null;
        if (LiftReport.Basis(primary, 1 - level) is not { IsFinite: true } basis)
        {
            return;
        }
        string verdict = basis.Lower > 0 ? "lies above 0" : basis.Upper < 0 ? "lies below 0" : "contains 0";
        console.MarkupLine(Markup.Escape($"always-valid {Percent(level)} interval ({basis.Subject}): [{Format(basis.Lower)}, {Format(basis.Upper)}], {verdict} (what a nightly decision reads)"));
        if (verdict == "contains 0" && basis.Progress is { } progress)
        {
            console.MarkupLine(Markup.Escape(progress.Sentence()));
        }
    }

    /// <summary>One line of spend, iROAS and cost per incremental conversion with their intervals.</summary>
    private static void RenderMoney(IAnsiConsole console, MeasuredEstimate estimate, double level)
    {
        var m = estimate.Money!;
        string who = estimate.Cell is null ? estimate.Estimator : $"{estimate.Estimator} in {estimate.Cell}";
        string spend = m.Estimated
            ? $"{Format(m.IncrementalSpend, "N0")} [{Format(m.IncrementalSpendCi.Lower, "N0")}, {Format(m.IncrementalSpendCi.Upper, "N0")}]"
            : Format(m.IncrementalSpend, "N0");
        var parts = new List<string> { $"treated spend {Format(m.TreatedSpend, "N0")}", $"incremental spend {spend}" };
        if (m.Iroas is { } iroas)
        {
            parts.Add($"iROAS {Format(iroas.Value)} {Ratio(iroas, level)}");
        }
        if (m.CostPerIncrementalConversion is { } cost)
        {
            parts.Add($"cost per incremental conversion {Format(cost.Value)} {Ratio(cost, level)}");
        }
        console.MarkupLine($"money ({Markup.Escape(who)}): {Markup.Escape(string.Join("; ", parts))}");
    }

    private static string Ratio(MoneyRatio ratio, double level) => ratio.Undefined is { } why
        ? $"({Percent(level)} CI undefined: {why})"
        : $"{Percent(level)} CI [{Format(ratio.Ci.Lower)}, {Format(ratio.Ci.Upper)}]";

    private static string Percent(double level) => $"{(level * 100).ToString("0.##", CultureInfo.InvariantCulture)}%";

    private static void RenderDetail(IAnsiConsole console, MeasuredEstimate estimate)
    {
        console.WriteLine();
        console.MarkupLine($"[bold]{estimate.Estimator}[/]{(estimate.Cell is null ? "" : " — " + Markup.Escape(estimate.Cell))}");
        if (estimate.UnitWeights is { Count: > 0 } equalUnits && AllEqual(equalUnits.Select(w => w.Weight)))
        {
            console.MarkupLine($"  unit weights: equal, 1/{equalUnits.Count} on each control");
        }
        else if (estimate.UnitWeights is { Count: > 0 } weights)
        {
            var top = weights.Where(w => Math.Abs(w.Weight) > 5e-4).OrderByDescending(w => Math.Abs(w.Weight)).ToArray();
            var shown = string.Join(", ", top.Take(WeightsShown).Select(w => $"{w.Unit} {w.Weight.ToString("0.000", CultureInfo.InvariantCulture)}"));
            console.MarkupLine($"  unit weights: {Markup.Escape(shown)}{(top.Length > WeightsShown ? $" … ({top.Length - WeightsShown} more)" : "")}");
        }
        if (estimate.TimeWeights is { Count: > 0 } equalTimes && AllEqual(equalTimes.Select(w => w.Weight)))
        {
            console.MarkupLine($"  time weights: equal, 1/{equalTimes.Count} on each pre period");
        }
        else if (estimate.TimeWeights is { Count: > 0 } times)
        {
            var shown = string.Join(", ", times.Where(w => w.Weight > 5e-4).Select(w => $"{w.Period} {w.Weight.ToString("0.000", CultureInfo.InvariantCulture)}"));
            console.MarkupLine($"  time weights: {Markup.Escape(shown)}");
        }
        console.MarkupLine("  effect per period (observed − counterfactual):");
        int chartWidth = Math.Clamp((console.Profile.Width - ChartMargin) / 2, 10, MaxChartWidth);
        double scale = estimate.Effects.Count == 0 ? 0 : estimate.Effects.Max(e => Math.Abs(e.Effect));
        foreach (var effect in estimate.Effects)
        {
            int length = scale > 0 && double.IsFinite(effect.Effect) ? (int)Math.Round(Math.Abs(effect.Effect) / scale * chartWidth) : 0;
            string bar = effect.Effect < 0
                ? new string(' ', chartWidth - length) + new string('█', length) + "|"
                : new string(' ', chartWidth) + "|" + new string('█', length);
            console.MarkupLine($"  {Markup.Escape(effect.Period.ToString()),-12}{Format(effect.Effect),12} {bar}");
        }
    }

    private static bool AllEqual(IEnumerable<double> values)
    {
        var array = values.ToArray();
        return array.All(v => Math.Abs(v - array[0]) < 1e-12);
    }

    private static string Format(double value, string format = "0.000") =>
        double.IsFinite(value) ? value.ToString(format, CultureInfo.InvariantCulture) : "-";
}
