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
        console.MarkupLine(Markup.Escape(Level(options)));
    }

    /// <summary>Which interval the design plans for, as JSON and the views name it: <c>always-valid</c> or <c>fixed-horizon</c>.</summary>
    public static string Interval(GeoDesignOptions options) => options.AlwaysValid ? "always-valid" : "fixed-horizon";

    /// <summary>The interval planned for and the level each simulated test rejects at, in one line that fits 100 columns.</summary>
    public static string Level(GeoDesignOptions options) => options.AlwaysValid
        ? $"Planned for the always-valid interval at alpha {Number(options.Alpha)}: each simulated test rejects at {Number(options.TestAlpha, "G3")}."
        : $"Planned for GeoLift's fixed-horizon test at alpha {Number(options.Alpha)}, read once at the end.";

    /// <summary>Why each simulated test rejects at its level, for the JSON.</summary>
    public static string LevelReason(GeoDesignOptions options) => options.AlwaysValid
        ? $"At the test's end the always-valid interval at alpha {Number(options.Alpha)}, which the nightly decisions read, excludes 0 exactly when a fixed-horizon test at {Number(options.TestAlpha, "G3")} rejects (--fixed-horizon plans GeoLift's test at --alpha instead)."
        : "GeoLift's fixed-horizon test, read once at the end; decisions re-read every night use the always-valid interval (plan for it without --fixed-horizon).";

    /// <summary>The top <paramref name="top"/> candidates of <paramref name="selection"/>, then the calibration note when one is flagged.</summary>
    public static void Render(IAnsiConsole console, MarketSelection selection, int top, string? title = null)
    {
        var candidates = selection.Candidates;
        if (candidates.Count == 0)
        {
            console.MarkupLine(Markup.Escape($"{title}{(title is null ? "" : ": ")}{NoCandidate(selection.Options)}"));
            return;
        }
        double alpha = selection.Options.TestAlpha;
        var shown = candidates.Take(top).ToArray();
        var cells = shown.Select(c => Cells(c, alpha)).ToArray();
        var keep = Fit(cells, console.Profile.Width);
        var table = new Table().Border(TableBorder.Rounded);
        if (title is not null)
        {
            table.Title(Markup.Escape(title));
        }
        foreach (int k in keep)
        {
            var column = new TableColumn(Columns[k].Header);
            table.AddColumn(k >= 2 ? column.RightAligned() : column);
        }
        for (int r = 0; r < shown.Length; r++)
        {
            bool uncalibrated = !DesignTrust.IsCalibrated(shown[r].FalsePositiveRate, alpha);
            bool biased = !DesignTrust.TracksEffect(shown[r]);
            table.AddRow(keep.Select(k => (k == Fpr && uncalibrated) || (k == LiftAtMde && biased) ? $"[red]{Markup.Escape(cells[r][k])}[/]" : Markup.Escape(cells[r][k])).ToArray());
        }
        console.Write(table);
        bool flagged = shown.Any(c => !DesignTrust.IsCalibrated(c.FalsePositiveRate, alpha));
        string count = candidates.Count > top ? $"top {top} of {candidates.Count} candidates (--top, or --json for all)" : $"{candidates.Count} candidate{(candidates.Count == 1 ? "" : "s")}";
        if (keep.Length < Columns.Length)
        {
            console.MarkupLine(Markup.Escape($"Left out to fit {console.Profile.Width} columns: {string.Join(", ", Enumerable.Range(0, Columns.Length).Except(keep).Select(k => Columns[k].Header))} (a wider terminal or --json shows them)."));
        }
        console.MarkupLine(Markup.Escape($"{count}. " + string.Join("; ", keep.Select(k => Columns[k].Legend?.Replace("{power}", Number(selection.Options.Power), StringComparison.Ordinal)).OfType<string>()) + "."));
        if (flagged)
        {
            console.MarkupLine(Markup.Escape($"{NotCalibrated} test not calibrated: rejects in more than 2 × {Number(alpha, "G3")} = {Percent(DesignTrust.CalibrationTolerance * alpha)} of windows with no effect; its power is not to be trusted."));
        }
        if (keep.Contains(LiftAtMde) && shown.Any(c => !DesignTrust.TracksEffect(c)))
        {
            console.MarkupLine(Markup.Escape($"{NotCalibrated} lift at MDE more than half the MDE away from it: the fit's bias, not the effect, makes the test reject."));
        }
        if (selection.Options.Ranking == DesignRanking.Mde && shown.Any(c => !DesignTrust.IsTrusted(c, alpha)))
        {
            console.MarkupLine(Markup.Escape($"Designs marked {NotCalibrated} rank after the others."));
        }
    }

    /// <summary>Why a selection has no row, naming the flags to change and their values.</summary>
    public static string NoCandidate(GeoDesignOptions options)
    {
        string effects = string.Join(",", options.EffectSizes.Select(e => e.ToString(CultureInfo.InvariantCulture)));
        string budget = options.Budget is double b ? $" within --budget {Number(b, "0.##")}" : "";
        return $"no candidate reaches --power {Number(options.Power)} at any of --effect-sizes {effects}{budget}; add larger --effect-sizes, "
            + $"longer --treatment-periods or larger --sizes{(budget.Length > 0 ? ", raise --budget" : "")}, or lower --power.";
    }

    /// <summary>A column of the table and, when the console is narrow, the order it is left out in (1 first; 0 never).</summary>
    private readonly record struct Column(string Header, int DropOrder, string? Legend = null);

    private const int Fpr = 5;
    private const int LiftAtMde = 8;
    private const int LocationsWrapWidth = 28;

    private static readonly Column[] Columns =
    [
        new("rank", 0), new("locations", 0), new("periods", 0), new("MDE", 0, "MDE: smallest simulated effect with power above {power}"), new("power", 7),
        new("FPR", 0, "FPR: false-positive rate at effect 0 over the calibration windows"), new("investment", 0), new("avg ATT", 4),
        new("lift at MDE", 6, "lift at MDE: mean detected lift there"), new("share", 5, "share: of the historical outcome in the test markets"),
        new("holdout", 2), new("sL2", 3, "sL2: scaled L2 imbalance of the pre-period fit"), new("corr", 1, "corr: correlation of the test markets' total with the other markets' total"),
    ];

    /// <summary>One candidate's cells, plain text, in <see cref="Columns"/> order.</summary>
    private static string[] Cells(MarketCandidate c, double alpha) =>
    [
        c.Rank.ToString(CultureInfo.InvariantCulture),
        string.Join(", ", c.Locations),
        c.Duration.ToString(CultureInfo.InvariantCulture),
        Percent(c.EffectSize),
        Number(c.Power, "0.00"),
        c.FalsePositiveRate is double rate ? Number(rate, "0.00") + (!DesignTrust.IsCalibrated(rate, alpha) ? " " + NotCalibrated : "") : "-",
        Number(c.Investment, "N0"),
        Number(c.AvgAtt, "N1"),
        Share(c.AverageMde) + (DesignTrust.TracksEffect(c) ? "" : " " + NotCalibrated),
        Share(c.ProportionTotalY),
        Share(c.Holdout),
        Number(c.AvgScaledL2Imbalance, "0.0000"),
        Number(c.Correlation, "0.000"),
    ];

    /// <summary>
    /// The columns that fit <paramref name="width"/> (locations may wrap to <see cref="LocationsWrapWidth"/>), leaving out the
    /// least needed first; the ones that identify a design, its MDE, calibration and cost always stay.
    /// </summary>
    private static int[] Fit(string[][] rows, int width)
    {
        var widths = new int[Columns.Length];
        for (int k = 0; k < Columns.Length; k++)
        {
            widths[k] = Math.Max(Columns[k].Header.Length, rows.Max(r => r[k].Length));
        }
        widths[1] = Math.Min(widths[1], LocationsWrapWidth);
        var keep = Enumerable.Range(0, Columns.Length).ToList();
        foreach (int k in keep.Where(k => Columns[k].DropOrder > 0).OrderBy(k => Columns[k].DropOrder).ToArray())
        {
            if (1 + keep.Sum(i => widths[i] + 3) <= width)
            {
                break;
            }
            keep.Remove(k);
        }
        return [.. keep];
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
