namespace LiftPipeline.Statistics.Experiments.Contrasts;

/// <summary>
/// Always-valid intervals: the normal-mixture confidence sequence, which covers the effect at every look
/// simultaneously with probability ≥ 1 − α, so an experiment may be read daily and stopped at any time (Howard,
/// Ramdas, McAuliffe and Sekhon 2021, "Time-uniform, nonparametric, nonasymptotic confidence sequences", Ann. Statist.;
/// in its asymptotic form, Waudby-Smith et al. 2023, "Time-uniform central limit theory and asymptotic confidence
/// sequences", arXiv 2103.06476, eq. 9). The effect and its variance are those of <see cref="WelchContrast"/>.
/// </summary>
public static class ConfidenceSequence
{
    /// <summary>The default tuning N*: the total sample size at which the sequence is tightest.</summary>
    public const double DefaultTuningN = 5000;

    /// <summary>Mean metrics: the always-valid contrast of ȳ_treatment and ȳ_control.</summary>
    public static ContrastEstimate OfMeans(SampleMoments control, SampleMoments treatment, double tuningN = DefaultTuningN, ContrastOptions? options = null) =>
        Estimate(ArmSummary.OfMean(control), ArmSummary.OfMean(treatment), tuningN, options);

    /// <summary>0/1 metrics: the always-valid contrast of proportions (variance p(1 − p) per unit).</summary>
    public static ContrastEstimate OfProportions(SampleMoments control, SampleMoments treatment, double tuningN = DefaultTuningN, ContrastOptions? options = null) =>
        Estimate(ArmSummary.OfProportion(control), ArmSummary.OfProportion(treatment), tuningN, options);

    /// <summary>
    /// The always-valid contrast at the current look. With N = n_c + n_t units so far and σ̂² = N·Var(Δ̂), the interval is
    /// Δ̂ ± σ̂·<see cref="Margin"/>(N). The p-value is the mixture martingale's 1/Λ_N, capped at 1: it is below α exactly
    /// when the interval excludes 0, and stays valid under continuous monitoring.
    /// </summary>
    /// <param name="control">Control arm so far.</param>
    /// <param name="treatment">Treatment arm so far.</param>
    /// <param name="tuningN">N*, the total sample size the mixture is tuned for (gbstats' sequential tuning parameter); &gt; 0.</param>
    /// <param name="options">Level and scale; the alternative must be two-sided.</param>
    /// <exception cref="ArgumentOutOfRangeException">N* ≤ 0, α outside (0, 1), or a one-sided alternative.</exception>
    public static ContrastEstimate Estimate(ArmSummary control, ArmSummary treatment, double tuningN = DefaultTuningN, ContrastOptions? options = null)
    {
        options ??= ContrastOptions.Default;
        options.Validate();
        if (options.Alternative != TestAlternative.TwoSided)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.Alternative, "The confidence sequence is two-sided; use TestAlternative.TwoSided.");
        }
        double rho2 = MixingVariance(tuningN, options.Alpha);
        var (effect, variance) = WelchContrast.Point(control, treatment, options.Scale);
        double n = control.N + treatment.N;
        double half = Math.Sqrt(variance * n) * Margin(n, rho2, options.Alpha);
        double a = n * rho2 + 1;
        // 1/Λ_N for the normal mixture: √(Nρ²+1)·exp(−Δ̂²Nρ² / (2 Var(Δ̂)(Nρ²+1))).
        double p = Math.Min(1, Math.Sqrt(a) * Math.Exp(-effect * effect * n * rho2 / (2 * variance * a)));
        return new("sequential", effect, Math.Sqrt(variance), effect - half, effect + half, p, double.PositiveInfinity,
            control.UnadjustedMean, treatment.UnadjustedMean, options);
    }

    /// <summary>
    /// ρ² = (−2 ln α + ln(1 − 2 ln α)) / N*: the mixing variance that makes the boundary tightest near N* units
    /// (Waudby-Smith et al. 2023, the closed-form approximation to the optimal ρ).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">N* ≤ 0.</exception>
    public static double MixingVariance(double tuningN, double alpha)
    {
        if (!(tuningN > 0))
        {
            throw new ArgumentOutOfRangeException(nameof(tuningN), tuningN, "The sequential tuning N* must be a positive sample size (e.g. the planned total).");
        }
        double l = -2 * Math.Log(alpha);
        return (l + Math.Log(l + 1)) / tuningN;
    }

    /// <summary>
    /// The unit-variance boundary √(2(Nρ² + 1)·ln(√(Nρ² + 1)/α) / (N²ρ²)) (Howard et al. 2021, normal mixture;
    /// Waudby-Smith et al. 2023, eq. 9).
    /// </summary>
    public static double Margin(double n, double rho2, double alpha)
    {
        double a = n * rho2 + 1;
        return Math.Sqrt(2 * a * Math.Log(Math.Sqrt(a) / alpha) / (n * n * rho2));
    }
}
