namespace LiftPipeline.Statistics.Estimators;

/// <summary>
/// Options of <see cref="MatrixCompletion"/>. Defaults follow the MCPanel reference (<c>mcnnm_cv</c>) as the synthdid
/// paper ran it: 20 penalties (19 log-spaced from λ_max down to λ_max/1000, then 0), 5 random 80/20 training/validation
/// splits of the observed cells, relative objective tolerance 1e-5, at most 400 steps per penalty, seed 1. Immutable.
/// </summary>
public sealed record MatrixCompletionOptions
{
    /// <summary>A fixed penalty λ (no cross-validation) in the reference's scaling; null (default) chooses λ by cross-validation.</summary>
    public double? Lambda { get; init; }

    /// <summary>
    /// With a fixed <see cref="Lambda"/>: reach it by warm starts down the penalty grid, as the cross-validated fit does,
    /// instead of one cold start. Default false. Variance replications of a cross-validated estimate set it, because at
    /// small λ a cold start stops at a different point of the flat directions through the treated cells.
    /// </summary>
    public bool WarmStartPath { get; init; }

    /// <summary>Penalties on the cross-validation grid, the last being 0. Default 20 (as in the synthdid paper's MC runs).</summary>
    public int GridSize { get; init; } = 20;

    /// <summary>Orders of magnitude the grid spans below λ_max before its final 0. Default 3.</summary>
    public double GridDecades { get; init; } = 3;

    /// <summary>Random training/validation splits ("folds" in MCPanel). Default 5.</summary>
    public int Folds { get; init; } = 5;

    /// <summary>Probability that an observed cell is in a split's training set (MCPanel <c>cv_ratio</c>). Default 0.8.</summary>
    public double TrainingFraction { get; init; } = 0.8;

    /// <summary>Stop when the objective's relative decrease falls below this (MCPanel <c>rel_tol</c>). Default 1e-5.</summary>
    public double Tolerance { get; init; } = 1e-5;

    /// <summary>Cap on singular value thresholding steps per penalty (MCPanel <c>niter</c>). Default 400.</summary>
    public int MaxIterations { get; init; } = 400;

    /// <summary>Seed of the training/validation splits. Default 1.</summary>
    public int Seed { get; init; } = 1;
}
