using LiftPipeline.Statistics.Design;
using static LiftPipeline.Pipeline.Reports.ReportText;

namespace LiftPipeline.Pipeline.Reports;

/// <summary>Sentences and selections shared by the design report's HTML and Markdown writers (unescaped: callers escape).</summary>
internal static class DesignText
{
    /// <summary>Rows of the candidate table in the HTML page.</summary>
    public const int TableRows = 25;

    /// <summary>Distinct sets of markets whose power curves are drawn, per cell.</summary>
    public const int ChartedCandidates = 3;

    /// <summary>"chicago, portland"</summary>
    public static string Markets(IReadOnlyList<string> locations) => string.Join(", ", locations);

    /// <summary>
    /// "Campaign geo-plan: test chicago, portland for 15 periods: MDE 10.0% at power 0.9 (alpha 0.1), investment 64,564;
    /// 330 simulations on 40 markets × 90 periods of Y." or, when nothing reaches the power, what to try instead.
    /// </summary>
    public static string Headline(DesignReport report)
    {
        var d = report.Dataset;
        string basis = $"{report.Simulations:N0} simulations on {d.Units} markets × {d.Periods} periods of {d.Metric}.";
        var chosen = report.Chosen;
        if (chosen.All(c => c is null))
        {
            return $"Campaign {report.Campaign}: no design reaches power {Number(report.Options.Power)} at the effect sizes simulated; "
                + $"try larger effect sizes, longer durations or more markets. {basis}";
        }
        var parts = chosen.Select((c, i) => c is null
            ? $"cell {i + 1}: no design reaches the power"
            : $"{(report.IsMultiCell ? $"cell {i + 1}: " : "")}test {Markets(c.Locations)} for {c.Duration} periods: MDE {Percent(c.EffectSize)} at power {Number(c.Power)} ({Level(report.Options)}), investment {Whole(c.Investment)}");
        return $"Campaign {report.Campaign}: {string.Join("; ", parts)}; {basis}";
    }

    /// <summary>The false-positive sentence of a candidate: its rate at effect 0, flagged when over twice alpha.</summary>
    public static string Calibration(DesignReport report, MarketCandidate c) => c.FalsePositiveRate is not { } rate
        ? "false-positive rate not measured"
        : report.NotCalibrated(rate)
            ? $"false-positive rate {Percent(rate)} at effect 0, over twice {(report.Options.AlwaysValid ? "the test level" : "alpha")}: test not calibrated, its power is not to be trusted"
            : $"false-positive rate {Percent(rate)} at effect 0 ({TestLevel(report.Options)})";

    /// <summary>The level each simulated test rejects at: "alpha 0.1" (GeoLift's test), or "test level 0.0024" (the always-valid plan).</summary>
    public static string TestLevel(GeoDesignOptions options) => options.AlwaysValid ? $"test level {Small(options.TestAlpha)}" : $"alpha {Number(options.Alpha)}";

    /// <summary>A small level to three significant digits (0.0024 stays 0.0024).</summary>
    private static string Small(double level) => level.ToString("G3", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>
    /// The interval planned for: "alpha 0.1" for GeoLift's fixed-horizon test, "always-valid at alpha 0.05: each test at
    /// 0.0024" for the interval the nightly decisions read.
    /// </summary>
    public static string Level(GeoDesignOptions options) => options.AlwaysValid
        ? $"always-valid at alpha {Number(options.Alpha)}: each test at {Small(options.TestAlpha)}"
        : $"alpha {Number(options.Alpha)}";

    /// <summary>The first <see cref="ChartedCandidates"/> distinct sets of markets of a cell, in rank order.</summary>
    public static IReadOnlyList<IReadOnlyList<string>> Charted(DesignCell cell)
    {
        var sets = new List<IReadOnlyList<string>>();
        foreach (var c in cell.Selection.Candidates)
        {
            if (sets.Count == ChartedCandidates)
            {
                break;
            }
            if (!sets.Any(s => s.SequenceEqual(c.Locations, StringComparer.Ordinal)))
            {
                sets.Add(c.Locations);
            }
        }
        return sets;
    }

    /// <summary>The MDE of <paramref name="locations"/> at <paramref name="duration"/> in the cell's table, or null when that design was not kept.</summary>
    public static double? MdeOf(DesignCell cell, IReadOnlyList<string> locations, int duration) =>
        cell.Selection.Candidates.FirstOrDefault(c => c.Duration == duration && c.Locations.SequenceEqual(locations, StringComparer.Ordinal))?.EffectSize;

    /// <summary>The durations a curve was simulated at, ascending.</summary>
    public static IReadOnlyList<int> Durations(GeoPowerCurve curve) => curve.Points.Select(p => p.Duration).Distinct().Order().ToArray();

    /// <summary>The options in one line: "sizes 2, 3; durations 10, 15; effect sizes 0%, 5%, …; estimator geolift; …".</summary>
    public static string Settings(DesignReport report)
    {
        var o = report.Options;
        var parts = new List<string>
        {
            $"sizes {(o.Sizes is null ? "default" : string.Join(", ", o.Sizes))}",
            $"durations {(o.TreatmentPeriods is null ? "default" : string.Join(", ", o.TreatmentPeriods))}",
            $"effect sizes {string.Join(", ", o.EffectSizes.Select(Percent))}",
        };
        if (o.Include.Count > 0)
        {
            parts.Add($"include {Markets(o.Include)}");
        }
        if (o.Exclude.Count > 0)
        {
            parts.Add($"exclude {Markets(o.Exclude)}");
        }
        if (o.Controls is { } controls)
        {
            parts.Add($"controls {Markets(controls)}");
        }
        parts.Add($"cpic {Number(o.Cpic)}");
        parts.Add(o.Budget is { } budget ? $"budget {Whole(budget)}" : "no budget");
        parts.Add($"{Level(o)}, target power {Number(o.Power)}, lookback {o.Lookback}, calibration windows {o.CalibrationWindows}");
        parts.Add($"estimator {o.Estimator}, {o.Permutations} {DesignJson.PermutationName(o.Permutation)} permutations, {(o.Side == TestSide.OneSided ? "one-sided" : "two-sided")}, seed {o.Seed}");
        parts.Add($"ranked by {(o.Ranking == DesignRanking.GeoLift ? "GeoLift's rank" : "MDE, then investment, then imbalance")}");
        if (o.HoldoutRange is { } h)
        {
            parts.Add($"holdout {Percent(h.Min)} to {Percent(h.Max)}");
        }
        if (o.Cells > 1)
        {
            parts.Add($"{o.Cells} cells");
        }
        return string.Join("; ", parts);
    }
}
