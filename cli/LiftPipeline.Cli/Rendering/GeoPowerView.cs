using System.Globalization;
using LiftPipeline.Statistics.Design;
using Spectre.Console;

namespace LiftPipeline.Cli.Rendering;

/// <summary>
/// The human view of <c>lift power --design geo</c>: per duration, the power curve as a table with a text bar per
/// effect size, the smallest effect reaching the target power, and the false-positive rate at effect 0.
/// </summary>
internal static class GeoPowerView
{
    private const int BarWidth = 20;

    public static void Render(IAnsiConsole console, string file, GeoDesignPanel data, GeoPowerCurve curve, IReadOnlyList<string>? controls, GeoDesignOptions options)
    {
        string against = controls is null ? "every other market" : string.Join(", ", controls);
        console.MarkupLine(Markup.Escape($"{file}: test markets {string.Join(", ", curve.Locations)} against {against}; {data.N} markets × {data.T} periods, {curve.Simulations:N0} simulations"));
        console.MarkupLine(Markup.Escape(DesignView.Level(options)));
        Curves(console, curve, options, "");
    }

    /// <summary>
    /// Cells compared: per duration, each cell's curve (against the markets in no cell), then per ordered pair the lift
    /// the first cell needs, as a multiple of the second's, to be declared the winner.
    /// </summary>
    public static void RenderCells(IAnsiConsole console, string file, GeoDesignPanel data, IReadOnlyList<CellComparisons> comparisons, GeoDesignOptions options)
    {
        var cells = comparisons[0].Curves.Select(c => c.Locations).ToArray();
        console.MarkupLine(Markup.Escape($"{file}: {cells.Length} test cells, each against the markets in no cell; {data.N} markets × {data.T} periods"));
        console.MarkupLine(Markup.Escape(DesignView.Level(options)));
        foreach (var comparison in comparisons)
        {
            for (int c = 0; c < comparison.Curves.Count; c++)
            {
                Curves(console, comparison.Curves[c], options, $"cell {c + 1} ({string.Join(", ", comparison.Curves[c].Locations)}), ");
            }
            var table = new Table().Border(TableBorder.Rounded).Title(Markup.Escape($"{comparison.Duration} periods: lift a cell needs to beat another"));
            table.AddColumns("cell", "beats cell", "at base lift", "needs", "lift");
            foreach (var column in table.Columns.Skip(2))
            {
                column.RightAligned();
            }
            foreach (var pair in comparison.Pairs)
            {
                table.AddRow(
                    DesignJson.CellNumber(cells, pair.CellA).ToString(CultureInfo.InvariantCulture),
                    DesignJson.CellNumber(cells, pair.CellB).ToString(CultureInfo.InvariantCulture),
                    DesignView.Percent(pair.BaseLift),
                    pair.WinningMultiple is double m ? $"{DesignView.Number(m, "0.00")} ×" : "> 5 ×",
                    pair.WinningMultiple is double w ? DesignView.Percent(w * pair.BaseLift) : "-");
            }
            console.Write(table);
        }
        console.MarkupLine(Markup.Escape("needs: the smallest multiple of the base lift (1, 1.05, …, 5) at which the cell's interval of incremental conversions clears the other's; the base lift is the larger of the two cells' MDEs."));
    }

    private static void Curves(IAnsiConsole console, GeoPowerCurve curve, GeoDesignOptions options, string title)
    {
        foreach (var duration in curve.Points.Select(p => p.Duration).Distinct())
        {
            var points = curve.Points.Where(p => p.Duration == duration).OrderBy(p => p.EffectSize).ToList();
            var table = new Table().Border(TableBorder.Rounded).Title(Markup.Escape($"{title}{duration} periods"));
            table.AddColumns("effect", "power", "", "avg ATT", "detected lift", "scaled L2", "investment", "windows");
            for (int i = 1; i < table.Columns.Count; i++)
            {
                if (i != 2)   // the bar reads from the left
                {
                    table.Columns[i].RightAligned();
                }
            }
            foreach (var p in points)
            {
                table.AddRow(
                    DesignView.Percent(p.EffectSize),
                    DesignView.Number(p.Power, "0.00"),
                    Bar(p.Power),
                    DesignView.Number(p.AvgAtt, "N1"),
                    DesignView.Share(p.AvgDetectedLift),
                    DesignView.Number(p.AvgScaledL2Imbalance, "0.0000"),
                    DesignView.Number(p.Investment, "N0"),
                    p.Windows.ToString(CultureInfo.InvariantCulture));
            }
            console.Write(table);
            console.MarkupLine(Markup.Escape(Summary(points, curve.Calibration.FirstOrDefault(c => c.Duration == duration), options)));
        }
    }

    /// <summary>The smallest |effect| (not 0) whose power exceeds the target, and the false-positive rate with its flag.</summary>
    private static string Summary(List<GeoPowerPoint> points, GeoCalibration? calibration, GeoDesignOptions options)
    {
        var reached = GeoPowerCurve.Mde(points, options.Power);
        string mde = reached is null
            ? $"no effect of --effect-sizes reaches --power {DesignView.Number(options.Power)} (add larger --effect-sizes or longer --treatment-periods)"
            : $"smallest effect with power above {DesignView.Number(options.Power)}: {DesignView.Percent(reached.EffectSize)}";
        if (calibration is null)
        {
            return mde + ".";
        }
        string rate = $"false-positive rate at effect 0: {DesignView.Number(calibration.FalsePositiveRate, "0.00")} over {calibration.Windows} windows (alpha {DesignView.Number(options.TestAlpha, "G3")})";
        return !DesignTrust.IsCalibrated(calibration.FalsePositiveRate, options.TestAlpha)
            ? $"{mde}; {rate} {DesignView.NotCalibrated} test not calibrated: its power overstates what it can tell apart from noise."
            : $"{mde}; {rate}.";
    }

    private static string Bar(double power)
    {
        int filled = double.IsFinite(power) ? (int)Math.Round(Math.Clamp(power, 0, 1) * BarWidth) : 0;
        return new string('█', filled) + new string('·', BarWidth - filled);
    }
}
