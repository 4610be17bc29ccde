namespace LiftPipeline.Statistics.Experiments.Contrasts;

/// <summary>
/// CUPED (Deng, Xu, Kohavi and Walker 2013, WSDM): the contrast of ȳ − θ·x̄ with x a pre-period covariate, θ estimated
/// once over the pooled units of the arms compared so both arms are adjusted alike (the gbstats convention). The
/// adjusted per-unit variance is s²_y(1 − ρ²) at the optimum, so the interval narrows by √(1 − ρ²).
/// </summary>
public static class CupedAdjustment
{
    /// <summary>
    /// θ = Cov(y, x)/Var(x) over the union of <paramref name="arms"/> (n − 1 in both, so it cancels); 0 when x does not
    /// vary.
    /// </summary>
    /// <exception cref="ArgumentException">No arms.</exception>
    public static double PooledTheta(ReadOnlySpan<PairedMoments> arms)
    {
        if (arms.IsEmpty)
        {
            throw new ArgumentException("CUPED's θ needs the moments of at least one arm.", nameof(arms));
        }
        var pooled = default(PairedMoments);
        foreach (var arm in arms)
        {
            pooled += arm;
        }
        double varianceX = pooled.X.Variance;
        return varianceX > 0 ? pooled.Covariance / varianceX : 0;
    }

    /// <summary>
    /// The CUPED contrast of <paramref name="treatment"/> against <paramref name="control"/> (y = outcome, x = pre-period
    /// covariate). θ defaults to <see cref="PooledTheta"/> over the two arms; pass one θ pooled over all arms to adjust a
    /// multi-arm experiment consistently. A relative effect divides by the unadjusted control mean.
    /// </summary>
    public static ContrastEstimate Estimate(PairedMoments control, PairedMoments treatment, ContrastOptions? options = null, double? theta = null)
    {
        options ??= ContrastOptions.Default;
        double t = theta ?? PooledTheta([control, treatment]);
        ArmSummary c = ArmSummary.OfCuped(control, t), tr = ArmSummary.OfCuped(treatment, t);
        if (options.Scale == EffectScale.Absolute)
        {
            return WelchContrast.Estimate(c, tr, options, "cuped");
        }
        options.Validate();
        var (effect, _) = WelchContrast.Point(c, tr, EffectScale.Relative);
        double se = Math.Sqrt(RelativeVariance(control, treatment, t));
        double df = WelchContrast.WelchDegreesOfFreedom(c, tr);
        var (lower, upper, p) = WelchContrast.TTest(effect, se, df, options);
        return new("cuped", effect, se, lower, upper, p, df, c.UnadjustedMean, tr.UnadjustedMean, options);
    }

    /// <summary>
    /// Var of Δ = (ȳ_t − θx̄_t − ȳ_c + θx̄_c)/|ȳ_c| by the delta method in (ȳ_t, x̄_t) and (ȳ_c, x̄_c) with gradient
    /// (1/ȳ_c, −θ/ȳ_c) for the treatment and (−ȳ_t/ȳ_c², θ/ȳ_c) for the control — gbstats' convention, which reproduces
    /// its published CUPED case; with θ = 0 it is the plain ratio-of-means variance.
    /// </summary>
    private static double RelativeVariance(PairedMoments control, PairedMoments treatment, double theta)
    {
        double yc = control.Y.Mean, yt = treatment.Y.Mean;
        double treated = ArmSummary.OfCuped(treatment, theta).UnitVariance / treatment.N / (yc * yc);
        double gy = -yt / (yc * yc), gx = theta / yc;
        double held = (gy * gy * control.Y.Variance + gx * gx * control.X.Variance + 2 * gy * gx * control.Covariance) / control.N;
        return treated + held;
    }
}
