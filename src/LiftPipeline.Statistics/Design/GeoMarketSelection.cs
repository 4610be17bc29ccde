namespace LiftPipeline.Statistics.Design;

/// <summary>GeoLift's market selection (GeoLiftMarketSelection): candidates by correlation, simulated power, MDE, ranked.</summary>
public static class GeoMarketSelection
{
    /// <summary>
    /// Simulates every candidate × duration × effect size × lookback window and ranks the candidates. Candidates are
    /// GeoLift's (see <see cref="GeoDesignOptions.Sizes"/>, <see cref="GeoDesignOptions.Include"/>,
    /// <see cref="GeoDesignOptions.Exclude"/>); each is simulated against every other market (the excluded ones
    /// included, as in GeoLift) or against <see cref="GeoDesignOptions.Controls"/> when given. A candidate whose power
    /// never exceeds <see cref="GeoDesignOptions.Power"/> at a non-zero effect has no row, but keeps its curves.
    /// Progress counts every simulation run, calibration windows included; <see cref="MarketSelection.Simulations"/>
    /// is GeoLift's count (candidates × durations × effect sizes × lookback windows).
    /// </summary>
    /// <exception cref="GeoDesignOptionException">The options do not fit the data (unknown market, size larger than the markets, duration too long).</exception>
    /// <exception cref="MeasurementNotPossibleException">A candidate cannot be simulated (the estimator cannot fit it).</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public static MarketSelection Select(GeoDesignPanel data, GeoDesignOptions options, IProgress<DesignProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(data);
        GeoDesignValidation.Common(options);
        GeoDesignValidation.Require(options.Cells == 1, $"Market selection designs one test cell ({{Cells}} {options.Cells}); use the multi-cell selection for more.");
        var include = GeoDesignValidation.Markets(data, options.Include, nameof(GeoDesignOptions.Include));
        var exclude = GeoDesignValidation.Markets(data, options.Exclude, nameof(GeoDesignOptions.Exclude));
        foreach (int i in include)
        {
            GeoDesignValidation.Require(Array.IndexOf(exclude, i) < 0, $"Market '{data.Units[i]}' is in both {{Include}} and {{Exclude}}.");
        }
        var controls = options.Controls is null ? null : GeoDesignValidation.Markets(data, options.Controls, nameof(GeoDesignOptions.Controls));
        var available = Enumerable.Range(0, data.N).Where(i => Array.IndexOf(exclude, i) < 0).ToArray();
        var sizes = options.Sizes is { Count: > 0 } given ? given.Distinct().ToArray() : MarketCandidates.DefaultSizes(data.N, include.Length);
        GeoDesignValidation.Require(sizes.Length > 0, $"No default size holds the {include.Length} markets of {{Include}}; give {{Sizes}} of at least {include.Length}.");
        foreach (int n in sizes)
        {
            GeoDesignValidation.Require(n >= 1 && n >= include.Length, $"{{Sizes}} has {n}, which cannot hold the {include.Length} markets of {{Include}}; give sizes of at least {Math.Max(1, include.Length)}.");
            GeoDesignValidation.Require(n <= available.Length && n < data.N, $"{{Sizes}} has {n}, more than the {Math.Min(available.Length, data.N - 1)} markets that can be tested (the rest must stay as donors); give sizes up to {Math.Min(available.Length, data.N - 1)}.");
        }
        var durations = GeoDesignValidation.Durations(data, options);

        var candidates = new List<int[]>();
        foreach (int n in sizes)
        {
            candidates.AddRange(MarketCandidates.Generate(data, available, n, include));
        }
        if (candidates.Count == 0)
        {
            throw new GeoDesignOptionException("No candidate test group of {Sizes} contains every market of {Include}; include fewer markets or give larger {Sizes}.");
        }
        var run = new GeoPowerRun(data, options, durations, candidates.Count, progress, cancellationToken);
        var curves = new List<GeoPowerCurve>(candidates.Count);
        foreach (var treated in candidates)
        {
            var donors = Donors(data, treated, controls);
            if (donors.Length == 0)
            {
                throw new GeoDesignOptionException($"Candidate {string.Join(", ", treated.Select(i => data.Units[i]))} leaves no donor market; give more {{Controls}} or smaller {{Sizes}}.");
            }
            curves.Add(run.Run(treated.Select(i => data.Units[i]).ToArray(), treated, donors));
        }
        var rows = MarketSelectionTable.Rank(data, candidates, curves, options);
        return new MarketSelection(rows, curves, checked(run.SimulationsPerCandidate * candidates.Count), options);
    }

    /// <summary>The donor pool of a test group: every other market, or the given controls that are not in the group.</summary>
    internal static int[] Donors(GeoDesignPanel data, int[] treated, int[]? controls) =>
        (controls ?? Enumerable.Range(0, data.N)).Where(i => Array.IndexOf(treated, i) < 0).Order().ToArray();
}

/// <summary>GeoLift's power analysis of chosen test markets (GeoLiftPower).</summary>
public static class GeoPowerAnalysis
{
    /// <summary>
    /// The power curve of <paramref name="locations"/> for every duration × effect size (averaged over the lookback
    /// windows), with the calibration at effect 0. The donors are every other market, or
    /// <see cref="GeoDesignOptions.Controls"/> when given (a pre-chosen split). Negative effect sizes simulate a budget
    /// decrease. <see cref="GeoDesignOptions.Sizes"/>, Include and Exclude do not apply.
    /// </summary>
    /// <exception cref="GeoDesignOptionException">An unknown market, or options that do not fit the data.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public static GeoPowerCurve Curve(GeoDesignPanel data, IReadOnlyList<string> locations, GeoDesignOptions options, IProgress<DesignProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(locations);
        GeoDesignValidation.Common(options);
        GeoDesignValidation.Require(locations.Count > 0, "{Locations} names no test market; give at least one.");
        var treated = GeoDesignValidation.Markets(data, locations, "Locations");
        var controls = options.Controls is null ? null : GeoDesignValidation.Markets(data, options.Controls, nameof(GeoDesignOptions.Controls));
        foreach (int i in controls ?? [])
        {
            GeoDesignValidation.Require(Array.IndexOf(treated, i) < 0, $"Market '{data.Units[i]}' is in both {{Locations}} and {{Controls}}.");
        }
        var durations = GeoDesignValidation.Durations(data, options);
        var donors = GeoMarketSelection.Donors(data, treated, controls);
        GeoDesignValidation.Require(donors.Length > 0, "No market is left as a donor; name fewer markets in {Locations} or more in {Controls}.");
        var run = new GeoPowerRun(data, options, durations, 1, progress, cancellationToken);
        return run.Run(treated.Select(i => data.Units[i]).ToArray(), treated, donors);
    }
}
