using LiftPipeline.Statistics.Panels;

namespace LiftPipeline.Statistics.Estimators;

/// <summary>One post period's effect on the average treated unit (observed − counterfactual).</summary>
public readonly record struct PeriodEffect(Period Period, double Effect);

/// <summary>A control unit's weight in the synthetic control.</summary>
public readonly record struct UnitWeight(string Unit, double Weight);

/// <summary>A pre period's weight in the synthetic pre-period baseline (SDID's λ).</summary>
public readonly record struct TimeWeight(Period Period, double Weight);

/// <summary>
/// Pre-period fit of the counterfactual to the average treated unit: root mean squared error, the L2 imbalance
/// ‖ȳ_tr,pre − ŷ_pre‖₂, and that imbalance divided by the imbalance of equal control weights.
/// </summary>
public readonly record struct PreFit(double Rmse, double L2Imbalance, double ScaledL2Imbalance);

/// <summary>
/// What a panel estimator found, self-describing: the estimator and the data it ran on (so variance estimators
/// re-run exactly the same thing), the ATT, the per-period effects, the average treated unit's observed and
/// counterfactual paths over all T periods, weights where the estimator has them, pre-period fit, lift and
/// incremental total. Immutable.
/// </summary>
public sealed record PanelEstimate
{
    /// <summary>The estimator that produced this estimate, with its options.</summary>
    public required IPanelEstimator Estimator { get; init; }

    /// <summary>The data it was computed from.</summary>
    public required BlockPanel Data { get; init; }

    /// <summary>τ̂, the average effect on the treated over treated cells.</summary>
    public required double Att { get; init; }

    /// <summary>Effect per post period on the average treated unit.</summary>
    public required IReadOnlyList<PeriodEffect> Effects { get; init; }

    /// <summary>The average treated unit's observed path, all T periods.</summary>
    public required IReadOnlyList<double> Observed { get; init; }

    /// <summary>The average treated unit's counterfactual path, all T periods.</summary>
    public required IReadOnlyList<double> Counterfactual { get; init; }

    /// <summary>Control unit weights (ω), when the estimator has them.</summary>
    public IReadOnlyList<UnitWeight>? UnitWeights { get; init; }

    /// <summary>Pre-period weights (λ), when the estimator has them.</summary>
    public IReadOnlyList<TimeWeight>? TimeWeights { get; init; }

    /// <summary>Pre-period fit.</summary>
    public required PreFit Fit { get; init; }

    /// <summary>(Σ observed − Σ counterfactual) ÷ Σ counterfactual over treated cells.</summary>
    public required double Lift { get; init; }

    /// <summary>ATT × treated units × post periods.</summary>
    public required double Incremental { get; init; }

    /// <summary>Tuning parameters the estimator chose (for example MC's λ, the ridge penalty), by name.</summary>
    public IReadOnlyDictionary<string, double> Tuning { get; init; } = new Dictionary<string, double>();

    /// <summary>The estimator variance methods re-run: this one, with its tuning held fixed when it tunes itself.</summary>
    internal IPanelEstimator Replicator => Estimator is ITunedEstimator tuned ? tuned.WithTuningOf(this) : Estimator;

    /// <summary>ω as numbers in control-row order (length N0), when the estimator has unit weights.</summary>
    internal double[]? Omega { get; init; }

    /// <summary>λ as numbers (length T0), when the estimator has time weights.</summary>
    internal double[]? Lambda { get; init; }
}
