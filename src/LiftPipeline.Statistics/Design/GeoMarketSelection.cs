namespace LiftPipeline.Statistics.Design;

/// <summary>GeoLift's market selection (GeoLiftMarketSelection): candidates by correlation, simulated power, MDE, ranked.</summary>
public static class GeoMarketSelection
{
    /// <summary>Simulates every candidate × duration × effect size × lookback window and ranks the candidates.</summary>
    /// <exception cref="ArgumentException">The options do not fit the data (unknown market, size larger than the markets, duration too long).</exception>
    /// <exception cref="MeasurementNotPossibleException">No candidate can be simulated.</exception>
    public static MarketSelection Select(GeoDesignPanel data, GeoDesignOptions options, IProgress<DesignProgress>? progress = null, CancellationToken cancellationToken = default) =>
        throw new NotImplementedException("issue 12: market selection engine");
}

/// <summary>GeoLift's power analysis of chosen test markets (GeoLiftPower).</summary>
public static class GeoPowerAnalysis
{
    /// <summary>The power curve of <paramref name="locations"/> for every duration × effect size, with calibration.</summary>
    /// <exception cref="ArgumentException">An unknown market, or options that do not fit the data.</exception>
    public static GeoPowerCurve Curve(GeoDesignPanel data, IReadOnlyList<string> locations, GeoDesignOptions options, IProgress<DesignProgress>? progress = null, CancellationToken cancellationToken = default) =>
        throw new NotImplementedException("issue 12: power engine");
}
