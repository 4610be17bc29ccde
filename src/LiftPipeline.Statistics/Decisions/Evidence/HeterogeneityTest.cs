using MathNet.Numerics.Distributions;

namespace LiftPipeline.Statistics.Decisions.Evidence;

/// <summary>
/// Cochran's Q test of "all k estimates share one true effect": Q = Σ w_i (y_i − ȳ_w)² with w_i = 1/v_i and ȳ_w the
/// inverse-variance mean, χ² on k − 1 degrees of freedom under the null (Cochran 1954, Biometrics 10:101–129).
/// </summary>
/// <param name="Q">The statistic.</param>
/// <param name="DegreesOfFreedom">k − 1.</param>
/// <param name="PValue">P(χ²_{k−1} ≥ Q); NaN when k = 1.</param>
/// <param name="CommonEffect">The inverse-variance (fixed-effect) mean ȳ_w.</param>
/// <param name="CommonEffectVariance">Its variance 1/Σw_i.</param>
public readonly record struct HeterogeneityTest(double Q, int DegreesOfFreedom, double PValue, double CommonEffect, double CommonEffectVariance)
{
    /// <summary>True when the p-value is below α: the estimates differ by more than their sampling error.</summary>
    public bool IsSignificant(double alpha) => PValue < alpha;

    /// <summary>Cochran's Q of estimates y with sampling variances v (the one place Q is computed).</summary>
    /// <exception cref="ArgumentException">Empty input, lengths differ, or a variance that is not finite and positive, or an effect that is not finite.</exception>
    public static HeterogeneityTest CochranQ(ReadOnlySpan<double> effects, ReadOnlySpan<double> variances)
    {
        Validate(effects, variances);
        double sumW = 0, sumWy = 0;
        for (int i = 0; i < effects.Length; i++)
        {
            sumW += 1 / variances[i];
            sumWy += effects[i] / variances[i];
        }
        double mean = sumWy / sumW, q = 0;
        for (int i = 0; i < effects.Length; i++)
        {
            double d = effects[i] - mean;
            q += d * d / variances[i];
        }
        int df = effects.Length - 1;
        double p = df == 0 ? double.NaN : 1 - ChiSquared.CDF(df, q);
        return new(q, df, p, mean, 1 / sumW);
    }

    /// <summary>Rejects inputs no meta-analysis can use, with a message that names the study.</summary>
    internal static void Validate(ReadOnlySpan<double> effects, ReadOnlySpan<double> variances)
    {
        if (effects.Length == 0)
        {
            throw new ArgumentException("At least one study estimate is needed.", nameof(effects));
        }
        if (effects.Length != variances.Length)
        {
            throw new ArgumentException($"{effects.Length} effects but {variances.Length} variances; give one variance per effect.", nameof(variances));
        }
        for (int i = 0; i < effects.Length; i++)
        {
            if (!double.IsFinite(effects[i]))
            {
                throw new ArgumentException($"Study {i} has effect {effects[i]}; every effect must be a finite number.", nameof(effects));
            }
            if (!(variances[i] > 0 && double.IsFinite(variances[i])))
            {
                throw new ArgumentException(
                    $"Study {i} has sampling variance {variances[i]}; every variance must be finite and positive (a variance of 0 would give the study infinite weight).",
                    nameof(variances));
            }
        }
    }
}
