using MathNet.Numerics.RootFinding;

namespace LiftPipeline.Statistics.Decisions.Evidence;

/// <summary>
/// Estimators of the between-study variance τ² in y_i ~ N(μ, v_i + τ²) with known v_i. Pure and thread-safe.
/// </summary>
public static class BetweenStudyVariance
{
    /// <summary>
    /// DerSimonian and Laird (1986, Control. Clin. Trials 7:177–188): τ² = max(0, (Q − (k − 1)) / (Σw − Σw²/Σw)),
    /// w_i = 1/v_i. 0 when k = 1.
    /// </summary>
    public static double DerSimonianLaird(ReadOnlySpan<double> effects, ReadOnlySpan<double> variances)
    {
        var q = HeterogeneityTest.CochranQ(effects, variances);
        if (q.DegreesOfFreedom == 0)
        {
            return 0;
        }
        double sumW = 0, sumW2 = 0;
        for (int i = 0; i < variances.Length; i++)
        {
            double w = 1 / variances[i];
            sumW += w;
            sumW2 += w * w;
        }
        return Math.Max(0, (q.Q - q.DegreesOfFreedom) / (sumW - sumW2 / sumW));
    }

    /// <summary>
    /// Restricted maximum likelihood on τ² ≥ 0 (Viechtbauer 2005, J. Educ. Behav. Stat. 30:261–293): the root of the
    /// restricted score U(τ²) = ½[Σ w_i²(y_i − μ̂)² − (Σw − Σw²/Σw)], w_i = 1/(v_i + τ²), found by Brent's method on a
    /// bracket; 0 when U(0) ≤ 0 (the maximum sits on the boundary) or k = 1.
    /// </summary>
    public static double RestrictedMaximumLikelihood(ReadOnlySpan<double> effects, ReadOnlySpan<double> variances)
    {
        HeterogeneityTest.Validate(effects, variances);
        if (effects.Length == 1)
        {
            return 0;
        }
        double[] y = effects.ToArray(), v = variances.ToArray();
        if (RestrictedScore(y, v, 0) <= 0)
        {
            return 0;
        }
        // U > 0 at 0 and U ~ (S/τ⁴ − (k − 1)/τ²)/2 < 0 for large τ², so doubling finds a bracket.
        double upper = Math.Max(DerSimonianLaird(effects, variances), Mean(v));
        for (int i = 0; RestrictedScore(y, v, upper) > 0; i++)
        {
            if (i == 200)
            {
                throw new ArgumentException("The REML estimate of τ² diverged; check the effects and variances are on the same scale.", nameof(effects));
            }
            upper *= 2;
        }
        return Brent.FindRoot(t => RestrictedScore(y, v, t), 0, upper, 1e-12 * Math.Max(1, upper), 500);
    }

    /// <summary>τ² by the chosen estimator (0 for the fixed effect).</summary>
    public static double Estimate(HeterogeneityEstimator estimator, ReadOnlySpan<double> effects, ReadOnlySpan<double> variances) => estimator switch
    {
        HeterogeneityEstimator.FixedEffect => 0,
        HeterogeneityEstimator.DerSimonianLaird => DerSimonianLaird(effects, variances),
        HeterogeneityEstimator.RestrictedMaximumLikelihood => RestrictedMaximumLikelihood(effects, variances),
        _ => throw new ArgumentOutOfRangeException(nameof(estimator), estimator, "Unknown τ² estimator."),
    };

    /// <summary>Twice the derivative of the restricted log-likelihood in τ²: (Py)ᵀ(Py) − tr(P) for an intercept-only model.</summary>
    private static double RestrictedScore(double[] y, double[] v, double tau2)
    {
        double sumW = 0, sumW2 = 0, sumWy = 0;
        for (int i = 0; i < y.Length; i++)
        {
            double w = 1 / (v[i] + tau2);
            sumW += w;
            sumW2 += w * w;
            sumWy += w * y[i];
        }
        double mu = sumWy / sumW, residual = 0;
        for (int i = 0; i < y.Length; i++)
        {
            double r = (y[i] - mu) / (v[i] + tau2);
            residual += r * r;
        }
        return residual - (sumW - sumW2 / sumW);
    }

    private static double Mean(double[] values)
    {
        double sum = 0;
        foreach (double x in values)
        {
            sum += x;
        }
        return sum / values.Length;
    }
}
