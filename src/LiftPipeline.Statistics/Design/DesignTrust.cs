namespace LiftPipeline.Statistics.Design;

/// <summary>
/// When a simulated design's power can be believed. Power counts rejections, so it means something only when the test
/// rejects about alpha of the time with no effect (calibration), and the detected lift at the MDE is near the injected
/// one (otherwise the rejections come from the fit's bias, not the effect). One rule for the ranking, the CLI and the reports.
/// </summary>
public static class DesignTrust
{
    /// <summary>A false-positive rate above this multiple of alpha marks the test as not calibrated.</summary>
    public const double CalibrationTolerance = 2;

    /// <summary>The largest |detected lift − MDE| at the MDE, as a share of |MDE|, of a design that tracks its effect.</summary>
    public const double BiasTolerance = 0.5;

    /// <summary>False when the false-positive rate is measured and above <see cref="CalibrationTolerance"/> × <paramref name="alpha"/>.</summary>
    public static bool IsCalibrated(double? falsePositiveRate, double alpha) =>
        falsePositiveRate is not { } rate || rate <= CalibrationTolerance * alpha;

    /// <summary>True when the detected lift at the MDE is within <see cref="BiasTolerance"/> of the MDE, relative to it.</summary>
    public static bool TracksEffect(MarketCandidate candidate)
    {
        ArgumentNullException.ThrowIfNull(candidate);
        return candidate.AbsLiftInZero <= BiasTolerance * Math.Abs(candidate.EffectSize);
    }

    /// <summary>Calibrated and tracking its effect: the default ranking puts these designs first.</summary>
    public static bool IsTrusted(MarketCandidate candidate, double alpha) =>
        IsCalibrated(candidate?.FalsePositiveRate, alpha) && TracksEffect(candidate!);
}
