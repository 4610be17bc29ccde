using LiftPipeline.Statistics.Estimators;

namespace LiftPipeline.Statistics.Inference;

/// <summary>
/// The time placebo variance: the mean square of the estimator's effect for the real treated units in every window of
/// T1 consecutive pre periods (the other pre periods serving as pre), i.e. the variance conditional on the treated
/// units under exchangeability across time (Almeida, Olaizola, Lestant, Imbens and Athey 2025). Works with a single
/// control unit or N0 ≤ N1, where the unit placebo cannot; needs T0 &gt; T1 and is noisy unless T0 is several times
/// T1 (windows overlap), and warns with fewer than <see cref="Uncertainty.MinimumDistinctReplications"/> windows. Reports the normal interval τ̂ ± z·se. Immutable and thread-safe.
/// </summary>
public sealed class TimePlaceboVariance : IVarianceEstimator
{
    private readonly VarianceOptions _options;

    /// <summary>The time placebo with the given options (level and parallelism are used; there is no random draw).</summary>
    public TimePlaceboVariance(VarianceOptions? options = null) => _options = options ?? new VarianceOptions();

    /// <inheritdoc />
    public string Name => "time-placebo";

    /// <inheritdoc />
    /// <exception cref="MeasurementNotPossibleException">T0 ≤ T1.</exception>
    public Uncertainty Estimate(PanelEstimate estimate, CancellationToken cancellationToken = default)
    {
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, _options.MaxDegreeOfParallelism), CancellationToken = cancellationToken };
        var taus = PlaceboComponents.TimePlaceboEstimates(estimate.Replicator, estimate.Data, parallel);
        double variance = PlaceboComponents.MeanSquare(taus);
        return Uncertainty.FromStandardError(Name, estimate.Att, Math.Sqrt(variance), taus.Length, _options.Level).WithDistinctReplications(taus.Length);
    }
}
