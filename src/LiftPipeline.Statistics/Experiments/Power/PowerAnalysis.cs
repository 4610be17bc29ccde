using LiftPipeline.Statistics.Experiments.Contrasts;
using MathNet.Numerics.Distributions;

namespace LiftPipeline.Statistics.Experiments.Power;

/// <summary>
/// Analytic power for a difference in means between each of k treatment arms and one control, by the normal
/// approximation: δ = (z₁₋α′ + z₁₋β)·σ·√(1/n_t + 1/n_c), which for equal arms gives the classic
/// n = 2(z₁₋α/2 + z₁₋β)²σ²/δ² per arm (Chow, Shao &amp; Wang 2008, §3.2.1). With k &gt; 1 the level is split
/// Bonferroni-style, α′ = α/k — also Holm's first step, so the plan is conservative for a Holm analysis. The normal
/// (not t) quantiles are the default because customer-level arms are large; <see cref="TwoSampleTPower"/> gives the
/// t-based answer for small n.
/// </summary>
public static class PowerAnalysis
{
    /// <summary>Arm sizes needed to detect an absolute difference <paramref name="mdeAbsolute"/>.</summary>
    /// <param name="standardDeviation">σ of the metric per customer.</param>
    /// <param name="mdeAbsolute">δ &gt; 0 in the metric's units.</param>
    /// <param name="options">The design; null for defaults.</param>
    /// <param name="baselineMean">The control mean, for <see cref="PowerPlan.MdeRelative"/>; null when unknown.</param>
    /// <param name="dailyTraffic">Eligible customers per day over all arms, for <see cref="PowerPlan.Days"/>; null when unknown.</param>
    /// <exception cref="ArgumentException">A parameter is out of range (see <see cref="PowerOptions"/>).</exception>
    public static PowerPlan SampleSize(double standardDeviation, double mdeAbsolute, PowerOptions? options = null, double? baselineMean = null, double? dailyTraffic = null)
    {
        options ??= new PowerOptions();
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(mdeAbsolute);
        var shares = Shares(options);
        double sd = EffectiveSd(standardDeviation, options), z = ZSum(options);
        double total = 0;
        for (int j = 1; j < shares.Length; j++)
        {
            total = Math.Max(total, z * z * sd * sd * (1 / shares[j] + 1 / shares[0]) / (mdeAbsolute * mdeAbsolute)); // σ²(1/n_t + 1/n_c) = (δ/z)²
        }
        var sizes = new long[shares.Length];
        for (int i = 0; i < shares.Length; i++)
        {
            sizes[i] = (long)Math.Ceiling(total * shares[i] - 1e-9);
        }
        return Plan(sizes, standardDeviation, options, baselineMean, dailyTraffic);
    }

    /// <summary>Arm sizes needed to detect a relative lift <paramref name="mdeRelative"/> of <paramref name="baselineMean"/>.</summary>
    /// <exception cref="ArgumentException">The baseline mean is zero, or a parameter is out of range.</exception>
    public static PowerPlan SampleSizeForRelativeLift(double baselineMean, double standardDeviation, double mdeRelative, PowerOptions? options = null, double? dailyTraffic = null)
    {
        if (baselineMean == 0 || !double.IsFinite(baselineMean))
        {
            throw new ArgumentException("A relative MDE needs a finite, non-zero baseline mean.", nameof(baselineMean));
        }
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(mdeRelative);
        return SampleSize(standardDeviation, mdeRelative * Math.Abs(baselineMean), options, baselineMean, dailyTraffic);
    }

    /// <summary>The minimum detectable effect with the given arm sizes (control first): the largest over treatment arms.</summary>
    /// <exception cref="ArgumentException">The sizes do not match the arms, or one is below 2.</exception>
    public static PowerPlan MinimumDetectableEffect(double standardDeviation, IReadOnlyList<long> armSizes, PowerOptions? options = null, double? baselineMean = null, double? dailyTraffic = null)
    {
        options ??= new PowerOptions();
        ArgumentNullException.ThrowIfNull(armSizes);
        if (armSizes.Count != options.TreatmentArms + 1 || armSizes.Any(n => n < 2))
        {
            throw new ArgumentException($"Expected {options.TreatmentArms + 1} arm sizes (control first), each at least 2; got [{string.Join(", ", armSizes)}].", nameof(armSizes));
        }
        return Plan([.. armSizes], standardDeviation, options, baselineMean, dailyTraffic);
    }

    /// <summary>Splits <paramref name="total"/> customers over the arms by the options' allocation, rounding down.</summary>
    public static long[] SplitTotal(long total, PowerOptions? options = null)
    {
        var shares = Shares(options ?? new PowerOptions());
        return [.. shares.Select(s => (long)Math.Floor(total * s + 1e-9))];
    }

    private static PowerPlan Plan(long[] sizes, double standardDeviation, PowerOptions options, double? baselineMean, double? dailyTraffic)
    {
        double sd = EffectiveSd(standardDeviation, options), z = ZSum(options);
        double mde = 0;
        for (int j = 1; j < sizes.Length; j++)
        {
            mde = Math.Max(mde, z * sd * Math.Sqrt(1.0 / sizes[j] + 1.0 / sizes[0]));
        }
        double relative = baselineMean is double m && m != 0 ? mde / Math.Abs(m) : double.NaN;
        long? days = null;
        if (dailyTraffic is double traffic)
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(traffic, nameof(dailyTraffic));
            days = (long)Math.Ceiling(sizes.Sum() / traffic - 1e-9);
        }
        return new PowerPlan(sizes, mde, relative, days, AlphaPerComparison(options), sd);
    }

    /// <summary>z₁₋α′ + z₁₋β, with α′ = α/k halved again for two-sided tests; m(1, α′) + z₁₋β for the always-valid interval.</summary>
    private static double ZSum(PowerOptions options)
    {
        if (options.Alpha is <= 0 or >= 1 || options.Power is <= 0 or >= 1)
        {
            throw new ArgumentException($"Alpha and power must lie in (0, 1); got alpha {options.Alpha}, power {options.Power}.", nameof(options));
        }
        if (options.AlwaysValid)
        {
            if (!options.TwoSided)
            {
                throw new ArgumentException("The always-valid interval is two-sided; plan it with TwoSided = true.", nameof(options));
            }
            // At the planned horizon r = 1: the confidence sequence's half-width is m(1, α′) standard errors (Howard et al. 2021).
            return InformationTimeSequence.Multiplier(1, AlphaPerComparison(options)) + Normal.InvCDF(0, 1, options.Power);
        }
        double tail = options.TwoSided ? AlphaPerComparison(options) / 2 : AlphaPerComparison(options);
        return Normal.InvCDF(0, 1, 1 - tail) + Normal.InvCDF(0, 1, options.Power);
    }

    private static double AlphaPerComparison(PowerOptions options) => options.Alpha / options.TreatmentArms; // Bonferroni

    private static double EffectiveSd(double standardDeviation, PowerOptions options)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(standardDeviation);
        if (options.CupedR2 is < 0 or >= 1 || options.VarianceInflation < 1)
        {
            throw new ArgumentException($"CUPED R² must lie in [0, 1) and the variance inflation be at least 1; got R² {options.CupedR2}, inflation {options.VarianceInflation}.", nameof(options));
        }
        return standardDeviation * Math.Sqrt((1 - options.CupedR2) * options.VarianceInflation); // CUPED: Var(Y − θX) = σ²(1 − ρ²)
    }

    private static double[] Shares(PowerOptions options)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(options.TreatmentArms, 1);
        int arms = options.TreatmentArms + 1;
        if (options.Allocation is null)
        {
            return [.. Enumerable.Repeat(1.0 / arms, arms)];
        }
        var shares = options.Allocation.ToArray();
        if (shares.Length != arms || shares.Any(s => !(s > 0)) || Math.Abs(shares.Sum() - 1) > 1e-6)
        {
            throw new ArgumentException($"The allocation needs {arms} positive shares (control first) summing to 1; got [{string.Join(", ", shares)}].", nameof(options));
        }
        return shares;
    }
}
