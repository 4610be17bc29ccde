using MathNet.Numerics;

namespace LiftPipeline.Statistics.Experiments.Contrasts;

/// <summary>
/// The sample-ratio-mismatch check: Pearson's χ² test of the observed arm counts against the planned split. A tiny
/// p-value means assignment or logging is broken and the arms are not comparable (Fabijan et al. 2019, "Diagnosing
/// Sample Ratio Mismatch in Online Controlled Experiments", KDD; the usual alarm is p &lt; 0.001).
/// </summary>
/// <param name="ChiSquare">Σ (o_i − e_i)²/e_i with e_i = n·w_i/Σw.</param>
/// <param name="DegreesOfFreedom">Arms − 1.</param>
/// <param name="PValue">P(χ²_{k−1} ≥ <paramref name="ChiSquare"/>).</param>
public sealed record SampleRatioMismatch(double ChiSquare, int DegreesOfFreedom, double PValue)
{
    /// <summary>The conventional alarm threshold, p &lt; 0.001.</summary>
    public const double DefaultThreshold = 0.001;

    /// <summary>True when <see cref="PValue"/> is below <paramref name="threshold"/>.</summary>
    public bool IsMismatch(double threshold = DefaultThreshold) => PValue < threshold;

    /// <summary>Tests <paramref name="counts"/> (units per arm) against <paramref name="weights"/> (planned shares, any positive scale).</summary>
    /// <exception cref="ArgumentException">Fewer than two arms, lengths differ, a negative count, a non-positive weight, or no units.</exception>
    public static SampleRatioMismatch Test(ReadOnlySpan<long> counts, ReadOnlySpan<double> weights)
    {
        if (counts.Length < 2 || counts.Length != weights.Length)
        {
            throw new ArgumentException($"The SRM test needs one planned weight per arm and at least two arms; got {counts.Length} counts and {weights.Length} weights.", nameof(weights));
        }
        double n = 0, w = 0;
        for (int i = 0; i < counts.Length; i++)
        {
            if (counts[i] < 0 || !(weights[i] > 0))
            {
                throw new ArgumentException($"Arm {i} has count {counts[i]} and weight {weights[i]}; counts must be ≥ 0 and weights > 0.", nameof(counts));
            }
            n += counts[i];
            w += weights[i];
        }
        if (n == 0)
        {
            throw new ArgumentException("The SRM test needs at least one unit; every arm count is 0.", nameof(counts));
        }
        double chi2 = 0;
        for (int i = 0; i < counts.Length; i++)
        {
            double expected = n * weights[i] / w;
            chi2 += (counts[i] - expected) * (counts[i] - expected) / expected;
        }
        int df = counts.Length - 1;
        // The χ² survival function Q(k/2, χ²/2), computed directly so p-values far below 1e-16 keep their precision.
        return new(chi2, df, SpecialFunctions.GammaUpperRegularized(df / 2.0, chi2 / 2));
    }
}
