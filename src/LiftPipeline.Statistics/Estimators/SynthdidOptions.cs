namespace LiftPipeline.Statistics.Estimators;

/// <summary>How the synthdid family treats the pre-period (time) weights λ.</summary>
public enum TimeWeighting
{
    /// <summary>No time weights and no intercept: the counterfactual is Σω_i Y_it itself (SC).</summary>
    None,

    /// <summary>Uniform λ = 1/T0 with an intercept (DiD, DIFP).</summary>
    Uniform,

    /// <summary>λ solved on the simplex with penalty ζ_λ and an intercept (SDID).</summary>
    Solved,
}

/// <summary>
/// A configuration of the synthdid weighted estimator (Arkhangelsky et al. 2021, Algorithm 1 and §2): the unit
/// weight penalty ζ_ω = η_ω·σ (σ = sd of the controls' pre-period first differences), whether ω's fit has an
/// intercept, how λ is chosen (ζ_λ = η_λ·σ), and the solver. SC, DIFP and SDID are presets; immutable.
/// </summary>
public sealed record SynthdidOptions
{
    /// <summary>The estimator's command-line name.</summary>
    public required string Name { get; init; }

    /// <summary>η_ω; null means SDID's (N1·T1)^¼.</summary>
    public double? EtaOmega { get; init; }

    /// <summary>Whether ω matches the treated pre-period path up to a constant (SDID, DIFP) or exactly (SC).</summary>
    public bool OmegaIntercept { get; init; } = true;

    /// <summary>How λ is chosen.</summary>
    public TimeWeighting TimeWeights { get; init; } = TimeWeighting.Solved;

    /// <summary>η_λ. Default 1e-6, as the reference.</summary>
    public double EtaLambda { get; init; } = 1e-6;

    /// <summary>Frank-Wolfe's stopping threshold is (MinDecreaseFactor·σ)². Default 1e-5, as the reference.</summary>
    public double MinDecreaseFactor { get; init; } = 1e-5;

    /// <summary>The weight solver. Default <see cref="WeightSolver.Exact"/>.</summary>
    public WeightSolver Solver { get; init; } = WeightSolver.Exact;

    /// <summary>Synthetic difference-in-differences: ζ_ω = (N1·T1)^¼·σ, ω with intercept, λ solved with ζ_λ = 1e-6·σ.</summary>
    public static SynthdidOptions Sdid(WeightSolver solver = WeightSolver.Exact) => new() { Name = "sdid", Solver = solver };

    /// <summary>Synthetic control: ζ_ω = 1e-6·σ, no intercept, no time weights.</summary>
    public static SynthdidOptions SyntheticControl(WeightSolver solver = WeightSolver.Exact) => new()
    {
        Name = "sc", EtaOmega = 1e-6, OmegaIntercept = false, TimeWeights = TimeWeighting.None, Solver = solver,
    };

    /// <summary>DIFP (Doudchenko and Imbens 2016): SC weights with an intercept (ζ_ω = 1e-6·σ) and uniform λ.</summary>
    public static SynthdidOptions Difp(WeightSolver solver = WeightSolver.Exact) => new()
    {
        Name = "difp", EtaOmega = 1e-6, TimeWeights = TimeWeighting.Uniform, Solver = solver,
    };
}
