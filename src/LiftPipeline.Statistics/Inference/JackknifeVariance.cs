using LiftPipeline.Statistics.Estimators;

namespace LiftPipeline.Statistics.Inference;

/// <summary>
/// Jackknife variance (Arkhangelsky et al. 2021, Algorithm 3): leave each of the N units out in turn and recompute τ
/// with the weights held fixed (ω renormalised over the remaining controls, λ unchanged) for the synthdid family
/// (other estimators are re-run); se = √((N−1)/N · Σ(τ₍ᵢ₎ − τ̄)²), and each period's from its leave-one-out effects. Deterministic; uses no replications or seed.
/// </summary>
/// <param name="options">Replications, seed, level and degree of parallelism.</param>
public sealed class JackknifeVariance(VarianceOptions options) : IVarianceEstimator
{
    /// <inheritdoc />
    public string Name => "jackknife";

    /// <inheritdoc />
    /// <exception cref="MeasurementNotPossibleException">One treated unit, one control, or a single control with positive weight: the jackknife is undefined.</exception>
    public Uncertainty Estimate(PanelEstimate estimate, CancellationToken cancellationToken = default)
    {
        var data = estimate.Data;
        if (data.N1 < 2)
        {
            throw new MeasurementNotPossibleException("The jackknife is undefined with a single treated unit (leaving it out leaves nothing treated); use placebo variance.");
        }
        if (data.N0 < 2)
        {
            throw new MeasurementNotPossibleException("The jackknife is undefined with a single control unit (leaving it out leaves no control); use placebo variance with more controls, or the time placebo.");
        }
        if (estimate.Omega is { } omega && omega.Count(w => w != 0) == 1)
        {
            throw new MeasurementNotPossibleException("The jackknife is undefined when one control carries all the weight; use placebo variance.");
        }
        var reestimate = Replications.Reestimate(estimate, updateWeights: false);
        var values = new double[data.N];
        var effects = new double[data.N * data.T1];
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, options.MaxDegreeOfParallelism), CancellationToken = cancellationToken };
        Replications.For(data.N, parallel, left =>
        {
            var rows = new int[data.N - 1];
            for (int i = 0, k = 0; i < data.N; i++)
            {
                if (i != left)
                {
                    rows[k++] = i;
                }
            }
            values[left] = reestimate(rows, left < data.N0 ? data.N0 - 1 : data.N0, effects.AsSpan(left * data.T1, data.T1));
        });
        // √((n−1)/n · Σ(u − ū)²) = √(n−1) times the population standard deviation.
        return new ReplicationDraws(values, effects, data.T1).ToUncertainty(Name, estimate.Att, data.N, options.Level, Math.Sqrt(data.N - 1.0));
    }
}
