using LiftPipeline.Statistics.Panels;
namespace LiftPipeline.Statistics.Estimators;

/// <summary>
/// A panel estimator: a pure function of a block panel, configured by its options at construction.
/// Implementations are immutable and safe to call from several threads at once (placebo replications run in parallel).
/// </summary>
public interface IPanelEstimator
{
    /// <summary>The short name used on the command line and in reports (<c>sdid</c>, <c>sc</c>, …).</summary>
    string Name { get; }

    /// <summary>Estimates the effect of treatment on the treated rows of <paramref name="data"/>.</summary>
    PanelEstimate Estimate(BlockPanel data);
}
