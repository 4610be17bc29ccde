namespace LiftPipeline.Statistics.Estimators;

/// <summary>How the simplex weight problems of SC, DIFP and SDID are solved.</summary>
public enum WeightSolver
{
    /// <summary>Solved to convergence (the default): the true optimum of each weight problem.</summary>
    Exact,

    /// <summary>The synthdid reference's Frank-Wolfe with its stopping rule, iteration cap and sparsification; reproduces its published numbers.</summary>
    Synthdid,
}

/// <summary>Settings every estimator may read when built by name. Defaults: exact solver, seed 1.</summary>
public sealed record PanelEstimatorSettings
{
    /// <summary>Weight solver for SC, DIFP and SDID. Default <see cref="WeightSolver.Exact"/>.</summary>
    public WeightSolver Solver { get; init; } = WeightSolver.Exact;

    /// <summary>Seed for estimators that draw at random (cross-validation folds). Default 1.</summary>
    public int Seed { get; init; } = 1;
}
