namespace LiftPipeline.Statistics.Experiments.Contrasts;

/// <summary>
/// One arm reduced to what a two-sample contrast needs: the estimate of its mean, the per-unit variance of that estimate
/// (so Var(mean) = <see cref="UnitVariance"/> / <see cref="N"/>) and the unadjusted mean that a relative lift divides by.
/// Built from sufficient statistics by the factory for the metric's kind.
/// </summary>
/// <param name="N">Units in the arm.</param>
/// <param name="Mean">The arm's estimate: a mean, a proportion, a ratio of sums or a CUPED-adjusted mean.</param>
/// <param name="UnitVariance">n·Var(<paramref name="Mean"/>): the per-unit variance of the estimate.</param>
/// <param name="UnadjustedMean">The arm's plain mean (differs from <paramref name="Mean"/> only under CUPED).</param>
public readonly record struct ArmSummary(long N, double Mean, double UnitVariance, double UnadjustedMean)
{
    /// <summary>A mean metric: ȳ with the unbiased sample variance (<see cref="SampleMoments.Variance"/>, from sums about the moments' shift).</summary>
    /// <exception cref="ArgumentException">Fewer than two units.</exception>
    public static ArmSummary OfMean(SampleMoments y)
    {
        RequireTwo(y.N, nameof(y));
        return new(y.N, y.Mean, y.Variance, y.Mean);
    }

    /// <summary>
    /// A 0/1 metric (conversion): p = Σy/n with variance p(1 − p), no n − 1 correction (the gbstats convention).
    /// <paramref name="y"/> holds n and the successes (<see cref="SampleMoments.Proportion"/>).
    /// </summary>
    /// <exception cref="ArgumentException">Fewer than two units, or successes outside [0, n].</exception>
    public static ArmSummary OfProportion(SampleMoments y)
    {
        RequireTwo(y.N, nameof(y));
        if (y.Sum < 0 || y.Sum > y.N)
        {
            throw new ArgumentException($"A proportion needs 0 ≤ successes ≤ n; got {y.Sum} successes of {y.N}.", nameof(y));
        }
        double p = y.Mean;
        return new(y.N, p, p * (1 - p), p);
    }

    /// <summary>
    /// A ratio metric Σy/Σx (e.g. revenue per order: y = revenue, x = orders per unit), its variance by the delta method
    /// with the unit as the randomisation unit: (s²_y − 2r·s_xy + r²·s²_x)/x̄² with r = ȳ/x̄ (Deng et al. 2018, "Applying
    /// the Delta Method in Metric Analytics", KDD).
    /// </summary>
    /// <exception cref="ArgumentException">Fewer than two units, or Σx = 0.</exception>
    public static ArmSummary OfRatio(PairedMoments yx)
    {
        RequireTwo(yx.N, nameof(yx));
        if (yx.SumX == 0)
        {
            throw new ArgumentException($"A ratio metric needs a non-zero denominator sum; Σx = 0 over {yx.N} units.", nameof(yx));
        }
        double xBar = yx.X.Mean, r = yx.Y.Mean / xBar;
        // Var(ȳ/x̄) ≈ (Var ȳ − 2r Cov(ȳ,x̄) + r² Var x̄)/x̄² (first-order Taylor expansion of ȳ/x̄).
        double unit = (yx.Y.Variance - 2 * r * yx.Covariance + r * r * yx.X.Variance) / (xBar * xBar);
        return new(yx.N, r, Math.Max(0, unit), r);
    }

    /// <summary>
    /// A CUPED-adjusted mean ȳ − θ·x̄ with per-unit variance s²_y + θ²s²_x − 2θ·s_xy (Deng, Xu, Kohavi and Walker 2013,
    /// "Improving the Sensitivity of Online Controlled Experiments by Utilizing Pre-Experiment Data", WSDM). θ must be
    /// common to the arms compared (<see cref="CupedAdjustment.PooledTheta"/>).
    /// </summary>
    /// <exception cref="ArgumentException">Fewer than two units.</exception>
    public static ArmSummary OfCuped(PairedMoments yx, double theta)
    {
        RequireTwo(yx.N, nameof(yx));
        double unit = yx.Y.Variance + theta * theta * yx.X.Variance - 2 * theta * yx.Covariance;
        return new(yx.N, yx.Y.Mean - theta * yx.X.Mean, Math.Max(0, unit), yx.Y.Mean);
    }

    private static void RequireTwo(long n, string name)
    {
        if (n < 2)
        {
            throw new ArgumentException($"An arm needs at least two units for a variance; got {n}.", name);
        }
    }
}
