namespace LiftPipeline.Statistics.Estimators;

/// <summary>
/// Options of <see cref="TriplyRobustPanel"/>. A tuning parameter given here is held fixed; the others are chosen by
/// leave-one-unit-out pseudo-treatment over the grids (see <see cref="TriplyRobustPanel"/>). Grids are scale-free:
/// <see cref="UnitGrid"/> in multiples of 1/D (D = median RMS gap between a control and a treated unit) and
/// <see cref="NuclearGrid"/> in multiples of λ_max of the uniform-weight matrix-completion problem, so tuning is
/// unchanged when outcomes are rescaled. Immutable.
/// </summary>
public sealed record TriplyRobustPanelOptions
{
    /// <summary>Fixed λ_time (per period of distance; 0 = uniform time weights), or null to tune.</summary>
    public double? LambdaTime { get; init; }

    /// <summary>Fixed λ_unit (per outcome unit of RMS gap; 0 = uniform unit weights), or null to tune.</summary>
    public double? LambdaUnit { get; init; }

    /// <summary>Fixed λ_nn in matrix completion's scaling (∞ = no low-rank term), or null to tune.</summary>
    public double? LambdaNuclear { get; init; }

    /// <summary>λ_time candidates. Default 0, 0.1, 0.3, 1 (weight e^{-λ} per period of distance).</summary>
    public IReadOnlyList<double> TimeGrid { get; init; } = [0, 0.1, 0.3, 1];

    /// <summary>λ_unit candidates in multiples of 1/D. Default 0, 0.5, 1, 2, 4.</summary>
    public IReadOnlyList<double> UnitGrid { get; init; } = [0, 0.5, 1, 2, 4];

    /// <summary>λ_nn candidates in multiples of λ_max (∞ = no low-rank term). Default ∞, 0.3, 0.1, 0.03.</summary>
    public IReadOnlyList<double> NuclearGrid { get; init; } = [double.PositiveInfinity, 0.3, 0.1, 0.03];

    /// <summary>Passes of coordinate-wise search over (λ_time, λ_unit, λ_nn). Default 2.</summary>
    public int Cycles { get; init; } = 2;

    /// <summary>Relative objective tolerance of each weighted low-rank fit. Default 1e-6.</summary>
    public double Tolerance { get; init; } = 1e-6;

    /// <summary>Cap on singular value thresholding steps per fit. Default 500.</summary>
    public int MaxIterations { get; init; } = 500;

    /// <summary>Relative objective tolerance of the fits inside tuning (N0·T1 fits per candidate, so looser). Default 1e-4.</summary>
    public double TuningTolerance { get; init; } = 1e-4;

    /// <summary>Cap on steps per fit inside tuning. Default 100.</summary>
    public int TuningMaxIterations { get; init; } = 100;

    /// <summary>
    /// Cap on the control units pseudo-treated in tuning: with more controls than this, this many are drawn without
    /// replacement (seeded by <see cref="Seed"/>) and the criterion sums over them only. Tuning costs one fit per
    /// pseudo-treated unit, post period and candidate λ, so the cap bounds it independently of N0. Default 40, so
    /// designs with up to 40 controls (Prop99's 38, GeoLift's walkthroughs) use every control.
    /// </summary>
    public int MaxPseudoTreatedUnits { get; init; } = 40;

    /// <summary>
    /// Cap on tuning's work per candidate λ, in panel cells: (pseudo-treated cells) × N0 × T. Each pseudo-treated cell
    /// needs its own weighted fit of the N0×T control panel (when λ_time and λ_unit are both non-zero), so when every post
    /// period of every pseudo-treated unit would exceed the budget, each unit keeps the same number of its post periods,
    /// ⌊budget / (N0·T·units)⌋ but at least one, drawn with <see cref="Seed"/>; every candidate λ is judged on the same
    /// cells. Default 10⁷: panels up to a few hundred controls use every cell (Prop99 uses 5% of it), 1000×200 and
    /// 5000×100 keep one period of each of 40 units. Sampling control cells for this criterion follows the paper's
    /// cross-validation on control observations, made tractable.
    /// </summary>
    public long TuningCellBudget { get; init; } = 10_000_000;

    /// <summary>Seed of the draws of pseudo-treated units and periods when <see cref="MaxPseudoTreatedUnits"/> or <see cref="TuningCellBudget"/> binds. Default 1.</summary>
    public int Seed { get; init; } = 1;
}
