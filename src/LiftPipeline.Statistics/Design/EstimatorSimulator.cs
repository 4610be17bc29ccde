using LiftPipeline.Statistics.Estimators;

namespace LiftPipeline.Statistics.Design;

/// <summary>
/// Simulates geo tests with any registered panel estimator (SDID, SC, …): each simulation builds the block panel of
/// donors and treated markets over the window, lifts the treated cells, estimates, and tests no effect by the conformal
/// permutation test of a refit on all periods.
/// </summary>
internal sealed class EstimatorSimulator : IGeoSimulator
{
    private readonly GeoDesignPanel _data;
    private readonly GeoDesignOptions _options;
    private readonly IPanelEstimator _estimator;

    public EstimatorSimulator(GeoDesignPanel data, GeoDesignOptions options, IPanelEstimator estimator)
    {
        _data = data;
        _options = options;
        _estimator = estimator;
    }

    public void Simulate(ReadOnlySpan<int> treated, ReadOnlySpan<int> donors, GeoWindow window, ReadOnlySpan<double> effects, Span<GeoSimulation> results) =>
        throw new NotImplementedException($"issue 12: {_estimator.Name} simulation on {_data.N} markets, {_options.Permutations} permutations");
}
