using LiftPipeline.Statistics.Estimators;

namespace LiftPipeline.Statistics.Inference;

/// <summary>
/// Clustered bootstrap variance (Arkhangelsky et al. 2021, Algorithm 2): each replication resamples N units with
/// replacement (drawing again until it holds both controls and treated units), re-runs the estimator on them
/// (for the synthdid family: same penalties, warm-started weights) and se = √((r−1)/r)·sd, per period likewise.
/// Needs N1 ≥ 2, as the reference. Thread-safe and reproducible from the seed whatever the degree of parallelism.
/// </summary>
/// <param name="options">Replications, seed, level and degree of parallelism.</param>
public sealed class BootstrapVariance(VarianceOptions options) : IVarianceEstimator
{
    /// <inheritdoc />
    public string Name => "bootstrap";

    /// <inheritdoc />
    public Uncertainty Estimate(PanelEstimate estimate, CancellationToken cancellationToken = default)
    {
        var data = estimate.Data;
        if (data.N1 < 2)
        {
            throw new MeasurementNotPossibleException("The bootstrap is not defined with a single treated unit (every resample has it zero or several times); use placebo variance.");
        }
        var reestimate = Replications.Reestimate(estimate, updateWeights: true);
        var draws = Replications.Run(options.Replications, data.T1, options, (_, random, effects) =>
        {
            var rows = new int[data.N];
            int n0;
            do
            {
                n0 = 0;
                for (int k = 0; k < rows.Length; k++)
                {
                    rows[k] = random.Next(data.N);
                    n0 += rows[k] < data.N0 ? 1 : 0;
                }
            }
            while (n0 == 0 || n0 == rows.Length);
            Array.Sort(rows);   // controls first, as the block layout requires
            return reestimate(rows, n0, effects);
        }, cancellationToken);
        // Resamples of N units carry no more information than the smaller group's units: with few treated units the
        // bootstrap variance of their mean is biased down ((n−1)/n), so it counts at most min(N0, N1).
        return draws.ToUncertainty(Name, estimate.Att, options.Replications, options.Level, units: Math.Min(data.N0, data.N1));
    }
}
