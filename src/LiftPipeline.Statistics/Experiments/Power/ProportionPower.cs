using MathNet.Numerics.Distributions;

namespace LiftPipeline.Statistics.Experiments.Power;

/// <summary>
/// Sample size per group for comparing two proportions by the two-sided z test with pooled variance under the null
/// and unpooled under the alternative (Fleiss, Levin &amp; Paik 2003, eq. 4.14, without continuity correction) — the
/// convention of R's <c>power.prop.test</c> (non-strict).
/// </summary>
public static class ProportionPower
{
    /// <summary>n = (z₁₋α/2·√(2p̄q̄) + z₁₋β·√(p₁q₁ + p₂q₂))² / (p₁ − p₂)², p̄ = (p₁ + p₂)/2; fractional.</summary>
    public static double SampleSizePerGroup(double p1, double p2, double power, double alpha = 0.05)
    {
        if (p1 is <= 0 or >= 1 || p2 is <= 0 or >= 1 || p1 == p2)
        {
            throw new ArgumentException($"Proportions must lie in (0, 1) and differ; got {p1} and {p2}.", nameof(p2));
        }
        double pBar = (p1 + p2) / 2;
        double root = Normal.InvCDF(0, 1, 1 - alpha / 2) * Math.Sqrt(2 * pBar * (1 - pBar))
            + Normal.InvCDF(0, 1, power) * Math.Sqrt(p1 * (1 - p1) + p2 * (1 - p2));
        return root * root / ((p1 - p2) * (p1 - p2));
    }

    /// <summary>Power with n per group: Φ((√n·|p₁ − p₂| − z₁₋α/2·√(2p̄q̄)) / √(p₁q₁ + p₂q₂)).</summary>
    public static double Power(double nPerGroup, double p1, double p2, double alpha = 0.05)
    {
        double pBar = (p1 + p2) / 2;
        double shift = Math.Sqrt(nPerGroup) * Math.Abs(p1 - p2) - Normal.InvCDF(0, 1, 1 - alpha / 2) * Math.Sqrt(2 * pBar * (1 - pBar));
        return Normal.CDF(0, 1, shift / Math.Sqrt(p1 * (1 - p1) + p2 * (1 - p2)));
    }
}
