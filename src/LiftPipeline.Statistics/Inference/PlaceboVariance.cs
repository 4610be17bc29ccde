using LiftPipeline.Statistics.Estimators;

namespace LiftPipeline.Statistics.Inference;

/// <summary>
/// Placebo variance (Arkhangelsky et al. 2021, Algorithm 4): in each replication N1 randomly chosen controls play
/// the treated units, the estimator is re-run on the controls only (for the synthdid family: same penalties,
/// weights warm-started from the original), and se = √((r−1)/r)·sd of the placebo estimates; each period's standard
/// error is the same spread of that period's placebo effects. Needs N0 &gt; N1.
/// Thread-safe; replications run in parallel and reproduce from the seed whatever the degree of parallelism.
/// </summary>
/// <param name="options">Replications, seed, level and degree of parallelism.</param>
public sealed class PlaceboVariance(VarianceOptions options) : IVarianceEstimator
{
    /// <inheritdoc />
    public string Name => "placebo";

    /// <inheritdoc />
    public Uncertainty Estimate(PanelEstimate estimate, CancellationToken cancellationToken = default)
    {
        var data = estimate.Data;
        if (data.N0 <= data.N1)
        {
            throw new MeasurementNotPossibleException($"Placebo variance needs more control units than treated ones (N0={data.N0}, N1={data.N1}); use bootstrap or jackknife.");
        }
        var reestimate = Replications.Reestimate(estimate, updateWeights: true);
        var draws = Replications.Run(options.Replications, data.T1, options, (_, random, effects) =>
        {
            var rows = new int[data.N0];
            for (int i = 0; i < rows.Length; i++)
            {
                rows[i] = i;
            }
            random.Shuffle(rows);
            return reestimate(rows, data.N0 - data.N1, effects);
        }, cancellationToken);
        return draws.ToUncertainty(Name, estimate.Att, options.Replications, options.Level);
    }
}
