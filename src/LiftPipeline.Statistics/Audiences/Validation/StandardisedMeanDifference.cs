using LiftPipeline.Statistics.Experiments;
using MathNet.Numerics.Distributions;

namespace LiftPipeline.Statistics.Audiences.Validation;

/// <summary>
/// The standardised mean difference of one covariate between an arm and the holdout, d = (x̄_arm − x̄_holdout) /
/// √((s²_arm + s²_holdout)/2): a difference in pooled standard deviations, free of the sample size (unlike a t
/// statistic), so one threshold (|d| &lt; 0.1) fits any audience. Immutable.
/// </summary>
/// <param name="Covariate">The covariate's name.</param>
/// <param name="Arm">The arm compared with the holdout.</param>
/// <param name="ArmCount">Customers of the arm with a value.</param>
/// <param name="ArmMean">x̄_arm.</param>
/// <param name="ArmSd">s_arm (n − 1 denominator).</param>
/// <param name="HoldoutCount">Customers of the holdout with a value.</param>
/// <param name="HoldoutMean">x̄_holdout.</param>
/// <param name="HoldoutSd">s_holdout.</param>
/// <param name="D">d; 0 when both standard deviations and the means are equal, ±∞ when the means differ without spread, NaN below two values in an arm.</param>
public sealed record StandardisedMeanDifference(string Covariate, string Arm, long ArmCount, double ArmMean, double ArmSd,
    long HoldoutCount, double HoldoutMean, double HoldoutSd, double D)
{
    /// <summary>True when |d| ≥ <paramref name="maxSmd"/> (an infinite d is; a NaN d, from fewer than two values in an arm, is not).</summary>
    public bool IsImbalanced(double maxSmd) => Math.Abs(D) >= maxSmd;

    /// <summary>The z of a two-sided 0.001 test, the alarm level of the balance check (as of the sample-ratio test).</summary>
    public static readonly double AlarmZ = Normal.InvCDF(0, 1, 1 - 0.001 / 2);

    /// <summary>
    /// The standard error of d under a correct assignment, √(1/n_arm + 1/n_holdout): the large-sample variance of d at
    /// δ = 0 (Hedges and Olkin 1985, "Statistical Methods for Meta-Analysis", ch. 5, without its δ² term). NaN
    /// when an arm has no value.
    /// </summary>
    public double StandardError => ArmCount == 0 || HoldoutCount == 0 ? double.NaN : Math.Sqrt(1.0 / ArmCount + 1.0 / HoldoutCount);

    /// <summary>
    /// P(|d| ≥ <paramref name="maxSmd"/>) under a correct assignment, by the normal approximation 2(1 − Φ(maxSmd / SE)):
    /// how often the check alarms on chance alone.
    /// </summary>
    public double FalseAlarmProbability(double maxSmd) => 2 * MathNet.Numerics.Distributions.Normal.CDF(0, 1, -maxSmd / StandardError);

    /// <summary>
    /// True when the groups are large enough for |d| ≥ <paramref name="maxSmd"/> to mean a broken assignment: a correct
    /// one crosses it with probability under 0.001 (maxSmd ≥ 3.29 SE). Smaller groups cross it by chance.
    /// </summary>
    public bool IsDecisive(double maxSmd) => maxSmd >= AlarmZ * StandardError;

    /// <summary>d between <paramref name="arm"/> and <paramref name="holdout"/>.</summary>
    public static StandardisedMeanDifference Of(string covariate, string arm, SampleMoments armMoments, SampleMoments holdout)
    {
        double meanA = armMoments.Mean, meanH = holdout.Mean;
        double varA = armMoments.Variance, varH = holdout.Variance;
        // Pooled-SD standardised difference for continuous covariates: Austin 2009, "Balance diagnostics…", Stat. Med. 28:3083–3107.
        double pooled = Math.Sqrt((varA + varH) / 2);
        double d = meanA - meanH == 0 && pooled == 0 ? 0 : (meanA - meanH) / pooled;
        return new(covariate, arm, armMoments.N, meanA, Math.Sqrt(varA), holdout.N, meanH, Math.Sqrt(varH), d);
    }
}
