using LiftPipeline.Statistics.Estimators;

namespace LiftPipeline.Statistics.Inference;

/// <summary>
/// Runs variance replications in parallel so that the results do not depend on the degree of parallelism:
/// replication r draws only from its own generator, seeded from (<see cref="VarianceOptions.Seed"/>, r).
/// </summary>
internal static class Replications
{
    /// <summary>
    /// Replications r = 0..count−1 in order: <paramref name="replicate"/>(r, its generator, its row of
    /// <paramref name="width"/> per-period effects) returns τ and fills the row.
    /// </summary>
    public static ReplicationDraws Run(int count, int width, VarianceOptions options, Replicate replicate, CancellationToken cancellationToken)
    {
        RequireEnough(count);
        var values = new double[count];
        var effects = new double[count * width];
        int done = 0;
        var parallel = new ParallelOptions
        {
            MaxDegreeOfParallelism = Math.Max(1, options.MaxDegreeOfParallelism),
            CancellationToken = cancellationToken,
        };
        For(count, parallel, r =>
        {
            values[r] = replicate(r, new Random(Seed(options.Seed, r)), effects.AsSpan(r * width, width));
            options.Progress?.Report(Interlocked.Increment(ref done));
        });
        return new ReplicationDraws(values, effects, width);
    }

    /// <summary>
    /// <see cref="Parallel.For(int, int, ParallelOptions, Action{int})"/> over 0..count−1 that rethrows a re-estimate's
    /// <see cref="MeasurementNotPossibleException"/> unwrapped (a sub-panel the estimator cannot fit), so callers leave the
    /// estimates standing without an uncertainty instead of failing on an <see cref="AggregateException"/>; any other
    /// failure (a bug) stays wrapped and propagates.
    /// </summary>
    public static void For(int count, ParallelOptions parallel, Action<int> body) =>
        DesignProblems.Unwrapped(() => Parallel.For(0, count, parallel, body));

    /// <summary>Throws unless <paramref name="count"/> replications can give a standard error (at least two).</summary>
    /// <exception cref="MeasurementNotPossibleException">Fewer than two replications.</exception>
    public static void RequireEnough(int count)
    {
        if (count < 2)
        {
            throw new MeasurementNotPossibleException($"A standard error needs at least two replications (got {count}); ask for more replications (200 is the default).");
        }
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
    /// τ and the per-period effects on rows of the original data: through the estimator's own re-estimation (warm
    /// starts, fixed penalties) when it has one, otherwise by running it afresh on the selected rows.
    /// </summary>
    public static Reestimate Reestimate(PanelEstimate estimate, bool updateWeights)
    {
        if (estimate.Estimator is IReestimable reestimable)
        {
            var reestimator = reestimable.Reestimator(estimate);
            return (rows, n0, effects) => reestimator.Estimate(rows, n0, updateWeights, effects);
        }
        var estimator = estimate.Replicator;
        return (rows, n0, effects) =>
        {
            var replicated = estimator.Estimate(estimate.Data.WithRows(rows, n0));
            for (int k = 0; k < effects.Length; k++)
            {
                effects[k] = replicated.Effects[k].Effect;
            }
            return replicated.Att;
        };
    }
}

/// <summary>One replication: τ, with the per-period effects written to <paramref name="effects"/>.</summary>
internal delegate double Replicate(int replication, Random random, Span<double> effects);

/// <summary>τ and the per-period effects on rows of an estimate's data, the first <paramref name="n0"/> of them controls.</summary>
internal delegate double Reestimate(int[] rows, int n0, Span<double> effects = default);
