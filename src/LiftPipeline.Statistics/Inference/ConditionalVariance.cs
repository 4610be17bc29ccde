using LiftPipeline.Statistics.Estimators;

namespace LiftPipeline.Statistics.Inference;

/// <summary>
/// The conditional variance: Var(τ̂ | the treated units and the treated periods), estimated under a two-way
/// (multiplicative) heteroskedasticity model σ²_it = a_i·b_t in the spirit of Almeida, Olaizola, Lestant, Imbens and
/// Athey (2025), who show the unit placebo targets the variance conditional on the treated periods and the time
/// placebo the variance conditional on the treated units, and propose an estimator allowing heteroskedasticity along
/// both. Here V = V_unit · V_time / V_unit×time: the unit placebo supplies the post periods' scale, the time placebo
/// the treated units' scale, and the unit × time placebo (controls in pre windows) the common scale counted twice.
/// Its marginal counterpart is the unit placebo (synthdid's placebo, exchangeability across units), which is right
/// when the treated units are as noisy as the controls; this one is preferred when they are not (for example one
/// large treated market), at the price of fewer effective placebo draws along time.
/// Reports the normal interval τ̂ ± z·se and warns when its thinnest component has fewer than
/// <see cref="Uncertainty.MinimumDistinctReplications"/> distinct values. Needs N0 &gt; N1 and T0 &gt; T1. Runs 2·Replications + T0 − T1 + 1 re-estimates.
/// </summary>
public sealed class ConditionalVariance : IVarianceEstimator
{
    private readonly VarianceOptions _options;

    /// <summary>The conditional variance with the given options (replications, seed, level, parallelism).</summary>
    public ConditionalVariance(VarianceOptions? options = null) => _options = options ?? new VarianceOptions();

    /// <inheritdoc />
    public string Name => "conditional";

    /// <inheritdoc />
    /// <exception cref="MeasurementNotPossibleException">N0 ≤ N1 or T0 ≤ T1.</exception>
    public Uncertainty Estimate(PanelEstimate estimate, CancellationToken cancellationToken = default)
    {
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, _options.MaxDegreeOfParallelism), CancellationToken = cancellationToken };
        var data = estimate.Data;
        int r = Math.Max(2, _options.Replications);
        var unit = PlaceboComponents.UnitPlaceboEstimates(estimate.Replicator, data, r, _options.Seed, parallel);
        var time = PlaceboComponents.TimePlaceboEstimates(estimate.Replicator, data, parallel);
        var both = PlaceboComponents.UnitTimePlaceboEstimates(estimate.Replicator, data, r, unchecked(_options.Seed + 7919), parallel);
        double bothSquare = PlaceboComponents.MeanSquare(both);
        // Two-way variance model σ²_it = a_i b_t: V(treated units, post) = V(controls, post) · V(treated, pre) / V(controls, pre).
        double variance = bothSquare > 0 ? PlaceboComponents.MeanSquare(unit) * PlaceboComponents.MeanSquare(time) / bothSquare : double.NaN;
        // The ratio is only as sure as its thinnest component: the time placebo's few windows, or the few distinct sets of controls.
        int distinct = Math.Min(Uncertainty.CountDistinct(unit), Math.Min(time.Length, Uncertainty.CountDistinct(both)));
        return Uncertainty.FromStandardError(Name, estimate.Att, Math.Sqrt(variance), r, _options.Level).WithDistinctReplications(distinct);
    }
}
