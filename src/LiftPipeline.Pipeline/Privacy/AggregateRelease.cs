using LiftPipeline.Statistics.Decisions.Privacy;
using LiftPipeline.Statistics.Experiments;

namespace LiftPipeline.Pipeline.Privacy;

/// <summary>One arm × cell before release: its customers and the moments of each metric (clipped when released with noise).</summary>
/// <param name="Arm">The arm.</param>
/// <param name="Breakdown"><c>overall</c>, <c>segment</c>, <c>surface</c> or <c>market</c>.</param>
/// <param name="Value">The breakdown's value; null for <c>overall</c>.</param>
/// <param name="Customers">The customers.</param>
/// <param name="Metrics">The moments of each metric, in the table's metric order.</param>
public sealed record AggregateCell(string Arm, string Breakdown, string? Value, long Customers, IReadOnlyList<SampleMoments> Metrics);

/// <summary>
/// Releases the aggregate table, exact or with noise. With noise (neighbouring datasets differ by adding or removing one
/// customer): each count gets noise with Δ = 1, each metric's clipped sum Δ = bound and its clipped sum of squares
/// Δ = bound², so that the mean's standard error is computed from released numbers only; means are post-processing.
/// Draws come from the caller's source in row order (the pipeline's is keyed by the campaign's secret noise key and the
/// run id, so reprocessing a run releases the same bytes and nobody without the key can subtract the noise). Pure.
/// </summary>
public static class AggregateRelease
{
    /// <summary>The breakdowns, in the order rows and charges list them.</summary>
    public static IReadOnlyList<string> Breakdowns { get; } = ["overall", "segment", "surface", "market"];

    /// <summary>The released table of <paramref name="cells"/> (already cleared by suppression), exact when <paramref name="noise"/> is null.</summary>
    /// <exception cref="ArgumentOutOfRangeException">α outside (0, 1).</exception>
    /// <param name="campaign">Campaign id.</param>
    /// <param name="runId">Run id.</param>
    /// <param name="minimumCustomers">The suppression minimum the cells were cleared with.</param>
    /// <param name="noise">The noise; null for an exact table.</param>
    /// <param name="metrics">The released metrics, in cell order.</param>
    /// <param name="cells">The cells suppression left.</param>
    /// <param name="alpha">1 − the intervals' level.</param>
    /// <param name="random">The draws of the noise (a <see cref="KeyedNoiseSource"/> in the pipeline); required with <paramref name="noise"/>.</param>
    public static AggregateTable Build(string campaign, string runId, long minimumCustomers, AggregateNoise? noise, IReadOnlyList<string> metrics,
        IReadOnlyList<AggregateCell> cells, double alpha, Random? random = null)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        ArgumentNullException.ThrowIfNull(cells);
        if (noise is not null)
        {
            ArgumentNullException.ThrowIfNull(random);
        }
        var counts = noise?.For(1);
        var sums = new NoiseMechanism?[metrics.Count];
        var squares = new NoiseMechanism?[metrics.Count];
        for (int k = 0; k < metrics.Count && noise is not null; k++)
        {
            double bound = noise.Bounds[metrics[k]];
            (sums[k], squares[k]) = bound > 0 ? (noise.For(bound), noise.For(bound * bound)) : (null, null);
        }
        var rows = new List<AggregateRow>(cells.Count);
        foreach (var cell in cells)
        {
            double n = cell.Customers + (counts?.SampleNoise(random!) ?? 0);
            double released = noise is null ? n : Math.Max(1, n);   // the count floored at 1 before dividing
            var releasedMetrics = new AggregateMetric[metrics.Count];
            for (int k = 0; k < metrics.Count; k++)
            {
                releasedMetrics[k] = noise is null ? Exact(metrics[k], cell.Metrics[k], alpha)
                    : Noisy(metrics[k], cell.Metrics[k], released, counts!, sums[k], squares[k], noise.Bounds[metrics[k]], random!, alpha);
            }
            rows.Add(new AggregateRow(cell.Arm, cell.Breakdown, cell.Value, n, counts is null ? 0 : Math.Sqrt(counts.NoiseVariance), releasedMetrics));
        }
        return new AggregateTable(campaign, runId, minimumCustomers, noise, 1 - alpha, metrics, rows);
    }

    /// <summary>
    /// The ρ of releasing <paramref name="breakdowns"/> breakdowns: each breakdown's cells are disjoint customers (parallel
    /// composition, one charge per breakdown and quantity); breakdowns and quantities (customers, and each metric's sum and
    /// sum of squares) compose sequentially. A metric bounded at 0 is released as 0 without noise and costs nothing.
    /// </summary>
    public static IReadOnlyList<(string What, double Rho)> Charges(AggregateNoise noise, IReadOnlyList<string> metrics, IReadOnlyList<string> breakdowns)
    {
        ArgumentNullException.ThrowIfNull(noise);
        double rho = noise.RhoPerTable;
        var charges = new List<(string, double)>();
        foreach (var breakdown in breakdowns)
        {
            charges.Add(($"{breakdown}/customers", rho));
            foreach (var metric in metrics)
            {
                if (noise.Bounds[metric] > 0)
                {
                    charges.Add(($"{breakdown}/{metric}.sum", rho));
                    charges.Add(($"{breakdown}/{metric}.sumOfSquares", rho));
                }
            }
        }
        return charges;
    }

    private static AggregateMetric Exact(string metric, SampleMoments moments, double alpha)
    {
        double se = moments.N > 1 ? Math.Sqrt(moments.Variance / moments.N) : 0;
        return new AggregateMetric(metric, moments.Sum, 0, NoisyRelease.Widen(moments.Mean, se, 0, alpha));
    }

    /// <summary>
    /// Mean m = S̃/ñ; sampling variance s²/ñ with s² = (Q̃ − S̃²/ñ)/(ñ − 1) clamped to [0, bound²/4] (the largest variance
    /// on [0, bound]); the noise's variance in m by the delta method, (σ_S² + m²σ_n²)/ñ².
    /// </summary>
    private static AggregateMetric Noisy(string metric, SampleMoments moments, double n, NoiseMechanism counts, NoiseMechanism? sums,
        NoiseMechanism? squares, double bound, Random random, double alpha)
    {
        double sum = moments.Sum + (sums?.SampleNoise(random) ?? 0);
        double sumOfSquares = moments.SumSquares + (squares?.SampleNoise(random) ?? 0);
        double mean = sum / n;
        double variance = n > 1 ? Math.Clamp((sumOfSquares - sum * sum / n) / (n - 1), 0, bound * bound / 4) : bound * bound / 4;
        double sumNoise = sums?.NoiseVariance ?? 0;
        double noiseVariance = (sumNoise + mean * mean * counts.NoiseVariance) / (n * n);
        return new AggregateMetric(metric, sum, Math.Sqrt(sumNoise), NoisyRelease.Widen(mean, Math.Sqrt(variance / n), noiseVariance, alpha));
    }
}
