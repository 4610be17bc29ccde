namespace LiftPipeline.Statistics.Experiments.Contrasts;

/// <summary>
/// The estimated contrast of a treatment arm against its control, with its test and interval. Self-describing: it
/// carries the method and options that produced it.
/// </summary>
/// <param name="Method">What produced it: "welch", "cuped", "ratio", "binomial", "sequential" or "cace".</param>
/// <param name="Effect">Treatment − control on <see cref="ContrastOptions.Scale"/>: metric units (absolute) or a fraction of |control mean| (relative).</param>
/// <param name="StandardError">Standard error of <paramref name="Effect"/>, same scale.</param>
/// <param name="Lower">Lower end of the 1 − α interval; −∞ for a "less" one-sided test.</param>
/// <param name="Upper">Upper end of the 1 − α interval; +∞ for a "greater" one-sided test.</param>
/// <param name="PValue">p-value of "no effect" under <see cref="ContrastOptions.Alternative"/>; always-valid for "sequential".</param>
/// <param name="DegreesOfFreedom">Degrees of freedom of the Student t reference (Welch–Satterthwaite); +∞ when the reference is normal.</param>
/// <param name="ControlMean">The control arm's mean (unadjusted; for a ratio metric its ratio of sums).</param>
/// <param name="TreatmentMean">The treatment arm's mean (unadjusted).</param>
/// <param name="Options">The options used.</param>
public sealed record ContrastEstimate(
    string Method,
    double Effect,
    double StandardError,
    double Lower,
    double Upper,
    double PValue,
    double DegreesOfFreedom,
    double ControlMean,
    double TreatmentMean,
    ContrastOptions Options)
{
    /// <summary>True when the p-value is below α (equivalently the interval excludes 0).</summary>
    public bool IsSignificant => PValue < Options.Alpha;
}
