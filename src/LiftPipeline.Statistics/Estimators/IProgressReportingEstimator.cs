using LiftPipeline.Statistics.Panels;

namespace LiftPipeline.Statistics.Estimators;

/// <summary>
/// An estimator whose point estimate alone can take long (TROP's tuning): it reports progress and honours cancellation.
/// <see cref="IPanelEstimator.Estimate"/> is the same computation without either.
/// </summary>
public interface IProgressReportingEstimator : IPanelEstimator
{
    /// <summary>Estimates the effect, reporting progress to <paramref name="progress"/> (from any thread) when given.</summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    PanelEstimate Estimate(BlockPanel data, IProgress<EstimateProgress>? progress, CancellationToken cancellationToken = default);
}

/// <summary>Progress inside one point estimate: the <paramref name="Stage"/> running (e.g. <c>tuning</c>) and its units of work done out of <paramref name="Total"/>.</summary>
public readonly record struct EstimateProgress(string Stage, long Done, long Total);
