using MathNet.Numerics;
using MathNet.Numerics.Distributions;
using MathNet.Numerics.RootFinding;

namespace LiftPipeline.Statistics.Experiments.Power;

/// <summary>
/// Exact power of the two-sided, equal-variance two-sample t test with n per group, by the noncentral t distribution —
/// the convention of R's <c>power.t.test</c> (non-strict: only the rejection in the effect's direction counts).
/// For small samples; <see cref="PowerAnalysis"/> uses the normal approximation.
/// </summary>
public static class TwoSampleTPower
{
    /// <summary>P(reject) = P(T′ &gt; t₁₋α/2,ν) with ν = 2(n − 1) and noncentrality √(n/2)·δ/σ.</summary>
    public static double Power(double nPerGroup, double delta, double standardDeviation, double alpha = 0.05)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(nPerGroup, 2);
        double df = 2 * (nPerGroup - 1);
        double critical = StudentT.InvCDF(0, 1, df, 1 - alpha / 2);
        return NoncentralTSurvival(critical, df, Math.Sqrt(nPerGroup / 2) * Math.Abs(delta) / standardDeviation);
    }

    /// <summary>The (fractional) n per group at which <see cref="Power"/> equals <paramref name="power"/>.</summary>
    public static double SampleSizePerGroup(double delta, double standardDeviation, double power, double alpha = 0.05)
    {
        double Shortfall(double n) => Power(n, delta, standardDeviation, alpha) - power;
        var (low, high) = Bracket(Shortfall, NormalApproximation(delta, standardDeviation, power, alpha));
        return Brent.FindRoot(Shortfall, low, high, 1e-10, 200);
    }

    /// <summary>n = 2(z₁₋α/₂ + z_power)²σ²/δ², the z-test's n; the t test needs a little more (its ν is finite).</summary>
    private static double NormalApproximation(double delta, double standardDeviation, double power, double alpha)
    {
        double z = Normal.InvCDF(0, 1, 1 - alpha / 2) + Normal.InvCDF(0, 1, power);
        return 2 * z * z * standardDeviation * standardDeviation / (delta * delta);
    }

    // The root lies just above the normal approximation, so a bracket grown from there takes a few power evaluations.
    // Bracketing [2, 10⁷] instead makes Brent evaluate the noncentral t at ν in the millions, which costs seconds each.
    private static (double Low, double High) Bracket(Func<double, double> shortfall, double normalN)
    {
        const double Smallest = 2, Largest = 1e7;
        double low = double.IsFinite(normalN) ? Math.Clamp(normalN, Smallest, Largest) : Smallest;
        if (shortfall(low) > 0)
        {
            low = Smallest;   // not expected for the t test, but keeps the root inside the bracket
        }
        double high = Math.Min(Largest, low + Math.Max(2, low / 4));
        while (high < Largest && shortfall(high) < 0)
        {
            low = high;
            high = Math.Min(Largest, 2 * high);
        }
        return (low, high);
    }

    /// <summary>
    /// P(T′ &gt; q) for T′ = (Z + λ)/√(V/ν), V ~ χ²_ν: ∫ [1 − Φ(q√(v/ν) − λ)] f_χ²(v) dv (Johnson, Kotz &amp; Balakrishnan
    /// 1995, ch. 31), integrated over the χ² bulk.
    /// </summary>
    private static double NoncentralTSurvival(double q, double df, double noncentrality)
    {
        double spread = Math.Sqrt(2 * df);
        double from = Math.Max(0, df - 40 * spread), to = df + 40 * spread + 50;
        return Integrate.GaussKronrod(
            v => (1 - Normal.CDF(0, 1, q * Math.Sqrt(v / df) - noncentrality)) * ChiSquared.PDF(df, v), from, to, out _, out _, 1e-12, 20, 61);
    }
}
