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

/// <summary>The panel estimators by command-line name.</summary>
public static class PanelEstimators
{
    /// <summary>Every name <see cref="Create"/> accepts, in the order <c>all</c> runs them.</summary>
    public static IReadOnlyList<string> Names { get; } = ["did", "sc", "difp", "sdid", "mc", "trop", "geolift", "geolift-ridge"];

    /// <summary>The estimator called <paramref name="name"/> (case-insensitive; <c>dwcp</c> is an alias of <c>trop</c>).</summary>
    /// <exception cref="ArgumentException">No estimator has that name.</exception>
    public static IPanelEstimator Create(string name, PanelEstimatorSettings? settings = null)
    {
        settings ??= new PanelEstimatorSettings();
        return name.ToLowerInvariant() switch
        {
            "did" => new DifferenceInDifferences(),
            "geolift" => new GeoLiftSyntheticControl(),
            "geolift-ridge" => new GeoLiftSyntheticControl(ridge: true),
            "mc" => new MatrixCompletion(new MatrixCompletionOptions { Seed = settings.Seed }),
            "trop" or "dwcp" => new TriplyRobustPanel(),
            "sc" => new SynthdidEstimator(SynthdidOptions.SyntheticControl(settings.Solver)),
            "difp" => new SynthdidEstimator(SynthdidOptions.Difp(settings.Solver)),
            "sdid" => new SynthdidEstimator(SynthdidOptions.Sdid(settings.Solver)),
            _ => throw new ArgumentException($"Unknown estimator '{name}'; expected one of {string.Join(", ", Names)} or all."),
        };
    }

    /// <summary>True when <see cref="Create"/> accepts <paramref name="name"/> (a name or an alias).</summary>
    public static bool IsKnown(string name)
    {
        try
        {
            Create(name);
            return true;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
