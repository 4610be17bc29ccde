using System.Globalization;
using LiftPipeline.Statistics.Design;
using Spectre.Console;

namespace LiftPipeline.Cli.Rendering;

/// <summary>
/// The human view of <c>lift design</c>: one ranked table of candidates (per cell for a multi-cell design), with a
/// visible flag on designs whose test rejects too often when nothing happens.
/// </summary>
internal static class DesignView
{
    /// <summary>The mark beside a false-positive rate above twice alpha, explained under the table.</summary>
    public const string NotCalibrated = "!";

    /// <summary>The header line: what was read and what was simulated.</summary>
    public static void Header(IAnsiConsole console, string file, GeoDesignPanel data, GeoDesignOptions options, int simulations)
    {
        string permutations = options.Permutation == Statistics.Inference.ConformalPermutation.Iid ? $"{options.Permutations:N0} iid permutations" : "block permutations";
        console.MarkupLine(Markup.Escape(
            $"{file}: {data.N} markets × {data.T} periods; {simulations:N0} simulations ({options.Estimator}, {permutations}, alpha {Number(options.Alpha)}, seed {options.Seed})"));
    }

    /// <summary>The top <paramref name="top"/> candidates of <paramref name="selection"/>, then the calibration note when one is flagged.</summary>
    public static void Render(IAnsiConsole console, MarketSelection selection, int top, string? title = null)
    {
        var candidates = selection.Candidates;
        if (candidates.Count == 0)
        {
            console.MarkupLine(Markup.Escape($"{title}{(title is null ? "" : ": ")}no candidate reaches power {Number(selection.Options.Power)} at any simulated effect size within the budget; try larger effect sizes, longer durations or more markets."));
            return;
        }
        double alpha = selection.Options.Alpha;
        var table = new Table().Border(TableBorder.Rounded);
        if (title is not null)
        {
            table.Title(Markup.Escape(title));
        }
        table.AddColumns("rank", "locations", "periods", "MDE", "power", "FPR", "investment", "avg ATT", "lift at MDE", "share", "holdout", "sL2", "corr");
        foreach (var column in table.Columns.Skip(2))
        {
            column.RightAligned();
        }
        bool flagged = false;
        foreach (var c in candidates.Take(top))
        {
            bool uncalibrated = c.FalsePositiveRate > 2 * alpha;
            flagged |= uncalibrated;
            table.AddRow(
                c.Rank.ToString(CultureInfo.InvariantCulture),
                Markup.Escape(string.Join(", ", c.Locations)),
                c.Duration.ToString(CultureInfo.InvariantCulture),
                Percent(c.EffectSize),
                Number(c.Power, "0.00"),
                c.FalsePositiveRate is double rate ? (uncalibrated ? $"[red]{Number(rate, "0.00")} {NotCalibrated}[/]" : Number(rate, "0.00")) : "-",
                Number(c.Investment, "N0"),
                Number(c.AvgAtt, "N1"),
                Share(c.AverageMde),
                Share(c.ProportionTotalY),
                Share(c.Holdout),
                Number(c.AvgScaledL2Imbalance, "0.0000"),
                Number(c.Correlation, "0.000"));
        }
        console.Write(table);
        string shown = candidates.Count > top ? $"top {top} of {candidates.Count} candidates (--top, or --json for all)" : $"{candidates.Count} candidate{(candidates.Count == 1 ? "" : "s")}";
        console.MarkupLine(Markup.Escape($"{shown}. MDE: smallest simulated effect with power above {Number(selection.Options.Power)}; lift at MDE: mean detected lift there;"));
        console.MarkupLine(Markup.Escape("FPR: false-positive rate at effect 0 over the calibration windows; share: of the historical outcome in the test markets;"));
        console.MarkupLine(Markup.Escape("sL2: scaled L2 imbalance of the pre-period fit; corr: correlation of the test markets' total with the other markets' total."));
        if (flagged)
        {
            console.MarkupLine(Markup.Escape($"{NotCalibrated} test not calibrated: rejects in more than 2 × alpha = {Percent(2 * alpha)} of windows with no effect; its power is not to be trusted."));
        }
    }

    /// <summary>A simulated effect size as a percentage with up to two decimals: 0.1 → 10%, 0.025 → 2.5%.</summary>
    public static string Percent(double value) => Percent(value, "0.##");

    /// <summary>A relative number as a percentage, <paramref name="format"/> applied to the percent.</summary>
    public static string Percent(double value, string format) =>
        double.IsFinite(value) ? (value * 100).ToString(format, CultureInfo.InvariantCulture) + "%" : "-";

    /// <summary>A measured share or lift as a percentage with two fixed decimals: 0.1 → 10.00%.</summary>
    public static string Share(double value) => Percent(value, "0.00");

    /// <summary>A number in the invariant culture, "-" when not finite.</summary>
    public static string Number(double value, string format = "G4") =>
        double.IsFinite(value) ? value.ToString(format, CultureInfo.InvariantCulture) : "-";
}
