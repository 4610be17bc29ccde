using LiftPipeline.Statistics.Estimators;

namespace LiftPipeline.Statistics.Design;

/// <summary>Chooses the simulator for a design's estimator: GeoLift's own fast path, or any registered estimator.</summary>
internal static class GeoSimulators
{
    /// <summary>A simulator for <see cref="GeoDesignOptions.Estimator"/>; one per thread.</summary>
    /// <exception cref="ArgumentException">The estimator is not in the registry.</exception>
    public static IGeoSimulator Create(GeoDesignPanel data, GeoDesignOptions options) =>
        string.Equals(options.Estimator, "geolift", StringComparison.OrdinalIgnoreCase)
            ? new GeoLiftSimulator(data, options)
            : new EstimatorSimulator(data, options, PanelEstimators.Create(options.Estimator, new PanelEstimatorSettings { Seed = options.Seed }));
}
