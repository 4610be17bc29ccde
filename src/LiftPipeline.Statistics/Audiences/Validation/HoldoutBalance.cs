using LiftPipeline.Statistics.Experiments.Contrasts;

namespace LiftPipeline.Statistics.Audiences.Validation;

/// <summary>
/// Whether a group's holdout assignment is balanced: the standardised mean difference of every covariate between every
/// non-holdout arm and the holdout, and the sample-ratio test of the arm counts against the planned split. Immutable.
/// </summary>
/// <param name="Arms">Arm names, in allocation order.</param>
/// <param name="Holdout">The index of the holdout arm in <paramref name="Arms"/>.</param>
/// <param name="Counts">Customers per arm.</param>
/// <param name="PlannedShares">The planned share of each arm (null when the plan is unknown: no SRM test).</param>
/// <param name="SampleRatio">The SRM test against <paramref name="PlannedShares"/>, or null without a plan or customers.</param>
/// <param name="Differences">d for each (arm, covariate), arms outer, in order.</param>
public sealed record HoldoutBalance(IReadOnlyList<string> Arms, int Holdout, IReadOnlyList<long> Counts, IReadOnlyList<double>? PlannedShares,
    SampleRatioMismatch? SampleRatio, IReadOnlyList<StandardisedMeanDifference> Differences)
{
    /// <summary>The largest |d| (0 without differences; NaN values are skipped).</summary>
    public double MaxAbsD
    {
        get
        {
            double max = 0;
            foreach (var d in Differences)
            {
                if (!double.IsNaN(d.D))
                {
                    max = Math.Max(max, Math.Abs(d.D));
                }
            }
            return max;
        }
    }

    /// <summary>The differences with |d| ≥ <paramref name="maxSmd"/>.</summary>
    public IReadOnlyList<StandardisedMeanDifference> Imbalanced(double maxSmd) => Differences.Where(d => d.IsImbalanced(maxSmd)).ToArray();

    /// <summary>
    /// The balance of the moments in <paramref name="moments"/> (arms as in <paramref name="arms"/>), with
    /// <paramref name="covariates"/> naming its covariates, against <paramref name="plannedShares"/> (arm order; null: no plan).
    /// </summary>
    /// <exception cref="ArgumentException">The holdout index, arm count or planned shares do not match the arms.</exception>
    public static HoldoutBalance Of(CovariateAccumulator moments, IReadOnlyList<string> arms, int holdout, IReadOnlyList<string> covariates,
        ReadOnlySpan<long> counts, IReadOnlyList<double>? plannedShares)
    {
        ArgumentNullException.ThrowIfNull(moments);
        ArgumentNullException.ThrowIfNull(arms);
        ArgumentNullException.ThrowIfNull(covariates);
        if (arms.Count != moments.Arms || counts.Length != arms.Count || holdout < 0 || holdout >= arms.Count || covariates.Count != moments.Covariates
            || (plannedShares is not null && plannedShares.Count != arms.Count))
        {
            throw new ArgumentException($"balance needs one count and planned share per arm ({arms.Count}) and a holdout among them; got {counts.Length} counts, holdout {holdout}");
        }
        var differences = new List<StandardisedMeanDifference>();
        for (int a = 0; a < arms.Count; a++)
        {
            if (a == holdout)
            {
                continue;
            }
            for (int c = 0; c < covariates.Count; c++)
            {
                differences.Add(StandardisedMeanDifference.Of(covariates[c], arms[a], moments.Moments(a, c), moments.Moments(holdout, c)));
            }
        }
        long total = 0;
        foreach (long n in counts)
        {
            total += n;
        }
        var srm = plannedShares is null || total == 0 ? null : SampleRatioMismatch.Test(counts, plannedShares.ToArray());
        return new HoldoutBalance(arms, holdout, counts.ToArray(), plannedShares, srm, differences);
    }
}
