using LiftPipeline.Statistics.Estimators;

namespace LiftPipeline.Statistics.Inference;

/// <summary>
/// A variance estimator: re-runs the estimate's own estimator on perturbed data (placebo assignments, dropped or
/// resampled units, permuted periods) and summarises the spread. Implementations are immutable; every random draw
/// comes from <see cref="VarianceOptions.Seed"/>, so results reproduce.
/// </summary>
public interface IVarianceEstimator
{
    /// <summary>The short name used on the command line (<c>placebo</c>, <c>jackknife</c>, …).</summary>
    string Name { get; }

    /// <summary>The uncertainty of <paramref name="estimate"/>.</summary>
    /// <exception cref="MeasurementNotPossibleException">The design does not allow this method (for example placebo with N0 ≤ N1).</exception>
    Uncertainty Estimate(PanelEstimate estimate, CancellationToken cancellationToken = default);
}

/// <summary>Options shared by the variance estimators. Defaults follow synthdid: 200 replications, 95% intervals.</summary>
public sealed record VarianceOptions
{
    /// <summary>Replications for placebo, bootstrap and conformal permutations. Default 200.</summary>
    public int Replications { get; init; } = 200;

    /// <summary>Seed for every random draw. Default 1.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>Confidence level of reported intervals. Default 0.95.</summary>
    public double Level { get; init; } = 0.95;

    /// <summary>Worker threads for replications; default the processor count. Results do not depend on it.</summary>
    public int MaxDegreeOfParallelism { get; init; } = Environment.ProcessorCount;

    /// <summary>Reports completed replications, for progress bars on long runs.</summary>
    public IProgress<int>? Progress { get; init; }
}
