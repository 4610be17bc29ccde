using LiftPipeline.Statistics.Estimators;

namespace LiftPipeline.Statistics.Inference;

/// <summary>
/// Runs variance replications in parallel so that the results do not depend on the degree of parallelism:
/// replication r draws only from its own generator, seeded from (<see cref="VarianceOptions.Seed"/>, r).
/// </summary>
internal static class Replications
{
    /// <summary>The value of <paramref name="replicate"/>(r, its generator) for r = 0..count−1, in order.</summary>
    public static double[] Run(int count, VarianceOptions options, Func<int, Random, double> replicate, CancellationToken cancellationToken)
    {
        if (count < 2)
        {
            throw new MeasurementNotPossibleException($"A standard error needs at least two replications (got {count}); ask for more replications (200 is the default).");
        }
        var values = new double[count];
        int done = 0;
        var parallel = new ParallelOptions
        {
            MaxDegreeOfParallelism = Math.Max(1, options.MaxDegreeOfParallelism),
            CancellationToken = cancellationToken,
        };
        Parallel.For(0, count, parallel, r =>
        {
            values[r] = replicate(r, new Random(Seed(options.Seed, r)));
            options.Progress?.Report(Interlocked.Increment(ref done));
        });
        return values;
    }

    /// <summary>A generator seed mixed from the run's seed and the replication index (SplitMix64 finaliser).</summary>
    public static int Seed(int seed, int replication)
    {
        unchecked
        {
            ulong z = ((ulong)(uint)seed << 32) | (uint)replication;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            z ^= z >> 31;
            return (int)(z & int.MaxValue);
        }
    }

    /// <summary>√((r−1)/r)·sd, the reference's standard error of r replications (the population standard deviation).</summary>
    public static double StandardError(ReadOnlySpan<double> values)
    {
        double mean = 0;
        foreach (double v in values)
        {
            mean += v;
        }
        mean /= values.Length;
        double squares = 0;
        foreach (double v in values)
        {
            squares += (v - mean) * (v - mean);
        }
        return Math.Sqrt(squares / values.Length);
    }

    /// <summary>
    /// τ on rows of the original data: through the estimator's own re-estimation (warm starts, fixed penalties) when
    /// it has one, otherwise by running it afresh on the selected rows.
    /// </summary>
    public static Func<int[], int, double> Reestimate(PanelEstimate estimate, bool updateWeights)
    {
        if (estimate.Estimator is IReestimable reestimable)
        {
            var reestimator = reestimable.Reestimator(estimate);
            return (rows, n0) => reestimator.Att(rows, n0, updateWeights);
        }
        var estimator = estimate.Replicator;
        return (rows, n0) => estimator.Estimate(estimate.Data.WithRows(rows, n0)).Att;
    }
}
