namespace LiftPipeline.Statistics.Estimators;

/// <summary>
/// An estimator that chooses tuning parameters from the data by cross-validation (MC's λ, TROP's λ_time, λ_unit,
/// λ_nn). Variance methods re-run it with the tuning of the original estimate held fixed — the way synthdid keeps
/// its penalties fixed in placebo runs — so a replication costs one fit rather than a new search. This ignores the
/// variability of the tuning step itself, which is small next to the variability of τ̂.
/// </summary>
public interface ITunedEstimator : IPanelEstimator
{
    /// <summary>The same estimator with every tuning parameter fixed at the value <paramref name="estimate"/> chose.</summary>
    IPanelEstimator WithTuningOf(PanelEstimate estimate);
}
