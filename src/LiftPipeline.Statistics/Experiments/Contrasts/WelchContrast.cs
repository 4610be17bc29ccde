using MathNet.Numerics.Distributions;

namespace LiftPipeline.Statistics.Experiments.Contrasts;

/// <summary>
/// The fixed-horizon contrast of two independent arms: the difference of their estimates (absolute) or the lift over
/// the control (relative, delta method), tested with Welch's t and the Welch–Satterthwaite degrees of freedom
/// (Welch 1947, Biometrika 34:28–35). Pure functions of sufficient statistics; thread-safe.
/// </summary>
public static class WelchContrast
{
    /// <summary>Mean metrics (revenue per customer): the contrast of ȳ_treatment and ȳ_control.</summary>
    public static ContrastEstimate OfMeans(SampleMoments control, SampleMoments treatment, ContrastOptions? options = null) =>
        Estimate(ArmSummary.OfMean(control), ArmSummary.OfMean(treatment), options, "welch");

    /// <summary>0/1 metrics (conversion): the contrast of proportions with variance p(1 − p) per unit.</summary>
    public static ContrastEstimate OfProportions(SampleMoments control, SampleMoments treatment, ContrastOptions? options = null) =>
        Estimate(ArmSummary.OfProportion(control), ArmSummary.OfProportion(treatment), options, "binomial");

    /// <summary>Ratio metrics Σy/Σx per arm (revenue per order), each arm's variance by the delta method.</summary>
    public static ContrastEstimate OfRatios(PairedMoments control, PairedMoments treatment, ContrastOptions? options = null) =>
        Estimate(ArmSummary.OfRatio(control), ArmSummary.OfRatio(treatment), options, "ratio");

    /// <summary>
    /// The contrast of two arm summaries. Absolute: Δ = m_t − m_c, Var = v_t/n_t + v_c/n_c. Relative:
    /// Δ = (m_t − m_c)/|u_c| with u the unadjusted mean, Var = v_t/(n_t u_c²) + v_c u_t²/(n_c u_c⁴) (delta method for a
    /// ratio of independent means, as in gbstats). NaN effect when a relative lift's control mean is 0.
    /// </summary>
    /// <param name="control">The control arm.</param>
    /// <param name="treatment">The treatment arm.</param>
    /// <param name="options">Level, scale and alternative; <see cref="ContrastOptions.Default"/> when null.</param>
    /// <param name="method">The name recorded in the result.</param>
    /// <exception cref="ArgumentOutOfRangeException">α outside (0, 1).</exception>
    public static ContrastEstimate Estimate(ArmSummary control, ArmSummary treatment, ContrastOptions? options = null, string method = "welch")
    {
        options ??= ContrastOptions.Default;
        options.Validate();
        var (effect, variance) = Point(control, treatment, options.Scale);
        double se = Math.Sqrt(variance);
        double df = WelchDegreesOfFreedom(control, treatment);
        var (lower, upper, p) = TTest(effect, se, df, options);
        return new(method, effect, se, lower, upper, p, df, control.UnadjustedMean, treatment.UnadjustedMean, options);
    }

    /// <summary>Welch–Satterthwaite ν = (v_c/n_c + v_t/n_t)² / ((v_c/n_c)²/(n_c − 1) + (v_t/n_t)²/(n_t − 1)).</summary>
    public static double WelchDegreesOfFreedom(ArmSummary control, ArmSummary treatment)
    {
        double c = control.UnitVariance / control.N, t = treatment.UnitVariance / treatment.N;
        double df = (c + t) * (c + t) / (c * c / (control.N - 1) + t * t / (treatment.N - 1));
        // Both variances zero: the statistic is degenerate; fall back to the pooled count.
        return double.IsNaN(df) ? control.N + treatment.N - 2 : df;
    }

    /// <summary>The effect and its variance on the requested scale.</summary>
    internal static (double Effect, double Variance) Point(ArmSummary control, ArmSummary treatment, EffectScale scale)
    {
        double c = control.UnitVariance / control.N, t = treatment.UnitVariance / treatment.N;
        double difference = treatment.Mean - control.Mean;
        if (scale == EffectScale.Absolute)
        {
            return (difference, c + t);
        }
        double u = Math.Abs(control.UnadjustedMean);
        if (u == 0)
        {
            return (double.NaN, double.NaN);
        }
        double ut = treatment.UnadjustedMean;
        // Delta method for m_t/m_c with independent arms: Var ≈ Var(m_t)/m_c² + m_t² Var(m_c)/m_c⁴.
        return (difference / u, t / (u * u) + c * ut * ut / (u * u * u * u));
    }

    /// <summary>Interval and p-value of a t statistic with <paramref name="df"/> degrees of freedom (normal when ∞).</summary>
    internal static (double Lower, double Upper, double P) TTest(double effect, double se, double df, ContrastOptions options)
    {
        double alpha = options.Alpha, z = effect / se;
        Func<double, double> cdf = double.IsPositiveInfinity(df) ? x => Normal.CDF(0, 1, x) : x => StudentT.CDF(0, 1, df, x);
        Func<double, double> quantile = double.IsPositiveInfinity(df) ? q => Normal.InvCDF(0, 1, q) : q => StudentT.InvCDF(0, 1, df, q);
        switch (options.Alternative)
        {
            case TestAlternative.Greater:
                return (effect - quantile(1 - alpha) * se, double.PositiveInfinity, 1 - cdf(z));
            case TestAlternative.Less:
                return (double.NegativeInfinity, effect + quantile(1 - alpha) * se, cdf(z));
            default:
                double half = quantile(1 - alpha / 2) * se;
                return (effect - half, effect + half, 2 * (1 - cdf(Math.Abs(z))));
        }
    }
}
