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
    /// <exception cref="GeoDesignOptionException">An option out of range.</exception>
    public static void Common(GeoDesignOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Require(options.Alpha > 0 && options.Alpha < 1, $"{{Alpha}} is {Show(options.Alpha)}; give a significance level strictly between 0 and 1, such as 0.05.");
        Require(options.Power > 0 && options.Power < 1, $"{{Power}} is {Show(options.Power)}; give a power strictly between 0 and 1, such as 0.8.");
        Require(options.Permutations >= 1, $"{{Permutations}} is {options.Permutations}; give at least 1 (GeoLift uses 1000).");
        if (options.AlwaysValid && options.Alpha > 0 && options.Alpha < 1 && options.Permutation == ConformalPermutation.Iid)
        {
            // The smallest p-value of the permutation test is 1/(permutations + 1); it must fall below the level tested.
            int needed = (int)Math.Floor(1 / options.TestAlpha);
            Require(options.Permutations >= needed,
                $"{{Permutations}} {options.Permutations} cannot reach the always-valid test level {Show(options.TestAlpha)} ({{Alpha}} {Show(options.Alpha)}): the smallest p-value is 1/{options.Permutations + 1}; give {{Permutations}} {needed} or more, or plan a fixed-horizon test ({{FixedHorizon}}).");
        }
        Require(options.EffectSizes is { Count: > 0 }, "{EffectSizes} lists no effect; give at least one, such as 0,0.05,0.1.");
        foreach (double e in options.EffectSizes)
        {
            Require(double.IsFinite(e) && e > -1, $"{{EffectSizes}} has {Show(e)}; give finite effects above −1 (a lift of −100% or less is impossible).");
        }
        Require(double.IsFinite(options.Cpic) && options.Cpic >= 0, $"{{Cpic}} is {Show(options.Cpic)}; give a cost per incremental conversion of 0 or more.");
        Require(options.Lookback >= 1, $"{{Lookback}} is {options.Lookback}; give at least 1 window.");
        Require(options.CalibrationWindows >= 0, $"{{CalibrationWindows}} is {options.CalibrationWindows}; give 0 (no calibration) or more windows.");
        Require(options.Budget is null || double.IsFinite(options.Budget.Value), "{Budget} is not a finite number; give the largest investment, or none for no limit.");
        if (options.HoldoutRange is { } range)
        {
            Require(range.Min >= 0 && range.Max <= 1 && range.Min < range.Max,
                $"{{HoldoutRange}} is {Show(range.Min)},{Show(range.Max)}; give two shares 0 ≤ min < max ≤ 1, such as 0.7,0.95.");
        }
    }

    /// <summary>The test durations (the options' or the default T/10 and T/5), each leaving at least 2 pre periods in the oldest lookback window.</summary>
    /// <exception cref="GeoDesignOptionException">A duration below 1 or too long for the history and lookback.</exception>
    public static int[] Durations(GeoDesignPanel data, GeoDesignOptions options)
    {
        var durations = options.TreatmentPeriods is { Count: > 0 } given
            ? given.Distinct().ToArray()
            : new[] { Math.Max(1, (int)Math.Round(data.T / 10.0)), Math.Max(1, (int)Math.Round(data.T / 5.0)) }.Distinct().ToArray();
        Require(options.TreatmentPeriods is null || options.TreatmentPeriods.Count > 0, "{TreatmentPeriods} lists no duration; give at least one, such as 10,15.");
        foreach (int d in durations)
        {
            Require(d >= 1, $"{{TreatmentPeriods}} has {d}; give durations of at least 1 period.");
            int t0 = data.T - options.Lookback + 1 - d;
            Require(t0 >= 2,
                $"{{TreatmentPeriods}} {d} with {{Lookback}} {options.Lookback} leaves {Math.Max(t0, 0)} pre-test periods of the history's {data.T}; at least 2 are needed: shorten {{TreatmentPeriods}} or {{Lookback}}.");
        }
        if (options.AlwaysValid && options.Permutation == ConformalPermutation.MovingBlock)
        {
            // The T cyclic shifts give p-values of at least 1/T.
            Require(1.0 / data.T < options.TestAlpha,
                $"{{Permutation}} block cannot reach the always-valid test level {Show(options.TestAlpha)} ({{Alpha}} {Show(options.Alpha)}): with {data.T} periods the smallest p-value is 1/{data.T}; use {{Permutation}} iid, or plan a fixed-horizon test ({{FixedHorizon}}).");
        }
        return durations;
    }

    /// <summary>
    /// The panel rows of <paramref name="names"/>, matched case-insensitively; <paramref name="option"/> is the option that
    /// lists them (<c>Include</c>, <c>Exclude</c>, <c>Controls</c>, <c>Locations</c>).
    /// </summary>
    /// <exception cref="GeoDesignOptionException">A name not in the panel, or a name given twice.</exception>
    public static int[] Markets(GeoDesignPanel data, IReadOnlyList<string> names, string option)
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
            Require(row >= 0, $"{{{option}}} names '{names[k]}', which is not one of the panel's {data.N} markets.");
            Require(Array.IndexOf(rows, row, 0, k) < 0, $"{{{option}}} lists '{names[k]}' twice.");
            rows[k] = row;
        }
        return rows;
    }

    /// <summary>Throws <see cref="GeoDesignOptionException"/> with <paramref name="template"/> unless <paramref name="condition"/> holds.</summary>
    public static void Require(bool condition, string template)
    {
        if (!condition)
        {
            throw new GeoDesignOptionException(template);
        }
    }

    public static string Show(double value) => value.ToString("G6", CultureInfo.InvariantCulture);
}
