using MathNet.Numerics.Distributions;

namespace LiftPipeline.Statistics.Experiments.Contrasts;

/// <summary>
/// The normal-mixture confidence sequence of any asymptotically normal estimate read again and again as its information
/// grows — a holdout contrast as customers arrive, a panel ATT as post-treatment periods accrue. At the fraction
/// r = I/I* of the planned information I* the interval is θ̂ ± SE·<see cref="Multiplier"/>(r, α); it covers θ at every
/// look simultaneously with probability ≥ 1 − α when the estimates have independent increments (Howard, Ramdas,
/// McAuliffe and Sekhon 2021, "Time-uniform, nonparametric, nonasymptotic confidence sequences", Ann. Statist., normal
/// mixture). With r = N/N* it is exactly <see cref="ConfidenceSequence"/>'s boundary, so holdouts and panels share one
/// always-valid policy. Pure and thread-safe.
/// </summary>
public static class InformationTimeSequence
{
    /// <summary>
    /// κ = −2 ln α + ln(1 − 2 ln α): ρ²·I* of the mixture tuned to be tightest at the planned information
    /// (Waudby-Smith et al. 2023, arXiv 2103.06476, the closed-form optimal ρ; <see cref="ConfidenceSequence.MixingVariance"/> · N*).
    /// </summary>
    public static double Tuning(double alpha)
    {
        double l = -2 * Math.Log(alpha);
        return l + Math.Log(l + 1);
    }

    /// <summary>
    /// The always-valid half-width in standard errors at information fraction <paramref name="fraction"/> = I/I*:
    /// √((1 + κr)/(κr) · (ln(1 + κr) − 2 ln α)) (Howard et al. 2021, normal mixture boundary divided by √I).
    /// Infinite at r = 0; it exceeds the fixed-horizon z₁₋α/₂ at every r.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">α outside (0, 1) or a negative fraction.</exception>
    public static double Multiplier(double fraction, double alpha)
    {
        if (!(alpha > 0 && alpha < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(alpha), alpha, "The significance level must lie strictly between 0 and 1.");
        }
        if (!(fraction >= 0))
        {
            throw new ArgumentOutOfRangeException(nameof(fraction), fraction, "The information fraction must be 0 or more.");
        }
        double x = Tuning(alpha) * fraction;
        return x == 0 ? double.PositiveInfinity : Math.Sqrt((1 + x) / x * (Math.Log(1 + x) - 2 * Math.Log(alpha)));
    }

    /// <summary>
    /// The level of the fixed-horizon two-sided test that rejects exactly when the always-valid interval excludes 0 at the
    /// planned information (r = 1): α′ = 2(1 − Φ(<see cref="Multiplier"/>(1, α))), about 0.0024 at α = 0.05 and 0.0057 at
    /// α = 0.1. A design that plans for the always-valid interval read at its planned end simulates its tests at α′.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">α outside (0, 1).</exception>
    public static double HorizonAlpha(double alpha) => 2 * Normal.CDF(0, 1, -Multiplier(1, alpha));

    /// <summary>The always-valid interval θ̂ ± SE·<see cref="Multiplier"/>(r, α); NaN bounds when the SE is not a positive number.</summary>
    public static (double Lower, double Upper) Interval(double estimate, double standardError, double fraction, double alpha)
    {
        if (!(standardError > 0 && double.IsFinite(standardError) && double.IsFinite(estimate)))
        {
            return (double.NaN, double.NaN);
        }
        double half = standardError * Multiplier(fraction, alpha);
        return (estimate - half, estimate + half);
    }

    /// <summary>
    /// The smallest effect the always-valid interval excludes 0 for with probability <paramref name="power"/> at the
    /// planned horizon: (<see cref="Multiplier"/>(r*, α) + z_power)·SE*, where the horizon is the planned information or
    /// today's, whichever is larger (r* = max(r, 1)), and SE* = SE·√(r / r*) (the SE shrinks as 1/√information).
    /// </summary>
    public static double MinimumDetectable(double standardError, double fraction, double alpha, double power)
    {
        double horizon = Math.Max(fraction, 1);
        return (Multiplier(horizon, alpha) + Normal.InvCDF(0, 1, power)) * standardError * Math.Sqrt(fraction / horizon);
    }

    /// <summary>
    /// How many more looks until the always-valid interval excludes 0 if the estimate stays where it is and information
    /// keeps growing at today's rate (I ∝ looks, so SE ∝ 1/√looks): the smallest k ≥ 0 with |θ̂| &gt; SE·√(t/(t+k))·
    /// <see cref="Multiplier"/>(r·(t+k)/t, α), where t is <paramref name="looksSoFar"/> and r today's fraction. Null when
    /// that takes beyond <paramref name="lastLook"/> looks in all (the planned window), the estimate is 0, or the SE is not
    /// a positive number. 0 when the interval already excludes 0.
    /// </summary>
    /// <param name="estimate">Today's estimate θ̂.</param>
    /// <param name="standardError">Today's standard error.</param>
    /// <param name="fraction">Today's information fraction r = I/I*.</param>
    /// <param name="looksSoFar">Looks (days, periods) whose data today's estimate uses; ≥ 1.</param>
    /// <param name="lastLook">The last look of the planned window, counted like <paramref name="looksSoFar"/>.</param>
    /// <param name="alpha">Significance level.</param>
    public static int? LooksToExclusion(double estimate, double standardError, double fraction, int looksSoFar, int lastLook, double alpha)
    {
        if (!(standardError > 0 && double.IsFinite(standardError) && double.IsFinite(estimate) && estimate != 0 && looksSoFar >= 1 && fraction > 0))
        {
            return null;
        }
        // The half-width falls monotonically as looks accrue, so the first look past the estimate is the answer.
        for (int t = looksSoFar; t <= lastLook; t++)
        {
            double growth = (double)t / looksSoFar;
            if (Math.Abs(estimate) > standardError / Math.Sqrt(growth) * Multiplier(fraction * growth, alpha))
            {
                return t - looksSoFar;
            }
        }
        return null;
    }
}
