using System.Globalization;
using LiftPipeline.Statistics.Inference;

namespace LiftPipeline.Statistics.Design;

/// <summary>
/// Checks a geo design's options against its data before anything is simulated, each failure one line naming the
/// option and the value, and resolves market names (case-insensitively, as GeoLift lower-cases them) to panel rows.
/// </summary>
internal static class GeoDesignValidation
{
    /// <summary>The options every geo design shares: alpha, power, permutations, effect sizes, cpic, lookback, calibration, holdout range.</summary>
    /// <exception cref="ArgumentException">An option out of range.</exception>
    public static void Common(GeoDesignOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Require(options.Alpha > 0 && options.Alpha < 1, $"Alpha must be between 0 and 1 (got {Show(options.Alpha)}).");
        Require(options.Power > 0 && options.Power < 1, $"Power must be between 0 and 1 (got {Show(options.Power)}).");
        Require(options.Permutations >= 1, $"Permutations must be at least 1 (got {options.Permutations}).");
        if (options.AlwaysValid && options.Alpha > 0 && options.Alpha < 1 && options.Permutation == ConformalPermutation.Iid)
        {
            // The smallest p-value of the permutation test is 1/(permutations + 1); it must fall below the level tested.
            int needed = (int)Math.Floor(1 / options.TestAlpha);
            Require(options.Permutations >= needed,
                $"Permutations {options.Permutations} cannot reach the always-valid test level {Show(options.TestAlpha)} (alpha {Show(options.Alpha)}): the smallest p-value is 1/{options.Permutations + 1}; give at least {needed} permutations, or plan a fixed-horizon test.");
        }
        Require(options.EffectSizes is { Count: > 0 }, "Effect sizes must list at least one effect size.");
        foreach (double e in options.EffectSizes)
        {
            Require(double.IsFinite(e) && e > -1, $"Effect sizes must be finite and above −1 (a lift of −100% or less is impossible); got {Show(e)}.");
        }
        Require(double.IsFinite(options.Cpic) && options.Cpic >= 0, $"Cpic (cost per incremental conversion) must be 0 or more (got {Show(options.Cpic)}).");
        Require(options.Lookback >= 1, $"Lookback must be at least 1 window (got {options.Lookback}).");
        Require(options.CalibrationWindows >= 0, $"Calibration windows must be 0 or more (got {options.CalibrationWindows}).");
        Require(options.Budget is null || double.IsFinite(options.Budget.Value), "Budget must be a finite number.");
        if (options.HoldoutRange is { } range)
        {
            Require(range.Min >= 0 && range.Max <= 1 && range.Min < range.Max,
                $"Holdout range must be two shares 0 ≤ min < max ≤ 1 (got {Show(range.Min)}, {Show(range.Max)}).");
        }
    }

    /// <summary>The test durations (the options' or the default T/10 and T/5), each leaving at least 2 pre periods in the oldest lookback window.</summary>
    /// <exception cref="ArgumentException">A duration below 1 or too long for the history and lookback.</exception>
    public static int[] Durations(GeoDesignPanel data, GeoDesignOptions options)
    {
        var durations = options.TreatmentPeriods is { Count: > 0 } given
            ? given.Distinct().ToArray()
            : new[] { Math.Max(1, (int)Math.Round(data.T / 10.0)), Math.Max(1, (int)Math.Round(data.T / 5.0)) }.Distinct().ToArray();
        Require(options.TreatmentPeriods is null || options.TreatmentPeriods.Count > 0, "Treatment periods must list at least one duration.");
        foreach (int d in durations)
        {
            Require(d >= 1, $"Treatment periods must be at least 1 (got {d}).");
            int t0 = data.T - options.Lookback + 1 - d;
            Require(t0 >= 2, $"Treatment periods {d} with lookback {options.Lookback} leave {Math.Max(t0, 0)} pre-test periods of {data.T}; at least 2 are needed (shorten the test or the lookback).");
        }
        if (options.AlwaysValid && options.Permutation == ConformalPermutation.MovingBlock)
        {
            // The T cyclic shifts give p-values of at least 1/T.
            Require(1.0 / data.T < options.TestAlpha,
                $"Block permutations cannot reach the always-valid test level {Show(options.TestAlpha)} (alpha {Show(options.Alpha)}): with {data.T} periods the smallest p-value is 1/{data.T}; use iid permutations, or plan a fixed-horizon test.");
        }
        return durations;
    }

    /// <summary>The panel rows of <paramref name="names"/>, matched case-insensitively.</summary>
    /// <exception cref="ArgumentException">A name not in the panel, or a name given twice.</exception>
    public static int[] Markets(GeoDesignPanel data, IReadOnlyList<string> names, string what)
    {
        ArgumentNullException.ThrowIfNull(names);
        var rows = new int[names.Count];
        for (int k = 0; k < names.Count; k++)
        {
            int row = -1;
            for (int i = 0; i < data.N && row < 0; i++)
            {
                row = string.Equals(data.Units[i], names[k].Trim(), StringComparison.OrdinalIgnoreCase) ? i : -1;
            }
            Require(row >= 0, $"Unknown {what} market '{names[k]}': it is not in the panel's {data.N} markets.");
            Require(Array.IndexOf(rows, row, 0, k) < 0, $"The {what} market '{names[k]}' is listed twice.");
            rows[k] = row;
        }
        return rows;
    }

    /// <summary>Throws <see cref="ArgumentException"/> with <paramref name="message"/> unless <paramref name="condition"/> holds.</summary>
    public static void Require(bool condition, string message)
    {
        if (!condition)
        {
            throw new ArgumentException(message);
        }
    }

    public static string Show(double value) => value.ToString("G6", CultureInfo.InvariantCulture);
}
