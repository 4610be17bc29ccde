using MathNet.Numerics.Distributions;

namespace LiftPipeline.Statistics.Decisions.Privacy;

/// <summary>
/// A released estimate and its interval with the privacy noise folded in: Var = SE² + noise variance, the interval
/// value ± z_{1−α/2}·√Var.
/// </summary>
/// <param name="Value">The released (noisy) estimate.</param>
/// <param name="SamplingStandardError">The estimate's standard error before noise.</param>
/// <param name="NoiseStandardDeviation">The standard deviation of the added noise.</param>
/// <param name="StandardError">√(SE² + noise variance), the standard error to report.</param>
/// <param name="Lower">Lower end of the widened interval.</param>
/// <param name="Upper">Upper end of the widened interval.</param>
/// <param name="Alpha">1 − the interval's nominal coverage.</param>
public sealed record NoisyRelease(
    double Value,
    double SamplingStandardError,
    double NoiseStandardDeviation,
    double StandardError,
    double Lower,
    double Upper,
    double Alpha)
{
    /// <summary>The normal interval of <paramref name="value"/> widened for independent noise of the given variance.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A negative or non-finite SE or noise variance, or α outside (0, 1).</exception>
    public static NoisyRelease Widen(double value, double standardError, double noiseVariance, double alpha = 0.05)
    {
        if (!(standardError >= 0 && double.IsFinite(standardError)))
        {
            throw new ArgumentOutOfRangeException(nameof(standardError), standardError, "The standard error must be finite and not negative.");
        }
        if (!(noiseVariance >= 0 && double.IsFinite(noiseVariance)))
        {
            throw new ArgumentOutOfRangeException(nameof(noiseVariance), noiseVariance, "The noise variance must be finite and not negative.");
        }
        if (!(alpha > 0 && alpha < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(alpha), alpha, "alpha must lie strictly between 0 and 1 (e.g. 0.05).");
        }
        // Noise is independent of the sample, so the variances add.
        double se = Math.Sqrt(standardError * standardError + noiseVariance);
        double half = Normal.InvCDF(0, 1, 1 - alpha / 2) * se;
        return new(value, standardError, Math.Sqrt(noiseVariance), se, value - half, value + half, alpha);
    }
}
