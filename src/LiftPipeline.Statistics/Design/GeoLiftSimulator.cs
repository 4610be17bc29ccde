namespace LiftPipeline.Statistics.Design;

/// <summary>
/// GeoLift's power simulation, fast: the de-meaned synthetic control of the treated markets' average, with the work
/// shared across simulations (Gram matrices from cross-product prefix sums, one pre-window fit per window for every
/// effect size, warm-started refits, permutations as re-sums of residuals).
/// </summary>
internal sealed class GeoLiftSimulator : IGeoSimulator
{
    private readonly GeoDesignPanel _data;
    private readonly GeoDesignOptions _options;

    public GeoLiftSimulator(GeoDesignPanel data, GeoDesignOptions options)
    {
        _data = data;
        _options = options;
    }

    public void Simulate(ReadOnlySpan<int> treated, ReadOnlySpan<int> donors, GeoWindow window, ReadOnlySpan<double> effects, Span<GeoSimulation> results) =>
        throw new NotImplementedException($"issue 12: GeoLift simulation on {_data.N} markets, {_options.Permutations} permutations");
}
