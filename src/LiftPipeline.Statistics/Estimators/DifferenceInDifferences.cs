using LiftPipeline.Statistics.Panels;
namespace LiftPipeline.Statistics.Estimators;

/// <summary>
/// Difference-in-differences (two-way fixed effects on a block design): equal weights on every control unit and
/// every pre period. The synthdid family's simplest configuration.
/// </summary>
public sealed class DifferenceInDifferences : IPanelEstimator
{
    /// <inheritdoc />
    public string Name => "did";

    /// <inheritdoc />
    public PanelEstimate Estimate(BlockPanel data)
    {
        var omega = new double[data.N0];
        Array.Fill(omega, 1.0 / data.N0);
        var lambda = new double[data.T0];
        Array.Fill(lambda, 1.0 / data.T0);
        return EstimateBuilder.FromWeights(this, data, omega, lambda, intercept: true);
    }
}
