using MathNet.Numerics.Distributions;

namespace LiftPipeline.Statistics.Inference;

/// <summary>
/// How sure an estimate is: standard error, confidence interval and two-sided p-value for τ = 0, with the method
/// and number of replications that produced them. Methods that invert a test (conformal) may report a NaN standard error.
/// </summary>
public sealed record Uncertainty(string Method, double StandardError, double CiLow, double CiHigh, double PValue, int Replications)
{
    /// <summary>The normal-theory interval τ ± z·se and p-value 2Φ(−|τ|/se), as synthdid reports them.</summary>
    public static Uncertainty FromStandardError(string method, double att, double se, int replications, double level = 0.95)
    {
        double z = Normal.InvCDF(0, 1, 0.5 + level / 2);
        double p = se > 0 ? 2 * Normal.CDF(0, 1, -Math.Abs(att) / se) : double.NaN;
        return new Uncertainty(method, se, att - z * se, att + z * se, p, replications);
    }

    /// <summary>Whether <see cref="Method"/> draws random replications (placebo, bootstrap, ...); jackknife, conformal and time placebos draw none.</summary>
    public bool DrawsReplications => VarianceEstimators.UsesReplications(Method);

    /// <summary>The method in words: <c>placebo, 200 replications</c>, or just <c>jackknife</c>.</summary>
    public string Description => DrawsReplications ? $"{Method}, {Replications} replications" : Method;
}
